// 签字 / 簽字 / sign: an owner household signs an opinion round (issue 17) — `签字 #3 同意`, `签字 #3 不同意`,
// `签字 #3 同意 但希望晚上不施工` (a stance with a note), `签字 #3 希望晚上不施工` (an opinion only), or without the
// number while exactly one round is open. Syntax: src/domain/opinion.ts parseSign.
//
// Who signs is who votes in an owner poll (commands/vote.ts): members with a verified owner binding, one signature
// per household of the electorate frozen at launch; a later signature replaces the earlier (current_ballots), every
// one is kept (ballots, append-only). The answer goes privately and names the room; the group sees only
// 已收到一份签字（征求意见 #3）, like a secret poll's 投票: no room (the result names nobody, so neither does the ack),
// no stance, no words. A signature given with a launch post's button (Telegram) also updates that post with the
// counts so far (同意 / 不同意 / 只提意见 / 未签字), never a room or a name.
import { z } from 'zod'
import { parseSign, stanceOptions } from '../src/domain/opinion.ts'
import { formatDeadline } from '../src/render/polls.ts'
import { consultButtons, liveConsultText, stanceLabel } from '../src/render/opinions.ts'
import { opinionCounts, openOpinionRounds } from '../src/services/opinions.ts'
import { castBallot, electorateMembership, findPoll, holdHouseholds } from '../src/services/polls.ts'
import { defineCommand, type Reply, reply, UserError } from '../src/pipeline/command.ts'

export default defineCommand({
  name: 'sign',
  keywords: { 'zh-CN': ['签字'], 'zh-TW': ['簽字'], en: ['sign'] },
  role: 'resident',
  args: z.object({ text: z.string().max(600, 'sign.tooLong') }),
  async run(ctx, { text }) {
    const { t, tx, compound } = ctx
    const parsed = parseSign(text)
    if ('ok' in parsed) throw new UserError(parsed.key, parsed.params, true)
    let no = parsed.no
    if (no === undefined) {
      const open = await openOpinionRounds(tx, compound.id, ctx.now)
      if (open.length === 0) throw new UserError('sign.noOpenRound')
      if (open.length > 1) throw new UserError('sign.whichRound', { list: open.map((p) => `#${p.no}`).join('、'), no: open[0]!.no })
      no = open[0]!.no
    }
    // FOR SHARE: signatures run side by side; closing (FOR UPDATE) waits for them
    const round = await findPoll(tx, compound.id, no, 'share')
    if (!round) throw new UserError('opinion.unknown', { no })
    if (round.kind !== 'opinion') throw new UserError('opinion.wrongKind', { no, kind: t(`opinion.kind.${round.kind}`) })
    const deadline = formatDeadline(round.deadline, compound.timeZone)
    if (round.status === 'closed') throw new UserError('sign.closed', { no })
    if (round.deadline.getTime() <= ctx.now.getTime()) throw new UserError('sign.pastDeadline', { no, deadline })

    const owned = ctx.bindings
      .filter((b) => b.relation === 'owner' && b.status === 'verified')
      .sort((a, b) => a.household.id - b.household.id) // one lock order between co-owners
    if (owned.length === 0) {
      const rooms = [...new Set(ctx.bindings.map((b) => b.household.code))].join('、')
      if (ctx.bindings.some((b) => b.relation === 'owner')) throw new UserError('sign.ownerPending', { rooms })
      if (ctx.bindings.length > 0) throw new UserError('sign.notOwner', { rooms, relation: t(`relation.${ctx.bindings[0]!.relation}`) })
      throw new UserError('sign.notBound')
    }
    const present = await holdHouseholds(tx, compound.id, owned.map((b) => b.household.id))
    const still = owned.filter((b) => present.has(b.household.id))
    if (still.length === 0) throw new UserError('sign.notBound')
    let voters = still.map((b) => ({ key: `h:${b.household.id}`, householdId: b.household.id, label: b.household.code }))
    const membership = await electorateMembership(tx, compound.id, round.id, voters.map((v) => v.key))
    const outside = voters.filter((v) => !membership.members.has(v.key)).map((v) => v.label)
    voters = voters.filter((v) => membership.members.has(v.key))
    if (voters.length === 0) throw new UserError('sign.notInElectorate', { no, rooms: outside.join('、') })

    let changed = false
    let replacedOther = false
    for (const v of voters) {
      const { previous } = await castBallot(tx, {
        compoundId: compound.id,
        pollId: round.id,
        voterKey: v.key,
        householdId: v.householdId,
        memberId: ctx.member.id,
        options: stanceOptions(parsed.stance),
        note: parsed.note,
        now: ctx.now,
      })
      if (previous) {
        changed = true
        if (previous.memberId !== ctx.member.id) replacedOther = true
      }
    }
    const who = voters.map((v) => v.label).join('、')
    const note = parsed.note ? t('sign.noteLine', { note: parsed.note }) : ''
    const lines = [t(changed ? 'sign.changed' : 'sign.recorded', { no, title: round.title, who, deadline, stance: stanceLabel(t, parsed.stance), note })]
    if (replacedOther) lines.push(t('sign.replacedOther'))
    if (outside.length > 0) lines.push(t('sign.partlyOutside', { no, rooms: outside.join('、') }))
    const ack = t('sign.ack', { no })
    const out: Reply[] = [reply.private(lines.join('\n'), { groupAck: ack, groupFallback: `${ack}\n${t('sign.cannotDm')}` })]
    // a button press: the launch post it came from shows the counts so far, buttons kept (the adapter limits how often)
    if (ctx.message.origin) {
      const counts = await opinionCounts(tx, round)
      out.push({ to: 'origin', text: liveConsultText(t, round, counts, compound.timeZone, ctx.now), buttons: consultButtons(t, round.no) })
    }
    return out
  },
})
