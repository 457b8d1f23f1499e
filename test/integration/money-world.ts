// The compound the claims, duplicates and receipts tests share (not a test file itself).
import { asc, sql } from 'drizzle-orm'
import { confirmations, costClaims, ledgerEntries, ticketEvents, tickets } from '../../db/schema.ts'
import type { TestDatabases } from '../helpers/db.ts'
import { memberId, ROSTER, townWorld } from '../helpers/fixtures.ts'
import type { World } from '../helpers/world.ts'

// the reply readers live in world.ts; re-exported for the money tests that import them from here
export { groupTexts, privateTo, privateUsers } from '../helpers/world.ts'

export interface MoneyWorld {
  w: World
  compoundId: number
  hh: Record<string, number>
  id: (platformUserId: string) => Promise<number>
}

/**
 * 幸福里: boss = head 老王, cc = committee 老李, c2 = committee 陈委员, col = collector 小赵,
 * u1 = 张三 (verified owner of 3-2-201), u5 = 张小妹 (verified family of 3-2-201), u2 = 李四 (pending
 * tenant of 3-2-202), w1 = 李师傅 (a resident who repairs things). Everyone has spoken in the group.
 */
export async function moneyWorld(dbs: TestDatabases): Promise<MoneyWorld> {
  const { w, compoundId, hh } = await townWorld(dbs, {
    roster: ROSTER,
    people: [
      { id: 'cc', name: '老李', role: 'committee', speaks: true },
      { id: 'c2', name: '陈委员', role: 'committee', speaks: true },
      { id: 'col', name: '小赵', role: 'collector', speaks: true },
      { id: 'u1', name: '张三', rooms: ['3-2-201'], speaks: true },
      { id: 'u5', name: '张小妹', rooms: ['3-2-201'], relation: 'family', speaks: true },
      { id: 'u2', name: '李四', rooms: ['3-2-202'], relation: 'tenant', status: 'pending', speaks: true },
      { id: 'w1', name: '李师傅', speaks: true },
    ],
  })
  return { w, compoundId, hh, id: (platformUserId) => memberId(w, platformUserId) }
}

export const rows = {
  ledger: (w: World) => w.db.db.select().from(ledgerEntries).orderBy(asc(ledgerEntries.serial)),
  claims: (w: World) => w.db.db.select().from(costClaims).orderBy(asc(costClaims.id)),
  events: (w: World) => w.db.db.select().from(ticketEvents).orderBy(asc(ticketEvents.id)),
  tickets: (w: World) => w.db.db.select().from(tickets).orderBy(asc(tickets.no)),
  confirmations: (w: World) => w.db.db.select().from(confirmations).orderBy(asc(confirmations.id)),
}

export const ledgerCount = async (w: World) =>
  (await w.db.db.select({ n: sql<number>`count(*)::int` }).from(ledgerEntries))[0]!.n

/** Everything a refused command must leave as it was. */
export async function snapshot(w: World): Promise<string> {
  return JSON.stringify(
    {
      ledger: await rows.ledger(w),
      claims: await rows.claims(w),
      events: await rows.events(w),
      tickets: await rows.tickets(w),
      confirmations: (await rows.confirmations(w)).map((c) => ({ ...c, usedAt: c.usedAt })),
    },
    (_k, v) => (typeof v === 'bigint' ? v.toString() : v),
  )
}
