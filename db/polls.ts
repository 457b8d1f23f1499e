// Polls, ballots and the one current ballot per voter. Ballots are append-only (trigger); the current
// ballot of a voter (household `h:<id>` or person `m:<id>`) is the row in current_ballots, whose primary
// key (poll_id, voter_key) is the database's guarantee of one counted vote per household or person.
import { and, asc, desc, eq, gt, gte, inArray, lt, lte, or, sql } from 'drizzle-orm'
import type { Queryable, Tx } from './client.ts'
import { ballots, compounds, currentBallots, householdBindings, households, members, pollElectorate, polls, roles } from './schema.ts'

export type PollRow = typeof polls.$inferSelect
export type NewPoll = Omit<typeof polls.$inferInsert, 'id' | 'no'>

/** Advisory-lock namespace for poll numbers ('poll'); the second key is the compound id. */
const POLL_NO_LOCK = 0x706f6c6c

/** The next poll number of a compound; serialized per compound until the transaction ends. */
export async function nextPollNo(tx: Tx, compoundId: number): Promise<number> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${POLL_NO_LOCK}::int, ${compoundId}::int)`)
  const [row] = await tx
    .select({ n: sql<number>`coalesce(max(${polls.no}), 0)::int` })
    .from(polls)
    .where(eq(polls.compoundId, compoundId))
  return Number(row?.n ?? 0) + 1
}

/** Insert a poll with the next number of its compound. */
export async function createPoll(tx: Tx, values: NewPoll): Promise<PollRow> {
  const no = await nextPollNo(tx, values.compoundId)
  const [row] = await tx.insert(polls).values({ ...values, no }).returning()
  return row!
}

/**
 * A poll by its number. `lock: 'share'` is taken by a vote (many votes at once, none while closing);
 * `lock: 'update'` by closing, which so waits for votes in flight and makes later ones see it closed.
 */
export async function findPoll(q: Queryable, compoundId: number, no: number, lock?: 'share' | 'update'): Promise<PollRow | undefined> {
  const base = q.select().from(polls).where(and(eq(polls.compoundId, compoundId), eq(polls.no, no))).limit(1)
  const [row] = lock ? await base.for(lock) : await base
  return row
}

export async function findPollById(q: Queryable, id: number, lock?: 'share' | 'update'): Promise<PollRow | undefined> {
  const base = q.select().from(polls).where(eq(polls.id, id)).limit(1)
  const [row] = lock ? await base.for(lock) : await base
  return row
}

/** Polls of a compound still taking votes at `now`, oldest first. */
export async function openPollsOf(q: Queryable, compoundId: number, now: Date): Promise<PollRow[]> {
  return q
    .select()
    .from(polls)
    .where(and(eq(polls.compoundId, compoundId), eq(polls.status, 'open'), gt(polls.deadline, now)))
    .orderBy(asc(polls.no))
}

/** The compound's newest poll. */
export async function latestPoll(q: Queryable, compoundId: number): Promise<PollRow | undefined> {
  const [row] = await q.select().from(polls).where(eq(polls.compoundId, compoundId)).orderBy(desc(polls.no)).limit(1)
  return row
}

/** Open polls whose deadline has come, in every compound (what `linli polls close-due` closes). */
export async function duePolls(q: Queryable, now: Date): Promise<PollRow[]> {
  return q
    .select()
    .from(polls)
    .where(and(eq(polls.status, 'open'), lte(polls.deadline, now)))
    .orderBy(asc(polls.compoundId), asc(polls.no))
}

/** Open polls before their deadline, in every compound (what reminders are about). */
export async function runningPolls(q: Queryable, now: Date): Promise<PollRow[]> {
  return q
    .select()
    .from(polls)
    .where(and(eq(polls.status, 'open'), gt(polls.deadline, now)))
    .orderBy(asc(polls.compoundId), asc(polls.no))
}

export interface CastInput {
  compoundId: number
  pollId: number
  voterKey: string
  householdId: number | null
  memberId: number
  options: number[]
  now: Date
  /** opinion rounds: the household's free text with its signature */
  note?: string | null
  /** a paper ballot recorded by a building captain (memberId is the captain too) */
  recordedBy?: number | null
  /** the photo of the paper: the platform's file reference */
  evidence?: { platform: string; ref: string } | null
}

export interface CurrentBallot {
  ballotId: number
  voterKey: string
  householdId: number | null
  memberId: number
  options: number[]
  castAt: Date
  /** the building captain who recorded this paper ballot, or null (cast by the voter) */
  recordedBy: number | null
}

/** The counted ballot of one voter, if any. */
export async function currentBallotOf(
  q: Queryable,
  compoundId: number,
  pollId: number,
  voterKey: string,
): Promise<CurrentBallot | undefined> {
  const [row] = await q
    .select({
      ballotId: ballots.id,
      voterKey: ballots.voterKey,
      householdId: ballots.householdId,
      memberId: ballots.memberId,
      options: ballots.options,
      castAt: ballots.castAt,
      recordedBy: ballots.recordedBy,
    })
    .from(currentBallots)
    .innerJoin(ballots, and(eq(currentBallots.ballotId, ballots.id), eq(ballots.compoundId, compoundId)))
    .where(and(eq(currentBallots.compoundId, compoundId), eq(currentBallots.pollId, pollId), eq(currentBallots.voterKey, voterKey)))
    .limit(1)
  return row
}

/**
 * Append a ballot and make it the voter's current one. Every cast is kept in `ballots`; the upsert
 * keeps the newest (highest id) ballot when two casts for one household race.
 */
export async function castBallot(tx: Tx, b: CastInput): Promise<{ ballotId: number; previous?: CurrentBallot }> {
  const previous = await currentBallotOf(tx, b.compoundId, b.pollId, b.voterKey)
  const [row] = await tx
    .insert(ballots)
    .values({
      compoundId: b.compoundId,
      pollId: b.pollId,
      voterKey: b.voterKey,
      householdId: b.householdId,
      memberId: b.memberId,
      options: b.options,
      castAt: b.now,
      note: b.note ?? null,
      recordedBy: b.recordedBy ?? null,
      evidencePlatform: b.evidence?.platform ?? null,
      evidenceRef: b.evidence?.ref ?? null,
    })
    .returning({ id: ballots.id })
  const ballotId = row!.id
  await tx
    .insert(currentBallots)
    .values({ compoundId: b.compoundId, pollId: b.pollId, voterKey: b.voterKey, ballotId, updatedAt: b.now })
    .onConflictDoUpdate({
      target: [currentBallots.pollId, currentBallots.voterKey],
      set: { ballotId: sql`excluded.ballot_id`, updatedAt: sql`excluded.updated_at` },
      setWhere: sql`${currentBallots.ballotId} < excluded.ballot_id`,
    })
  return { ballotId, previous }
}

/** Every counted ballot of a poll. */
export async function currentBallotsOf(q: Queryable, compoundId: number, pollId: number): Promise<CurrentBallot[]> {
  return q
    .select({
      ballotId: ballots.id,
      voterKey: ballots.voterKey,
      householdId: ballots.householdId,
      memberId: ballots.memberId,
      options: ballots.options,
      castAt: ballots.castAt,
      recordedBy: ballots.recordedBy,
    })
    .from(currentBallots)
    .innerJoin(ballots, and(eq(currentBallots.ballotId, ballots.id), eq(ballots.compoundId, compoundId)))
    .where(and(eq(currentBallots.compoundId, compoundId), eq(currentBallots.pollId, pollId)))
    .orderBy(asc(ballots.id))
}

/** Every cast (replaced ones included). */
export async function castCount(q: Queryable, compoundId: number, pollId: number): Promise<number> {
  const [row] = await q
    .select({ n: sql<number>`count(*)::int` })
    .from(ballots)
    .where(and(eq(ballots.compoundId, compoundId), eq(ballots.pollId, pollId)))
  return Number(row?.n ?? 0)
}

export interface RosterEntry {
  id: number
  code: string
  areaCentiM2: bigint
  /** members holding a verified owner binding */
  ownerMemberIds: number[]
}

/** The whole roster with each household's verified owners: the electorate of an owner poll. */
export async function ownerRoster(q: Queryable, compoundId: number): Promise<RosterEntry[]> {
  const rows = await q
    .select({ id: households.id, code: households.code, areaCentiM2: households.areaCentiM2 })
    .from(households)
    .where(eq(households.compoundId, compoundId))
    .orderBy(asc(households.id))
  const owners = await q
    .select({ householdId: householdBindings.householdId, memberId: householdBindings.memberId })
    .from(householdBindings)
    .where(
      and(
        eq(householdBindings.compoundId, compoundId),
        eq(householdBindings.relation, 'owner'),
        eq(householdBindings.status, 'verified'),
      ),
    )
    .orderBy(asc(householdBindings.id))
  const byHousehold = new Map<number, number[]>()
  for (const o of owners) byHousehold.set(o.householdId, [...(byHousehold.get(o.householdId) ?? []), o.memberId])
  return rows.map((r) => ({ ...r, ownerMemberIds: byHousehold.get(r.id) ?? [] }))
}

export type ElectorateRow = typeof pollElectorate.$inferSelect

/** Rows per INSERT when an electorate is frozen (a roster of thousands is a few statements). */
const ELECTORATE_CHUNK = 1000

/** Freeze a poll's electorate (append-only: a trigger refuses UPDATE, DELETE and TRUNCATE). */
export async function insertElectorate(tx: Tx, rows: ElectorateRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += ELECTORATE_CHUNK) await tx.insert(pollElectorate).values(rows.slice(i, i + ELECTORATE_CHUNK))
}

/** A poll's frozen electorate, households by id (owner polls) or members by id (residents polls); [] for polls launched before it existed. */
export async function electorateOf(q: Queryable, compoundId: number, pollId: number): Promise<ElectorateRow[]> {
  return q
    .select()
    .from(pollElectorate)
    .where(and(eq(pollElectorate.compoundId, compoundId), eq(pollElectorate.pollId, pollId)))
    .orderBy(asc(pollElectorate.householdId), asc(pollElectorate.voterKey))
}

/**
 * Which of `keys` are in a poll's frozen electorate, in one statement: `frozen` false for a poll launched
 * before electorates were frozen (no rows: anyone eligible today votes, as then).
 */
export async function electorateMembership(
  q: Queryable,
  compoundId: number,
  pollId: number,
  keys: string[],
): Promise<{ frozen: boolean; members: Set<string> }> {
  const of = and(eq(pollElectorate.compoundId, compoundId), eq(pollElectorate.pollId, pollId))
  const [row] = await q
    .select({
      frozen: sql<boolean>`exists (select 1 from ${pollElectorate} where ${of})`,
      members: sql<string[] | null>`(select array_agg(${pollElectorate.voterKey}) from ${pollElectorate} where ${and(of, keys.length > 0 ? inArray(pollElectorate.voterKey, keys) : sql`false`)})`,
    })
    .from(polls)
    .where(eq(polls.id, pollId))
  return { frozen: Boolean(row?.frozen), members: new Set(row?.members ?? []) }
}

/** The roster as an owner poll freezes it: every household with its area and owner name. */
export async function rosterAtLaunch(q: Queryable, compoundId: number) {
  return q
    .select({ id: households.id, code: households.code, areaCentiM2: households.areaCentiM2, ownerName: households.ownerName })
    .from(households)
    .where(eq(households.compoundId, compoundId))
    .orderBy(asc(households.id))
}

/** Members with at least one verified binding (any relation): the electorate of a residents poll. */
export async function verifiedResidents(q: Queryable, compoundId: number): Promise<number[]> {
  const rows = await q
    .selectDistinct({ memberId: householdBindings.memberId })
    .from(householdBindings)
    .where(and(eq(householdBindings.compoundId, compoundId), eq(householdBindings.status, 'verified')))
    .orderBy(asc(householdBindings.memberId))
  return rows.map((r) => r.memberId)
}

export async function memberNames(q: Queryable, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map()
  const rows = await q.select({ id: members.id, name: members.displayName }).from(members).where(inArray(members.id, ids))
  return new Map(rows.map((r) => [r.id, r.name]))
}

/** Members who may run polls: committee and head. */
export async function committeeOf(q: Queryable, compoundId: number): Promise<number[]> {
  const rows = await q
    .select({ memberId: roles.memberId })
    .from(roles)
    .where(and(eq(roles.compoundId, compoundId), inArray(roles.role, ['committee', 'head'])))
    .orderBy(asc(roles.memberId))
  return rows.map((r) => r.memberId)
}

/** Close an open poll with its result snapshot; undefined when it was already closed. */
export async function markClosed(tx: Tx, pollId: number, now: Date, result: unknown): Promise<PollRow | undefined> {
  const [row] = await tx
    .update(polls)
    .set({ status: 'closed', closedAt: now, result, resultAnnouncedAt: now })
    .where(and(eq(polls.id, pollId), eq(polls.status, 'open')))
    .returning()
  return row
}

export async function compoundOf(q: Queryable, compoundId: number) {
  const [row] = await q.select().from(compounds).where(eq(compounds.id, compoundId)).limit(1)
  return row
}

/**
 * Polls of a compound opened or closed in [from, to): what a disclosure summary lists
 * (src/disclosure/facts.ts). Ordered by number.
 */
export async function pollsInPeriod(q: Queryable, compoundId: number, from: Date, to: Date): Promise<PollRow[]> {
  return q
    .select()
    .from(polls)
    .where(
      and(
        eq(polls.compoundId, compoundId),
        or(and(gte(polls.createdAt, from), lt(polls.createdAt, to)), and(gte(polls.closedAt, from), lt(polls.closedAt, to))),
      ),
    )
    .orderBy(asc(polls.no))
}
