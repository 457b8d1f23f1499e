// The compound the claims, duplicates and receipts tests share (not a test file itself).
import { asc, eq, sql } from 'drizzle-orm'
import { setRole } from '../../db/compounds.ts'
import { compounds, confirmations, costClaims, householdBindings, households, ledgerEntries, members, ticketEvents, tickets } from '../../db/schema.ts'
import { importRoster, parseRoster } from '../../src/cli/roster.ts'
import type { TestDatabases } from '../helpers/db.ts'
import type { SaidMessage } from '../helpers/world.ts'
import { type World, world } from '../helpers/world.ts'

const ROSTER = `building,unit,room,area_m2,occupancy,owner_name
3,2,201,89.50,owner_occupied,王秀英
3,2,202,75.00,rented,李建国
5,,101,60.00,vacant,
`

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
  const w = await world(dbs)
  await w.says('boss', '开通 幸福里', { admin: true, name: '老王' }).then((r) => r.expectReply('已开通'))
  const [c] = await w.db.db.select().from(compounds)
  const compoundId = c!.id
  await importRoster(w.db.db, compoundId, parseRoster(ROSTER), w.clock.now())
  const hs = await w.db.db.select().from(households)
  const hh = Object.fromEntries(hs.map((h) => [h.code, h.id]))
  const people: [string, string][] = [
    ['cc', '老李'],
    ['c2', '陈委员'],
    ['col', '小赵'],
    ['u1', '张三'],
    ['u5', '张小妹'],
    ['u2', '李四'],
    ['w1', '李师傅'],
  ]
  for (const [from, name] of people) await w.says(from, '帮助', { name })
  const id = async (platformUserId: string) => {
    const [m] = await w.db.db.select().from(members).where(eq(members.platformUserId, platformUserId))
    return m!.id
  }
  await setRole(w.db.db, { compoundId, memberId: await id('cc'), role: 'committee' })
  await setRole(w.db.db, { compoundId, memberId: await id('c2'), role: 'committee' })
  await setRole(w.db.db, { compoundId, memberId: await id('col'), role: 'collector' })
  await w.db.db.insert(householdBindings).values([
    { compoundId, memberId: await id('u1'), householdId: hh['3-2-201']!, relation: 'owner', status: 'verified' },
    { compoundId, memberId: await id('u5'), householdId: hh['3-2-201']!, relation: 'family', status: 'verified' },
    { compoundId, memberId: await id('u2'), householdId: hh['3-2-202']!, relation: 'tenant', status: 'pending' },
  ])
  return { w, compoundId, hh, id }
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

export const groupTexts = (r: SaidMessage) => r.replies.filter((x) => x.chat).map((x) => x.text)
export const privateTo = (r: SaidMessage, user: string) => r.replies.filter((x) => x.user === user).map((x) => x.text)
export const privateUsers = (r: SaidMessage) => r.replies.filter((x) => x.user).map((x) => x.user!).sort()
