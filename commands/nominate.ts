// 推荐 / 推薦 / nominate: during an election's nomination period an owner household puts a candidate forward —
// `推荐 #3 张三`, `推荐 @李四` (the number may be left out while one election is nominating). Support is counted per
// household (nominations: one per household and candidate, append-only); a nominee with the election's
// nomination_support households joins the ballot when nomination ends (src/services/nominations.ts).
import { z } from 'zod'
import { optionKey } from '../src/domain/poll-syntax.ts'
import { person } from '../src/domain/group-privacy.ts'
import { formatDeadline } from '../src/render/polls.ts'
import { candidateMember, candidatesOf, insertCandidates, insertNomination, MAX_CANDIDATE_NAME, nominatingOf, supportOf } from '../src/services/elections.ts'
import { findPoll, ownerHouseholds } from '../src/services/polls.ts'
import { defineCommand, reply, UserError } from '../src/pipeline/command.ts'

export default defineCommand({
  name: 'nominate',
  keywords: { 'zh-CN': ['推荐'], 'zh-TW': ['推薦'], en: ['nominate'] },
  role: 'resident',
  parse(raw) {
    const m = /^#?\s*(\d{1,6})(?:\s+(.*))?$/s.exec(raw.trim())
    return m ? { no: Number(m[1]), name: (m[2] ?? '').trim() } : { name: raw.trim() }
  },
  args: z.object({ no: z.number().int().positive().optional(), name: z.string().max(MAX_CANDIDATE_NAME + 1, 'nominate.nameTooLong') }),
  async run(ctx, { no: given, name: written }) {
    const { t, tx, compound } = ctx
    let poll
    if (given !== undefined) {
      poll = await findPoll(tx, compound.id, given, 'share')
      if (!poll) throw new UserError('poll.unknown', { no: given })
      if (poll.kind !== 'election') throw new UserError('election.notElection', { no: given, kind: t(`election.kind.${poll.kind}`) })
    } else {
      const open = (await nominatingOf(tx, compound.id)).filter((p) => (p.nominationUntil?.getTime() ?? 0) > ctx.now.getTime())
      if (open.length === 0) throw new UserError('nominate.noElection')
      if (open.length > 1) throw new UserError('nominate.whichElection', { list: open.map((p) => `#${p.no}`).join('、'), no: open[0]!.no })
      poll = open[0]!
    }
    const no = poll.no
    if (poll.status !== 'nominating') throw new UserError('nominate.notNominating', { no })
    const until = poll.nominationUntil ?? poll.deadline
    if (until.getTime() <= ctx.now.getTime()) throw new UserError('nominate.ended', { no, until: formatDeadline(until, compound.timeZone) })
    if (!written) throw new UserError('nominate.nameMissing', { no }, true)
    const households = await ownerHouseholds(ctx)

    const nominee = await candidateMember(ctx, written)
    const existing = (await candidatesOf(tx, compound.id, poll.id)).find((c) => optionKey(c.name) === optionKey(nominee.name))
    if (existing && existing.idx !== null) throw new UserError('nominate.onBallot', { no, name: person(existing.name) })
    const name = existing?.name ?? nominee.name
    if (!existing) {
      await insertCandidates(tx, [{ compoundId: compound.id, pollId: poll.id, name, memberId: nominee.memberId, source: 'nomination', idx: null, createdAt: ctx.now }])
    }
    let added = 0
    for (const h of households) {
      const done = await insertNomination(tx, { compoundId: compound.id, pollId: poll.id, candidateName: name, householdId: h.householdId, memberId: ctx.member.id, createdAt: ctx.now })
      if (done) added++
    }
    const rooms = households.map((h) => h.label).join('、')
    if (added === 0) throw new UserError('nominate.already', { rooms, name: person(name), no })
    const count = (await supportOf(tx, compound.id, poll.id)).get(name) ?? 0
    return [reply.chat(t('nominate.done', { rooms, name: person(name), no, count, support: poll.nominationSupport ?? 1 }))]
  },
})
