// db/ledger.ts and db/ledger-sums.ts against a real database: chain, locking, reversals, balances, periods, append-only.
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { createCompound } from '../../db/compounds.ts'
import {
  appendLedgerEntries,
  appendLedgerEntry,
  LedgerError,
  type LedgerEntryRow,
  ledgerHead,
  lockLedger,
  type NewLedgerEntry,
  prefetchLedgerHead,
} from '../../db/ledger.ts'
import {
  arrearsOf,
  balanceAt,
  householdBalance,
  householdDues,
  ledgerInPeriod,
  periodTotals,
} from '../../db/ledger-sums.ts'
import { recentPayments } from '../../db/ledger-recent.ts'
import { verifyCompoundLedger } from '../../db/ledger-check.ts'
import { households, ledgerEntries } from '../../db/schema.ts'
import { GENESIS_HASH } from '../../src/domain/ledger-chain.ts'
import { useTestDatabases } from '../helpers/db.ts'

const dbs = useTestDatabases()

async function setUp() {
  const db = await dbs.fresh()
  const c = await createCompound(db.db, { name: '测试小区' })
  const other = await createCompound(db.db, { name: '别的小区' })
  const hs = await db.db
    .insert(households)
    .values([
      { compoundId: c.id, building: '3', unit: '2', room: '201', code: '3-2-201', areaCentiM2: 8950n },
      { compoundId: c.id, building: '3', unit: '2', room: '202', code: '3-2-202', areaCentiM2: 7500n },
      { compoundId: other.id, building: '1', unit: null, room: '101', code: '1-101', areaCentiM2: 6000n },
    ])
    .returning()
  return { db, c: c.id, other: other.id, h1: hs[0]!.id, h2: hs[1]!.id, h3: hs[2]!.id }
}

const at = (iso: string) => new Date(iso)

/** append without a billing key: always a row */
function append(db: Database, e: NewLedgerEntry & { billingKey?: null }): Promise<LedgerEntryRow> {
  return db.db.transaction((tx) => appendLedgerEntry(tx, e))
}
/** append a generated charge: null when already billed */
function appendBilled(db: Database, e: NewLedgerEntry & { billingKey: string }): Promise<LedgerEntryRow | null> {
  return db.db.transaction((tx) => appendLedgerEntry(tx, e))
}

describe('db/ledger', () => {
  it('chains entries from serial 1 and verifies; the head matches the last hash', async () => {
    const { db, c, h1 } = await setUp()
    expect(await verifyCompoundLedger(db.db, c)).toEqual({ ok: true, count: 0, head: GENESIS_HASH })
    const a = await append(db, { compoundId: c, kind: 'charge', amountFen: 7160n, householdId: h1, recordedAt: at('2026-11-01T00:00:00Z') })
    const b = await append(db, { compoundId: c, kind: 'payment', amountFen: 5000n, householdId: h1, recordedAt: at('2026-11-02T00:00:00Z') })
    expect(a.serial).toBe(1)
    expect(a.prevHash).toBe(GENESIS_HASH)
    expect(b.serial).toBe(2)
    expect(b.prevHash).toBe(a.hash)
    const v = await verifyCompoundLedger(db.db, c)
    expect(v).toEqual({ ok: true, count: 2, head: b.hash })
    expect(await ledgerHead(db.db, c)).toEqual({ head: b.hash, count: 2 })
    expect(await householdBalance(db.db, c, h1)).toEqual({ billedFen: 7160n, paidFen: 5000n, owedFen: 2160n })
  })

  it('chains per compound', async () => {
    const { db, c, other, h1, h3 } = await setUp()
    await append(db, { compoundId: c, kind: 'charge', amountFen: 100n, householdId: h1, recordedAt: at('2026-11-01T00:00:00Z') })
    const o = await append(db, { compoundId: other, kind: 'charge', amountFen: 100n, householdId: h3, recordedAt: at('2026-11-01T00:00:00Z') })
    expect(o.serial).toBe(1)
    expect((await verifyCompoundLedger(db.db, other)).ok).toBe(true)
  })

  it('billing keys bill once and consume no serial the second time', async () => {
    const { db, c, h1 } = await setUp()
    const e = { compoundId: c, kind: 'charge' as const, amountFen: 100n, householdId: h1, billingKey: 'fee:1:1:2026-11', recordedAt: at('2026-11-01T00:00:00Z') }
    expect((await appendBilled(db, e))?.serial).toBe(1)
    expect(await appendBilled(db, e)).toBeNull()
    const p = await append(db, { compoundId: c, kind: 'payment', amountFen: 100n, householdId: h1, recordedAt: at('2026-11-01T00:00:00Z') })
    expect(p.serial).toBe(2)
  })

  it('reversals negate the reversed entry; twice, of a reversal, or unknown are refused', async () => {
    const { db, c, h1 } = await setUp()
    await append(db, { compoundId: c, kind: 'charge', amountFen: 1000n, householdId: h1, recordedAt: at('2026-11-01T00:00:00Z') })
    const pay = await append(db, { compoundId: c, kind: 'payment', amountFen: 800n, householdId: h1, recordedAt: at('2026-11-02T00:00:00Z') })
    const r = await append(db, { compoundId: c, kind: 'reversal', amountFen: 800n, reversesSerial: pay.serial, note: '录错', recordedAt: at('2026-11-03T00:00:00Z') })
    expect(r.householdId).toBe(h1)
    expect(await householdBalance(db.db, c, h1)).toEqual({ billedFen: 1000n, paidFen: 0n, owedFen: 1000n })
    expect(await recentPayments(db.db, c, h1)).toEqual([])
    const refuse = async (serial: number, amount: bigint, code: string) => {
      const err = await append(db, { compoundId: c, kind: 'reversal', amountFen: amount, reversesSerial: serial, recordedAt: at('2026-11-04T00:00:00Z') }).catch((x: unknown) => x)
      expect(err).toBeInstanceOf(LedgerError)
      expect((err as LedgerError).code).toBe(code)
    }
    await refuse(pay.serial, 800n, 'alreadyReversed')
    await refuse(r.serial, 800n, 'reversalOfReversal')
    await refuse(99, 800n, 'unknownSerial')
    await refuse(1, 999n, 'invalidEntry')
    expect(await db.db.select().from(ledgerEntries)).toHaveLength(3)
    expect((await verifyCompoundLedger(db.db, c)).ok).toBe(true)
  })

  it('refuses invalid entries', async () => {
    const { db, c, h1 } = await setUp()
    for (const e of [
      { compoundId: c, kind: 'payment' as const, amountFen: 0n, householdId: h1, recordedAt: at('2026-11-01T00:00:00Z') },
      { compoundId: c, kind: 'payment' as const, amountFen: -5n, householdId: h1, recordedAt: at('2026-11-01T00:00:00Z') },
      { compoundId: c, kind: 'payment' as const, amountFen: 5n, recordedAt: at('2026-11-01T00:00:00Z') },
      { compoundId: c, kind: 'income' as const, amountFen: 5n, reversesSerial: 1, recordedAt: at('2026-11-01T00:00:00Z') },
    ]) {
      await expect(append(db, e)).rejects.toBeInstanceOf(LedgerError)
    }
  })

  it('cash balance, periods and totals count reversals when recorded', async () => {
    const { db, c, h1, h2 } = await setUp()
    await append(db, { compoundId: c, kind: 'charge', amountFen: 10000n, householdId: h1, recordedAt: at('2026-10-01T00:00:00Z') })
    await append(db, { compoundId: c, kind: 'payment', amountFen: 10000n, householdId: h1, recordedAt: at('2026-10-05T00:00:00Z') })
    await append(db, { compoundId: c, kind: 'income', amountFen: 3000n, category: '停车租金', recordedAt: at('2026-10-06T00:00:00Z') })
    const ex = await append(db, { compoundId: c, kind: 'expense', amountFen: 2000n, category: '保洁', recordedAt: at('2026-10-07T00:00:00Z') })
    await append(db, { compoundId: c, kind: 'payment', amountFen: 500n, householdId: h2, recordedAt: at('2026-11-02T00:00:00Z') })
    await append(db, { compoundId: c, kind: 'reversal', amountFen: 2000n, reversesSerial: ex.serial, recordedAt: at('2026-11-03T00:00:00Z') })
    await append(db, { compoundId: c, kind: 'expense', amountFen: 1500n, category: '保洁', recordedAt: at('2026-11-04T00:00:00Z') })
    await append(db, { compoundId: c, kind: 'expense', amountFen: 700n, category: '电工', recordedAt: at('2026-11-05T00:00:00Z') })
    expect(await balanceAt(db.db, c, at('2026-10-01T00:00:00Z'))).toBe(0n)
    expect(await balanceAt(db.db, c, at('2026-11-01T00:00:00Z'))).toBe(11000n)
    expect(await balanceAt(db.db, c, at('2026-12-01T00:00:00Z'))).toBe(11000n + 500n + 2000n - 1500n - 700n)
    const nov = await ledgerInPeriod(db.db, c, at('2026-11-01T00:00:00Z'), at('2026-12-01T00:00:00Z'))
    expect(nov.map((e) => e.serial)).toEqual([5, 6, 7, 8])
    const t = await periodTotals(db.db, c, at('2026-11-01T00:00:00Z'), at('2026-12-01T00:00:00Z'))
    expect(t).toMatchObject({
      paymentsFen: 500n,
      paidHouseholds: 1,
      incomeFen: 0n,
      expensesFen: 1500n + 700n - 2000n,
      openingFen: 11000n,
      closingFen: 11300n,
    })
    expect(t.expensesByCategory).toEqual([{ category: '电工', fen: 700n }, { category: '保洁', fen: -500n }])
  })

  it('arrears at an instant: charges past due and unpaid then, the longest overdue first (FIFO by due date)', async () => {
    const { db, c, h1, h2 } = await setUp()
    const compound = { id: c, timeZone: 'Asia/Shanghai' }
    // charges written before due dates existed (no due_at, no billing key): due at the end of the local month recorded
    await append(db, { compoundId: c, kind: 'charge', amountFen: 100n, householdId: h1, recordedAt: at('2026-09-01T00:00:00Z') })
    await append(db, { compoundId: c, kind: 'charge', amountFen: 100n, householdId: h2, recordedAt: at('2026-09-01T00:00:00Z') })
    await append(db, { compoundId: c, kind: 'charge', amountFen: 100n, householdId: h1, recordedAt: at('2026-10-01T00:00:00Z') })
    await append(db, { compoundId: c, kind: 'charge', amountFen: 100n, householdId: h2, recordedAt: at('2026-10-01T00:00:00Z') })
    await append(db, { compoundId: c, kind: 'payment', amountFen: 100n, householdId: h1, recordedAt: at('2026-10-02T00:00:00Z') })
    // and one with its due date: 15 November
    const nov = await append(db, {
      compoundId: c,
      kind: 'charge',
      amountFen: 50n,
      householdId: h1,
      dueAt: at('2026-11-15T16:00:00Z'),
      recordedAt: at('2026-11-01T00:00:00Z'),
    })
    expect(nov.dueAt).toEqual(at('2026-11-15T16:00:00Z'))
    expect(await verifyCompoundLedger(db.db, c)).toMatchObject({ ok: true, count: 6 })
    const list = async (iso: string) => (await arrearsOf(db.db, compound, at(iso))).map((x) => [x.code, x.owedFen, x.overdueSince.toISOString(), x.pendingFen])
    // mid-October: September is overdue for 3-2-202; 3-2-201 paid it on 2 October (October's bills not yet due)
    expect(await list('2026-10-15T00:00:00Z')).toEqual([['3-2-202', 100n, '2026-09-30T16:00:00.000Z', 100n]])
    // 10 November: both Octobers are due; 3-2-201's payment settled its September; November's 50 is not yet due
    expect(await list('2026-11-10T00:00:00Z')).toEqual([
      ['3-2-202', 200n, '2026-09-30T16:00:00.000Z', 0n],
      ['3-2-201', 100n, '2026-10-31T16:00:00.000Z', 50n],
    ])
    // 16 November: its November charge is overdue too
    expect(await list('2026-11-16T00:00:00Z')).toEqual([
      ['3-2-202', 200n, '2026-09-30T16:00:00.000Z', 0n],
      ['3-2-201', 150n, '2026-10-31T16:00:00.000Z', 0n],
    ])
    // a charge reversed after the instant still counts at it; one reversed before does not
    await append(db, { compoundId: c, kind: 'reversal', reversesSerial: 2, amountFen: 100n, recordedAt: at('2026-11-20T00:00:00Z') })
    expect((await list('2026-11-16T00:00:00Z'))[0]).toEqual(['3-2-202', 200n, '2026-09-30T16:00:00.000Z', 0n])
    expect((await list('2026-11-21T00:00:00Z'))[1]).toEqual(['3-2-202', 100n, '2026-10-31T16:00:00.000Z', 0n])
    expect(await householdDues(db.db, compound, h1, at('2026-11-10T00:00:00Z'))).toEqual({
      billedFen: 250n,
      paidFen: 100n,
      owedFen: 150n,
      overdueFen: 100n,
      pendingFen: 50n,
      prepaidFen: 0n,
      overdueSince: at('2026-10-31T16:00:00Z'),
      nextDueAt: at('2026-11-15T16:00:00Z'),
    })
    // only a charge has a due date
    await expect(
      append(db, { compoundId: c, kind: 'payment', amountFen: 1n, householdId: h1, dueAt: at('2026-11-15T16:00:00Z'), recordedAt: at('2026-11-01T00:00:00Z') }),
    ).rejects.toThrow(LedgerError)
  })

  it('UPDATE, DELETE and TRUNCATE are refused by the database', async () => {
    const { db, c, h1 } = await setUp()
    await append(db, { compoundId: c, kind: 'charge', amountFen: 100n, householdId: h1, recordedAt: at('2026-11-01T00:00:00Z') })
    const refused = async (q: ReturnType<typeof sql>) => {
      const err = (await db.db.execute(q).then(() => null, (x: unknown) => x)) as { cause?: { message?: string; code?: string } } | null
      expect(err, 'the statement was not refused').not.toBeNull()
      expect(err!.cause?.message).toMatch(/append-only/)
      expect(err!.cause?.code).toBe('42501')
    }
    await refused(sql`UPDATE ledger_entries SET amount_fen = 1`)
    await refused(sql`DELETE FROM ledger_entries`)
    await refused(sql`TRUNCATE ledger_entries CASCADE`)
    const [row] = await db.db.select().from(ledgerEntries)
    expect(row!.amountFen).toBe(100n)
  })

  it('a row tampered with through raw SQL is named by verification', async () => {
    const { db, c, h1 } = await setUp()
    for (let i = 1; i <= 5; i++) {
      await append(db, { compoundId: c, kind: 'payment', amountFen: BigInt(i * 100), householdId: h1, recordedAt: at(`2026-11-0${i}T00:00:00Z`) })
    }
    await db.db.execute(sql`ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_append_only`)
    await db.db.execute(sql`UPDATE ledger_entries SET amount_fen = 30 WHERE serial = 3`)
    await db.db.execute(sql`ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_append_only`)
    const v = await verifyCompoundLedger(db.db, c)
    expect(v).toMatchObject({ ok: false, firstBadSerial: 3, count: 2, reason: 'hashMismatch' })
  })

  it('a head read ahead under the lock (缴费) is used by the next append only, and needs the lock', async () => {
    const { db, c, h1 } = await setUp()
    const pay = { compoundId: c, kind: 'payment' as const, amountFen: 100n, householdId: h1, recordedAt: at('2026-11-01T00:00:00Z') }
    await expect(db.db.transaction((tx) => prefetchLedgerHead(tx, c))).rejects.toThrow(/lockLedger first/)
    const rows = await db.db.transaction(async (tx) => {
      await lockLedger(tx, c)
      await prefetchLedgerHead(tx, c)
      const first = await appendLedgerEntry(tx, pay)
      // read ahead again, then a batch moves the head: the single append after it must chain onto the batch
      await prefetchLedgerHead(tx, c)
      const { compoundId: _, ...row } = pay
      const { inserted } = await appendLedgerEntries(tx, c, [row, row])
      const last = await appendLedgerEntry(tx, pay)
      return [first, ...inserted, last]
    })
    expect(rows.map((r) => r.serial)).toEqual([1, 2, 3, 4])
    expect(await verifyCompoundLedger(db.db, c)).toMatchObject({ ok: true, count: 4 })
  })

  it('concurrent appends never fork the chain', async () => {
    const { db, c, h1 } = await setUp()
    const other = await dbs.reopen(db)
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        append(i % 2 ? other : db, { compoundId: c, kind: 'payment', amountFen: 100n, householdId: h1, recordedAt: at('2026-11-01T00:00:00Z') }),
      ),
    )
    expect(results.map((r) => r.serial).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect(await verifyCompoundLedger(db.db, c)).toMatchObject({ ok: true, count: 20 })
    expect((await householdBalance(db.db, c, h1)).paidFen).toBe(2000n)
  })
})
