// Building captains (楼栋长): which buildings a member looks after, and what of those buildings they follow up
// door to door — households that have not voted or signed in an open poll, election or opinion round, and
// households that have not acknowledged a recent notice. Every read here takes the buildings as a filter, so a
// captain's view never holds a row of another building.
import { and, asc, desc, eq, gt, gte, inArray, isNull, sql } from 'drizzle-orm'
import type { Queryable, Tx } from './client.ts'
import { ballots, captainBuildings, currentBallots, households, noticeAcks, notices, pollElectorate, polls } from './schema.ts'

/** The buildings a member is captain of in a compound, in the roster's order of names. */
export async function captainBuildingsOf(q: Queryable, compoundId: number, memberId: number): Promise<string[]> {
  const rows = await q
    .select({ building: captainBuildings.building })
    .from(captainBuildings)
    .where(and(eq(captainBuildings.compoundId, compoundId), eq(captainBuildings.memberId, memberId)))
    .orderBy(asc(captainBuildings.id))
  return rows.map((r) => r.building)
}

/** Make a member captain of buildings; the ones they already had are left alone. Returns the new ones. */
export async function addCaptainBuildings(
  tx: Tx,
  c: { compoundId: number; memberId: number; buildings: readonly string[]; grantedBy: number; at: Date },
): Promise<string[]> {
  if (c.buildings.length === 0) return []
  const rows = await tx
    .insert(captainBuildings)
    .values(c.buildings.map((building) => ({ compoundId: c.compoundId, memberId: c.memberId, building, grantedBy: c.grantedBy, grantedAt: c.at })))
    .onConflictDoNothing()
    .returning({ building: captainBuildings.building })
  return rows.map((r) => r.building)
}

/** Take buildings (all of them: null) from a captain. Returns the buildings removed. */
export async function removeCaptainBuildings(tx: Tx, compoundId: number, memberId: number, buildings: readonly string[] | null): Promise<string[]> {
  const of = and(eq(captainBuildings.compoundId, compoundId), eq(captainBuildings.memberId, memberId))
  const rows = await tx
    .delete(captainBuildings)
    .where(buildings ? and(of, inArray(captainBuildings.building, [...buildings])) : of)
    .returning({ building: captainBuildings.building })
  return rows.map((r) => r.building)
}

/** Whether the member is captain of any building of the compound. */
export async function isCaptain(q: Queryable, compoundId: number, memberId: number): Promise<boolean> {
  return (await captainBuildingsOf(q, compoundId, memberId)).length > 0
}

/** The buildings the compound's roster has (households.building), sorted naturally. */
export async function rosterBuildings(q: Queryable, compoundId: number): Promise<string[]> {
  const rows = await q.selectDistinct({ building: households.building }).from(households).where(eq(households.compoundId, compoundId))
  return rows.map((r) => r.building).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
}

/** The roster's households in these buildings, in id order. */
export async function householdsInBuildings(q: Queryable, compoundId: number, buildings: readonly string[]) {
  if (buildings.length === 0) return []
  return q
    .select({ id: households.id, code: households.code, building: households.building })
    .from(households)
    .where(and(eq(households.compoundId, compoundId), inArray(households.building, [...buildings])))
    .orderBy(asc(households.id))
}

export interface ElectorateEntry {
  pollNo: number
  title: string
  kind: 'poll' | 'election' | 'opinion'
  code: string
  voted: boolean
  /** the counted ballot was recorded by a captain */
  recorded: boolean
}

/**
 * Every household of these buildings in the frozen electorate of each open owner poll, election or opinion
 * round (voting still open at `now`), and whether its counted ballot is there: poll_electorate minus
 * current_ballots. Ordered by poll number, then household.
 */
export async function electorateInBuildings(q: Queryable, compoundId: number, buildings: readonly string[], now: Date): Promise<ElectorateEntry[]> {
  if (buildings.length === 0) return []
  const rows = await q
    .select({
      pollNo: polls.no,
      title: polls.title,
      kind: polls.kind,
      code: households.code,
      ballotId: currentBallots.ballotId,
      recordedBy: ballots.recordedBy,
    })
    .from(polls)
    .innerJoin(pollElectorate, and(eq(pollElectorate.pollId, polls.id), eq(pollElectorate.compoundId, compoundId)))
    .innerJoin(households, and(eq(households.id, pollElectorate.householdId), eq(households.compoundId, compoundId)))
    .leftJoin(currentBallots, and(eq(currentBallots.pollId, polls.id), eq(currentBallots.voterKey, pollElectorate.voterKey)))
    .leftJoin(ballots, eq(ballots.id, currentBallots.ballotId))
    .where(
      and(
        eq(polls.compoundId, compoundId),
        eq(polls.status, 'open'),
        gt(polls.deadline, now),
        eq(polls.electorate, 'owners'),
        inArray(households.building, [...buildings]),
      ),
    )
    .orderBy(asc(polls.no), asc(households.id))
  return rows.map((r) => ({
    pollNo: r.pollNo,
    title: r.title,
    kind: r.kind,
    code: r.code,
    voted: r.ballotId !== null,
    recorded: r.recordedBy !== null,
  }))
}

export interface NoticeEntry {
  noticeNo: number
  text: string
  code: string
  acked: boolean
}

/**
 * For each notice of the compound since `since`, every household of these buildings and whether it has
 * acknowledged: an acknowledgement recorded for the household (household_id), or one by a member with a verified
 * binding to it. A captain's own 收到 counts for the captain's household, never for those they recorded.
 */
export async function noticeAcksInBuildings(q: Queryable, compoundId: number, buildings: readonly string[], since: Date): Promise<NoticeEntry[]> {
  if (buildings.length === 0) return []
  const acked = sql<boolean>`EXISTS (
    SELECT 1 FROM notice_acks a WHERE a.notice_id = ${notices.id} AND (
      a.household_id = ${households.id}
      OR (a.recorded_by IS NULL AND EXISTS (
        SELECT 1 FROM household_bindings b
        WHERE b.member_id = a.member_id AND b.household_id = ${households.id} AND b.status = 'verified'))))`
  const rows = await q
    .select({ noticeNo: notices.no, text: notices.text, code: households.code, acked })
    .from(notices)
    .innerJoin(households, eq(households.compoundId, notices.compoundId))
    .where(and(eq(notices.compoundId, compoundId), gte(notices.createdAt, since), inArray(households.building, [...buildings])))
    .orderBy(asc(notices.no), asc(households.id))
  return rows.map((r) => ({ ...r, acked: Boolean(r.acked) }))
}

export type NoticeRow = typeof notices.$inferSelect

export async function noticeByNo(q: Queryable, compoundId: number, no: number): Promise<NoticeRow | undefined> {
  const [row] = await q.select().from(notices).where(and(eq(notices.compoundId, compoundId), eq(notices.no, no))).limit(1)
  return row
}

/** Whether the household has acknowledged the notice (the same rule as noticeAcksInBuildings). */
export async function householdAcked(q: Queryable, noticeId: number, householdId: number): Promise<boolean> {
  const res = await q.execute(sql`SELECT EXISTS (
    SELECT 1 FROM notice_acks a WHERE a.notice_id = ${noticeId} AND (
      a.household_id = ${householdId}
      OR (a.recorded_by IS NULL AND EXISTS (
        SELECT 1 FROM household_bindings b
        WHERE b.member_id = a.member_id AND b.household_id = ${householdId} AND b.status = 'verified')))) AS acked`)
  const rows = ((res as { rows?: unknown[] }).rows ?? (res as unknown as unknown[])) as { acked: unknown }[]
  return rows[0]?.acked === true || rows[0]?.acked === 't'
}

/**
 * A captain's record of a household's acknowledgement (member_id = recorded_by = the captain). False when a
 * record for this household was made meanwhile: captain-recorded rows are unique per (notice, household).
 */
export async function recordNoticeAck(
  tx: Tx,
  a: { compoundId: number; noticeId: number; captainId: number; householdId: number; at: Date },
): Promise<boolean> {
  const rows = await tx
    .insert(noticeAcks)
    .values({ compoundId: a.compoundId, noticeId: a.noticeId, memberId: a.captainId, householdId: a.householdId, recordedBy: a.captainId, ackedAt: a.at })
    .onConflictDoNothing()
    .returning({ noticeId: noticeAcks.noticeId })
  return rows.length > 0
}

export type BallotRow = typeof ballots.$inferSelect

/**
 * The newest ballot this captain recorded since `since` without a photo, if it still counts (is the current one)
 * and its poll still takes ballots at `now`: what a photo sent right after 代录 belongs to.
 */
export async function latestRecordedWithoutEvidence(
  q: Queryable,
  compoundId: number,
  captainId: number,
  since: Date,
  now: Date,
): Promise<{ ballot: BallotRow; pollNo: number; code: string } | undefined> {
  const [row] = await q
    .select({ ballot: ballots, pollNo: polls.no, code: households.code })
    .from(ballots)
    .innerJoin(currentBallots, eq(currentBallots.ballotId, ballots.id))
    .innerJoin(polls, eq(polls.id, ballots.pollId))
    .innerJoin(households, eq(households.id, ballots.householdId))
    .where(
      and(
        eq(ballots.compoundId, compoundId),
        eq(ballots.recordedBy, captainId),
        isNull(ballots.evidenceRef),
        gte(ballots.castAt, since),
        eq(polls.status, 'open'),
        gt(polls.deadline, now),
      ),
    )
    .orderBy(desc(ballots.id))
    .limit(1)
  return row
}
