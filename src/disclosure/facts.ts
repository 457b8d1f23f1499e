// What the disclosure (公示) of a period shows, read from the database for a whole list of (compound, period)
// items at once: a fixed number of set-based queries per call, whatever the number of items (about a dozen;
// pass a chunk of a few hundred compounds). One item is just a list of one (gatherDisclosure, the on-demand
// 公示); the scheduler passes every compound that is due (src/disclosure/batch.ts). ./build.ts turns the facts
// into the summary input and the chart model.
//
// The figures are those of the per-aggregate queries other commands print (db/ledger.ts periodTotals,
// balanceAt, arrearsOf and ledgerHead for 账目 / 欠费 / 核验, db/tickets.ts ticketsInPeriod, db/polls.ts
// pollsInPeriod, db/disclosure.ts privateNamesOf); test/integration/disclosure-batch.test.ts checks them
// against those queries, item by item.
//
// Every statement filters by compound_id (the compounds of the list), so it routes by the distribution
// column on a partitioned PostgreSQL (docs/DEPLOY.md). Items are keyed by their index in the list (`ix`):
// one compound may have several periods due at once (the week and the month on the 1st).
import { and, asc, gte, inArray, or, sql, type SQL } from 'drizzle-orm'
import type { Queryable } from '../../db/client.ts'
import type { CompoundRow } from '../../db/compounds.ts'
import { polls } from '../../db/schema.ts'
import { type Period, previousPeriod } from '../domain/calendar.ts'
import { GENESIS_HASH } from '../domain/ledger-chain.ts'
import { chargeDueAt, compareArrears, duesOf } from '../domain/billing.ts'
import { isOverdue, overdueDaysOf } from '../domain/repair-overdue.ts'
import { isActive } from '../domain/repair-status.ts'
import type { SummaryItem } from '../render/summary.ts'

/** How many periods the balance trend shows. */
export const TREND_PERIODS = 12

/** A compound and the period to disclose. */
export interface DisclosureItem {
  compound: CompoundRow
  period: Period
  /** posted after its scheduled time (补发) */
  late?: boolean
}

export type PollRow = typeof polls.$inferSelect

export interface CategoryFen {
  category: string
  fen: bigint
}

/** Everything one item's summary and chart are made of (./build.ts). */
export interface PeriodFacts {
  /** as periodTotals: entries recorded in the period, each net of its reversals */
  paymentsFen: bigint
  incomeFen: bigint
  expensesFen: bigint
  /** net per category ('' for none), largest first, zeros left out */
  expensesByCategory: CategoryFen[]
  incomeByCategory: CategoryFen[]
  /** households with a payment in the period that was not reversed */
  paidHouseholds: number
  /** cash balance (balanceAt) at the period's start and end */
  openingFen: bigint
  closingFen: bigint
  /** the last TREND_PERIODS periods, the item's own last, each with its closing balance */
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
  arrears: { code: string; owedFen: bigint; overdueSince: Date }[]
  /** as privateNamesOf: roster owner names and the display names of bound members and role holders */
  privateNames: string[]
}

type Row = Record<string, unknown>

export async function rows(q: Queryable, query: SQL): Promise<Row[]> {
  const res = await q.execute(query)
  return ((res as { rows?: Row[] }).rows ?? (res as unknown as Row[])) as Row[]
}

const big = (v: unknown): bigint => (v === null || v === undefined ? 0n : BigInt(String(v)))
export const num = (v: unknown): number => Number(v ?? 0)
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v))
/** epoch milliseconds as selected by `ms(...)` → Date */
const date = (v: unknown): Date => new Date(Number(v))
/** a timestamptz as epoch milliseconds, truncated like the drivers' Date mapping */
const ms = (col: SQL) => sql`floor(extract(epoch from ${col}) * 1000)::float8`

/** A list of integers as one text parameter (the drivers differ on array parameters; text is the same everywhere). */
export const idList = (ids: readonly number[]) => sql`string_to_array(${ids.join(',')}, ',')::int[]`
export const textList = (values: readonly string[]) => sql`string_to_array(${values.join(',')}, ',')`

/** When open tickets and arrears are counted: `now` while the period runs (an on-demand 公示), else its end. */
export const disclosureAsOf = (i: Pick<DisclosureItem, 'period'>, now: Date) => (now.getTime() < i.period.to.getTime() ? now : i.period.to)
const asOfOf = disclosureAsOf

/** `unnest(…) AS p(ix, compound_id, pfrom, pto, as_of)`: the items with their periods, one text parameter per column. */
function periodsTable(items: readonly DisclosureItem[], now: Date): SQL {
  const ix = items.map((_, k) => k)
  const stamps = (f: (i: DisclosureItem) => Date) => sql`${textList(items.map((i) => f(i).toISOString()))}::timestamptz[]`
  return sql`unnest(${idList(ix)}, ${idList(items.map((i) => i.compound.id))}, ${stamps((i) => i.period.from)}, ${stamps((i) => i.period.to)},
    ${stamps((i) => asOfOf(i, now))}) AS p(ix, compound_id, pfrom, pto, as_of)`
}

// the effect of an entry, as in db/ledger.ts: a reversal has the reversed entry's kind, negated
const EFF = sql`CASE WHEN e.kind = 'reversal' THEN o.kind ELSE e.kind END`
const SIGN = sql`CASE WHEN e.kind = 'reversal' THEN -1 ELSE 1 END`
const CASH = sql`CASE ${EFF} WHEN 'payment' THEN ${SIGN} * e.amount_fen WHEN 'income' THEN ${SIGN} * e.amount_fen
  WHEN 'expense' THEN -${SIGN} * e.amount_fen ELSE 0 END`
const JOIN_ORIG = sql`LEFT JOIN ledger_entries o ON o.compound_id = e.compound_id AND o.serial = e.reverses_serial`
/**
 * JOIN_ORIG when `e` is every entry of a list of compounds: `o` is limited to them too, or the planner hashes the
 * whole table (EXPLAIN: a sequential scan of every compound's ledger for each chunk).
 */
const joinOrigOf = (ids: readonly number[]) =>
  sql`LEFT JOIN ledger_entries o ON o.compound_id = e.compound_id AND o.serial = e.reverses_serial AND o.compound_id = ANY(${idList(ids)})`

type Totals = Pick<PeriodFacts, 'paymentsFen' | 'incomeFen' | 'expensesFen' | 'expensesByCategory' | 'incomeByCategory' | 'paidHouseholds'>

const sortCats = (list: CategoryFen[]) =>
  list.filter((r) => r.fen !== 0n).sort((a, b) => (b.fen > a.fen ? 1 : b.fen < a.fen ? -1 : a.category.localeCompare(b.category)))

/** periodTotals (without opening and closing) of every item. */
async function totalsOf(q: Queryable, items: readonly DisclosureItem[], now: Date): Promise<Totals[]> {
  const out: Totals[] = items.map(() => ({ paymentsFen: 0n, incomeFen: 0n, expensesFen: 0n, expensesByCategory: [], incomeByCategory: [], paidHouseholds: 0 }))
  const sums = await rows(
    q,
    sql`SELECT p.ix, ${EFF} AS kind, coalesce(e.category, o.category, '') AS category, sum(${SIGN} * e.amount_fen)::text AS fen
      FROM ${periodsTable(items, now)}
      JOIN ledger_entries e ON e.compound_id = p.compound_id AND e.recorded_at >= p.pfrom AND e.recorded_at < p.pto
      ${JOIN_ORIG}
      GROUP BY 1, 2, 3`,
  )
  for (const r of sums) {
    const t = out[num(r.ix)]!
    const fen = big(r.fen)
    const category = String(r.category)
    switch (r.kind) {
      case 'payment':
        t.paymentsFen += fen
        break
      case 'income':
        t.incomeFen += fen
        t.incomeByCategory.push({ category, fen })
        break
      case 'expense':
        t.expensesFen += fen
        t.expensesByCategory.push({ category, fen })
        break
    }
  }
  const paid = await rows(
    q,
    sql`SELECT p.ix, count(DISTINCT e.household_id)::int AS n
      FROM ${periodsTable(items, now)}
      JOIN ledger_entries e ON e.compound_id = p.compound_id AND e.recorded_at >= p.pfrom AND e.recorded_at < p.pto AND e.kind = 'payment'
      LEFT JOIN ledger_entries rev ON rev.compound_id = e.compound_id AND rev.reverses_serial = e.serial
      WHERE rev.id IS NULL
      GROUP BY 1`,
  )
  for (const r of paid) out[num(r.ix)]!.paidHouseholds = num(r.n)
  for (const t of out) {
    t.expensesByCategory = sortCats(t.expensesByCategory)
    t.incomeByCategory = sortCats(t.incomeByCategory)
  }
  return out
}

/**
 * Cash balance (balanceAt) of each compound at each of its instants: compound id → epoch ms → fen. One pass
 * over the compounds' entries per distinct list of instants (usually one: compounds in one time zone share
 * their period boundaries): each entry's cash effect is summed into the bucket of instants it precedes
 * (width_bucket), and the balance at an instant is the sum of the buckets before it.
 */
async function balancesAt(q: Queryable, at: Map<number, number[]>): Promise<Map<number, Map<number, bigint>>> {
  const groups = new Map<string, { instants: number[]; ids: number[] }>()
  for (const [id, list] of at) {
    const instants = [...new Set(list)].sort((a, b) => a - b)
    const key = instants.join(',')
    const g = groups.get(key) ?? { instants, ids: [] }
    g.ids.push(id)
    groups.set(key, g)
  }
  const out = new Map<number, Map<number, bigint>>()
  for (const { instants, ids } of groups.values()) {
    const thresholds = instants.map((t) => new Date(t).toISOString())
    // bucket k: entries recorded in [instants[k-1], instants[k]) (k = 0: before the first instant). The
    // thresholds are cast once (t): a text → timestamptz cast is not folded into a constant, and per row it
    // would parse them all again.
    const res = await rows(
      q,
      sql`WITH t AS MATERIALIZED (SELECT ${textList(thresholds)}::timestamptz[] AS th, ${thresholds.at(-1) ?? null}::timestamptz AS last)
        SELECT e.compound_id, width_bucket(e.recorded_at, t.th) AS k, coalesce(sum(${CASH}), 0)::text AS cash
        FROM t JOIN ledger_entries e ON e.compound_id = ANY(${idList(ids)}) AND e.recorded_at < t.last
        ${joinOrigOf(ids)}
        GROUP BY 1, 2`,
    )
    const buckets = new Map<number, bigint[]>()
    for (const r of res) {
      const id = num(r.compound_id)
      let b = buckets.get(id)
      if (!b) buckets.set(id, (b = instants.map(() => 0n)))
      b[num(r.k)]! += big(r.cash)
    }
    for (const id of ids) {
      const b = buckets.get(id)
      const m = new Map<number, bigint>()
      let sum = 0n
      instants.forEach((t, j) => {
        sum += b?.[j] ?? 0n // the balance at instants[j] counts the buckets 0…j
        m.set(t, sum)
      })
      out.set(id, m)
    }
  }
  return out
}

/** The expense and income entries of each item's period (reversals of them included), in chain order. */
async function itemsOf(q: Queryable, items: readonly DisclosureItem[], now: Date) {
  const out = items.map(() => ({ expenses: [] as SummaryItem[], income: [] as SummaryItem[] }))
  const res = await rows(
    q,
    sql`SELECT p.ix, e.serial, e.kind, e.amount_fen::text AS amount, e.note, e.reverses_serial, ${ms(sql`e.recorded_at`)} AS at,
        src.kind AS src_kind, src.category AS src_category, src.counterparty AS src_party, src.note AS src_note, t.no AS ticket_no
      FROM ${periodsTable(items, now)}
      JOIN ledger_entries e ON e.compound_id = p.compound_id AND e.recorded_at >= p.pfrom AND e.recorded_at < p.pto
        AND e.kind IN ('expense', 'income', 'reversal')
      JOIN ledger_entries src ON src.compound_id = e.compound_id
        AND src.serial = CASE WHEN e.kind = 'reversal' THEN e.reverses_serial ELSE e.serial END
      LEFT JOIN tickets t ON t.compound_id = src.compound_id AND t.id = src.ticket_id
      WHERE src.kind IN ('expense', 'income')
      ORDER BY p.ix, e.serial`,
  )
  for (const r of res) {
    const m = out[num(r.ix)]!
    const reversal = r.kind === 'reversal'
    const amount = big(r.amount)
    const item: SummaryItem = {
      serial: num(r.serial),
      at: date(r.at),
      amountFen: reversal ? -amount : amount,
      category: str(r.src_category),
      note: reversal ? (str(r.note) ?? str(r.src_note)) : str(r.note),
      party: str(r.src_party),
      ticketNo: r.ticket_no === null || r.ticket_no === undefined ? null : num(r.ticket_no),
      reversesSerial: reversal ? num(r.reverses_serial) : null,
    }
    ;(r.src_kind === 'expense' ? m.expenses : m.income).push(item)
  }
  return out
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

/** ledgerHead of every compound. */
async function headsOf(q: Queryable, ids: readonly number[]) {
  const res = await rows(
    q,
    sql`SELECT c.compound_id, l.serial, l.hash FROM unnest(${idList(ids)}) AS c(compound_id)
      JOIN LATERAL (SELECT e.serial, e.hash FROM ledger_entries e WHERE e.compound_id = c.compound_id ORDER BY e.serial DESC LIMIT 1) l ON true`,
  )
  return new Map(res.map((r) => [num(r.compound_id), { head: String(r.hash), count: num(r.serial) }]))
}

/**
 * arrearsOf (db/ledger.ts) of every item at its as-of instant (disclosureAsOf): households with charges past due
 * and unpaid then, the longest overdue first. Two statements for the whole list: the balances as of each
 * (compound, instant) of the households that owed anything then, and those households' charges recorded before
 * it (not reversed before it); the due rule and the FIFO settlement are src/domain/billing.ts chargeDueAt and duesOf.
 */
async function arrearsOfAll(q: Queryable, items: readonly DisclosureItem[], now: Date): Promise<PeriodFacts['arrears'][]> {
  // one compound may have several items with the same instant (a week and a month ending together): read each pair once
  const keyOf = (i: DisclosureItem) => `${i.compound.id}|${asOfOf(i, now).getTime()}`
  const pairs = new Map<string, { k: number; compound: DisclosureItem['compound']; at: Date }>()
  for (const i of items) if (!pairs.has(keyOf(i))) pairs.set(keyOf(i), { k: pairs.size, compound: i.compound, at: asOfOf(i, now) })
  const list = [...pairs.values()]
  const ids = [...new Set(list.map((p) => p.compound.id))]
  const asOfTable = sql`unnest(${idList(list.map((p) => p.k))}, ${idList(list.map((p) => p.compound.id))},
    ${textList(list.map((p) => p.at.toISOString()))}::timestamptz[]) AS a(k, compound_id, as_of)`
  const balances = await rows(
    q,
    sql`SELECT a.k, coalesce(o.household_id, e.household_id) AS household_id,
        coalesce(sum(CASE WHEN ${EFF} = 'charge' THEN ${SIGN} * e.amount_fen ELSE 0 END), 0)::text AS billed,
        coalesce(sum(CASE WHEN ${EFF} = 'payment' THEN ${SIGN} * e.amount_fen ELSE 0 END), 0)::text AS paid
      FROM ${asOfTable}
      JOIN ledger_entries e ON e.compound_id = a.compound_id AND e.recorded_at < a.as_of
      ${joinOrigOf(ids)}
      WHERE coalesce(o.household_id, e.household_id) IS NOT NULL
      GROUP BY 1, 2`,
  )
  // (k, household) → paid, for the households that owed anything at that instant
  const owing = new Map<number, Map<number, bigint>>()
  for (const r of balances) {
    const billed = big(r.billed)
    const paid = big(r.paid)
    if (billed - paid <= 0n) continue
    const k = num(r.k)
    let m = owing.get(k)
    if (!m) owing.set(k, (m = new Map()))
    m.set(num(r.household_id), paid)
  }
  const byPair: PeriodFacts['arrears'][] = list.map(() => [])
  if (owing.size > 0) {
    const charges = await rows(
      q,
      sql`SELECT a.k, e.household_id, e.amount_fen::text AS amount, ${ms(sql`e.due_at`)} AS due_at, e.billing_key,
          ${ms(sql`e.recorded_at`)} AS at, h.code
        FROM ${asOfTable}
        JOIN ledger_entries e ON e.compound_id = a.compound_id AND e.recorded_at < a.as_of AND e.kind = 'charge'
          AND e.household_id = ANY(${idList([...new Set([...owing.values()].flatMap((m) => [...m.keys()]))])})
        JOIN households h ON h.compound_id = e.compound_id AND h.id = e.household_id
        LEFT JOIN ledger_entries rev ON rev.compound_id = e.compound_id AND rev.reverses_serial = e.serial AND rev.recorded_at < a.as_of
        WHERE a.k = ANY(${idList([...owing.keys()])}) AND rev.id IS NULL
        ORDER BY a.k, e.serial`,
    )
    const byHousehold = new Map<string, { code: string; charges: { amountFen: bigint; dueAt: Date }[] }>()
    for (const c of charges) {
      const k = num(c.k)
      const hid = num(c.household_id)
      if (!owing.get(k)?.has(hid)) continue
      const key = `${k}|${hid}`
      let h = byHousehold.get(key)
      if (!h) byHousehold.set(key, (h = { code: String(c.code), charges: [] }))
      const dueAt = chargeDueAt(
        { dueAt: c.due_at === null || c.due_at === undefined ? null : date(c.due_at), billingKey: str(c.billing_key), recordedAt: date(c.at) },
        list[k]!.compound.timeZone,
      )
      h.charges.push({ amountFen: big(c.amount), dueAt })
    }
    for (const [k, households] of owing) {
      const out = byPair[k]!
      for (const [hid, paid] of households) {
        const h = byHousehold.get(`${k}|${hid}`)
        if (!h) continue
        const d = duesOf(h.charges, paid, list[k]!.at)
        if (d.overdueFen > 0n) out.push({ code: h.code, owedFen: d.overdueFen, overdueSince: d.overdueSince! })
      }
      out.sort(compareArrears)
    }
  }
  return items.map((i) => byPair[pairs.get(keyOf(i))!.k]!)
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
  const balances = await balancesAt(q, instants)
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
      trend: trendOf[ix]!.map((p) => ({ period: p, closingFen: balanceAt(p.to) })),
      ...entries[ix]!,
      repairs: repairs[ix]!,
      polls: pollsBy[ix]!,
      chain: heads.get(compound.id) ?? { head: GENESIS_HASH, count: 0 },
      arrears: arrears[ix]!,
      privateNames: [...(names.get(compound.id) ?? [])].sort(),
    }
  })
}
