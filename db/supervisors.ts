// Community (社区/街道) supervisors: read-only across the compounds granted to them (docs/OVERSIGHT.md). Keyed by
// platform identity, not by member, so the CLI can grant before the person ever wrote to the bot. Not an audit
// table: a revoke deletes the rows (the CLI logs it).
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { Queryable } from './client.ts'
import { compounds, disclosures, jobRuns, ledgerEntries, members, polls, supervisors } from './schema.ts'

export type SupervisorRow = typeof supervisors.$inferSelect
type CompoundRow = typeof compounds.$inferSelect
type PollRow = typeof polls.$inferSelect

const ints = (values: readonly number[]) => sql`string_to_array(${values.join(',')}, ',')::int[]`
type Row = Record<string, unknown>
const rowsOf = (res: unknown): Row[] => ((res as { rows?: Row[] }).rows ?? (res as Row[])) as Row[]

/** Grant `compoundIds` (idempotent): the ids newly granted. */
export async function grantSupervisor(
  q: Queryable,
  g: { platform: string; platformUserId: string; compoundIds: readonly number[]; grantedBy: string | null; at: Date },
): Promise<number[]> {
  if (g.compoundIds.length === 0) return []
  const rows = await q
    .insert(supervisors)
    .values(g.compoundIds.map((compoundId) => ({ platform: g.platform, platformUserId: g.platformUserId, compoundId, grantedBy: g.grantedBy, grantedAt: g.at })))
    .onConflictDoNothing()
    .returning({ compoundId: supervisors.compoundId })
  return rows.map((r) => r.compoundId)
}

/** Revoke the given compounds, or all of them (`compoundIds` undefined): the compound ids removed. */
export async function revokeSupervisor(q: Queryable, platform: string, platformUserId: string, compoundIds?: readonly number[]): Promise<number[]> {
  const who = and(eq(supervisors.platform, platform), eq(supervisors.platformUserId, platformUserId))
  const rows = await q
    .delete(supervisors)
    .where(compoundIds ? and(who, inArray(supervisors.compoundId, [...compoundIds])) : who)
    .returning({ compoundId: supervisors.compoundId })
  return rows.map((r) => r.compoundId)
}

/** Every grant with its compound's name, by person then grant order. */
export async function listSupervisors(q: Queryable) {
  return q
    .select({ platform: supervisors.platform, platformUserId: supervisors.platformUserId, compound: compounds.name, grantedAt: supervisors.grantedAt, grantedBy: supervisors.grantedBy })
    .from(supervisors)
    .innerJoin(compounds, eq(compounds.id, supervisors.compoundId))
    .orderBy(asc(supervisors.platform), asc(supervisors.platformUserId), asc(supervisors.id))
}

/** The compounds `ids` (a supervisor's), in grant order as given. */
export async function compoundsByIds(q: Queryable, ids: readonly number[]): Promise<CompoundRow[]> {
  if (ids.length === 0) return []
  const rows = await q.select().from(compounds).where(inArray(compounds.id, [...ids]))
  return ids.flatMap((id) => rows.filter((c) => c.id === id))
}

/** One supervisor as the weekly digest sees them: their compounds in grant order and their member row, if any. */
export interface DigestSupervisor {
  platform: string
  platformUserId: string
  compoundIds: number[]
  /** null: never wrote to the bot, so no platform lets us write to them yet */
  memberId: number | null
  /** the digest fire keys of this person already claimed (job `job`), recent ones only */
  taken: string[]
}

/**
 * Every supervisor with what the tick needs to decide whether their digest is due, in ONE statement (the tick
 * runs it every minute): their compounds, their member row, and the fire keys of `job` claimed since `since`.
 */
export async function supervisorsForDigest(q: Queryable, job: string, since: Date): Promise<DigestSupervisor[]> {
  const res = await q.execute(sql`SELECT s.platform, s.platform_user_id, array_agg(s.compound_id ORDER BY s.id) AS compound_ids,
      (SELECT m.id FROM ${members} m WHERE m.platform = s.platform AND m.platform_user_id = s.platform_user_id) AS member_id,
      (SELECT coalesce(array_agg(j.fire_key), '{}') FROM ${jobRuns} j WHERE j.job = ${job} AND j.started_at >= ${since.toISOString()}::timestamptz
        AND j.fire_key LIKE s.platform || ':' || s.platform_user_id || ':%') AS taken
    FROM ${supervisors} s GROUP BY s.platform, s.platform_user_id ORDER BY s.platform, s.platform_user_id`)
  return rowsOf(res).map((r) => ({
    platform: String(r.platform),
    platformUserId: String(r.platform_user_id),
    compoundIds: toArray(r.compound_ids).map(Number),
    memberId: r.member_id === null || r.member_id === undefined ? null : Number(r.member_id),
    taken: toArray(r.taken).map(String),
  }))
}

/** A Postgres array as either driver returns it (an array, or its text form from a subquery). */
function toArray(v: unknown): unknown[] {
  if (Array.isArray(v)) return v
  if (typeof v === 'string') return v.replace(/^\{|\}$/g, '').split(',').filter((s) => s !== '').map((s) => s.replace(/^"|"$/g, ''))
  return []
}

/** Per (compound, kind, period): when its first disclosure row was written and whether anything was published. */
export async function disclosureRecords(
  q: Queryable,
  wanted: readonly { compoundId: number; kind: string; period: string }[],
): Promise<Map<string, { at: Date; published: boolean; late: boolean }>> {
  const out = new Map<string, { at: Date; published: boolean; late: boolean }>()
  if (wanted.length === 0) return out
  const rows = await q
    .select({
      compoundId: disclosures.compoundId,
      kind: disclosures.periodKind,
      period: disclosures.period,
      at: sql<string>`min(${disclosures.createdAt})::text`,
      published: sql<boolean>`bool_or(${disclosures.chainHead} IS NOT NULL)`,
      late: sql<boolean>`bool_or(${disclosures.late})`,
    })
    .from(disclosures)
    .where(and(sql`${disclosures.compoundId} = ANY(${ints(wanted.map((w) => w.compoundId))})`, inArray(disclosures.period, [...new Set(wanted.map((w) => w.period))])))
    .groupBy(disclosures.compoundId, disclosures.periodKind, disclosures.period)
  for (const r of rows) out.set(`${r.compoundId}:${r.kind}:${r.period}`, { at: new Date(r.at), published: r.published === true, late: r.late === true })
  return out
}

/** Per compound: the households with a charge due by `asOf` (the base of the arrears rate). */
export async function billedHouseholds(q: Queryable, compoundIds: readonly number[], asOf: Date): Promise<Map<number, number>> {
  if (compoundIds.length === 0) return new Map()
  const rows = await q
    .select({ compoundId: ledgerEntries.compoundId, n: sql<number>`count(DISTINCT ${ledgerEntries.householdId})::int` })
    .from(ledgerEntries)
    .where(
      and(
        sql`${ledgerEntries.compoundId} = ANY(${ints(compoundIds)})`,
        eq(ledgerEntries.kind, 'charge'),
        sql`${ledgerEntries.dueAt} <= ${asOf.toISOString()}::timestamptz`,
        sql`${ledgerEntries.recordedAt} < ${asOf.toISOString()}::timestamptz`,
      ),
    )
    .groupBy(ledgerEntries.compoundId)
  return new Map(rows.map((r) => [r.compoundId, Number(r.n)]))
}

/** Polls (of any kind) open now or closed since `since`, per compound, by number. */
export async function pollsForOversight(q: Queryable, compoundIds: readonly number[], since: Date): Promise<Map<number, PollRow[]>> {
  const out = new Map<number, PollRow[]>()
  if (compoundIds.length === 0) return out
  const rows = await q
    .select()
    .from(polls)
    .where(and(sql`${polls.compoundId} = ANY(${ints(compoundIds)})`, sql`(${polls.status} <> 'closed' OR ${polls.closedAt} >= ${since.toISOString()}::timestamptz)`))
    .orderBy(asc(polls.compoundId), asc(polls.no))
  for (const r of rows) out.set(r.compoundId, [...(out.get(r.compoundId) ?? []), r])
  return out
}
