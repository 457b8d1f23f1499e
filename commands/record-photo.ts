// A photo a building captain sends within 2 minutes of 代录 is the paper of the ballot just recorded: ballots are
// append-only, so the photo comes as a copy of that ballot with the evidence, which becomes the household's
// current one (both stay in ballots). Only while the recorded ballot still counts and its poll is open; null
// otherwise, so the next handler (an expense receipt) may take the photo.
import { person } from '../src/domain/group-privacy.ts'
import { type PassiveHandler, reply } from '../src/pipeline/command.ts'
import { latestRecordedWithoutEvidence, RECORD_PHOTO_WINDOW_MS } from '../src/services/captains.ts'
import { castBallot } from '../src/services/polls.ts'

export const recordPhotoHandler: PassiveHandler = {
  name: 'record-photo',
  role: 'resident',
  async onImages(ctx) {
    const ref = ctx.message.images.find((i) => i.ref)?.ref
    if (!ref) return null
    const since = new Date(ctx.now.getTime() - RECORD_PHOTO_WINDOW_MS)
    const last = await latestRecordedWithoutEvidence(ctx.tx, ctx.compound.id, ctx.member.id, since, ctx.now)
    if (!last) return null
    const b = last.ballot
    await castBallot(ctx.tx, {
      compoundId: b.compoundId,
      pollId: b.pollId,
      voterKey: b.voterKey,
      householdId: b.householdId,
      memberId: ctx.member.id,
      options: b.options,
      now: ctx.now,
      note: b.note,
      recordedBy: ctx.member.id,
      evidence: { platform: ctx.message.platform, ref },
    })
    const name = person(ctx.member.displayName)
    return [
      reply.private(ctx.t('record.photoAdded', { no: last.pollNo, room: last.code }), {
        groupAck: ctx.t('common.answeredPrivately', { name }),
        groupFallback: ctx.t('common.cannotDm', { name }),
      }),
    ]
  },
}
