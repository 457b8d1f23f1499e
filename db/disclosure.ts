// Queries for the disclosure (公示) and the scheduler: the once-only record of a disclosure post per
// compound, chat, period kind and period; the job_runs run coordinator; and the few period and privacy
// queries the summary needs that the other aggregates do not offer.
import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, like, lt, or, sql } from 'drizzle-orm'
import type { PeriodKind } from '../src/domain/calendar.ts'
import type { Queryable, Tx } from './client.ts'
import { chats, compounds, disclosures, householdBindings, households, jobRuns, members, outbox, polls, roles, tickets } from './schema.ts'

export type CompoundRow = typeof compounds.$inferSelect

export async function allCompounds(q: Queryable): Promise<CompoundRow[]> {
  return q.select().from(compounds).orderBy(asc(compounds.id))
}

// ---- disclosures -----------------------------------------------------------------------------

/** A (compound, period kind, period) to disclose. */
export interface DisclosurePeriod {
  compoundId: number
  kind: PeriodKind
  period: string
}

export const disclosurePeriodKey = (p: DisclosurePeriod): string => `${p.compoundId}:${p.kind}:${p.period}`

/** Text arrays as one text parameter each (the drivers differ on array parameters; text is the same everywhere). */
const ints = (values: readonly number[]) => sql`string_to_array(${values.join(',')}, ',')::int[]`
const texts = (values: readonly string[]) => sql`string_to_array(${values.join(',')}, ',')`

type Row = Record<string, unknown>
const rowsOf = (res: unknown): Row[] => ((res as { rows?: Row[] }).rows ?? (res as Row[])) as Row[]

/**
 * Of `periods`, those that some chat of their compound does not have yet (by disclosurePeriodKey): one
 * statement however many compounds (the scheduler asks it every minute for every compound). A compound
 * without a chat has nothing to post.
 */
export async function undisclosedPeriods(q: Queryable, periods: readonly DisclosurePeriod[]): Promise<Set<string>> {
  if (periods.length === 0) return new Set()
  // `d.period = ANY(the few distinct periods)` is implied by the join, but lets the planner read only the rows
  // of those periods (disclosures_period_idx) instead of the table, which grows by every period ever posted
  const res = await q.execute(sql`SELECT DISTINCT p.compound_id, p.kind, p.period
    FROM unnest(${ints(periods.map((p) => p.compoundId))}, ${texts(periods.map((p) => p.kind))}, ${texts(periods.map((p) => p.period))})
      AS p(compound_id, kind, period)
    JOIN ${chats} c ON c.compound_id = p.compound_id
    WHERE NOT EXISTS (SELECT 1 FROM ${disclosures} d
      WHERE d.compound_id = c.compound_id AND d.chat_id = c.id AND d.period_kind = p.kind AND d.period = p.period
        AND d.period = ANY(${texts([...new Set(periods.map((p) => p.period))])}))`)
  return new Set(rowsOf(res).map((r) => disclosurePeriodKey({ compoundId: Number(r.compound_id), kind: r.kind as PeriodKind, period: String(r.period) })))
}

/** The ledger chain head a post showed: the newest entry's serial and hash (0 and GENESIS_HASH when empty). */
export interface ChainHead {
  count: number
  head: string
}

/** Texts as one parameter where '' stands for NULL (no chain head). */
const nullableTexts = (values: readonly (string | null)[]) => sql`string_to_array(${values.map((v) => v ?? '').join(',')}, ',', '')`

/**
 * Record the disclosure of a period for many chats at once, before it is sent (one statement). Returns the
 * rows this caller inserted: only those get posted. Everybody else (another instance, a restart, a second
 * tick) finds the unique key taken and posts nothing for that chat. `chain` is the head the post shows (核验
 * checks it stays in the ledger); null for a post that shows none (the ledger failed verification).
 */
export async function recordDisclosures(
  tx: Tx,
  rows: readonly (DisclosurePeriod & { chatId: number; late: boolean; chain?: ChainHead | null })[],
  at: Date,
): Promise<(DisclosurePeriod & { chatId: number })[]> {
  if (rows.length === 0) return []
  const res = await tx.execute(sql`INSERT INTO ${disclosures} (compound_id, chat_id, period_kind, period, late, chain_serial, chain_head, created_at)
    SELECT u.compound_id, u.chat_id, u.period_kind, u.period, u.late, u.chain_serial, u.chain_head, ${at.toISOString()}::timestamptz
    FROM unnest(${ints(rows.map((r) => r.compoundId))}, ${ints(rows.map((r) => r.chatId))}, ${texts(rows.map((r) => r.kind))},
      ${texts(rows.map((r) => r.period))}, ${texts(rows.map((r) => String(r.late)))}::boolean[],
      ${nullableTexts(rows.map((r) => (r.chain ? String(r.chain.count) : null)))}::int[], ${nullableTexts(rows.map((r) => r.chain?.head ?? null))})
      AS u(compound_id, chat_id, period_kind, period, late, chain_serial, chain_head)
    ON CONFLICT DO NOTHING
    RETURNING compound_id, chat_id, period_kind, period`)
  return rowsOf(res).map((r) => ({ compoundId: Number(r.compound_id), chatId: Number(r.chat_id), kind: r.period_kind as PeriodKind, period: String(r.period) }))
}

/**
 * An on-demand 公示 (the committee's 公示 command) is recorded too, for the head it published, under a period key
 * no scheduled post has (`2026-W48@2026-11-25T06:03:00.000Z#17`: the period, when, and the head's serial), so it
 * never stands in for the scheduled post of its period, and two of them never collide.
 */
export function onDemandPeriodKey(periodKey: string, at: Date, chain: ChainHead): string {
  return `${periodKey}@${at.toISOString()}#${chain.count}`
}

/** The period key of a disclosures row, and whether it was an on-demand 公示. */
export function parseDisclosurePeriod(period: string): { key: string; onDemand: boolean } {
  const at = period.indexOf('@')
  return at < 0 ? { key: period, onDemand: false } : { key: period.slice(0, at), onDemand: true }
}

/** Record an on-demand 公示 of `period` to `chatIds` with the chain head it showed. */
export async function recordOnDemandDisclosure(
  tx: Tx,
  values: { compoundId: number; chatIds: readonly number[]; kind: PeriodKind; period: string; chain: ChainHead; at: Date },
): Promise<void> {
  if (values.chatIds.length === 0) return
  const period = onDemandPeriodKey(values.period, values.at, values.chain)
  await tx
    .insert(disclosures)
    .values(
      values.chatIds.map((chatId) => ({
        compoundId: values.compoundId,
        chatId,
        periodKind: values.kind,
        period,
        chainSerial: values.chain.count,
        chainHead: values.chain.head,
        createdAt: values.at,
      })),
    )
    .onConflictDoNothing()
}

export async function disclosuresOf(q: Queryable, compoundId: number) {
  return q.select().from(disclosures).where(eq(disclosures.compoundId, compoundId)).orderBy(asc(disclosures.id))
}

// ---- job runs (run coordinator) ----------------------------------------------------------------

/**
 * Claim one run of `job` for `fireKey`: true for exactly one caller across instances. With `leaseMs`,
 * a run claimed longer ago than the lease that never finished (its instance died) may be claimed again.
 */
export async function claimJobRun(
  q: Queryable,
  job: string,
  fireKey: string,
  opts: { instance: string; now: Date; leaseMs?: number },
): Promise<boolean> {
  const base = q.insert(jobRuns).values({ job, fireKey, instance: opts.instance, startedAt: opts.now })
  const rows =
    opts.leaseMs === undefined
      ? await base.onConflictDoNothing().returning({ job: jobRuns.job })
      : await base
          .onConflictDoUpdate({
            target: [jobRuns.job, jobRuns.fireKey],
            set: { instance: opts.instance, startedAt: opts.now },
            setWhere: and(isNull(jobRuns.finishedAt), lt(jobRuns.startedAt, new Date(opts.now.getTime() - opts.leaseMs))),
          })
          .returning({ job: jobRuns.job })
  return rows.length > 0
}

export async function finishJobRun(q: Queryable, job: string, fireKey: string, at: Date): Promise<void> {
  await q
    .update(jobRuns)
    .set({ finishedAt: at })
    .where(and(eq(jobRuns.job, job), eq(jobRuns.fireKey, fireKey)))
}

/**
 * Which of `fireKeys` already have a run of one of `jobs` (by `<job> <fireKey>`), claimed or finished: one
 * statement, so a tick can skip the daily jobs that ran today without a claim per compound.
 */
export async function jobRunsTaken(q: Queryable, jobs: readonly string[], fireKeys: readonly string[]): Promise<Set<string>> {
  if (jobs.length === 0 || fireKeys.length === 0) return new Set()
  const found = await q
    .select({ job: jobRuns.job, fireKey: jobRuns.fireKey })
    .from(jobRuns)
    .where(and(inArray(jobRuns.job, [...jobs]), sql`${jobRuns.fireKey} = ANY(${texts(fireKeys)})`))
  return new Set(found.map((r) => `${r.job} ${r.fireKey}`))
}

/**
 * claimJobRun for many runs in one statement (no lease: the daily jobs): the `<job> <fireKey>` of the runs this
 * caller claimed; the others are someone else's already.
 */
export async function claimJobRuns(
  q: Queryable,
  runs: readonly { job: string; fireKey: string }[],
  opts: { instance: string; now: Date },
): Promise<Set<string>> {
  if (runs.length === 0) return new Set()
  const res = await q.execute(sql`INSERT INTO ${jobRuns} (job, fire_key, instance, started_at)
    SELECT r.job, r.fire_key, ${opts.instance}, ${opts.now.toISOString()}::timestamptz
    FROM unnest(${texts(runs.map((r) => r.job))}, ${texts(runs.map((r) => r.fireKey))}) AS r(job, fire_key)
    ON CONFLICT DO NOTHING
    RETURNING job, fire_key`)
  return new Set(rowsOf(res).map((r) => `${r.job} ${r.fire_key}`))
}

/** finishJobRun for many runs in one statement. */
export async function finishJobRuns(q: Queryable, runs: readonly { job: string; fireKey: string }[], at: Date): Promise<void> {
  if (runs.length === 0) return
  await q.execute(sql`UPDATE ${jobRuns} j SET finished_at = ${at.toISOString()}::timestamptz
    FROM unnest(${texts(runs.map((r) => r.job))}, ${texts(runs.map((r) => r.fireKey))}) AS r(job, fire_key)
    WHERE j.job = r.job AND j.fire_key = r.fire_key`)
}

/** Forget every run started before `before` (the daily jobs' runs matter on their day only; kept a while for the operator). */
export async function pruneJobRunsBefore(q: Queryable, before: Date): Promise<number> {
  const res = await q.execute(sql`WITH d AS (DELETE FROM ${jobRuns} WHERE started_at < ${before.toISOString()}::timestamptz RETURNING 1)
    SELECT count(*)::int AS n FROM d`)
  return Number(rowsOf(res)[0]?.n ?? 0)
}

/** Give a claimed run back (it failed before doing anything lasting): the next tick tries again. */
export async function releaseJobRun(q: Queryable, job: string, fireKey: string): Promise<void> {
  await q.delete(jobRuns).where(and(eq(jobRuns.job, job), eq(jobRuns.fireKey, fireKey)))
}

/** Forget the per-minute fires of `job` older than `before` (they only serve to elect one instance). */
export async function pruneJobRuns(q: Queryable, job: string, before: Date): Promise<void> {
  await q.delete(jobRuns).where(and(eq(jobRuns.job, job), lt(jobRuns.startedAt, before)))
}

export async function jobRunsOf(q: Queryable, job: string) {
  return q.select().from(jobRuns).where(eq(jobRuns.job, job)).orderBy(asc(jobRuns.fireKey))
}

// ---- summary data ----------------------------------------------------------------------------

/**
 * Full names a public summary must never show: roster owner names and the display names of members
 * bound to, or holding a role in, the compound.
 */
export async function privateNamesOf(q: Queryable, compoundId: number): Promise<string[]> {
  const owners = await q
    .select({ name: households.ownerName })
    .from(households)
    .where(and(eq(households.compoundId, compoundId), isNotNull(households.ownerName)))
  const bound = await q
    .selectDistinct({ name: members.displayName })
    .from(householdBindings)
    .innerJoin(members, eq(members.id, householdBindings.memberId))
    .where(eq(householdBindings.compoundId, compoundId))
  const roled = await q
    .selectDistinct({ name: members.displayName })
    .from(roles)
    .innerJoin(members, eq(members.id, roles.memberId))
    .where(eq(roles.compoundId, compoundId))
  return [...new Set([...owners, ...bound, ...roled].map((r) => r.name ?? '').filter((n) => n.trim()))]
}

/** Ticket numbers by ticket id. */
export async function ticketNosByIds(q: Queryable, compoundId: number, ids: number[]): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map()
  const rows = await q
    .select({ id: tickets.id, no: tickets.no })
    .from(tickets)
    .where(and(eq(tickets.compoundId, compoundId), inArray(tickets.id, ids)))
  return new Map(rows.map((r) => [r.id, r.no]))
}

// ---- legal calendar ---------------------------------------------------------------------------

/** Polls of a compound created or closed since `since` (what the legal calendar looks at). */
export async function recentPollsOf(q: Queryable, compoundId: number, since: Date) {
  return q
    .select()
    .from(polls)
    .where(and(eq(polls.compoundId, compoundId), or(gte(polls.createdAt, since), gte(polls.closedAt, since), eq(polls.status, 'open'))))
    .orderBy(asc(polls.no))
}

/** recentPollsOf for several compounds in one statement, by compound (each list by poll number). */
export async function recentPollsOfMany(q: Queryable, compoundIds: readonly number[], since: Date): Promise<Map<number, (typeof polls.$inferSelect)[]>> {
  const out = new Map<number, (typeof polls.$inferSelect)[]>()
  if (compoundIds.length === 0) return out
  const rows = await q
    .select()
    .from(polls)
    .where(and(sql`${polls.compoundId} = ANY(${ints(compoundIds)})`, or(gte(polls.createdAt, since), gte(polls.closedAt, since), eq(polls.status, 'open'))))
    .orderBy(asc(polls.compoundId), asc(polls.no))
  for (const r of rows) {
    const list = out.get(r.compoundId)
    if (list) list.push(r)
    else out.set(r.compoundId, [r])
  }
  return out
}

/** pollResultSent for several polls in one statement: the ids of those whose result reached a chat. */
export async function pollResultsSent(q: Queryable, pollIds: readonly number[]): Promise<Set<number>> {
  if (pollIds.length === 0) return new Set()
  const res = await q.execute(sql`SELECT DISTINCT split_part(dedupe_key, ':', 2) AS poll FROM ${outbox}
    WHERE status = 'sent' AND dedupe_key LIKE ANY(${texts(pollIds.map((id) => `poll-closed:${id}:%`))})`)
  return new Set(rowsOf(res).map((r) => Number(r.poll)))
}

/** Whether the result announcement of a poll (dedupe key `poll-closed:<id>:…`) reached at least one chat. */
export async function pollResultSent(q: Queryable, pollId: number): Promise<boolean> {
  const [row] = await q
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(like(outbox.dedupeKey, `poll-closed:${pollId}:%`), eq(outbox.status, 'sent')))
    .limit(1)
  return row !== undefined
}

// ---- outbox (for `linli outbox`) ---------------------------------------------------------------

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed'

export async function outboxRows(q: Queryable, opts: { statuses: OutboxStatus[]; limit: number }) {
  return q
    .select({
      id: outbox.id,
      compoundId: outbox.compoundId,
      platform: outbox.platform,
      targetKind: outbox.targetKind,
      targetId: outbox.targetId,
      text: outbox.text,
      hasImage: sql<boolean>`${outbox.image} IS NOT NULL`,
      dedupeKey: outbox.dedupeKey,
      status: outbox.status,
      attempts: outbox.attempts,
      nextAttemptAt: outbox.nextAttemptAt,
      lastError: outbox.lastError,
      createdAt: outbox.createdAt,
      sentAt: outbox.sentAt,
    })
    .from(outbox)
    .where(inArray(outbox.status, opts.statuses))
    .orderBy(desc(outbox.id))
    .limit(opts.limit)
}
