// Opinion rounds (征求意见) are polls of kind 'opinion' (db/polls.ts holds the poll, its ballots and electorate):
// what is theirs alone is reading the signatures with their notes, and the opinion rounds still open.
import { and, asc, eq, gt } from 'drizzle-orm'
import type { Queryable } from './client.ts'
import { ballots, currentBallots, pollElectorate, polls } from './schema.ts'
import type { PollRow } from './polls.ts'

export interface SignatureRow {
  voterKey: string
  householdId: number | null
  /** the room as frozen with the electorate (null: a household outside it, which cannot sign) */
  code: string | null
  areaCentiM2: bigint
  options: number[]
  note: string | null
  castAt: Date
  /** a building captain who recorded a paper signature */
  recordedBy: number | null
}

/** The counted signature of each household of a round, with its room and area as frozen, in room order. */
export async function signaturesOf(q: Queryable, compoundId: number, pollId: number): Promise<SignatureRow[]> {
  const rows = await q
    .select({
      voterKey: currentBallots.voterKey,
      householdId: ballots.householdId,
      code: pollElectorate.code,
      areaCentiM2: pollElectorate.areaCentiM2,
      options: ballots.options,
      note: ballots.note,
      castAt: ballots.castAt,
      recordedBy: ballots.recordedBy,
    })
    .from(currentBallots)
    .innerJoin(ballots, and(eq(currentBallots.ballotId, ballots.id), eq(ballots.compoundId, compoundId)))
    .leftJoin(
      pollElectorate,
      and(eq(pollElectorate.pollId, currentBallots.pollId), eq(pollElectorate.voterKey, currentBallots.voterKey)),
    )
    .where(and(eq(currentBallots.compoundId, compoundId), eq(currentBallots.pollId, pollId)))
    .orderBy(asc(pollElectorate.code), asc(currentBallots.voterKey))
  return rows.map((r) => ({ ...r, areaCentiM2: r.areaCentiM2 ?? 0n }))
}

/** Opinion rounds of a compound still taking signatures at `now`, oldest first. */
export async function openOpinionRounds(q: Queryable, compoundId: number, now: Date): Promise<PollRow[]> {
  return q
    .select()
    .from(polls)
    .where(and(eq(polls.compoundId, compoundId), eq(polls.kind, 'opinion'), eq(polls.status, 'open'), gt(polls.deadline, now)))
    .orderBy(asc(polls.no))
}
