// The demo compound `npm start` seeds: a plausible recent month played through the real commands, so the
// first summary a new user sees has real numbers (issue 13, "a first impression with real numbers").
import { and, eq, isNotNull, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { verifyCompoundLedger } from '../../db/ledger-check.ts'
import { ledgerEntries, outbox, polls } from '../../db/schema.ts'
import { periodTotals } from '../../db/ledger-sums.ts'
import { loadConfig } from '../../src/config.ts'
import { seedDemoIfEmpty } from '../../src/cli/demo.ts'
import { useTestDatabases } from '../helpers/db.ts'

const dbs = useTestDatabases()
const config = loadConfig({})

describe('the demo compound', () => {
  it('has a month of fees, payments, repairs paid against tickets, income and two polls, on an intact chain', async () => {
    const database = await dbs.fresh()
    const now = new Date('2026-11-23T01:05:00Z') // Monday 09:05 in Shanghai, the README's LINLI_NOW
    expect(await seedDemoIfEmpty(database, config, now)).toBe(true)
    const db = database.db
    const count = async (kind: (typeof ledgerEntries.$inferSelect)['kind']) =>
      Number((await db.select({ n: sql<number>`count(*)::int` }).from(ledgerEntries).where(eq(ledgerEntries.kind, kind)))[0]!.n)
    expect(await count('charge')).toBe(80) // 40 flats, October and November
    expect(await count('payment')).toBeGreaterThanOrEqual(30)
    expect(await count('income')).toBe(1)
    const linked = await db.select({ id: ledgerEntries.id }).from(ledgerEntries).where(and(eq(ledgerEntries.kind, 'expense'), isNotNull(ledgerEntries.ticketId)))
    expect(linked).toHaveLength(2)
    const pollRows = await db.select({ status: polls.status }).from(polls).orderBy(polls.no)
    expect(pollRows.map((p) => p.status)).toEqual(['closed', 'open'])
    // the week before the README's LINLI_NOW (2026-W47, Shanghai) has money both ways
    const week = await periodTotals(db, 1, new Date('2026-11-15T16:00:00Z'), new Date('2026-11-22T16:00:00Z'))
    expect(week.paymentsFen).toBeGreaterThan(0n)
    expect(week.expensesFen + week.incomeFen).toBeGreaterThan(0n)
    expect((await verifyCompoundLedger(db, 1)).ok).toBe(true)
    // nothing from the played month waits to be printed when the sandbox starts
    const pending = await db.select({ id: outbox.id }).from(outbox).where(eq(outbox.status, 'pending'))
    expect(pending).toEqual([])
    // never seeds twice
    expect(await seedDemoIfEmpty(database, config, now)).toBe(false)
  })

  it('without history (linli sandbox --demo) is the bare compound: roster, group and head, no money', async () => {
    const database = await dbs.fresh()
    expect(await seedDemoIfEmpty(database, config, new Date('2026-11-23T01:05:00Z'), { history: false })).toBe(true)
    expect(await database.db.select({ id: ledgerEntries.id }).from(ledgerEntries)).toEqual([])
    expect(await database.db.select({ id: polls.id }).from(polls)).toEqual([])
  })
})
