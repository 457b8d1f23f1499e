// The disclosure of many compounds at once: the same DisclosureData as gatherDisclosure (./build.ts) and the
// same once-only posting as postDisclosure (./post.ts), but read with a fixed number of set-based queries per
// chunk of compounds instead of ~30 queries per compound, and written with one transaction per chunk.
// For the weekly run over thousands of compounds (bench/: 10,000 compounds, 1,000,000 ledger entries).
//
// Equivalence with the per-compound path is asserted by test/integration/disclosure-batch.test.ts; a change
// to what gatherDisclosure reads must be made here too.
//
// Every statement filters by compound_id (the compounds of the chunk), so it routes by the distribution
// column on a partitioned PostgreSQL (docs/DEPLOY.md).
import { asc, inArray, sql, type SQL } from 'drizzle-orm'
import type { Platform } from '../../adapters/types.ts'
import type { Db, Queryable } from '../../db/client.ts'
import type { CompoundRow } from '../../db/compounds.ts'
import { chats, outbox, polls } from '../../db/schema.ts'
import { type Period, previousPeriod } from '../domain/calendar.ts'
import { GENESIS_HASH } from '../domain/ledger-chain.ts'
import { outcomeText, snapshotFromJson } from '../domain/poll-render.ts'
import { isActive } from '../domain/repair-status.ts'
import { isOverdue, overdueDaysOf } from '../domain/repair-overdue.ts'
import { categoryLabel, periodLabel, type SummaryInput, type SummaryItem, type SummaryPoll } from '../domain/summary.ts'
import { translator } from '../i18n/index.ts'
import { log } from '../log.ts'
import { pollView } from '../ops/polls.ts'
import { compoundLang, type DisclosureData, TREND_PERIODS } from './build.ts'
import type { ChartModel } from './chart.ts'
import { type DisclosureMessages, disclosureKey, disclosureMessages } from './post.ts'

export interface BatchItem {
  compound: CompoundRow
  period: Period
  /** posted after its scheduled time (补发) */
  late?: boolean
}

/** Compounds per chunk: bounds memory (one chunk's data and messages at a time) and transaction size. */
export const DEFAULT_CHUNK = 500

type Row = Record<string, unknown>

async function rows(q: Queryable, query: SQL): Promise<Row[]> {
  const res = await q.execute(query)
  return ((res as { rows?: Row[] }).rows ?? (res as unknown as Row[])) as Row[]
}

const big = (v: unknown): bigint => (v === null || v === undefined ? 0n : BigInt(String(v)))
const num = (v: unknown): number => Number(v ?? 0)
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v))
/** epoch milliseconds as selected by `ms(...)` → Date */
const date = (v: unknown): Date => new Date(Number(v))
/** a timestamptz as epoch milliseconds, truncated like the drivers' Date mapping */
const ms = (col: SQL) => sql`floor(extract(epoch from ${col}) * 1000)::float8`

/** `unnest(…) AS p(compound_id, pfrom, pto, as_of)`: the chunk's compounds with their periods, as one text parameter per column. */
function periodsTable(items: readonly BatchItem[], now: Date): SQL {
  const ids = items.map((i) => i.compound.id).join(',')
  const from = items.map((i) => i.period.from.toISOString()).join(',')
  const to = items.map((i) => i.period.to.toISOString()).join(',')
  // tickets are counted as of `now` while the period runs (an on-demand 公示), else at its end
  const asOf = items.map((i) => (now.getTime() < i.period.to.getTime() ? now : i.period.to).toISOString()).join(',')
  return sql`unnest(string_to_array(${ids}, ',')::int[], string_to_array(${from}, ',')::timestamptz[],
    string_to_array(${to}, ',')::timestamptz[], string_to_array(${asOf}, ',')::timestamptz[]) AS p(compound_id, pfrom, pto, as_of)`
}

const idList = (ids: readonly number[]) => sql`string_to_array(${ids.join(',')}, ',')::int[]`

// the effect of an entry, as in db/ledger.ts: a reversal has the reversed entry's kind, negated
const EFF = sql`CASE WHEN e.kind = 'reversal' THEN o.kind ELSE e.kind END`
const SIGN = sql`CASE WHEN e.kind = 'reversal' THEN -1 ELSE 1 END`
const CASH = sql`CASE ${EFF} WHEN 'payment' THEN ${SIGN} * e.amount_fen WHEN 'income' THEN ${SIGN} * e.amount_fen
  WHEN 'expense' THEN -${SIGN} * e.amount_fen ELSE 0 END`
const JOIN_ORIG = sql`LEFT JOIN ledger_entries o ON o.compound_id = e.compound_id AND o.serial = e.reverses_serial`

interface Totals {
  paymentsFen: bigint
  incomeFen: bigint
  expensesFen: bigint
  chargesFen: bigint
  expensesByCategory: { category: string; fen: bigint }[]
  incomeByCategory: { category: string; fen: bigint }[]
  paidHouseholds: number
}

const sortCats = (list: { category: string; fen: bigint }[]) =>
  list.filter((r) => r.fen !== 0n).sort((a, b) => (b.fen > a.fen ? 1 : b.fen < a.fen ? -1 : a.category.localeCompare(b.category)))

/** periodTotals (without opening and closing) for every compound of the chunk. */
async function totalsOf(q: Queryable, items: readonly BatchItem[], now: Date): Promise<Map<number, Totals>> {
  const out = new Map<number, Totals>()
  for (const i of items) {
    out.set(i.compound.id, { paymentsFen: 0n, incomeFen: 0n, expensesFen: 0n, chargesFen: 0n, expensesByCategory: [], incomeByCategory: [], paidHouseholds: 0 })
  }
  const sums = await rows(
    q,
    sql`SELECT e.compound_id, ${EFF} AS kind, coalesce(e.category, o.category, '') AS category, sum(${SIGN} * e.amount_fen)::text AS fen
      FROM ${periodsTable(items, now)}
      JOIN ledger_entries e ON e.compound_id = p.compound_id AND e.recorded_at >= p.pfrom AND e.recorded_at < p.pto
      ${JOIN_ORIG}
      GROUP BY 1, 2, 3`,
  )
  for (const r of sums) {
    const t = out.get(num(r.compound_id))!
    const fen = big(r.fen)
    const category = String(r.category)
    switch (r.kind) {
      case 'payment':
        t.paymentsFen += fen
        break
      case 'charge':
        t.chargesFen += fen
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
    sql`SELECT e.compound_id, count(DISTINCT e.household_id)::int AS n
      FROM ${periodsTable(items, now)}
      JOIN ledger_entries e ON e.compound_id = p.compound_id AND e.recorded_at >= p.pfrom AND e.recorded_at < p.pto AND e.kind = 'payment'
      LEFT JOIN ledger_entries rev ON rev.compound_id = e.compound_id AND rev.reverses_serial = e.serial
      WHERE rev.id IS NULL
      GROUP BY 1`,
  )
  for (const r of paid) out.get(num(r.compound_id))!.paidHouseholds = num(r.n)
  for (const t of out.values()) {
    t.expensesByCategory = sortCats(t.expensesByCategory)
    t.incomeByCategory = sortCats(t.incomeByCategory)
  }
  return out
}

/**
 * Cash balance (balanceAt) of each compound at each of its instants: compound id → epoch ms → fen. One pass
 * over the chunk's entries per distinct list of instants (usually one: compounds in one time zone share
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
    const thresholds = instants.map((t) => new Date(t).toISOString()).join(',')
    // bucket k: entries recorded in [instants[k-1], instants[k]) (k = 0: before the first instant)
    const res = await rows(
      q,
      sql`SELECT e.compound_id, width_bucket(e.recorded_at, string_to_array(${thresholds}, ',')::timestamptz[]) AS k,
          coalesce(sum(${CASH}), 0)::text AS cash
        FROM ledger_entries e ${JOIN_ORIG}
        WHERE e.compound_id = ANY(${idList(ids)}) AND e.recorded_at < ${instants.at(-1) === undefined ? null : new Date(instants.at(-1)!).toISOString()}::timestamptz
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

/** The expense and income items of each compound's period (periodItems in ./build.ts). */
async function itemsOf(q: Queryable, items: readonly BatchItem[], now: Date) {
  const res = await rows(
    q,
    sql`SELECT e.compound_id, e.serial, e.kind, e.amount_fen::text AS amount, e.note, e.reverses_serial, ${ms(sql`e.recorded_at`)} AS at,
        src.kind AS src_kind, src.category AS src_category, src.counterparty AS src_party, src.note AS src_note, t.no AS ticket_no
      FROM ${periodsTable(items, now)}
      JOIN ledger_entries e ON e.compound_id = p.compound_id AND e.recorded_at >= p.pfrom AND e.recorded_at < p.pto
        AND e.kind IN ('expense', 'income', 'reversal')
      JOIN ledger_entries src ON src.compound_id = e.compound_id
        AND src.serial = CASE WHEN e.kind = 'reversal' THEN e.reverses_serial ELSE e.serial END
      LEFT JOIN tickets t ON t.id = src.ticket_id
      WHERE src.kind IN ('expense', 'income')
      ORDER BY e.compound_id, e.serial`,
  )
  const out = new Map<number, { expenses: SummaryItem[]; income: SummaryItem[] }>()
  for (const r of res) {
    const id = num(r.compound_id)
    let m = out.get(id)
    if (!m) out.set(id, (m = { expenses: [], income: [] }))
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

/** ticketsInPeriod for every compound of the chunk. */
async function repairsOf(q: Queryable, items: readonly BatchItem[], now: Date) {
  const out = new Map<number, { opened: number; done: number; open: number; overdue: number }>()
  for (const i of items) out.set(i.compound.id, { opened: 0, done: 0, open: 0, overdue: 0 })
  const opened = await rows(
    q,
    sql`SELECT t.compound_id, count(*)::int AS n FROM ${periodsTable(items, now)}
      JOIN tickets t ON t.compound_id = p.compound_id AND t.created_at >= p.pfrom AND t.created_at < p.pto
      GROUP BY 1`,
  )
  for (const r of opened) out.get(num(r.compound_id))!.opened = num(r.n)
  const done = await rows(
    q,
    sql`SELECT ev.compound_id, count(DISTINCT ev.ticket_id)::int AS n FROM ${periodsTable(items, now)}
      JOIN ticket_events ev ON ev.compound_id = p.compound_id AND ev.action = 'done' AND ev.at >= p.pfrom AND ev.at < p.pto
      GROUP BY 1`,
  )
  for (const r of done) out.get(num(r.compound_id))!.done = num(r.n)
  // the status each ticket had at as_of: its last status-changing event at or before it
  const status = await rows(
    q,
    sql`SELECT DISTINCT ON (ev.compound_id, ev.ticket_id) ev.compound_id, ev.to_status, ${ms(sql`t.created_at`)} AS created_at
      FROM ${periodsTable(items, now)}
      JOIN ticket_events ev ON ev.compound_id = p.compound_id AND ev.to_status IS NOT NULL AND ev.at <= p.as_of
      JOIN tickets t ON t.compound_id = ev.compound_id AND t.id = ev.ticket_id
      ORDER BY ev.compound_id, ev.ticket_id, ev.at DESC, ev.id DESC`,
  )
  const byId = new Map(items.map((i) => [i.compound.id, i]))
  for (const r of status) {
    if (!isActive(String(r.to_status))) continue
    const item = byId.get(num(r.compound_id))!
    const c = out.get(item.compound.id)!
    const asOf = now.getTime() < item.period.to.getTime() ? now : item.period.to
    c.open++
    if (isOverdue(date(r.created_at), asOf, overdueDaysOf(item.compound.settings), item.compound.timeZone)) c.overdue++
  }
  return out
}

/** ledgerHead of every compound. */
async function headsOf(q: Queryable, ids: readonly number[]) {
  const res = await rows(
    q,
    sql`SELECT c.id AS compound_id, l.serial, l.hash FROM unnest(${idList(ids)}) AS c(id)
      JOIN LATERAL (SELECT e.serial, e.hash FROM ledger_entries e WHERE e.compound_id = c.id ORDER BY e.serial DESC LIMIT 1) l ON true`,
  )
  return new Map(res.map((r) => [num(r.compound_id), { head: String(r.hash), count: num(r.serial) }]))
}

/** arrearsOf (db/ledger.ts) for every compound: households that owe, oldest unpaid charge first. */
async function arrearsOfAll(q: Queryable, ids: readonly number[]) {
  const balances = await rows(
    q,
    sql`SELECT e.compound_id, coalesce(o.household_id, e.household_id) AS household_id,
        coalesce(sum(CASE WHEN ${EFF} = 'charge' THEN ${SIGN} * e.amount_fen ELSE 0 END), 0)::text AS billed,
        coalesce(sum(CASE WHEN ${EFF} = 'payment' THEN ${SIGN} * e.amount_fen ELSE 0 END), 0)::text AS paid
      FROM ledger_entries e ${JOIN_ORIG}
      WHERE e.compound_id = ANY(${idList(ids)}) AND coalesce(o.household_id, e.household_id) IS NOT NULL
      GROUP BY 1, 2`,
  )
  const owing = new Map<number, Map<number, { paidFen: bigint; owedFen: bigint }>>()
  for (const r of balances) {
    const billed = big(r.billed)
    const paid = big(r.paid)
    if (billed - paid <= 0n) continue
    const id = num(r.compound_id)
    let m = owing.get(id)
    if (!m) owing.set(id, (m = new Map()))
    m.set(num(r.household_id), { paidFen: paid, owedFen: billed - paid })
  }
  const out = new Map<number, { code: string; owedFen: bigint; oldest: Date }[]>()
  if (owing.size === 0) return out
  const charges = await rows(
    q,
    sql`SELECT e.compound_id, e.household_id, e.amount_fen::text AS amount, ${ms(sql`e.recorded_at`)} AS at, h.code
      FROM ledger_entries e
      JOIN households h ON h.compound_id = e.compound_id AND h.id = e.household_id
      LEFT JOIN ledger_entries rev ON rev.compound_id = e.compound_id AND rev.reverses_serial = e.serial
      WHERE e.compound_id = ANY(${idList([...owing.keys()])}) AND e.household_id = ANY(${idList([...owing.values()].flatMap((m) => [...m.keys()]))})
        AND e.kind = 'charge' AND rev.id IS NULL
      ORDER BY e.compound_id, e.serial`,
  )
  const byHousehold = new Map<number, { code: string; charges: { amountFen: bigint; at: Date }[] }>()
  for (const c of charges) {
    const hid = num(c.household_id)
    let h = byHousehold.get(hid)
    if (!h) byHousehold.set(hid, (h = { code: String(c.code), charges: [] }))
    h.charges.push({ amountFen: big(c.amount), at: date(c.at) })
  }
  for (const [compoundId, households] of owing) {
    const list: { code: string; owedFen: bigint; oldest: Date }[] = []
    for (const [hid, b] of households) {
      const h = byHousehold.get(hid)
      if (!h) continue
      // payments settle the oldest charges first
      let paid = b.paidFen
      let oldest = h.charges[h.charges.length - 1]!.at
      for (const c of h.charges) {
        if (paid >= c.amountFen) {
          paid -= c.amountFen
          continue
        }
        oldest = c.at
        break
      }
      list.push({ code: h.code, owedFen: b.owedFen, oldest })
    }
    list.sort(
      (a, b) =>
        a.oldest.getTime() - b.oldest.getTime() || (b.owedFen > a.owedFen ? 1 : b.owedFen < a.owedFen ? -1 : 0) || a.code.localeCompare(b.code),
    )
    out.set(compoundId, list)
  }
  return out
}

/** privateNamesOf for every compound. */
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

/** Polls created or closed in each compound's period, by compound, in poll number order. */
async function pollsOfAll(q: Queryable, items: readonly BatchItem[]) {
  const byId = new Map(items.map((i) => [i.compound.id, i]))
  const list = await q
    .select()
    .from(polls)
    .where(inArray(polls.compoundId, [...byId.keys()]))
    .orderBy(asc(polls.compoundId), asc(polls.no))
  const within = (d: Date | null, p: Period) => d !== null && d.getTime() >= p.from.getTime() && d.getTime() < p.to.getTime()
  const out = new Map<number, typeof list>()
  for (const p of list) {
    const period = byId.get(p.compoundId)!.period
    if (!within(p.createdAt, period) && !within(p.closedAt, period)) continue
    const l = out.get(p.compoundId) ?? []
    l.push(p)
    out.set(p.compoundId, l)
  }
  return out
}

/**
 * Everything the summary and the chart of each item's period show, as of `now`: gatherDisclosure for many
 * compounds, with about a dozen queries for the whole list (pass a chunk of a few hundred compounds).
 */
export async function gatherDisclosures(
  q: Queryable,
  items: readonly BatchItem[],
  opts: { now: Date },
): Promise<Map<number, DisclosureData>> {
  const out = new Map<number, DisclosureData>()
  if (items.length === 0) return out
  const { now } = opts
  const ids = items.map((i) => i.compound.id)
  // the instants whose cash balance is shown: the period's opening and closing, and the trend's period ends
  const trendOf = new Map<number, Period[]>()
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
    // the compound's own period object is the last one (the chart compares by identity)
    trend = [...trend.slice(0, -1), period]
    trendOf.set(compound.id, trend)
    instants.set(compound.id, [period.from.getTime(), period.to.getTime(), ...trend.map((p) => p.to.getTime())])
  }
  const totals = await totalsOf(q, items, now)
  const balances = await balancesAt(q, instants)
  const periodItems = await itemsOf(q, items, now)
  const repairs = await repairsOf(q, items, now)
  const heads = await headsOf(q, ids)
  const arrears = await arrearsOfAll(q, ids)
  const pollsBy = await pollsOfAll(q, items)
  const names = await privateNamesOfAll(q, ids)

  for (const { compound, period, late } of items) {
    const id = compound.id
    const lang = compoundLang(compound)
    const t = translator(lang)
    const tz = compound.timeZone
    const tot = totals.get(id)!
    const cash = balances.get(id) ?? new Map<number, bigint>()
    const balanceAt = (d: Date) => cash.get(d.getTime()) ?? 0n
    const its = periodItems.get(id) ?? { expenses: [], income: [] }
    const owed = arrears.get(id) ?? []
    const openingFen = balanceAt(period.from)
    const closingFen = balanceAt(period.to)

    const summaryPolls: SummaryPoll[] = []
    for (const p of pollsBy.get(id) ?? []) {
      const closedInTime = p.status === 'closed' && p.closedAt !== null && p.closedAt.getTime() < period.to.getTime()
      const snap = closedInTime ? snapshotFromJson(p.result) : null
      summaryPolls.push({ no: p.no, title: p.title, deadline: p.deadline, outcome: snap ? outcomeText(t, pollView(p), snap.tally) : null })
    }

    const summary: SummaryInput = {
      compound: { name: compound.name, timeZone: tz, language: lang, settings: { arrearsRoomsPublic: compound.settings.arrearsRoomsPublic === true } },
      period,
      asOf: now,
      late: late ?? false,
      openingFen,
      closingFen,
      payments: { households: tot.paidHouseholds, totalFen: tot.paymentsFen },
      otherIncome: { totalFen: tot.incomeFen, items: its.income },
      expenses: { totalFen: tot.expensesFen, items: its.expenses },
      repairs: repairs.get(id)!,
      polls: summaryPolls,
      chain: heads.get(id) ?? { head: GENESIS_HASH, count: 0 },
      arrears: { count: owed.length, totalFen: owed.reduce((s, a) => s + a.owedFen, 0n), rooms: owed.map((a) => a.code) },
      privateNames: [...(names.get(id) ?? [])],
    }

    // the chart, as in gatherDisclosure
    const cats = new Map<string, { income: bigint; expense: bigint }>()
    const bump = (label: string, k: 'income' | 'expense', fen: bigint) => {
      const c = cats.get(label) ?? { income: 0n, expense: 0n }
      c[k] += fen
      cats.set(label, c)
    }
    if (tot.paymentsFen !== 0n) bump(t('disclosure.chart.fees'), 'income', tot.paymentsFen)
    for (const c of tot.incomeByCategory) bump(categoryLabel(t, c.category || null), 'income', c.fen)
    for (const c of tot.expensesByCategory) bump(categoryLabel(t, c.category || null), 'expense', c.fen)
    if (cats.size === 0) cats.set(t('disclosure.chart.empty'), { income: 0n, expense: 0n })
    const toYuan = (fen: bigint) => Number(fen) / 100
    const trendPeriods = trendOf.get(id)!
    const chart: ChartModel = {
      title: `${compound.name} ${periodLabel(t, period)}`,
      categories: [...cats.keys()],
      income: [...cats.values()].map((c) => toYuan(c.income)),
      expense: [...cats.values()].map((c) => toYuan(c.expense)),
      trendLabels: trendPeriods.map((p) => (p.kind === 'week' ? p.key.slice(5) : p.key)),
      trend: trendPeriods.map((p) => toYuan(p === period ? closingFen : balanceAt(p.to))),
      labels: {
        byCategory: t('disclosure.chart.byCategory'),
        trend: t('disclosure.chart.trend', { n: TREND_PERIODS }),
        income: t('disclosure.chart.income'),
        expense: t('disclosure.chart.expense'),
        balance: t('disclosure.chart.balance'),
      },
    }
    out.set(id, { summary, chart })
  }
  return out
}

export interface BatchPostResult {
  /** compounds that got (part of) their disclosure from this call */
  compounds: number
  /** chats that got the disclosure from this call */
  chats: number
  /** outbox rows written */
  rows: number
}

/**
 * postDisclosure for many compounds: each chat of each compound gets its period's disclosure once (the
 * unique `disclosures` row decides, as in ./post.ts; the outbox dedupe keys are the same). Reads a chunk of
 * compounds with gatherDisclosures, renders, then records and enqueues the whole chunk in one transaction.
 * Safe to run again or concurrently with postDisclosure: a chat that has the period gets nothing.
 */
export async function postDisclosures(
  db: Db,
  items: readonly BatchItem[],
  opts: { now: Date; render?: (data: DisclosureData) => DisclosureMessages; chunkSize?: number },
): Promise<BatchPostResult> {
  const total: BatchPostResult = { compounds: 0, chats: 0, rows: 0 }
  const size = Math.max(1, opts.chunkSize ?? DEFAULT_CHUNK)
  for (let i = 0; i < items.length; i += size) {
    const r = await postChunk(db, items.slice(i, i + size), opts)
    total.compounds += r.compounds
    total.chats += r.chats
    total.rows += r.rows
  }
  return total
}

async function postChunk(
  db: Db,
  items: readonly BatchItem[],
  opts: { now: Date; render?: (data: DisclosureData) => DisclosureMessages },
): Promise<BatchPostResult> {
  const ids = items.map((i) => i.compound.id)
  const chatRows = await db.select().from(chats).where(inArray(chats.compoundId, ids)).orderBy(asc(chats.id))
  const chatsOf = new Map<number, typeof chatRows>()
  for (const c of chatRows) chatsOf.set(c.compoundId, [...(chatsOf.get(c.compoundId) ?? []), c])
  // compounds with a chat that does not have the period yet
  const done = await rows(
    db,
    sql`SELECT d.compound_id, d.chat_id FROM disclosures d
      JOIN unnest(${idList(ids)}, string_to_array(${items.map((i) => i.period.kind).join(',')}, ','),
        string_to_array(${items.map((i) => i.period.key).join(',')}, ',')) AS p(compound_id, kind, key)
        ON d.compound_id = p.compound_id AND d.period_kind = p.kind AND d.period = p.key`,
  )
  const doneSet = new Set(done.map((r) => `${num(r.compound_id)}:${num(r.chat_id)}`))
  const todo = items.filter((i) => (chatsOf.get(i.compound.id) ?? []).some((c) => !doneSet.has(`${i.compound.id}:${c.id}`)))
  if (todo.length === 0) return { compounds: 0, chats: 0, rows: 0 }

  // read and render outside the transaction (the chart takes a while and holds no lock)
  const data = await gatherDisclosures(db, todo, { now: opts.now })
  const render = opts.render ?? disclosureMessages
  const messages = new Map<number, DisclosureMessages>()
  for (const i of todo) messages.set(i.compound.id, render(data.get(i.compound.id)!))

  return db.transaction(async (tx) => {
    // record every (compound, chat) at once; only the pairs this call inserted get outbox rows
    const pairs = todo.flatMap((i) => (chatsOf.get(i.compound.id) ?? []).map((c) => ({ item: i, chat: c })))
    const mine = await rows(
      tx,
      sql`INSERT INTO disclosures (compound_id, chat_id, period_kind, period, late, created_at)
        SELECT * FROM unnest(${idList(pairs.map((p) => p.item.compound.id))}, ${idList(pairs.map((p) => p.chat.id))},
          string_to_array(${pairs.map((p) => p.item.period.kind).join(',')}, ','), string_to_array(${pairs.map((p) => p.item.period.key).join(',')}, ','),
          string_to_array(${pairs.map((p) => String(p.item.late ?? false)).join(',')}, ',')::boolean[],
          string_to_array(${pairs.map(() => opts.now.toISOString()).join(',')}, ',')::timestamptz[])
        ON CONFLICT DO NOTHING
        RETURNING compound_id, chat_id`,
    )
    const recorded = new Set(mine.map((r) => `${num(r.compound_id)}:${num(r.chat_id)}`))
    const outRows: (typeof outbox.$inferInsert)[] = []
    const postedCompounds = new Set<number>()
    for (const { item, chat } of pairs) {
      const compoundId = item.compound.id
      if (!recorded.has(`${compoundId}:${chat.id}`)) continue
      postedCompounds.add(compoundId)
      const msgs = messages.get(compoundId)!
      const base = {
        compoundId,
        inboxId: null,
        createdAt: opts.now,
        platform: chat.platform as Platform,
        targetKind: 'chat' as const,
        targetId: chat.platformChatId,
      }
      msgs.parts.forEach((text, n) => outRows.push({ ...base, text, image: null, dedupeKey: disclosureKey(compoundId, chat.id, item.period, n + 1) }))
      if (msgs.chart) {
        outRows.push({ ...base, text: msgs.chart.caption ?? '', image: msgs.chart.png, dedupeKey: disclosureKey(compoundId, chat.id, item.period, 'chart') })
      }
    }
    let written = 0
    for (let k = 0; k < outRows.length; k += 1000) {
      const ids = await tx.insert(outbox).values(outRows.slice(k, k + 1000)).onConflictDoNothing().returning({ id: outbox.id })
      written += ids.length
    }
    if (recorded.size > 0) log.info({ compounds: postedCompounds.size, chats: recorded.size, rows: written }, 'disclosures posted (batch)')
    return { compounds: postedCompounds.size, chats: recorded.size, rows: written }
  })
}
