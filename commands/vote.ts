// 投票 / vote: cast or change a vote — `投票 #3 1`, `投票 #3 同意`, `/vote 3 1`, `投票 #3 1,2` (multiple
// choice), or just `投票 同意` while exactly one poll is open; loosely `投票 #3 一`, `投票 #3 B`, `投票 #3 赞成`.
//
// Eligibility (民法典 第二百七十八条: owners decide; 最高法解释 第九条: one vote per exclusive unit):
// - owner polls: only members with a VERIFIED owner binding. A member owning several households casts
//   one ballot per household they own, all with the same choice (their areas add up; tally counts
//   them as one head). Two members of one household share its one vote: the later cast replaces the
//   earlier, and both casts are kept in `ballots`. Tenants and family members are refused with why.
//   Only households of the electorate frozen at launch vote: one added to the roster later is refused.
// - residents polls: the members verified at launch, one vote per person; anyone else is refused with why.
// Polls launched before electorates were frozen (no poll_electorate rows) keep the old rule: any eligible
// member votes.
// Replies go privately; the group sees only 已收到 3-2-201 的投票 (secret polls: not even the room), never
// the choice. A secret poll's private confirmation does not repeat the choice either. A vote cast with a
// launch post's button also updates that post with the counts so far (no voter list).
import { z } from 'zod'
import { formatDeadline, launchButtons, liveLaunchText } from '../src/render/polls.ts'
import { parseVote, resolveChoice } from '../src/domain/poll-syntax.ts'
import { readChoice } from '../src/intents/index.ts'
import {
  castBallot,
  electorateMembership,
  findPoll,
  holdHouseholds,
  noticeDaysOf,
  openPollsOf,
  pollView,
  shortNotice,
  tallyPoll,
} from '../src/services/polls.ts'
import { defineCommand, type Reply, reply, UserError } from '../src/pipeline/command.ts'
import { person } from '../src/domain/group-privacy.ts'

export default defineCommand({
  name: 'vote',
  keywords: { 'zh-CN': ['投票'], 'zh-TW': ['投票'], en: ['vote'] },
  role: 'resident',
  args: z.object({ text: z.string().max(500, 'vote.tooLong') }),
  async run(ctx, { text }) {
    const { t, tx, compound } = ctx
    const parsed = parseVote(text)
    if ('ok' in parsed) throw new UserError(parsed.key, parsed.params, true)
    let no = parsed.pollNo
    if (no === undefined) {
      // an opinion round is signed (签字), not voted
      const open = (await openPollsOf(tx, compound.id, ctx.now)).filter((p) => p.kind !== 'opinion')
      if (open.length === 0) throw new UserError('vote.noOpenPoll')
      if (open.length > 1) throw new UserError('vote.whichPoll', { list: open.map((p) => `#${p.no}`).join('、'), no: open[0]!.no })
      no = open[0]!.no
    }
    // FOR SHARE: votes run side by side; closing (FOR UPDATE) waits for them and they see it closed after
    const poll = await findPoll(tx, compound.id, no, 'share')
    if (!poll) throw new UserError('poll.unknown', { no })
    if (poll.kind === 'opinion') throw new UserError('opinion.isOpinion', { no })
    const deadline = formatDeadline(poll.deadline, compound.timeZone)
    if (poll.status === 'closed') throw new UserError('vote.closed', { no })
    if (poll.deadline.getTime() <= ctx.now.getTime()) throw new UserError('vote.pastDeadline', { no, deadline })
    let choice = resolveChoice(parsed.choice, poll.options, poll.multiple)
    // loose forms: `投票 #2 一`, `投票 #2 A`, `投票 #2 赞成` (src/intents, the reader plain sentences use)
    const loose = choice.ok ? null : readChoice(parsed.choice, poll.options)
    if (loose !== null) choice = { ok: true, indices: [loose] }
    if (!choice.ok) throw new UserError(choice.key, { ...choice.params, no }, choice.key === 'vote.choiceMissing')

    let voters: { key: string; householdId: number | null; label: string }[]
    if (poll.electorate === 'owners') {
      const owned = ctx.bindings
        .filter((b) => b.relation === 'owner' && b.status === 'verified')
        .sort((a, b) => a.household.id - b.household.id) // one lock order: no deadlock between co-owners
      if (owned.length === 0) {
        const rooms = [...new Set(ctx.bindings.map((b) => b.household.code))].join('、')
        if (ctx.bindings.some((b) => b.relation === 'owner')) throw new UserError('vote.ownerPending', { rooms })
        if (ctx.bindings.length > 0) {
          const relation = t(`relation.${ctx.bindings[0]!.relation}`)
          throw new UserError('vote.notOwner', { rooms, relation })
        }
        throw new UserError('vote.notBound')
      }
      // a room the head removed from the roster meanwhile has no vote (its bindings went with it)
      const present = await holdHouseholds(tx, compound.id, owned.map((b) => b.household.id))
      const still = owned.filter((b) => present.has(b.household.id))
      if (still.length === 0) throw new UserError('vote.notBound')
      voters = still.map((b) => ({ key: `h:${b.household.id}`, householdId: b.household.id, label: b.household.code }))
    } else {
      voters = [{ key: `m:${ctx.member.id}`, householdId: null, label: person(ctx.member.displayName) }]
    }
    // the electorate frozen at launch decides who votes (and with what weight: see tallyPoll)
    const outside: string[] = []
    const membership = await electorateMembership(tx, compound.id, poll.id, voters.map((v) => v.key))
    if (membership.frozen) {
      const inside = voters.filter((v) => membership.members.has(v.key))
      outside.push(...voters.filter((v) => !membership.members.has(v.key)).map((v) => v.label))
      if (inside.length === 0) {
        if (poll.electorate === 'residents') throw new UserError('vote.residentNotInElectorate', { no })
        throw new UserError('vote.notInElectorate', { no, rooms: outside.join('、') })
      }
      voters = inside
    }

    let changed = false
    let replacedOther = false
    for (const v of voters) {
      const { previous } = await castBallot(tx, {
        compoundId: compound.id,
        pollId: poll.id,
        voterKey: v.key,
        householdId: v.householdId,
        memberId: ctx.member.id,
        options: choice.indices,
        now: ctx.now,
      })
      if (previous) {
        changed = true
        if (previous.memberId !== ctx.member.id) replacedOther = true
      }
    }
    const who = voters.map((v) => v.label).join('、')
    const params = { no, title: poll.title, who, deadline }
    const lines = poll.secret
      ? [t(changed ? 'vote.changedSecret' : 'vote.recordedSecret', params)]
      : [
          t(changed ? 'vote.changed' : 'vote.recorded', {
            ...params,
            choice: choice.indices.map((i) => `${i + 1}. ${poll.options[i]}`).join('、'),
          }),
        ]
    if (replacedOther) lines.push(t('vote.replacedOther'))
    if (outside.length > 0) lines.push(t('vote.partlyOutside', { no, rooms: outside.join('、') }))
    const ack = poll.secret
      ? t('vote.ackSecret', { no })
      : poll.electorate === 'owners'
        ? t('vote.ackHousehold', { no, who })
        : t('vote.ackPerson', { no, who })
    const out: Reply[] = [reply.private(lines.join('\n'), { groupAck: ack, groupFallback: `${ack}\n${t('vote.cannotDm')}` })]
    // a button press: the launch post it came from shows the tally so far (the adapter limits how often)
    const buttons = ctx.message.origin ? launchButtons(poll) : undefined
    if (buttons) {
      const { snapshot } = await tallyPoll(tx, poll)
      const noticeDays = noticeDaysOf(compound.settings)
      const text = liveLaunchText(t, pollView(poll), snapshot, compound.timeZone, { asOf: ctx.now, urgent: shortNotice(poll, noticeDays), noticeDays })
      out.push({ to: 'origin', text, buttons })
    }
    return out
  },
})
