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
  castForVoters,
  findPoll,
  noticeDaysOf,
  openPollsOf,
  ownerHouseholds,
  pollView,
  shortNotice,
  tallyPoll,
  withinElectorate,
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
      // elections (选) and opinion rounds (签字) have their own commands: 投票 without a number means a poll
      const open = (await openPollsOf(tx, compound.id, ctx.now)).filter((p) => p.kind === 'poll')
      if (open.length === 0) throw new UserError('vote.noOpenPoll')
      if (open.length > 1) throw new UserError('vote.whichPoll', { list: open.map((p) => `#${p.no}`).join('、'), no: open[0]!.no })
      no = open[0]!.no
    }
    // FOR SHARE: votes run side by side; closing (FOR UPDATE) waits for them and they see it closed after
    const poll = await findPoll(tx, compound.id, no, 'share')
    if (!poll) throw new UserError('poll.unknown', { no })
    if (poll.kind === 'opinion') throw new UserError('opinion.isOpinion', { no })
    if (poll.kind === 'election') throw new UserError('election.useElect', { no })
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
      voters = await ownerHouseholds(ctx)
    } else {
      voters = [{ key: `m:${ctx.member.id}`, householdId: null, label: person(ctx.member.displayName) }]
    }
    // the electorate frozen at launch decides who votes (and with what weight: see tallyPoll)
    const within = await withinElectorate(ctx, poll, voters)
    const outside = within.outside
    voters = within.inside

    const { changed, replacedOther } = await castForVoters(ctx, poll, voters, choice.indices)
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
