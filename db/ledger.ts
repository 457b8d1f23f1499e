// The ledger: append-only, hash-chained money entries per compound.
//
// Sign conventions (read this before summing anything):
// - `amount_fen` is always stored POSITIVE (> 0). The entry's `kind` decides the direction:
//     charge   — a household is billed: raises what it owes; no cash moves.
//     payment  — a household pays: lowers what it owes; cash comes in.
//     income   — other income (parking rent, ads): cash comes in; no household.
//     expense  — money spent (cleaner, electrician, a ticket's cost): cash goes out.
//     reversal — undoes exactly one earlier entry. It stores the REVERSED entry's amount (positive),
//                names it in `reverses_serial`, and copies its household and category. Its effect is
//                the reversed entry's effect negated, counted at the reversal's own `recorded_at`
//                (history is never rewritten: a period already disclosed stays as disclosed).
//   A reversal of a reversal is refused, and an entry is reversed at most once (unique index
//   `ledger_compound_reverses_uq`).
// - Household balance: billed = charges − reversed charges; paid = payments − reversed payments;
//   owed = billed − paid (negative owed = paid in advance).
// - Cash balance: payments + income − expenses, each net of its reversals.
//
// Chain: entries of one compound are numbered 1, 2, 3, … (`serial`) and each carries
// `prev_hash` (the previous entry's hash, GENESIS_HASH for serial 1) and
// `hash = entryHash(prev_hash, entry)` (src/domain/ledger-chain.ts). Writers serialize per compound
// with a transaction-scoped advisory lock, so concurrent writers never fork the chain and serials
// never have gaps (a failed transaction rolls its serial back with it). Callers run at the default
// READ COMMITTED level, so the chain head read after the lock is the committed one; under a stricter
// level a racing writer fails on the unique serial index instead of forking the chain.
import { and, asc, desc, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { chargeDueAt, compareArrears, type Dues, duesOf } from '../src/domain/billing.ts'
import { type ChainEntry, entryHash, GENESIS_HASH } from '../src/domain/ledger-chain.ts'
import type { Queryable, Tx } from './client.ts'
import { households, ledgerEntries, ledgerReceipts } from './schema.ts'

export type LedgerKind = 'charge' | 'payment' | 'expense' | 'income' | 'reversal'
export type LedgerEntryRow = typeof ledgerEntries.$inferSelect

export interface NewLedgerEntry {
  compoundId: number
  kind: LedgerKind
  /** positive fen; for a reversal: the reversed entry's amount */
  amountFen: bigint
  householdId?: number | null
  category?: string | null
  counterparty?: string | null
  note?: string | null
  receiptRef?: string | null
  ticketId?: number | null
  /** required for (and only for) kind 'reversal' */
  reversesSerial?: number | null
  /** idempotency key of a generated charge (`fee:<schedule>:<household>:<YYYY-MM>|once`) */
  billingKey?: string | null
  /** charges only: when the charge falls due (src/domain/billing.ts dueAtFor); hashed when set */
  dueAt?: Date | null
  recordedBy?: number | null
  /** always ctx.now (or the billing run's `now`), never a column default */
  recordedAt: Date
}

export type LedgerErrorCode = 'unknownSerial' | 'reversalOfReversal' | 'alreadyReversed' | 'invalidEntry'

/** A refusal decided under the chain lock (commands map `code` to a UserError). */
export class LedgerError extends Error {
  constructor(
    readonly code: LedgerErrorCode,
    message?: string,
  ) {
    super(message ?? code)
    this.name = 'LedgerError'
  }
}

/** First key of the two-int advisory lock: 'LEDG'. The second key is the compound id. */
const LEDGER_LOCK_CLASS = 0x4c454447

/**
 * Take the compound's chain lock for the rest of the transaction. appendLedgerEntry does this itself;
 * call it first only when you must read the ledger and then write based on what you read.
 */
export async function lockLedger(tx: Tx, compoundId: number): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${LEDGER_LOCK_CLASS}::int4, ${compoundId}::int4)`)
}

export async function ledgerEntryBySerial(q: Queryable, compoundId: number, serial: number): Promise<LedgerEntryRow | undefined> {
  const [row] = await q
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.compoundId, compoundId), eq(ledgerEntries.serial, serial)))
    .limit(1)
  return row
}

/** The reversal of entry `serial`, if any. */
export async function reversalOf(q: Queryable, compoundId: number, serial: number): Promise<LedgerEntryRow | undefined> {
  const [row] = await q
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.compoundId, compoundId), eq(ledgerEntries.reversesSerial, serial)))
    .limit(1)
  return row
}

/**
 * Append one entry to the compound's chain, inside the caller's transaction.
 * With a `billingKey` that is already in the ledger, nothing is written (no serial consumed) and the
 * result is null. A reversal is checked under the lock: the reversed serial must exist, must not be
 * a reversal, and must not be reversed already (LedgerError otherwise); its household and category
 * default to the reversed entry's and its amount must equal it.
 */
export async function appendLedgerEntry(tx: Tx, entry: NewLedgerEntry & { billingKey: string }): Promise<LedgerEntryRow | null>
export async function appendLedgerEntry(tx: Tx, entry: NewLedgerEntry & { billingKey?: null }): Promise<LedgerEntryRow>
export async function appendLedgerEntry(tx: Tx, entry: NewLedgerEntry): Promise<LedgerEntryRow | null>
export async function appendLedgerEntry(tx: Tx, entry: NewLedgerEntry): Promise<LedgerEntryRow | null> {
  validate(entry)
  const isReversal = entry.kind === 'reversal'

  await lockLedger(tx, entry.compoundId)

  if (entry.billingKey != null) {
    const [billed] = await tx
      .select({ id: ledgerEntries.id })
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.compoundId, entry.compoundId), eq(ledgerEntries.billingKey, entry.billingKey)))
      .limit(1)
    if (billed) return null
  }

  let householdId = entry.householdId ?? null
  let category = entry.category ?? null
  if (isReversal) {
    const target = await ledgerEntryBySerial(tx, entry.compoundId, entry.reversesSerial!)
    if (!target) throw new LedgerError('unknownSerial')
    if (target.kind === 'reversal') throw new LedgerError('reversalOfReversal')
    if (await reversalOf(tx, entry.compoundId, target.serial)) throw new LedgerError('alreadyReversed')
    if (target.amountFen !== entry.amountFen) {
      throw new LedgerError('invalidEntry', 'a reversal stores the reversed entry\'s amount')
    }
    if (householdId !== null && householdId !== target.householdId) {
      throw new LedgerError('invalidEntry', 'a reversal belongs to the reversed entry\'s household')
    }
    householdId = target.householdId
    category ??= target.category
  }

  const [last] = await tx
    .select({ serial: ledgerEntries.serial, hash: ledgerEntries.hash })
    .from(ledgerEntries)
    .where(eq(ledgerEntries.compoundId, entry.compoundId))
    .orderBy(desc(ledgerEntries.serial))
    .limit(1)
  const serial = (last?.serial ?? 0) + 1
  const prevHash = last?.hash ?? GENESIS_HASH
  const chained: ChainEntry = {
    serial,
    compoundId: entry.compoundId,
    kind: entry.kind,
    householdId,
    amountFen: entry.amountFen,
    category,
    counterparty: entry.counterparty ?? null,
    note: entry.note ?? null,
    receiptRef: entry.receiptRef ?? null,
    ticketId: entry.ticketId ?? null,
    reversesSerial: entry.reversesSerial ?? null,
    recordedBy: entry.recordedBy ?? null,
    recordedAt: entry.recordedAt,
    dueAt: entry.dueAt ?? null,
  }
  const hash = entryHash(prevHash, chained)
  const inserted = await tx
    .insert(ledgerEntries)
    .values({ ...chained, kind: entry.kind, billingKey: entry.billingKey ?? null, prevHash, hash })
    .onConflictDoNothing({ target: [ledgerEntries.compoundId, ledgerEntries.billingKey] })
    .returning()
  return inserted[0] ?? null
}

function validate(entry: NewLedgerEntry): void {
  if (typeof entry.amountFen !== 'bigint' || entry.amountFen <= 0n) {
    throw new LedgerError('invalidEntry', 'ledger amounts are stored positive (kind decides the direction)')
  }
  if (!(entry.recordedAt instanceof Date) || Number.isNaN(entry.recordedAt.getTime())) {
    throw new LedgerError('invalidEntry', 'recordedAt must be a valid Date')
  }
  if ((entry.kind === 'reversal') !== (entry.reversesSerial != null)) {
    throw new LedgerError('invalidEntry', 'reversesSerial is required for, and only for, a reversal')
  }
  if ((entry.kind === 'charge' || entry.kind === 'payment') && entry.householdId == null) {
    throw new LedgerError('invalidEntry', `a ${entry.kind} needs a household`)
  }
  if (entry.dueAt != null && (entry.kind !== 'charge' || !(entry.dueAt instanceof Date) || Number.isNaN(entry.dueAt.getTime()))) {
    throw new LedgerError('invalidEntry', 'only a charge has a due date, and it must be a valid Date')
  }
}

/**
 * Append many entries of one compound in one go (billing runs): one lock, one read of the chain head,
 * batched inserts. Entries whose billingKey is already in the ledger (or repeated in `entries`) are
 * skipped without consuming a serial. Reversals are not accepted here (use appendLedgerEntry).
 */
export async function appendLedgerEntries(
  tx: Tx,
  compoundId: number,
  entries: readonly Omit<NewLedgerEntry, 'compoundId'>[],
): Promise<{ inserted: LedgerEntryRow[]; skipped: number }> {
  const all = entries.map((e) => ({ ...e, compoundId }))
  for (const e of all) {
    validate(e)
    if (e.kind === 'reversal') throw new LedgerError('invalidEntry', 'appendLedgerEntries does not take reversals')
  }
  if (all.length === 0) return { inserted: [], skipped: 0 }
  await lockLedger(tx, compoundId)
  const keys = [...new Set(all.map((e) => e.billingKey).filter((k): k is string => k != null))]
  const existing = new Set<string>()
  for (let i = 0; i < keys.length; i += 1000) {
    const rows = await tx
      .select({ key: ledgerEntries.billingKey })
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.compoundId, compoundId), inArray(ledgerEntries.billingKey, keys.slice(i, i + 1000))))
    for (const r of rows) if (r.key) existing.add(r.key)
  }
  const [last] = await tx
    .select({ serial: ledgerEntries.serial, hash: ledgerEntries.hash })
    .from(ledgerEntries)
    .where(eq(ledgerEntries.compoundId, compoundId))
    .orderBy(desc(ledgerEntries.serial))
    .limit(1)
  let serial = last?.serial ?? 0
  let prevHash = last?.hash ?? GENESIS_HASH
  const rows: (typeof ledgerEntries.$inferInsert)[] = []
  let skipped = 0
  for (const e of all) {
    if (e.billingKey != null) {
      if (existing.has(e.billingKey)) {
        skipped++
        continue
      }
      existing.add(e.billingKey)
    }
    serial++
    const chained: ChainEntry = {
      serial,
      compoundId,
      kind: e.kind,
      householdId: e.householdId ?? null,
      amountFen: e.amountFen,
      category: e.category ?? null,
      counterparty: e.counterparty ?? null,
      note: e.note ?? null,
      receiptRef: e.receiptRef ?? null,
      ticketId: e.ticketId ?? null,
      reversesSerial: null,
      recordedBy: e.recordedBy ?? null,
      recordedAt: e.recordedAt,
      dueAt: e.dueAt ?? null,
    }
    const hash = entryHash(prevHash, chained)
    rows.push({ ...chained, kind: e.kind, billingKey: e.billingKey ?? null, prevHash, hash })
    prevHash = hash
  }
  const inserted: LedgerEntryRow[] = []
  for (let i = 0; i < rows.length; i += 500) {
    inserted.push(...(await tx.insert(ledgerEntries).values(rows.slice(i, i + 500)).returning()))
  }
  inserted.sort((a, b) => a.serial - b.serial)
  return { inserted, skipped }
}

/** All entries of a compound in chain order. */
export async function ledgerEntriesOf(q: Queryable, compoundId: number): Promise<LedgerEntryRow[]> {
  return q.select().from(ledgerEntries).where(eq(ledgerEntries.compoundId, compoundId)).orderBy(asc(ledgerEntries.serial))
}

// Verification (核验: the chain and every published head; the cheap check 账目 and 公示 run) is in ./ledger-check.ts.
export {
  type CheckStats,
  checkLedger,
  checkLedgers,
  forgetLedgerChecks,
  type LedgerFailure,
  type LedgerVerification,
  type PublishedHead,
  verifyCompoundLedger,
} from './ledger-check.ts'

/** The chain head (hash of the last entry, GENESIS_HASH when empty) and entry count, as stored (not verified). */
export async function ledgerHead(q: Queryable, compoundId: number): Promise<{ head: string; count: number }> {
  const [last] = await q
    .select({ serial: ledgerEntries.serial, hash: ledgerEntries.hash })
    .from(ledgerEntries)
    .where(eq(ledgerEntries.compoundId, compoundId))
    .orderBy(desc(ledgerEntries.serial))
    .limit(1)
  return { head: last?.hash ?? GENESIS_HASH, count: last?.serial ?? 0 }
}

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

export async function householdBalance(q: Queryable, compoundId: number, householdId: number): Promise<HouseholdBalance> {
  const [row] = await q
    .select({ billed: sumOf('charge'), paid: sumOf('payment') })
    .from(e)
    .leftJoin(orig, joinOrig)
    // a reversal carries its target's household (appendLedgerEntry enforces it), so the index applies
    .where(and(eq(e.compoundId, compoundId), eq(e.householdId, householdId)))
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

/** The household's latest payments (not reversed), newest first. */
export async function recentPayments(q: Queryable, compoundId: number, householdId: number, limit = 3): Promise<LedgerEntryRow[]> {
  const rev = alias(ledgerEntries, 'rev')
  const rows = await q
    .select({ entry: e })
    .from(e)
    .leftJoin(rev, and(eq(rev.compoundId, e.compoundId), eq(rev.reversesSerial, e.serial)))
    .where(and(eq(e.compoundId, compoundId), eq(e.householdId, householdId), eq(e.kind, 'payment'), sql`${rev.id} IS NULL`))
    .orderBy(desc(e.serial))
    .limit(limit)
  return rows.map((r) => r.entry)
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

// ---- receipts that arrive after the entry ----------------------------------------------------

export async function addLedgerReceipt(
  q: Queryable,
  values: { compoundId: number; entryId: number; fileRef: string; addedBy?: number | null; addedAt: Date },
) {
  const [row] = await q.insert(ledgerReceipts).values(values).returning()
  return row!
}

/**
 * The expense `memberId` recorded most recently in the compound since `since`, that has no receipt yet
 * (neither with it nor later) and is not reversed: where a photo sent right after 支出 belongs.
 */
export async function recentExpenseWithoutReceipt(q: Queryable, compoundId: number, memberId: number, since: Date) {
  const rev = alias(ledgerEntries, 'rev')
  const [row] = await q
    .select({ entry: e })
    .from(e)
    .leftJoin(rev, and(eq(rev.compoundId, e.compoundId), eq(rev.reversesSerial, e.serial)))
    .leftJoin(ledgerReceipts, eq(ledgerReceipts.entryId, e.id))
    .where(
      and(
        eq(e.compoundId, compoundId),
        eq(e.kind, 'expense'),
        eq(e.recordedBy, memberId),
        gte(e.recordedAt, since),
        isNull(e.receiptRef),
        isNull(rev.id),
        isNull(ledgerReceipts.id),
      ),
    )
    .orderBy(desc(e.serial))
    .limit(1)
  return row?.entry
}

/**
 * The newest payment of `householdId` for exactly `amountFen` recorded after `since` (and not after
 * `until`) and not reversed: what a new identical payment may duplicate (docs/LEDGER.md "Suspected
 * duplicates"). Call under lockLedger so two recorders cannot both miss each other.
 */
export async function recentSamePayment(
  q: Queryable,
  compoundId: number,
  householdId: number,
  amountFen: bigint,
  since: Date,
  until: Date,
): Promise<LedgerEntryRow | undefined> {
  const rev = alias(ledgerEntries, 'rev')
  const [row] = await q
    .select({ entry: e })
    .from(e)
    .leftJoin(rev, and(eq(rev.compoundId, e.compoundId), eq(rev.reversesSerial, e.serial)))
    .where(
      and(
        eq(e.compoundId, compoundId),
        eq(e.householdId, householdId),
        eq(e.kind, 'payment'),
        eq(e.amountFen, amountFen),
        sql`${e.recordedAt} > ${since.toISOString()}::timestamptz`,
        sql`${e.recordedAt} <= ${until.toISOString()}::timestamptz`,
        isNull(rev.id),
      ),
    )
    .orderBy(desc(e.serial))
    .limit(1)
  return row?.entry
}
