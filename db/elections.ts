// Election candidates and nominations (推荐). A poll of kind 'election' holds its ballot in polls.options; the
// candidates here say who each option is (member_id) and, while nominating, who has been put forward and by how
// many households (nominations, append-only, one per household and candidate).
import { and, asc, eq, lte, sql } from 'drizzle-orm'
import type { Queryable, Tx } from './client.ts'
import { electionCandidates, nominations, polls } from './schema.ts'
import type { PollRow } from './polls.ts'

export type CandidateRow = typeof electionCandidates.$inferSelect

export async function insertCandidates(tx: Tx, rows: (typeof electionCandidates.$inferInsert)[]): Promise<void> {
  if (rows.length > 0) await tx.insert(electionCandidates).values(rows)
}

/** A poll's candidates: those on the ballot by position, then the nominated by when they were first put forward. */
export async function candidatesOf(q: Queryable, compoundId: number, pollId: number): Promise<CandidateRow[]> {
  return q
    .select()
    .from(electionCandidates)
    .where(and(eq(electionCandidates.compoundId, compoundId), eq(electionCandidates.pollId, pollId)))
    .orderBy(sql`${electionCandidates.idx} asc nulls last`, asc(electionCandidates.createdAt), asc(electionCandidates.name))
}

/** Supporting households per nominated name. */
export async function supportOf(q: Queryable, compoundId: number, pollId: number): Promise<Map<string, number>> {
  const rows = await q
    .select({ name: nominations.candidateName, n: sql<number>`count(*)::int` })
    .from(nominations)
    .where(and(eq(nominations.compoundId, compoundId), eq(nominations.pollId, pollId)))
    .groupBy(nominations.candidateName)
  return new Map(rows.map((r) => [r.name, Number(r.n)]))
}

/** One household's support; false when it already supported this candidate. */
export async function insertNomination(tx: Tx, row: typeof nominations.$inferInsert): Promise<boolean> {
  const done = await tx.insert(nominations).values(row).onConflictDoNothing().returning({ id: nominations.id })
  return done.length > 0
}

export async function setCandidateIdx(tx: Tx, pollId: number, name: string, idx: number): Promise<void> {
  await tx.update(electionCandidates).set({ idx }).where(and(eq(electionCandidates.pollId, pollId), eq(electionCandidates.name, name)))
}

/** Nomination is over: the ballot is set and voting opens (the poll guard allows this once, from 'nominating'). */
export async function openVoting(tx: Tx, pollId: number, options: string[]): Promise<PollRow | undefined> {
  const [row] = await tx
    .update(polls)
    .set({ options, status: 'open' })
    .where(and(eq(polls.id, pollId), eq(polls.status, 'nominating')))
    .returning()
  return row
}

/** Nobody qualified: the election ends without a vote. */
export async function closeUnvoted(tx: Tx, pollId: number, now: Date, result: unknown): Promise<PollRow | undefined> {
  const [row] = await tx
    .update(polls)
    .set({ status: 'closed', closedAt: now, result, resultAnnouncedAt: now })
    .where(and(eq(polls.id, pollId), eq(polls.status, 'nominating')))
    .returning()
  return row
}

/** Elections of a compound still taking nominations at `now`. */
export async function nominatingOf(q: Queryable, compoundId: number): Promise<PollRow[]> {
  return q
    .select()
    .from(polls)
    .where(and(eq(polls.compoundId, compoundId), eq(polls.status, 'nominating')))
    .orderBy(asc(polls.no))
}

/** Nominating elections whose nomination period has ended, in every compound. */
export async function nominationsDue(q: Queryable, now: Date): Promise<PollRow[]> {
  return q
    .select()
    .from(polls)
    .where(and(eq(polls.status, 'nominating'), lte(polls.nominationUntil, now)))
    .orderBy(asc(polls.compoundId), asc(polls.no))
}
