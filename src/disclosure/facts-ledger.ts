// The disclosure's ledger facts for a list of items, set-based (./facts.ts): the period totals, the cash
// balance at many instants (opening, closing and the trend), the expense and income entries, the chain heads
// and the arrears.
import { sql } from 'drizzle-orm'
import type { Queryable } from '../../db/client.ts'
import { chargeDueAt, compareArrears, duesOf } from '../domain/billing.ts'
import type { SummaryItem } from '../render/summary.ts'
import {
  big,
  CASH,
  date,
  type DisclosureItem,
  disclosureAsOf as asOfOf,
  EFF,
  idList,
  JOIN_ORIG,
  joinOrigOf,
  ms,
  num,
  periodsTable,
  rows,
  SIGN,
  str,
  textList,
} from './facts-sql.ts'

export interface CategoryFen {
  category: string
  fen: bigint
}

/** An item's ledger totals (periodTotals without opening and closing). */
export interface LedgerTotals {
  /** as periodTotals: entries recorded in the period, each net of its reversals */
  paymentsFen: bigint
  incomeFen: bigint
  expensesFen: bigint
  /** net per category ('' for none), largest first, zeros left out */
  expensesByCategory: CategoryFen[]
  incomeByCategory: CategoryFen[]
  /** households with a payment in the period that was not reversed */
  paidHouseholds: number
}

/** A household in arrears as the disclosure lists it. */
export interface DisclosedArrear {
  code: string
  owedFen: bigint
  overdueSince: Date
}

const sortCats = (list: CategoryFen[]) =>
  list.filter((r) => r.fen !== 0n).sort((a, b) => (b.fen > a.fen ? 1 : b.fen < a.fen ? -1 : a.category.localeCompare(b.category)))

/** periodTotals (without opening and closing) of every item. */
export async function totalsOf(q: Queryable, items: readonly DisclosureItem[], now: Date): Promise<LedgerTotals[]> {
  const out: LedgerTotals[] = items.map(() => ({ paymentsFen: 0n, incomeFen: 0n, expensesFen: 0n, expensesByCategory: [], incomeByCategory: [], paidHouseholds: 0 }))
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
export async function balancesAt(q: Queryable, at: Map<number, number[]>): Promise<{ cash: Map<number, Map<number, bigint>>; firstEntry: Map<number, number> }> {
  const groups = new Map<string, { instants: number[]; ids: number[] }>()
  for (const [id, list] of at) {
    const instants = [...new Set(list)].sort((a, b) => a - b)
    const key = instants.join(',')
    const g = groups.get(key) ?? { instants, ids: [] }
    g.ids.push(id)
    groups.set(key, g)
  }
  const out = new Map<number, Map<number, bigint>>()
  const firstEntry = new Map<number, number>()
  for (const { instants, ids } of groups.values()) {
    const thresholds = instants.map((t) => new Date(t).toISOString())
    // bucket k: entries recorded in [instants[k-1], instants[k]) (k = 0: before the first instant). The
    // thresholds are cast once (t): a text → timestamptz cast is not folded into a constant, and per row it
    // would parse them all again.
    const res = await rows(
      q,
      sql`WITH t AS MATERIALIZED (SELECT ${textList(thresholds)}::timestamptz[] AS th, ${thresholds.at(-1) ?? null}::timestamptz AS last)
        SELECT e.compound_id, width_bucket(e.recorded_at, t.th) AS k, coalesce(sum(${CASH}), 0)::text AS cash,
          ${ms(sql`min(e.recorded_at)`)} AS first
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
      firstEntry.set(id, Math.min(firstEntry.get(id) ?? Infinity, num(r.first)))
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
  return { cash: out, firstEntry }
}

/** The expense and income entries of each item's period (reversals of them included), in chain order. */
export async function itemsOf(q: Queryable, items: readonly DisclosureItem[], now: Date) {
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

/** ledgerHead of every compound. */
export async function headsOf(q: Queryable, ids: readonly number[]) {
  const res = await rows(
    q,
    sql`SELECT c.compound_id, l.serial, l.hash FROM unnest(${idList(ids)}) AS c(compound_id)
      JOIN LATERAL (SELECT e.serial, e.hash FROM ledger_entries e WHERE e.compound_id = c.compound_id ORDER BY e.serial DESC LIMIT 1) l ON true`,
  )
  return new Map(res.map((r) => [num(r.compound_id), { head: String(r.hash), count: num(r.serial) }]))
}

/**
 * arrearsOf (db/ledger-sums.ts) of every item at its as-of instant (disclosureAsOf): households with charges past due
 * and unpaid then, the longest overdue first. Two statements for the whole list: the balances as of each
 * (compound, instant) of the households that owed anything then, and those households' charges recorded before
 * it (not reversed before it); the due rule and the FIFO settlement are src/domain/billing.ts chargeDueAt and duesOf.
 */
export async function arrearsOfAll(q: Queryable, items: readonly DisclosureItem[], now: Date): Promise<DisclosedArrear[][]> {
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
  const byPair: DisclosedArrear[][] = list.map(() => [])
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
