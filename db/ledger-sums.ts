// The ledger's sums: household balances, dues and arrears at an instant, and the totals of a period. The
// sign conventions they apply (amounts stored positive, the kind decides the direction, a reversal counts
// as its target negated when it is recorded) are set out in ./ledger.ts.
import { and, asc, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { chargeDueAt, compareArrears, type Dues, duesOf } from '../src/domain/billing.ts'
import type { Queryable } from './client.ts'
import { prepared } from './prepared.ts'
import type { LedgerEntryRow, LedgerKind } from './ledger.ts'
import { households, ledgerEntries } from './schema.ts'

// ---- balances ------------------------------------------------------------------------------

const orig = alias(ledgerEntries, 'orig')
const e = ledgerEntries

/** the kind whose effect an entry has: its own, or for a reversal the reversed entry's */
const effKind = sql`CASE WHEN ${e.kind} = 'reversal' THEN ${orig.kind} ELSE ${e.kind} END`
/** +1 for an entry, −1 for a reversal */
const sign = sql`CASE WHEN ${e.kind} = 'reversal' THEN -1 ELSE 1 END`
const sumOf = (kind: Exclude<LedgerKind, 'reversal'>) =>
  sql<string>`coalesce(sum(CASE WHEN ${effKind} = ${kind} THEN ${sign} * ${e.amountFen} ELSE 0 END), 0)::text`
const cashSum = sql<string>`coalesce(sum(CASE ${effKind}
  WHEN 'payment' THEN ${sign} * ${e.amountFen}
  WHEN 'income' THEN ${sign} * ${e.amountFen}
  WHEN 'expense' THEN -${sign} * ${e.amountFen}
  ELSE 0 END), 0)::text`
const joinOrig = and(eq(orig.compoundId, e.compoundId), eq(orig.serial, e.reversesSerial))

export interface HouseholdBalance {
  /** charges net of reversed charges */
  billedFen: bigint
  /** payments net of reversed payments */
  paidFen: bigint
  /** billed − paid; negative means paid in advance */
  owedFen: bigint
}

const balanceQuery = prepared<{ compoundId: number; householdId: number }, { billed: string; paid: string }[]>('household_balance', (q) =>
  q
    .select({ billed: sumOf('charge'), paid: sumOf('payment') })
    .from(e)
    .leftJoin(orig, joinOrig)
    // a reversal carries its target's household (appendLedgerEntry enforces it), so the index applies
    .where(and(eq(e.compoundId, sql.placeholder('compoundId')), eq(e.householdId, sql.placeholder('householdId')))),
)

export async function householdBalance(q: Queryable, compoundId: number, householdId: number): Promise<HouseholdBalance> {
  const [row] = await balanceQuery(q, { compoundId, householdId })
  const billedFen = BigInt(row?.billed ?? '0')
  const paidFen = BigInt(row?.paid ?? '0')
  return { billedFen, paidFen, owedFen: billedFen - paidFen }
}

/** Every household of the compound with a ledger entry, with its balance (by household id). */
export async function householdBalances(q: Queryable, compoundId: number): Promise<Map<number, HouseholdBalance>> {
  const hh = sql<number>`coalesce(${orig.householdId}, ${e.householdId})`
  const rows = await q
    .select({ householdId: hh, billed: sumOf('charge'), paid: sumOf('payment') })
    .from(e)
    .leftJoin(orig, joinOrig)
    .where(and(eq(e.compoundId, compoundId), sql`${hh} IS NOT NULL`))
    .groupBy(hh)
  const out = new Map<number, HouseholdBalance>()
  for (const r of rows) {
    const billedFen = BigInt(r.billed)
    const paidFen = BigInt(r.paid)
    out.set(Number(r.householdId), { billedFen, paidFen, owedFen: billedFen - paidFen })
  }
  return out
}

// ---- dues and arrears at an instant (src/domain/billing.ts chargeDueAt + duesOf: one rule everywhere) -------------

/** A household's balance and what of it is overdue, not yet due or paid in advance, at an instant. */
export interface HouseholdDues extends HouseholdBalance, Dues {}

export interface Arrear {
  householdId: number
  code: string
  /** overdue (逾期): charges past due, not covered by payments */
  owedFen: bigint
  /** when the oldest unpaid overdue charge fell due (payments settle the earliest due first) */
  overdueSince: Date
  /** not yet due (待缴，未到期), beside the arrears */
  pendingFen: bigint
}

type CompoundRef = { id: number; timeZone: string }

/**
 * The dues at `at` of the compound's households that owed anything then (billed − paid > 0 over the entries
 * recorded before `at`, reversals counted when recorded before `at`), or of `onlyHousehold` whatever it owes:
 * a grouped read of the balances, then the charges of those households (not reversed before `at`) for duesOf.
 */
async function duesAt(
  q: Queryable,
  compound: CompoundRef,
  at: Date,
  onlyHousehold?: number,
): Promise<(HouseholdDues & { householdId: number; code: string })[]> {
  const hh = sql<number>`coalesce(${orig.householdId}, ${e.householdId})`
  const balances = await q
    .select({ householdId: hh, billed: sumOf('charge'), paid: sumOf('payment') })
    .from(e)
    .leftJoin(orig, joinOrig)
    .where(
      and(
        eq(e.compoundId, compound.id),
        lt(e.recordedAt, at),
        onlyHousehold === undefined ? sql`${hh} IS NOT NULL` : eq(e.householdId, onlyHousehold),
      ),
    )
    .groupBy(hh)
  const wanted = new Map<number, HouseholdBalance>()
  for (const r of balances) {
    const billedFen = BigInt(r.billed)
    const paidFen = BigInt(r.paid)
    if (onlyHousehold === undefined && billedFen - paidFen <= 0n) continue
    wanted.set(Number(r.householdId), { billedFen, paidFen, owedFen: billedFen - paidFen })
  }
  if (onlyHousehold !== undefined && !wanted.has(onlyHousehold)) wanted.set(onlyHousehold, { billedFen: 0n, paidFen: 0n, owedFen: 0n })
  if (wanted.size === 0) return []
  const ids = [...wanted.keys()]
  const rev = alias(ledgerEntries, 'rev')
  const charges = await q
    .select({
      householdId: e.householdId,
      amountFen: e.amountFen,
      dueAt: e.dueAt,
      billingKey: e.billingKey,
      recordedAt: e.recordedAt,
      code: households.code,
    })
    .from(e)
    .innerJoin(households, eq(households.id, e.householdId))
    .leftJoin(rev, and(eq(rev.compoundId, e.compoundId), eq(rev.reversesSerial, e.serial), lt(rev.recordedAt, at)))
    .where(
      and(
        eq(e.compoundId, compound.id),
        eq(e.kind, 'charge'),
        lt(e.recordedAt, at),
        isNull(rev.id),
        // a long list of households: read the compound's charges and keep theirs here (one parameter list stays small)
        ids.length <= 1000 ? inArray(e.householdId, ids) : undefined,
      ),
    )
    .orderBy(asc(e.serial))
  const byHousehold = new Map<number, { code: string; charges: { amountFen: bigint; dueAt: Date }[] }>()
  for (const c of charges) {
    const id = c.householdId!
    if (!wanted.has(id)) continue
    let h = byHousehold.get(id)
    if (!h) byHousehold.set(id, (h = { code: c.code, charges: [] }))
    h.charges.push({ amountFen: c.amountFen, dueAt: chargeDueAt(c, compound.timeZone) })
  }
  const out: (HouseholdDues & { householdId: number; code: string })[] = []
  for (const [householdId, b] of wanted) {
    const h = byHousehold.get(householdId)
    out.push({ householdId, code: h?.code ?? '', ...b, ...duesOf(h?.charges ?? [], b.paidFen, at) })
  }
  return out
}

/**
 * What a household owes at `at` (查费): billed and paid over the entries recorded before `at`, and of the balance
 * what is overdue, not yet due, or paid in advance.
 */
export async function householdDues(q: Queryable, compound: CompoundRef, householdId: number, at: Date): Promise<HouseholdDues> {
  const [d] = await duesAt(q, compound, at, householdId)
  const { householdId: _id, code: _code, ...dues } = d!
  return dues
}

/** The dues at `at` of every household that owed anything then (欠费 prints the overdue and the not yet due). */
export async function compoundDues(q: Queryable, compound: CompoundRef, at: Date): Promise<(HouseholdDues & { householdId: number; code: string })[]> {
  return duesAt(q, compound, at)
}

/**
 * Households in arrears at `at`: those with charges past due and not covered by payments, the longest overdue
 * first. Payments settle the charges that fell due first (FIFO). A disclosure of [from, to) asks at `to`.
 */
export async function arrearsOf(q: Queryable, compound: CompoundRef, at: Date): Promise<Arrear[]> {
  return arrearsFromDues(await duesAt(q, compound, at))
}

/** The arrears list from dues: overdue households, the longest overdue first (compareArrears). */
export function arrearsFromDues(dues: readonly (HouseholdDues & { householdId: number; code: string })[]): Arrear[] {
  return dues
    .filter((d) => d.overdueFen > 0n)
    .map((d) => ({ householdId: d.householdId, code: d.code, owedFen: d.overdueFen, overdueSince: d.overdueSince!, pendingFen: d.pendingFen }))
    .sort(compareArrears)
}

// ---- periods (for 账目 and the disclosure) -------------------------------------------------

/** Entries recorded in [from, to), in chain order. */
export async function ledgerInPeriod(q: Queryable, compoundId: number, from: Date, to: Date): Promise<LedgerEntryRow[]> {
  return q
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.compoundId, compoundId), gte(ledgerEntries.recordedAt, from), lt(ledgerEntries.recordedAt, to)))
    .orderBy(asc(ledgerEntries.serial))
}

/**
 * Cash balance at instant `at`: payments + income − expenses (each net of reversals) over entries
 * recorded strictly before `at`. So balanceAt(from) is a period's opening and balanceAt(to) its closing.
 */
export async function balanceAt(q: Queryable, compoundId: number, at: Date): Promise<bigint> {
  const [row] = await q
    .select({ cash: cashSum })
    .from(e)
    .leftJoin(orig, joinOrig)
    .where(and(eq(e.compoundId, compoundId), lt(e.recordedAt, at)))
  return BigInt(row?.cash ?? '0')
}

export interface PeriodTotals {
  /** payments net of reversals recorded in the period */
  paymentsFen: bigint
  /** households with a (not reversed) payment in the period */
  paidHouseholds: number
  incomeFen: bigint
  expensesFen: bigint
  /** net expenses per category (null category as ''), largest first */
  expensesByCategory: { category: string; fen: bigint }[]
  /** net income per category, largest first */
  incomeByCategory: { category: string; fen: bigint }[]
  chargesFen: bigint
  openingFen: bigint
  closingFen: bigint
}

/** What 账目 and the disclosure print for [from, to): reversals count in the period they are recorded. */
export async function periodTotals(q: Queryable, compoundId: number, from: Date, to: Date): Promise<PeriodTotals> {
  const inPeriod = and(eq(e.compoundId, compoundId), gte(e.recordedAt, from), lt(e.recordedAt, to))
  const [tot] = await q
    .select({ payments: sumOf('payment'), income: sumOf('income'), expenses: sumOf('expense'), charges: sumOf('charge') })
    .from(e)
    .leftJoin(orig, joinOrig)
    .where(inPeriod)
  const cat = sql<string>`coalesce(${e.category}, ${orig.category}, '')`
  const byCat = (kind: 'expense' | 'income') =>
    q
      .select({ category: cat, fen: sumOf(kind) })
      .from(e)
      .leftJoin(orig, joinOrig)
      .where(and(inPeriod, sql`${effKind} = ${kind}`))
      .groupBy(cat)
  const rev = alias(ledgerEntries, 'rev')
  const [paid] = await q
    .select({ n: sql<number>`count(DISTINCT ${e.householdId})::int` })
    .from(e)
    .leftJoin(rev, and(eq(rev.compoundId, e.compoundId), eq(rev.reversesSerial, e.serial)))
    .where(and(inPeriod, eq(e.kind, 'payment'), sql`${rev.id} IS NULL`))
  const sortCats = (rows: { category: string; fen: string }[]) =>
    rows
      .map((r) => ({ category: r.category, fen: BigInt(r.fen) }))
      .filter((r) => r.fen !== 0n)
      .sort((a, b) => (b.fen > a.fen ? 1 : b.fen < a.fen ? -1 : a.category.localeCompare(b.category)))
  const [openingFen, closingFen] = [await balanceAt(q, compoundId, from), await balanceAt(q, compoundId, to)]
  return {
    paymentsFen: BigInt(tot?.payments ?? '0'),
    paidHouseholds: Number(paid?.n ?? 0),
    incomeFen: BigInt(tot?.income ?? '0'),
    expensesFen: BigInt(tot?.expenses ?? '0'),
    chargesFen: BigInt(tot?.charges ?? '0'),
    expensesByCategory: sortCats(await byCat('expense')),
    incomeByCategory: sortCats(await byCat('income')),
    openingFen,
    closingFen,
  }
}
