// What the disclosure (公示) of a period shows, read from the database for a whole list of (compound, period)
// items at once: a fixed number of set-based queries per call, whatever the number of items (about a dozen;
// pass a chunk of a few hundred compounds). One item is just a list of one (gatherDisclosure, the on-demand
// 公示); the scheduler passes every compound that is due (src/disclosure/batch.ts). ./build.ts turns the facts
// into the summary input and the chart model.
//
// The figures are those of the per-aggregate queries other commands print (db/ledger-sums.ts periodTotals,
// balanceAt and arrearsOf, db/ledger.ts ledgerHead for 账目 / 欠费 / 核验, db/ticket-queries.ts
// ticketsInPeriod, db/polls.ts pollsInPeriod, db/disclosure.ts privateNamesOf);
// test/integration/disclosure-batch.test.ts checks them against those queries, item by item.
//
// Every statement filters by compound_id (the compounds of the list), so it routes by the distribution
// column on a partitioned PostgreSQL (docs/DEPLOY.md). Items are keyed by their index in the list (`ix`):
// one compound may have several periods due at once (the week and the month on the 1st).
//
// The shared SQL pieces are in ./facts-sql.ts, the ledger readers in ./facts-ledger.ts; the repairs, polls and
// private names are read here.
import { and, asc, gte, inArray, or, sql } from 'drizzle-orm'
import type { Queryable } from '../../db/client.ts'
import { polls } from '../../db/schema.ts'
import type { CompoundRow } from '../../db/compounds.ts'
import { type Period, previousPeriod } from '../domain/calendar.ts'
import { GENESIS_HASH } from '../domain/ledger-chain.ts'
import { isOverdue, overdueDaysOf } from '../domain/repair-overdue.ts'
import { isActive } from '../domain/repair-status.ts'
import type { SummaryItem } from '../render/summary.ts'
import { arrearsOfAll, balancesAt, type DisclosedArrear, headsOf, itemsOf, type LedgerTotals, totalsOf } from './facts-ledger.ts'
import { date, type DisclosureItem, disclosureAsOf as asOfOf, idList, ms, num, periodsTable, rows } from './facts-sql.ts'

export { type DisclosureItem, disclosureAsOf } from './facts-sql.ts'

/** How many periods the balance trend shows at most: fewer for a compound younger than that (trendStart). */
export const TREND_PERIODS = 12

export type PollRow = typeof polls.$inferSelect

/** Everything one item's summary and chart are made of (./build.ts). */
export interface PeriodFacts extends LedgerTotals {
  /** cash balance (balanceAt) at the period's start and end */
  openingFen: bigint
  closingFen: bigint
  /**
   * the last TREND_PERIODS periods, the item's own last, each with its closing balance; none before the period of
   * the compound's start (trendStart): a new compound has no flat zero history
   */
  trend: { period: Period; closingFen: bigint }[]
  /** the period's expense and income entries; a reversal is a negative item of the kind it undoes */
  expenses: SummaryItem[]
  income: SummaryItem[]
  /** as ticketsInPeriod: opened and done in the period; open and overdue as of min(now, end) */
  repairs: { opened: number; done: number; open: number; overdue: number }
  /** polls created or closed in the period, by number */
  polls: PollRow[]
  /** the ledger's stored head (ledgerHead) */
  chain: { head: string; count: number }
  /**
   * as arrearsOf at the period's end (or now while it runs, disclosureAsOf): households with charges past due and
   * unpaid then, the longest overdue first. A 补发 shows the period's arrears, not today's.
   */
  arrears: DisclosedArrear[]
  /** as privateNamesOf: roster owner names and the display names of bound members and role holders */
  privateNames: string[]
}

/** ticketsInPeriod of every item. */
async function repairsOf(q: Queryable, items: readonly DisclosureItem[], now: Date) {
  const out = items.map(() => ({ opened: 0, done: 0, open: 0, overdue: 0 }))
  const opened = await rows(
    q,
    sql`SELECT p.ix, count(*)::int AS n FROM ${periodsTable(items, now)}
      JOIN tickets t ON t.compound_id = p.compound_id AND t.created_at >= p.pfrom AND t.created_at < p.pto
      GROUP BY 1`,
  )
  for (const r of opened) out[num(r.ix)]!.opened = num(r.n)
  const done = await rows(
    q,
    sql`SELECT p.ix, count(DISTINCT ev.ticket_id)::int AS n FROM ${periodsTable(items, now)}
      JOIN ticket_events ev ON ev.compound_id = p.compound_id AND ev.action = 'done' AND ev.at >= p.pfrom AND ev.at < p.pto
      GROUP BY 1`,
  )
  for (const r of done) out[num(r.ix)]!.done = num(r.n)
  // the status each ticket had at as_of: its last status-changing event at or before it
  const status = await rows(
    q,
    sql`SELECT DISTINCT ON (p.ix, ev.ticket_id) p.ix, ev.to_status, ${ms(sql`t.created_at`)} AS created_at
      FROM ${periodsTable(items, now)}
      JOIN ticket_events ev ON ev.compound_id = p.compound_id AND ev.to_status IS NOT NULL AND ev.at <= p.as_of
      JOIN tickets t ON t.compound_id = ev.compound_id AND t.id = ev.ticket_id
      ORDER BY p.ix, ev.ticket_id, ev.at DESC, ev.id DESC`,
  )
  for (const r of status) {
    if (!isActive(String(r.to_status))) continue
    const ix = num(r.ix)
    const { compound } = items[ix]!
    const c = out[ix]!
    c.open++
    if (isOverdue(date(r.created_at), asOfOf(items[ix]!, now), overdueDaysOf(compound.settings), compound.timeZone)) c.overdue++
  }
  return out
}

/** privateNamesOf of every compound. */
async function privateNamesOfAll(q: Queryable, ids: readonly number[]) {
  const res = await rows(
    q,
    sql`SELECT h.compound_id, h.owner_name AS name FROM households h
        WHERE h.compound_id = ANY(${idList(ids)}) AND h.owner_name IS NOT NULL
      UNION SELECT b.compound_id, m.display_name FROM household_bindings b JOIN members m ON m.id = b.member_id
        WHERE b.compound_id = ANY(${idList(ids)})
      UNION SELECT r.compound_id, m.display_name FROM roles r JOIN members m ON m.id = r.member_id
        WHERE r.compound_id = ANY(${idList(ids)})`,
  )
  const out = new Map<number, Set<string>>()
  for (const r of res) {
    const name = String(r.name ?? '')
    if (!name.trim()) continue
    const id = num(r.compound_id)
    let s = out.get(id)
    if (!s) out.set(id, (s = new Set()))
    s.add(name)
  }
  return out
}

/** pollsInPeriod of every item: polls created or closed in the period, by number. */
async function pollsOfAll(q: Queryable, items: readonly DisclosureItem[]): Promise<PollRow[][]> {
  const since = new Date(Math.min(...items.map((i) => i.period.from.getTime())))
  const list = await q
    .select()
    .from(polls)
    .where(
      and(
        inArray(polls.compoundId, [...new Set(items.map((i) => i.compound.id))]),
        or(gte(polls.createdAt, since), gte(polls.closedAt, since)),
      ),
    )
    .orderBy(asc(polls.compoundId), asc(polls.no))
  const within = (d: Date | null, p: Period) => d !== null && d.getTime() >= p.from.getTime() && d.getTime() < p.to.getTime()
  return items.map(({ compound, period }) => list.filter((p) => p.compoundId === compound.id && (within(p.createdAt, period) || within(p.closedAt, period))))
}

/**
 * Where a compound's balance trend starts: its creation, or its first ledger entry when that is earlier (history
 * recorded with its own dates, the demo's month). Periods ending at or before it are left out of the trend.
 */
export function trendStart(compound: Pick<CompoundRow, 'createdAt'>, firstEntryMs: number | undefined): number {
  return Math.min(compound.createdAt.getTime(), firstEntryMs ?? Infinity)
}

/**
 * The facts of every item, in the order of `items`, as of `now` (the chain head is today's; open tickets and
 * arrears are counted at the period's end, or now while it runs).
 */
export async function gatherFacts(q: Queryable, items: readonly DisclosureItem[], opts: { now: Date }): Promise<PeriodFacts[]> {
  if (items.length === 0) return []
  const { now } = opts
  const ids = [...new Set(items.map((i) => i.compound.id))]
  // the instants whose cash balance is shown: the period's opening and closing, and the trend's period ends
  const trendOf: Period[][] = []
  const instants = new Map<number, number[]>()
  // the calendar arithmetic (Intl) is the expensive part of the loop: compounds in the same time zone share it
  const trends = new Map<string, Period[]>()
  for (const { compound, period } of items) {
    const key = `${compound.timeZone}|${period.kind}|${period.key}|${period.from.getTime()}|${period.to.getTime()}`
    let trend = trends.get(key)
    if (!trend) {
      trend = [period]
      while (trend.length < TREND_PERIODS) trend.unshift(previousPeriod(trend[0]!, compound.timeZone))
      trends.set(key, trend)
    }
    // the item's own period object is the last one
    trendOf.push([...trend.slice(0, -1), period])
    const list = instants.get(compound.id) ?? []
    list.push(period.from.getTime(), period.to.getTime(), ...trend.map((p) => p.to.getTime()))
    instants.set(compound.id, list)
  }
  const totals = await totalsOf(q, items, now)
  const { cash: balances, firstEntry } = await balancesAt(q, instants)
  const entries = await itemsOf(q, items, now)
  const repairs = await repairsOf(q, items, now)
  const heads = await headsOf(q, ids)
  const arrears = await arrearsOfAll(q, items, now)
  const pollsBy = await pollsOfAll(q, items)
  const names = await privateNamesOfAll(q, ids)

  return items.map(({ compound, period }, ix) => {
    const cash = balances.get(compound.id) ?? new Map<number, bigint>()
    const balanceAt = (d: Date) => cash.get(d.getTime()) ?? 0n
    return {
      ...totals[ix]!,
      openingFen: balanceAt(period.from),
      closingFen: balanceAt(period.to),
      trend: trendOf[ix]!
        .filter((p) => p === period || p.to.getTime() > trendStart(compound, firstEntry.get(compound.id)))
        .map((p) => ({ period: p, closingFen: balanceAt(p.to) })),
      ...entries[ix]!,
      repairs: repairs[ix]!,
      polls: pollsBy[ix]!,
      chain: heads.get(compound.id) ?? { head: GENESIS_HASH, count: 0 },
      arrears: arrears[ix]!,
      privateNames: [...(names.get(compound.id) ?? [])].sort(),
    }
  })
}
