// Hash chain over ledger entries: each entry's hash covers the previous hash, so any later edit,
// insertion or deletion in history changes every hash after it and is caught by verifyChain.
import { createHash } from 'node:crypto'

export interface ChainEntry {
  serial: number
  kind: string
  householdId: number | null
  amountFen: bigint
  category: string | null
  counterparty: string | null
  note: string | null
  receiptRef: string | null
  ticketId: number | null
  reversesSerial: number | null
  recordedBy: number | null
  recordedAt: Date
  compoundId: number
  /**
   * A charge's due date. Hashed only when set, so entries written before due dates existed (no such key in
   * their hash) still verify, and a charge's due date cannot be moved later without breaking the chain.
   */
  dueAt?: Date | null
}

export const GENESIS_HASH: string = '0'.repeat(64)

// Fixed, alphabetical key order: the serialization must not depend on how the object was built,
// and only these fields are hashed (extra properties such as prevHash/hash are ignored).
const KEYS = [
  'amountFen',
  'category',
  'compoundId',
  'counterparty',
  'householdId',
  'kind',
  'note',
  'receiptRef',
  'recordedAt',
  'recordedBy',
  'reversesSerial',
  'serial',
  'ticketId',
] as const satisfies readonly (keyof ChainEntry)[]

function intOrNull(key: string, v: number | null): number | null {
  // NaN/Infinity would serialize as JSON null and collide with a real null: refuse instead.
  if (v !== null && !Number.isSafeInteger(v)) throw new RangeError(`ledger-chain: ${key} is not an integer: ${v}`)
  return v
}

/** canonical serialization: stable key order, bigint as decimal string, dates as ISO UTC with ms, nulls explicit (JSON) */
export function canonicalize(e: ChainEntry): string {
  if (typeof e.amountFen !== 'bigint') throw new TypeError('ledger-chain: amountFen must be a bigint')
  if (!(e.recordedAt instanceof Date) || Number.isNaN(e.recordedAt.getTime())) {
    throw new RangeError('ledger-chain: recordedAt is not a valid Date')
  }
  if (e.dueAt != null && (!(e.dueAt instanceof Date) || Number.isNaN(e.dueAt.getTime()))) {
    throw new RangeError('ledger-chain: dueAt is not a valid Date')
  }
  const values: Record<(typeof KEYS)[number], string | number | null> = {
    amountFen: e.amountFen.toString(),
    category: e.category,
    compoundId: intOrNull('compoundId', e.compoundId),
    counterparty: e.counterparty,
    householdId: intOrNull('householdId', e.householdId),
    kind: e.kind,
    note: e.note,
    receiptRef: e.receiptRef,
    recordedAt: e.recordedAt.toISOString(), // always UTC with milliseconds
    recordedBy: intOrNull('recordedBy', e.recordedBy),
    reversesSerial: intOrNull('reversesSerial', e.reversesSerial),
    serial: intOrNull('serial', e.serial),
    ticketId: intOrNull('ticketId', e.ticketId),
  }
  // `?? null` keeps an accidentally undefined field explicit instead of dropping the key.
  const fields = KEYS.map((k) => `${JSON.stringify(k)}:${JSON.stringify(values[k] ?? null)}`)
  // dueAt, only when set, in its alphabetical place (after counterparty): older entries hash exactly as before
  if (e.dueAt != null) fields.splice(KEYS.indexOf('counterparty') + 1, 0, `"dueAt":${JSON.stringify(e.dueAt.toISOString())}`)
  return `{${fields.join(',')}}`
}

/** sha256 hex over prevHash + '\n' + canonicalize(e) */
export function entryHash(prevHash: string, e: ChainEntry): string {
  return createHash('sha256').update(`${prevHash}\n${canonicalize(e)}`, 'utf8').digest('hex')
}

export type ChainVerification =
  | { ok: true; count: number; head: string }
  | { ok: false; count: number; firstBadSerial: number; reason: 'hashMismatch' | 'prevMismatch' | 'serialGap' }

/**
 * entries in serial order with their stored prevHash/hash.
 * Serials must run 1, 2, 3, … without gaps; the first entry must point at GENESIS_HASH.
 * On failure `count` is the number of entries verified good before `firstBadSerial`, which is the
 * serial of the first entry that does not fit (for a deleted entry: the one after the hole).
 * `from` continues an already verified chain: `entries` then start at serial from.serial + 1 and link to
 * from.hash, and `count` counts the entries before them too.
 */
export function verifyChain(
  entries: readonly (ChainEntry & { prevHash: string; hash: string })[],
  from: { serial: number; hash: string } = { serial: 0, hash: GENESIS_HASH },
): ChainVerification {
  let prev = from.hash
  let expectedSerial = from.serial + 1
  let count = from.serial
  for (const e of entries) {
    if (e.serial !== expectedSerial) return { ok: false, count, firstBadSerial: e.serial, reason: 'serialGap' }
    if (e.prevHash !== prev) return { ok: false, count, firstBadSerial: e.serial, reason: 'prevMismatch' }
    let actual: string
    try {
      actual = entryHash(e.prevHash, e)
    } catch {
      // A row that cannot even be serialized has certainly not kept its hash.
      return { ok: false, count, firstBadSerial: e.serial, reason: 'hashMismatch' }
    }
    if (actual !== e.hash) return { ok: false, count, firstBadSerial: e.serial, reason: 'hashMismatch' }
    prev = e.hash
    expectedSerial++
    count++
  }
  return { ok: true, count, head: prev }
}
