// 异议 / 異議 / object: during the objection window (公示期) of a closed poll or election, an owner household files
// an objection — `异议 #3 计票漏了 5-101 的纸质票`. Numbered per poll (#3-1, #3-2, …); the committee gets it
// privately with who filed it; the group sees only that one came in. After the window: refused.
// The final announcement lists objections and answers without names (src/services/objections.ts).
import { z } from 'zod'
import { formatDeadline } from '../src/render/polls.ts'
import { committeeOf, insertObjection, windowOf } from '../src/services/objections.ts'
import { findPoll, ownerHouseholds } from '../src/services/polls.ts'
import { person } from '../src/domain/group-privacy.ts'
import { defineCommand, type Reply, reply, UserError } from '../src/pipeline/command.ts'

export default defineCommand({
  name: 'object',
  keywords: { 'zh-CN': ['异议'], 'zh-TW': ['異議'], en: ['object'] },
  role: 'resident',
  parse(raw) {
    const m = /^#?\s*(\d{1,6})\s+(.+)$/s.exec(raw.trim())
    return m ? { no: Number(m[1]), reason: m[2]!.trim() } : { no: null, reason: '' }
  },
  args: z.object({ no: z.number({ message: 'object.reasonMissing' }).int().positive(), reason: z.string().min(1, 'object.reasonMissing').max(500, 'poll.tooLong') }),
  async run(ctx, { no, reason }) {
    const { t, tx, compound } = ctx
    const poll = await findPoll(tx, compound.id, no)
    if (!poll) throw new UserError('poll.unknown', { no })
    if (poll.status !== 'closed') throw new UserError('object.notClosed', { no })
    // the window row is locked: objections of one poll get consecutive numbers
    const window = await windowOf(tx, compound.id, poll.id, 'update')
    if (!window) throw new UserError('object.noWindow', { no })
    const until = formatDeadline(window.until, compound.timeZone)
    if (window.finalAt !== null || window.until.getTime() <= ctx.now.getTime()) throw new UserError('object.windowOver', { no, until })
    const households = await ownerHouseholds(ctx)
    const objection = await insertObjection(tx, {
      compoundId: compound.id,
      pollId: poll.id,
      memberId: ctx.member.id,
      householdId: households[0]!.householdId,
      reason,
      createdAt: ctx.now,
    })
    const k = objection.no
    const who = `${person(ctx.member.displayName)}（${households.map((h) => h.label).join('、')}）`
    const kind = t(`election.kind.${poll.kind}`)
    const out: Reply[] = [reply.private(t('object.done', { no, k, until }), { groupAck: t('object.ack', { no, k }) })]
    for (const memberId of await committeeOf(tx, compound.id)) {
      out.push(reply.member(memberId, t('object.toCommittee', { no, k, kind, title: poll.title, who, reason, until })))
    }
    return out
  },
})
