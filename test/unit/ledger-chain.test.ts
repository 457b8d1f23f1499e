import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  GENESIS_HASH,
  canonicalize,
  entryHash,
  verifyChain,
  type ChainEntry,
} from '../../src/domain/ledger-chain.ts'

type Stored = ChainEntry & { prevHash: string; hash: string }

function entry(serial: number, over: Partial<ChainEntry> = {}): ChainEntry {
  return {
    serial,
    kind: 'payment',
    householdId: 7,
    amountFen: 108400n,
    category: null,
    counterparty: null,
    note: `缴费 ${serial}`,
    receiptRef: null,
    ticketId: null,
    reversesSerial: null,
    recordedBy: 3,
    recordedAt: new Date(Date.UTC(2024, 0, 1, 8, 0, serial)),
    compoundId: 1,
    ...over,
  }
}

/** Link entries the way the ledger writer is expected to. */
function link(entries: readonly ChainEntry[]): Stored[] {
  let prev = GENESIS_HASH
  return entries.map((e) => {
    const hash = entryHash(prev, e)
    const stored = { ...e, prevHash: prev, hash }
    prev = hash
    return stored
  })
}

const chainOf = (n: number): Stored[] => link(Array.from({ length: n }, (_, i) => entry(i + 1)))

describe('canonicalize', () => {
  it('is stable regardless of property order and ignores extra fields', () => {
    const e = entry(1)
    const shuffled = Object.fromEntries(Object.entries(e).reverse()) as unknown as ChainEntry
    expect(canonicalize(shuffled)).toBe(canonicalize(e))
    expect(canonicalize({ ...e, prevHash: 'x', hash: 'y' } as ChainEntry)).toBe(canonicalize(e))
  })

  it('writes bigint as a decimal string, dates as UTC ISO with ms, nulls explicitly', () => {
    const text = canonicalize(entry(1, { amountFen: -12345678901234567890n, householdId: null }))
    expect(text).toContain('"amountFen":"-12345678901234567890"')
    expect(text).toContain('"recordedAt":"2024-01-01T08:00:01.000Z"')
    expect(text).toContain('"householdId":null')
    expect(text).toContain('"category":null')
    expect(JSON.parse(text)).toBeTypeOf('object')
  })

  it('tells a null from the string "null" and an empty string', () => {
    const a = canonicalize(entry(1, { note: null }))
    const b = canonicalize(entry(1, { note: 'null' }))
    const c = canonicalize(entry(1, { note: '' }))
    expect(new Set([a, b, c]).size).toBe(3)
  })

  it('refuses values that JSON would silently turn into null', () => {
    expect(() => canonicalize(entry(1, { householdId: Number.NaN }))).toThrow(RangeError)
    expect(() => canonicalize(entry(1, { recordedAt: new Date('nope') }))).toThrow(RangeError)
  })
})

describe('entryHash', () => {
  it('is sha256 hex and depends on the previous hash', () => {
    const e = entry(1)
    const h = entryHash(GENESIS_HASH, e)
    expect(h).toMatch(/^[0-9a-f]{64}$/)
    expect(entryHash(GENESIS_HASH, e)).toBe(h)
    expect(entryHash('f'.repeat(64), e)).not.toBe(h)
  })

  it('hashes the same instant the same whatever time zone it was written in', () => {
    const a = entry(1, { recordedAt: new Date('2024-01-01T16:00:01+08:00') })
    const b = entry(1, { recordedAt: new Date('2024-01-01T08:00:01.000Z') })
    expect(entryHash(GENESIS_HASH, a)).toBe(entryHash(GENESIS_HASH, b))
  })
})

describe('verifyChain', () => {
  it('accepts an empty chain with the genesis head', () => {
    expect(GENESIS_HASH).toBe('0'.repeat(64))
    expect(verifyChain([])).toEqual({ ok: true, count: 0, head: GENESIS_HASH })
  })

  it('accepts a well-formed chain and reports its head', () => {
    const chain = chainOf(5)
    expect(verifyChain(chain)).toEqual({ ok: true, count: 5, head: chain[4]!.hash })
  })

  it('catches a changed amount at that serial', () => {
    const chain = chainOf(5)
    chain[2] = { ...chain[2]!, amountFen: chain[2]!.amountFen + 1n }
    expect(verifyChain(chain)).toEqual({ ok: false, count: 2, firstBadSerial: 3, reason: 'hashMismatch' })
  })

  it('catches a changed note at that serial', () => {
    const chain = chainOf(5)
    chain[3] = { ...chain[3]!, note: '改过的备注' }
    expect(verifyChain(chain)).toEqual({ ok: false, count: 3, firstBadSerial: 4, reason: 'hashMismatch' })
  })

  it('catches a changed prevHash', () => {
    const chain = chainOf(5)
    chain[1] = { ...chain[1]!, prevHash: 'a'.repeat(64) }
    expect(verifyChain(chain)).toEqual({ ok: false, count: 1, firstBadSerial: 2, reason: 'prevMismatch' })
  })

  it('catches a rewritten entry whose own hash was recomputed, at the next serial', () => {
    const chain = chainOf(5)
    const forged = { ...chain[1]!, amountFen: 1n }
    forged.hash = entryHash(forged.prevHash, forged)
    chain[1] = forged
    expect(verifyChain(chain)).toEqual({ ok: false, count: 2, firstBadSerial: 3, reason: 'prevMismatch' })
  })

  it('catches a deleted middle entry at the entry after the hole', () => {
    const chain = chainOf(5)
    chain.splice(2, 1) // remove serial 3
    expect(verifyChain(chain)).toEqual({ ok: false, count: 2, firstBadSerial: 4, reason: 'serialGap' })
  })

  it('catches a deleted first entry', () => {
    const chain = chainOf(3).slice(1)
    expect(verifyChain(chain)).toMatchObject({ ok: false, count: 0, firstBadSerial: 2, reason: 'serialGap' })
  })

  it('catches a deleted last entry only against a published head', () => {
    const chain = chainOf(5)
    const published = verifyChain(chain)
    const truncated = verifyChain(chain.slice(0, 4))
    expect(truncated.ok).toBe(true)
    expect(truncated.ok && published.ok && truncated.head !== published.head).toBe(true)
  })

  it('catches two entries swapped', () => {
    const chain = chainOf(4)
    ;[chain[1], chain[2]] = [chain[2]!, chain[1]!]
    expect(verifyChain(chain)).toMatchObject({ ok: false, firstBadSerial: 3, reason: 'serialGap' })
  })

  it('reports an unserializable row as a hash mismatch instead of throwing', () => {
    const chain = chainOf(3)
    chain[1] = { ...chain[1]!, recordedAt: new Date(Number.NaN) }
    expect(verifyChain(chain)).toEqual({ ok: false, count: 1, firstBadSerial: 2, reason: 'hashMismatch' })
  })

  const entryArb = fc.record({
    kind: fc.constantFrom('charge', 'payment', 'expense', 'income', 'reversal'),
    householdId: fc.option(fc.integer({ min: 1, max: 10_000 })),
    amountFen: fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
    category: fc.option(fc.string()),
    counterparty: fc.option(fc.string()),
    note: fc.option(fc.string({ unit: 'grapheme' })),
    receiptRef: fc.option(fc.string()),
    ticketId: fc.option(fc.nat()),
    reversesSerial: fc.option(fc.integer({ min: 1, max: 1000 })),
    recordedBy: fc.option(fc.nat()),
    recordedAt: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
    compoundId: fc.integer({ min: 1, max: 1000 }),
  })
  const chainArb = fc
    .array(entryArb, { maxLength: 25 })
    .map((es) => link(es.map((e, i) => ({ ...e, serial: i + 1 }))))

  it('verifies any generated chain', () => {
    fc.assert(
      fc.property(chainArb, (chain) => {
        const r = verifyChain(chain)
        expect(r).toEqual({ ok: true, count: chain.length, head: chain.at(-1)?.hash ?? GENESIS_HASH })
      }),
    )
  })

  it('names the tampered serial for any single amount change', () => {
    fc.assert(
      fc.property(
        chainArb.filter((c) => c.length > 0),
        fc.nat(),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        (chain, pick, delta) => {
          const i = pick % chain.length
          chain[i] = { ...chain[i]!, amountFen: chain[i]!.amountFen + delta }
          expect(verifyChain(chain)).toEqual({ ok: false, count: i, firstBadSerial: i + 1, reason: 'hashMismatch' })
        },
      ),
    )
  })
})

describe('due dates in the chain (a charge\'s dueAt is hashed only when set)', () => {
  // an entry written before due dates existed, and its hash as the old writer computed it
  const old: ChainEntry = {
    serial: 1,
    kind: 'charge',
    householdId: 7,
    amountFen: 7160n,
    category: 'fee',
    counterparty: null,
    note: '物业费 2026-03',
    receiptRef: null,
    ticketId: null,
    reversesSerial: null,
    recordedBy: null,
    recordedAt: new Date('2026-03-01T01:00:00.000Z'),
    compoundId: 1,
  }
  const OLD_HASH = '3cb461dc0fcde0a862841c3fdc31631125a90f6a11f837182864ac2549bc14d2'

  it('an existing chain without due dates still verifies: no dueAt, or a null one, hashes as before', () => {
    expect(entryHash(GENESIS_HASH, old)).toBe(OLD_HASH)
    expect(entryHash(GENESIS_HASH, { ...old, dueAt: null })).toBe(OLD_HASH)
    expect(canonicalize({ ...old, dueAt: null })).not.toContain('dueAt')
    expect(verifyChain([{ ...old, dueAt: null, prevHash: GENESIS_HASH, hash: OLD_HASH }])).toEqual({ ok: true, count: 1, head: OLD_HASH })
  })

  it('a set dueAt is hashed (in key order, as ISO UTC): changing it breaks the chain', () => {
    const due = { ...old, dueAt: new Date('2026-03-31T16:00:00Z') }
    expect(canonicalize(due)).toContain('"counterparty":null,"dueAt":"2026-03-31T16:00:00.000Z","householdId":7')
    const chain = link([due, entry(2)])
    expect(chain[0]!.hash).not.toBe(OLD_HASH)
    expect(verifyChain(chain)).toMatchObject({ ok: true, count: 2 })
    // moving the due date later (to hide arrears) is caught at that serial
    expect(verifyChain([{ ...chain[0]!, dueAt: new Date('2026-04-30T16:00:00Z') }, chain[1]!])).toMatchObject({ ok: false, firstBadSerial: 1 })
    // and so is dropping it
    expect(verifyChain([{ ...chain[0]!, dueAt: null }, chain[1]!])).toMatchObject({ ok: false, firstBadSerial: 1 })
    expect(() => canonicalize({ ...old, dueAt: new Date('nope') })).toThrow(RangeError)
  })
})
