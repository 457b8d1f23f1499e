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
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm'
import { type ChainEntry, entryHash, GENESIS_HASH } from '../src/domain/ledger-chain.ts'
import type { Queryable, Tx } from './client.ts'
import { ledgerEntries } from './schema.ts'

// Beside this module: the sums (balances, dues and arrears, period totals) in ./ledger-sums.ts; the recent
// entries a command looks back at (latest payments, a suspected duplicate, a receipt's expense) in
// ./ledger-recent.ts; verification (核验, and the cheap check 账目 and 公示 run) in ./ledger-check.ts.

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
