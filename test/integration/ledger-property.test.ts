// Property: any sequence of charges, payments and reversals, written through db/ledger.ts to a real
// database, keeps every household's balance equal to the sum of its entries, the chain intact, and
// refuses exactly the invalid reversals.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { createCompound } from '../../db/compounds.ts'
import { appendLedgerEntry, LedgerError, ledgerEntriesOf } from '../../db/ledger.ts'
import { arrearsOf, balanceAt, householdBalance, householdBalances } from '../../db/ledger-sums.ts'
import { verifyCompoundLedger } from '../../db/ledger-check.ts'
import { households } from '../../db/schema.ts'
import { createTestDatabases, type TestDatabases } from '../helpers/db.ts'

let dbs: TestDatabases
let db: Database
beforeAll(async () => {
  dbs = await createTestDatabases()
  db = await dbs.fresh()
})
afterAll(async () => {
  await dbs.close()
})

type Op =
  | { op: 'charge' | 'payment' | 'income' | 'expense'; h: number; fen: bigint }
  | { op: 'reverse'; pick: number }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constantFrom('charge' as const, 'payment' as const), h: fc.integer({ min: 0, max: 2 }), fen: fc.bigInt({ min: 1n, max: 10_000_000n }) }),
  fc.record({ op: fc.constantFrom('income' as const, 'expense' as const), h: fc.constant(-1), fen: fc.bigInt({ min: 1n, max: 10_000_000n }) }),
  fc.record({ op: fc.constant('reverse' as const), pick: fc.nat() }),
)

let runNo = 0

describe('ledger property', () => {
  it('balances are the sums of their entries; the chain verifies; invalid reversals are refused', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 14 }), async (ops) => {
        const c = await createCompound(db.db, { name: `p${++runNo}-${Date.now()}` })
        const hs = await db.db
          .insert(households)
          .values([0, 1, 2].map((i) => ({ compoundId: c.id, building: '1', unit: null, room: `10${i}`, code: `1-10${i}`, areaCentiM2: 5000n })))
          .returning()
        const at = new Date('2026-11-01T00:00:00Z')
        // model: entries as written, with whether they are reversed
        const model: { serial: number; kind: string; h: number | null; fen: bigint; reverses: number | null; reversed: boolean }[] = []
        for (const o of ops) {
          at.setTime(at.getTime() + 60_000)
          if (o.op === 'reverse') {
            if (model.length === 0) continue
            const target = model[o.pick % model.length]!
            const shouldFail = target.kind === 'reversal' || target.reversed
            const res = await db.db
              .transaction((tx) =>
                appendLedgerEntry(tx, { compoundId: c.id, kind: 'reversal', amountFen: target.fen, reversesSerial: target.serial, recordedAt: new Date(at) }),
              )
              .then(
                (row) => ({ row }),
                (err: unknown) => ({ err }),
              )
            if (shouldFail) {
              expect('err' in res && res.err instanceof LedgerError).toBe(true)
              continue
            }
            expect('row' in res).toBe(true)
            const row = (res as { row: { serial: number; householdId: number | null } }).row
            target.reversed = true
            model.push({ serial: row.serial, kind: 'reversal', h: row.householdId, fen: target.fen, reverses: target.serial, reversed: false })
          } else {
            const householdId = o.h >= 0 ? hs[o.h]!.id : null
            const row = await db.db.transaction((tx) =>
              appendLedgerEntry(tx, { compoundId: c.id, kind: o.op, amountFen: o.fen, householdId, recordedAt: new Date(at) }),
            )
            model.push({ serial: row.serial, kind: o.op, h: householdId, fen: o.fen, reverses: null, reversed: false })
          }
        }

        // the chain: serials 1..n, verifies
        const v = await verifyCompoundLedger(db.db, c.id)
        expect(v).toMatchObject({ ok: true, count: model.length })

        // balances from the rows as stored: each entry's effect, a reversal negating its target's
        const rows = await ledgerEntriesOf(db.db, c.id)
        const bySerial = new Map(rows.map((r) => [r.serial, r]))
        const expected = new Map<number, { billed: bigint; paid: bigint }>()
        let cash = 0n
        for (const r of rows) {
          const target = r.kind === 'reversal' ? bySerial.get(r.reversesSerial!)! : r
          const sign = r.kind === 'reversal' ? -1n : 1n
          if (target.kind === 'payment' || target.kind === 'income') cash += sign * r.amountFen
          if (target.kind === 'expense') cash -= sign * r.amountFen
          if (target.householdId === null) continue
          expect(r.householdId).toBe(target.householdId)
          const e = expected.get(target.householdId) ?? { billed: 0n, paid: 0n }
          if (target.kind === 'charge') e.billed += sign * r.amountFen
          if (target.kind === 'payment') e.paid += sign * r.amountFen
          expected.set(target.householdId, e)
        }
        const all = await householdBalances(db.db, c.id)
        for (const h of hs) {
          const e = expected.get(h.id) ?? { billed: 0n, paid: 0n }
          const b = await householdBalance(db.db, c.id, h.id)
          expect(b).toEqual({ billedFen: e.billed, paidFen: e.paid, owedFen: e.billed - e.paid })
          expect(all.get(h.id) ?? { billedFen: 0n, paidFen: 0n, owedFen: 0n }).toEqual(b)
          // and from the model (what was asked for), independently of the stored rows
          const m = model.filter((x) => x.h === h.id && x.kind !== 'reversal' && !x.reversed)
          const sum = (k: string) => m.filter((x) => x.kind === k).reduce((s, x) => s + x.fen, 0n)
          expect(b.billedFen).toBe(sum('charge'))
          expect(b.paidFen).toBe(sum('payment'))
        }
        expect(await balanceAt(db.db, c.id, new Date('2030-01-01T00:00:00Z'))).toBe(cash)
        // once every charge is past due (all were recorded in November 2026: due at its end), the arrears are the balances
        const arrears = await arrearsOf(db.db, c, new Date('2030-01-01T00:00:00Z'))
        expect(arrears.map((a) => [a.householdId, a.owedFen]).sort()).toEqual(
          hs.filter((h) => (all.get(h.id)?.owedFen ?? 0n) > 0n).map((h) => [h.id, all.get(h.id)!.owedFen]).sort(),
        )
        // before any is due (recorded, due at the end of November) nobody is in arrears
        expect(await arrearsOf(db.db, c, new Date('2026-11-20T00:00:00Z'))).toEqual([])
      }),
      { numRuns: 20 },
    )
  })
})
