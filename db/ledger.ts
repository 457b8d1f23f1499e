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
import { prepared } from './prepared.ts'
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
  // a command that locks before reading and then appends asks twice in the same transaction: once is enough
  const held = ledgerLocksHeld.get(tx)
  if (held?.has(compoundId)) return
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${LEDGER_LOCK_CLASS}::int4, ${compoundId}::int4)`)
  if (held) held.add(compoundId)
  else ledgerLocksHeld.set(tx, new Set([compoundId]))
}
/** per transaction (or savepoint) object: the chain locks it took, held until its transaction ends */
const ledgerLocksHeld = new WeakMap<Tx, Set<number>>()

type ChainHead = { serial: number; hash: string } | undefined

const headQuery = prepared<{ compoundId: number }, { serial: number; hash: string }[]>('ledger_head', (q) =>
  q
    .select({ serial: ledgerEntries.serial, hash: ledgerEntries.hash })
    .from(ledgerEntries)
    .where(eq(ledgerEntries.compoundId, sql.placeholder('compoundId')))
    .orderBy(desc(ledgerEntries.serial))
    .limit(1),
)

function readLedgerHead(tx: Tx, compoundId: number): Promise<ChainHead> {
  return headQuery(tx, { compoundId }).then((rows) => rows[0])
}

const insertQuery = prepared<Record<string, unknown>, LedgerEntryRow[]>('ledger_insert', (q) => {
  const p = (name: string) => sql.placeholder(name)
  return q
    .insert(ledgerEntries)
    .values({
      serial: p('serial'),
      compoundId: p('compoundId'),
      kind: p('kind'),
      householdId: p('householdId'),
      amountFen: p('amountFen'),
      category: p('category'),
      counterparty: p('counterparty'),
      note: p('note'),
      receiptRef: p('receiptRef'),
      ticketId: p('ticketId'),
      reversesSerial: p('reversesSerial'),
      recordedBy: p('recordedBy'),
      recordedAt: p('recordedAt'),
      // nullable: a placeholder's value goes through the column's encoder even when null (./prepared.ts)
      dueAt: sql`${p('dueAt')}::timestamptz`,
      billingKey: p('billingKey'),
      prevHash: p('prevHash'),
      hash: p('hash'),
    })
    .onConflictDoNothing({ target: [ledgerEntries.compoundId, ledgerEntries.billingKey] })
    .returning()
})

/** heads read ahead under the chain lock (prefetchLedgerHead), each used by the next append only */
const prefetchedHeads = new WeakMap<Tx, Map<number, Promise<ChainHead>>>()

/**
 * Read the chain's head now, under the lock the caller already holds, alongside the caller's own reads: the next
 * appendLedgerEntry of this compound in this transaction uses it instead of asking again (a round trip saved on
 * every 缴费). Nothing else can move the head while the lock is held.
 */
export async function prefetchLedgerHead(tx: Tx, compoundId: number): Promise<void> {
  if (!ledgerLocksHeld.get(tx)?.has(compoundId)) throw new Error('prefetchLedgerHead: take lockLedger first')
  const head = readLedgerHead(tx, compoundId)
  let byCompound = prefetchedHeads.get(tx)
  if (!byCompound) prefetchedHeads.set(tx, (byCompound = new Map()))
  byCompound.set(compoundId, head)
  await head
}

function takeLedgerHead(tx: Tx, compoundId: number): Promise<ChainHead> {
  const byCompound = prefetchedHeads.get(tx)
  const head = byCompound?.get(compoundId)
  if (!head) return readLedgerHead(tx, compoundId)
  byCompound!.delete(compoundId)
  return head
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

  const last = await takeLedgerHead(tx, entry.compoundId)
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
  const inserted = await insertQuery(tx, {
    ...chained,
    dueAt: chained.dueAt ? chained.dueAt.toISOString() : null,
    billingKey: entry.billingKey ?? null,
    prevHash,
    hash,
  })
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

/** The hashed fields of a new, non-reversal entry at `serial` (the batch appends): what entryHash covers. */
function chainedEntry(serial: number, compoundId: number, e: Omit<NewLedgerEntry, 'compoundId'>): ChainEntry {
  return {
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
  const last = await takeLedgerHead(tx, compoundId)
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
    const chained = chainedEntry(serial, compoundId, e)
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
/** What appendLedgerEntriesMany wrote for one compound. */
export interface AppendedMany {
  /** the entries written, in serial order (their ids are not read back) */
  inserted: (ChainEntry & { billingKey: string | null })[]
  /** entries whose billing key was in the ledger already */
  skipped: number
}

/** Entries per INSERT of appendLedgerEntriesMany (one JSON parameter each). */
const MANY_INSERT = 5000

/**
 * appendLedgerEntries for many compounds in one transaction, with a fixed number of statements whatever their
 * number (the scheduler's daily billing of every compound): their chain locks in one statement (in id order),
 * the billing keys already in their ledgers in one, their chain heads in one, then the entries, hashed as
 * appendLedgerEntries hashes them, in INSERTs of up to MANY_INSERT rows. Same rules: no reversals, an entry whose
 * billing key exists is skipped. Compounds with no entries are not touched.
 */
export async function appendLedgerEntriesMany(
  tx: Tx,
  byCompound: ReadonlyMap<number, readonly Omit<NewLedgerEntry, 'compoundId'>[]>,
): Promise<Map<number, AppendedMany>> {
  const out = new Map<number, AppendedMany>()
  const ids = [...byCompound].filter(([, es]) => es.length > 0).map(([id]) => id).sort((a, b) => a - b)
  for (const id of ids) {
    for (const e of byCompound.get(id)!) {
      validate({ ...e, compoundId: id })
      if (e.kind === 'reversal') throw new LedgerError('invalidEntry', 'appendLedgerEntriesMany does not take reversals')
    }
  }
  if (ids.length === 0) return out
  const idList = sql`string_to_array(${ids.join(',')}, ',')::int[]`
  // the locks in ascending id order, as every other writer takes at most one of them at a time
  await tx.execute(sql`SELECT count(pg_advisory_xact_lock(${LEDGER_LOCK_CLASS}::int4, s.id)) FROM (SELECT unnest(${idList}) AS id ORDER BY 1) s`)
  for (const id of ids) {
    const held = ledgerLocksHeld.get(tx)
    if (held) held.add(id)
    else ledgerLocksHeld.set(tx, new Set([id]))
  }
  const keyed = ids.flatMap((id) => [...new Set(byCompound.get(id)!.map((e) => e.billingKey).filter((k): k is string => k != null))].map((k) => [id, k] as const))
  const existing = new Set<string>()
  if (keyed.length > 0) {
    // (compound, key) pairs probed one by one on the unique index: `compound_id = ANY(…) AND billing_key = ANY(…)`
    // would probe every compound with every key
    const res = await tx.execute(sql`SELECT k.compound_id, k.billing_key
      FROM unnest(string_to_array(${keyed.map(([id]) => id).join(',')}, ',')::int[], string_to_array(${keyed.map(([, k]) => k).join('\n')}, ${'\n'}))
        AS k(compound_id, billing_key)
      WHERE EXISTS (SELECT 1 FROM ${ledgerEntries} l WHERE l.compound_id = k.compound_id AND l.billing_key = k.billing_key)`)
    for (const r of rowsOf(res)) existing.add(`${r.compound_id}|${r.billing_key}`)
  }
  // these appends move the heads: a head read ahead for a later single append would be stale
  prefetchedHeads.delete(tx)
  const heads = new Map<number, { serial: number; hash: string }>()
  const headRes = await tx.execute(sql`SELECT u.id, l.serial, l.hash FROM unnest(${idList}) AS u(id)
    JOIN LATERAL (SELECT serial, hash FROM ${ledgerEntries} WHERE compound_id = u.id ORDER BY serial DESC LIMIT 1) l ON true`)
  for (const r of rowsOf(headRes)) heads.set(Number(r.id), { serial: Number(r.serial), hash: String(r.hash) })

  const rows: Record<string, unknown>[] = []
  for (const id of ids) {
    let serial = heads.get(id)?.serial ?? 0
    let prevHash = heads.get(id)?.hash ?? GENESIS_HASH
    const result: AppendedMany = { inserted: [], skipped: 0 }
    out.set(id, result)
    const seen = new Set<string>()
    for (const e of byCompound.get(id)!) {
      if (e.billingKey != null) {
        if (existing.has(`${id}|${e.billingKey}`) || seen.has(e.billingKey)) {
          result.skipped++
          continue
        }
        seen.add(e.billingKey)
      }
      serial++
      const chained = chainedEntry(serial, id, e)
      const hash = entryHash(prevHash, chained)
      result.inserted.push({ ...chained, billingKey: e.billingKey ?? null })
      rows.push({
        compound_id: id,
        serial,
        kind: e.kind,
        household_id: chained.householdId,
        amount_fen: e.amountFen.toString(),
        category: chained.category,
        counterparty: chained.counterparty,
        note: chained.note,
        receipt_ref: chained.receiptRef,
        ticket_id: chained.ticketId,
        billing_key: e.billingKey ?? null,
        due_at: chained.dueAt ? chained.dueAt.toISOString() : null,
        recorded_by: chained.recordedBy,
        recorded_at: e.recordedAt.toISOString(),
        prev_hash: prevHash,
        hash,
      })
      prevHash = hash
    }
  }
  for (let i = 0; i < rows.length; i += MANY_INSERT) {
    await tx.execute(sql`INSERT INTO ${ledgerEntries} (compound_id, serial, kind, household_id, amount_fen, category, counterparty, note,
        receipt_ref, ticket_id, billing_key, due_at, recorded_by, recorded_at, prev_hash, hash)
      SELECT x.compound_id, x.serial, x.kind, x.household_id, x.amount_fen::bigint, x.category, x.counterparty, x.note, x.receipt_ref,
        x.ticket_id, x.billing_key, x.due_at::timestamptz, x.recorded_by, x.recorded_at::timestamptz, x.prev_hash, x.hash
      FROM json_to_recordset(${JSON.stringify(rows.slice(i, i + MANY_INSERT))}::json) AS x(compound_id int, serial int, kind text,
        household_id int, amount_fen text, category text, counterparty text, note text, receipt_ref text, ticket_id int, billing_key text,
        due_at text, recorded_by int, recorded_at text, prev_hash text, hash text)`)
  }
  return out
}

const rowsOf = (res: unknown) => ((res as { rows?: unknown[] }).rows ?? (res as unknown as unknown[])) as Record<string, unknown>[]

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
