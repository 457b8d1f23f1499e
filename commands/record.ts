// 代录 / 代錄 / record: a building captain records, for a household of their buildings, what its owner said on
// paper or at the door —
//   `代录 #3 3-2-201 同意`       a vote on poll #3 (the options as 投票 reads them: 1, 同意, 1,2 …)
//   `代录 #4 3-2-201 A C`        an election choice: up to the seats, candidates by letter or name
//   `代录 #5 3-2-201 不同意 …`   an opinion-round signature: 同意 / 不同意 / an opinion alone, with its text
//   `代录 通知 #2 3-2-201`       the household's acknowledgement of notice #2
// A ballot is the household's (voter h:<id>, in the frozen electorate only) with member_id = recorded_by = the
// captain; a photo of the paper sent with the command, or right after it (./record-photo.ts), is kept as its
// evidence. The resident's own later vote replaces it, and a later 代录 replaces theirs (current_ballots).
// The captain gets the details privately; the group sees only that a paper ballot was recorded, never the
// room or the choice; the household's verified members are told privately who recorded it.
import { z } from 'zod'
import { OPINION_OPTIONS, parseCandidateChoice, parseSignature } from '../src/domain/captain-syntax.ts'
import { letterOf } from '../src/domain/election.ts'
import { person } from '../src/domain/group-privacy.ts'
import { resolveChoice } from '../src/domain/poll-syntax.ts'
import { readChoice } from '../src/intents/index.ts'
import { type CompoundContext, defineCommand, type Reply, reply, UserError } from '../src/pipeline/command.ts'
import { formatDeadline } from '../src/render/polls.ts'
import { captainRule, householdAcked, RECORD_PHOTO_WINDOW_MS, noticeByNo, recordNoticeAck, verifiedMemberIdsOf } from '../src/services/captains.ts'
import { castBallot, electorateMembership, findPoll } from '../src/services/polls.ts'
import { requireHousehold, resolveHousehold } from '../src/services/roster.ts'

const NOTICE_WORD = /^(?:通知|notice)\s*/iu

type Args = { notice: boolean; no: number; room: string; choice: string }

export default defineCommand({
  name: 'record',
  keywords: { 'zh-CN': ['代录'], 'zh-TW': ['代錄'], en: ['record'] },
  role: 'head',
  // a captain, for a household of their buildings (the building of the room named)
  or: captainRule<Args>('captainOfRoom', 'record.notCaptain', async (ctx, args) => {
    const found = await resolveHousehold(ctx.tx, ctx.compound.id, args.room)
    return found.ok && found.row ? [found.row.building] : null
  }),
  parse(raw) {
    const notice = NOTICE_WORD.test(raw)
    const rest = raw.replace(NOTICE_WORD, '')
    const m = /^#?\s*(\d{1,6})\s+(\S+)\s*([\s\S]*)$/u.exec(rest.trim())
    if (!m) return { notice, no: undefined, room: '', choice: '' }
    return { notice, no: Number(m[1]), room: m[2]!, choice: m[3]!.trim() }
  },
  maxArgs: 600,
  args: z.object({
    notice: z.boolean(),
    no: z.number({ message: 'record.syntax' }).int().positive(),
    room: z.string().min(1, 'record.syntax').max(40),
    choice: z.string().max(500, 'record.tooLong'),
  }),
  async run(ctx, args) {
    return args.notice ? recordAck(ctx, args) : recordBallot(ctx, args)
  },
})

async function recordBallot(ctx: CompoundContext, args: Args): Promise<Reply[]> {
  const { t, tx, compound } = ctx
  const no = args.no
  // FOR SHARE, as 投票: closing waits for this record, and a record after it sees the poll closed
  const poll = await findPoll(tx, compound.id, no, 'share')
  if (!poll) throw new UserError('poll.unknown', { no })
  if (poll.status === 'nominating') throw new UserError('record.nominating', { no })
  if (poll.status === 'closed') throw new UserError('record.closed', { no })
  if (poll.deadline.getTime() <= ctx.now.getTime()) throw new UserError('record.pastDeadline', { no, deadline: formatDeadline(poll.deadline, compound.timeZone) })
  // a paper ballot is a household's: a residents poll counts persons, who vote themselves
  if (poll.electorate !== 'owners') throw new UserError('record.residentsPoll', { no })
  const household = await requireHousehold(ctx, args.room)
  const key = `h:${household.id}`
  const membership = await electorateMembership(tx, compound.id, poll.id, [key])
  if (!membership.members.has(key)) throw new UserError('record.notInElectorate', { no, room: household.code })

  let options: number[]
  let note: string | null = null
  let choiceText: string
  if (poll.kind === 'election') {
    const c = parseCandidateChoice(args.choice, poll.options, poll.seats ?? 1)
    if (!c.ok) throw new UserError(c.key, { ...c.params, no }, c.key === 'record.choiceMissing')
    options = c.indices
    choiceText = c.indices.map((i) => `${letterOf(i)} ${poll.options[i]}`).join('、')
  } else if (poll.kind === 'opinion') {
    const s = parseSignature(args.choice)
    if (!s.ok) throw new UserError(s.key, { no }, true)
    options = s.options
    note = s.note
    const stance = options.length > 0 ? t(`record.stance.${OPINION_OPTIONS[options[0]!]}`) : t('record.opinionOnly')
    choiceText = note ? `${stance}：${note}` : stance
  } else {
    let choice = resolveChoice(args.choice, poll.options, poll.multiple)
    const loose = choice.ok ? null : readChoice(args.choice, poll.options)
    if (loose !== null) choice = { ok: true, indices: [loose] }
    if (!choice.ok) throw new UserError(choice.key === 'vote.choiceMissing' ? 'record.choiceMissing' : choice.key, { ...choice.params, no }, choice.key === 'vote.choiceMissing')
    options = choice.indices
    choiceText = options.map((i) => `${i + 1}. ${poll.options[i]}`).join('、')
  }

  const image = ctx.message.images.find((i) => i.ref)
  const evidence = image ? { platform: ctx.message.platform, ref: image.ref } : null
  const { previous } = await castBallot(tx, {
    compoundId: compound.id,
    pollId: poll.id,
    voterKey: key,
    householdId: household.id,
    memberId: ctx.member.id,
    options,
    now: ctx.now,
    note,
    recordedBy: ctx.member.id,
    evidence,
  })
  const params = { no, title: poll.title, room: household.code }
  const lines = [poll.secret ? t('record.doneSecret', params) : t('record.done', { ...params, choice: choiceText })]
  if (previous && previous.recordedBy === null) lines.push(t('record.replacedOwn', { room: household.code }))
  lines.push(evidence ? t('record.photoKept') : t('record.photoHint', { minutes: RECORD_PHOTO_WINDOW_MS / 60_000 }))
  // an opinion round's signature is worded as one, and as anonymous as a resident's own 签字
  const ack = t(poll.kind === 'opinion' ? 'record.ackOpinion' : 'record.ack', { no })
  const out: Reply[] = [reply.private(lines.join('\n'), { groupAck: ack, groupFallback: `${ack}\n${t('common.cannotDm', { name: person(ctx.member.displayName) })}` })]
  // the household hears it from the bot too: a paper ballot it did not give is then corrected by voting itself
  for (const memberId of await verifiedMemberIdsOf(tx, compound.id, household.id)) {
    if (memberId !== ctx.member.id) out.push(reply.member(memberId, t(poll.kind === 'opinion' ? 'record.toHouseholdOpinion' : 'record.toHousehold', { ...params, captain: person(ctx.member.displayName) })))
  }
  return out
}

async function recordAck(ctx: CompoundContext, args: Args): Promise<Reply[]> {
  const { t, tx, compound } = ctx
  const notice = await noticeByNo(tx, compound.id, args.no)
  if (!notice) throw new UserError('record.noticeUnknown', { no: args.no })
  const household = await requireHousehold(ctx, args.room)
  const name = person(ctx.member.displayName)
  const privately = (text: string) => reply.private(text, { groupAck: t('common.answeredPrivately', { name }), groupFallback: t('common.cannotDm', { name }) })
  if (await householdAcked(tx, notice.id, household.id)) return [privately(t('record.noticeAlready', { no: notice.no, room: household.code }))]
  const ok = await recordNoticeAck(tx, { compoundId: compound.id, noticeId: notice.id, captainId: ctx.member.id, householdId: household.id, at: ctx.now })
  // a record for the household made meanwhile (two captains, one door)
  if (!ok) return [privately(t('record.noticeAlready', { no: notice.no, room: household.code }))]
  return [privately(t('record.noticeDone', { no: notice.no, room: household.code }))]
}
