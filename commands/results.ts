// 结果 / 結果 / results: the tally so far (or the stored result of a closed poll) with participation
// against 2/3 of area and owners, approval against 1/2 or 3/4, what is still missing, and, for open
// (non-secret) polls, who voted by room. `结果` alone shows the newest poll. An election shows its candidates
// (while nominating: their support; then per candidate households, area and owners, hidden while a secret
// election is open) and who is elected (src/render/elections.ts).
import { z } from 'zod'
import { parsePollNumberArg } from '../src/domain/poll-syntax.ts'
import { resultsText } from '../src/render/polls.ts'
import { opinionResultText } from '../src/services/opinions.ts'
import { electionResultsText, nominationStatusText } from '../src/render/elections.ts'
import { electionResult, electionView, nominationStatus } from '../src/services/elections.ts'
import { findPoll, latestPoll, pollResult, pollView } from '../src/services/polls.ts'
import { defineCommand, type Reply, reply, UserError } from '../src/pipeline/command.ts'

export default defineCommand({
  name: 'results',
  keywords: { 'zh-CN': ['结果', '投票结果'], 'zh-TW': ['結果', '投票結果'], en: ['results', 'result'] },
  role: 'resident',
  parse: parsePollNumberArg,
  args: z.object({ no: z.number({ message: 'poll.numberInvalid' }).int().positive().optional() }),
  async run(ctx, { no }) {
    const { tx, compound, t } = ctx
    const poll = no === undefined ? await latestPoll(tx, compound.id) : await findPoll(tx, compound.id, no)
    if (!poll) throw new UserError(no === undefined ? 'results.none' : 'poll.unknown', { no })
    // an opinion round shows its counts and themes, never who signed
    if (poll.kind === 'opinion') return [reply.chat(await opinionResultText(tx, compound, t, poll))]
    if (poll.kind === 'election') {
      const e = electionView(poll)
      // the candidates on the ballot are named in full (src/render/elections.ts); nominees are not yet
      const post = (text: string): Reply => ({ to: 'chat', text, publicNames: poll.options })
      if (poll.status === 'nominating') return [post(nominationStatusText(t, e, await nominationStatus(tx, poll), compound.timeZone))]
      const r = await electionResult(tx, poll)
      if (!r) return [reply.chat(t('election.noCandidates', { no: poll.no, title: poll.title }))]
      return [post(electionResultsText(t, e, r.count, r.voted, compound.timeZone))]
    }
    const snap = await pollResult(tx, poll)
    // a private chat may see which rooms a building captain recorded; a group, how many
    const markRecorded = ctx.message.chat.kind === 'private'
    return [reply.chat(resultsText(t, pollView(poll), snap, compound.timeZone, { markRecorded }))]
  },
})
