// Set-up shared by the poll tests: a compound opened in a chat with a roster, and members bound to rooms
// directly (as the committee would have done with 认证), so each test states only what it is about.
import { and, eq } from 'drizzle-orm'
import { upsertMember } from '../../db/members.ts'
import { compounds, householdBindings, households } from '../../db/schema.ts'
import { importRoster, parseRoster } from '../../src/cli/roster.ts'
import type { TestDatabases } from './db.ts'
import { type World, world } from './world.ts'

export type Lang = 'zh-CN' | 'zh-TW' | 'en'

/** A compound opened by 老王 in the test chat, with `roster` (CSV) imported unless null. */
export async function compoundWith(dbs: TestDatabases, roster: string | null, lang: Lang = 'zh-CN') {
  const w = await world(dbs)
  await w.says('boss', '开通 幸福里', { admin: true, name: '老王' }).then((r) => r.expectReply('已开通'))
  const [c] = await w.db.db.select().from(compounds)
  if (lang !== 'zh-CN') await w.db.db.update(compounds).set({ language: lang }).where(eq(compounds.id, c!.id))
  if (roster) await importRoster(w.db.db, c!.id, parseRoster(roster), w.clock.now())
  return { w, compoundId: c!.id }
}

/** A member bound to rooms (verified owner by default). */
export async function bindMember(
  w: World,
  compoundId: number,
  user: string,
  rooms: string[],
  relation: 'owner' | 'tenant' | 'family' = 'owner',
  status: 'verified' | 'pending' = 'verified',
) {
  const m = await upsertMember(w.db.db, 'console', user, user)
  for (const code of rooms) {
    const [h] = await w.db.db.select().from(households).where(and(eq(households.compoundId, compoundId), eq(households.code, code)))
    await w.db.db.insert(householdBindings).values({ compoundId, memberId: m.id, householdId: h!.id, relation, status })
  }
  return m
}
