// When an election's nomination period ends (polls.nomination_until), the scheduler puts the qualified nominees
// on the ballot after the candidates named at launch (by support, then by who was put forward first), freezes
// the electorate and opens voting with ONE post to the compound's chats listing the ballot. Nobody on the
// ballot: the election closes without a vote and says so. An unasked group post: it waits for the end of the
// compound's quiet hours (nominations are refused from nomination_until on all the same).
import { type Database, type Db, dbOf } from '../../db/client.ts'
import { candidatesOf, closeUnvoted, nominationsDue, openVoting, setCandidateIdx, supportOf } from '../../db/elections.ts'
import { compoundOf, findPollById } from '../../db/polls.ts'
import { compoundIsQuiet } from '../domain/quiet-hours.ts'
import { enqueueReplies } from '../outbox/enqueue.ts'
import { ballotText } from '../render/elections.ts'
import { electionView } from './elections.ts'
import { objectionDaysOf } from './objections.ts'
import { compoundTranslator, electorateAtLaunch, freezeElectorate } from './polls.ts'

export interface OpenedElection {
  compoundId: number
  no: number
  candidates: number
}

export async function openDueElections(database: Database | Db, now: Date): Promise<OpenedElection[]> {
  const db = dbOf(database)
  const out: OpenedElection[] = []
  for (const due of await nominationsDue(db, now)) {
    const done = await db.transaction(async (tx) => {
      const compound = await compoundOf(tx, due.compoundId)
      if (!compound || compoundIsQuiet(compound, now)) return null
      const poll = await findPollById(tx, due.id, 'update')
      if (!poll || poll.status !== 'nominating') return null
      const [candidates, support] = await Promise.all([candidatesOf(tx, poll.compoundId, poll.id), supportOf(tx, poll.compoundId, poll.id)])
      const named = candidates.filter((c) => c.idx !== null)
      const need = poll.nominationSupport ?? 1
      // candidatesOf lists nominees by when they were first put forward: a stable sort keeps that among equals
      const nominees = candidates.filter((c) => c.idx === null && (support.get(c.name) ?? 0) >= need).sort((a, b) => (support.get(b.name) ?? 0) - (support.get(a.name) ?? 0))
      const ballot = [...named, ...nominees].slice(0, 20)
      const t = compoundTranslator(compound)
      if (ballot.length === 0) {
        const closed = await closeUnvoted(tx, poll.id, now, { kind: 'election', noCandidates: true, elected: [] })
        if (!closed) return null
        await enqueueReplies(tx, compound, [{ to: 'compound', text: t('election.noCandidates', { no: poll.no, title: poll.title }), dedupeKey: `election-open:${poll.id}` }], { now })
        return { compoundId: compound.id, no: poll.no, candidates: 0 }
      }
      for (const [idx, c] of ballot.entries()) if (c.idx !== idx) await setCandidateIdx(tx, poll.id, c.name, idx)
      const opened = await openVoting(tx, poll.id, ballot.map((c) => c.name))
      if (!opened) return null
      await freezeElectorate(tx, opened, await electorateAtLaunch(tx, compound.id, 'owners'))
      const text = ballotText(t, electionView(opened), compound.timeZone, { opened: true, windowDays: objectionDaysOf(compound.settings) })
      await enqueueReplies(tx, compound, [{ to: 'compound', text, dedupeKey: `election-open:${poll.id}`, publicNames: opened.options }], { now })
      return { compoundId: compound.id, no: poll.no, candidates: ballot.length }
    })
    if (done) out.push(done)
  }
  return out
}
