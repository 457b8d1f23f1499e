// 发起选举 / 發起選舉 / election: the head starts an election (e.g. of the 物管会). Syntax: src/domain/election-syntax.ts.
// An election is a poll of kind 'election' (shared #n): options are the candidates in ballot order (A, B, …),
// each household marks up to `seats`, counted by the polls' art. 278 rules (src/domain/election.ts). Without a
// nomination period voting opens now and the electorate is frozen now; with one (推荐 <k>户 截止 …) the poll
// starts 'nominating' and the scheduler opens voting when nomination ends (src/services/nominations.ts).
import { z } from 'zod'
import { parseElection } from '../src/domain/election-syntax.ts'
import { ballotText, nominatingText } from '../src/render/elections.ts'
import { candidateMember, electionView, insertCandidates, MAX_CANDIDATE_NAME, MAX_CANDIDATES, MAX_SEATS } from '../src/services/elections.ts'
import { objectionDaysOf } from '../src/services/objections.ts'
import { createPoll, electorateAtLaunch, freezeElectorate } from '../src/services/polls.ts'
import { defineCommand, type Reply, reply, UserError } from '../src/pipeline/command.ts'

export default defineCommand({
  name: 'election',
  keywords: { 'zh-CN': ['发起选举'], 'zh-TW': ['發起選舉'], en: ['election'] },
  role: 'head',
  maxArgs: 2000,
  args: z.object({ text: z.string() }),
  async run(ctx, { text }) {
    const { t, compound, tx } = ctx
    const res = parseElection(text, ctx.now, compound.timeZone, { maxSeats: MAX_SEATS, maxCandidates: MAX_CANDIDATES, maxName: MAX_CANDIDATE_NAME })
    if (!res.ok) throw new UserError(res.key, res.params, true)
    const spec = res.spec
    const voters = await electorateAtLaunch(tx, compound.id, 'owners')
    if (voters.length === 0) throw new UserError('election.noRoster')
    const candidates = []
    for (const written of spec.candidates) candidates.push(await candidateMember(ctx, written))
    const poll = await createPoll(tx, {
      compoundId: compound.id,
      kind: 'election',
      title: spec.title,
      options: candidates.map((c) => c.name),
      multiple: true,
      rule: 'ordinary',
      electorate: 'owners',
      secret: spec.secret,
      deadline: spec.deadline,
      status: spec.nomination ? 'nominating' : 'open',
      seats: spec.seats,
      nominationSupport: spec.nomination?.support ?? null,
      nominationUntil: spec.nomination?.until ?? null,
      createdBy: ctx.member.id,
      createdAt: ctx.now,
    })
    await insertCandidates(
      tx,
      candidates.map((c, idx) => ({ compoundId: compound.id, pollId: poll.id, name: c.name, memberId: c.memberId, source: 'launch' as const, idx, createdAt: ctx.now })),
    )
    const windowDays = objectionDaysOf(compound.settings)
    let text2: string
    if (spec.nomination) {
      text2 = nominatingText(t, electionView(poll), poll.options, compound.timeZone, { windowDays })
    } else {
      await freezeElectorate(tx, poll, voters)
      text2 = ballotText(t, electionView(poll), compound.timeZone, { windowDays })
    }
    // the candidates are named in full (standing is consent, src/domain/group-privacy.ts candidate())
    const out: Reply[] = [{ to: 'compound', text: text2, dedupeKey: `election-launched:${poll.id}`, publicNames: poll.options }]
    if (ctx.message.chat.kind === 'private') out.push(reply.chat(t('election.launchedPrivately', { no: poll.no })))
    return out
  },
})
