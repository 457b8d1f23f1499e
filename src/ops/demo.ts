// The demo compound `npm start` creates on a new data directory, so the sandbox is ready to try.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { SANDBOX_GROUP } from '../../adapters/console/index.ts'
import type { Database } from '../../db/client.ts'
import { createCompound, linkChat, setRole } from '../../db/compounds.ts'
import { upsertMember } from '../../db/members.ts'
import { compounds } from '../../db/schema.ts'
import { importRoster, parseRoster } from './roster.ts'

export const DEMO_COMPOUND = '幸福里小区'
export const DEMO_HEAD = '王主任'
export const sampleRosterPath = fileURLToPath(new URL('../../db/seed/sample-roster.csv', import.meta.url))

/** Seed only an empty database: never touches a real one. Returns whether it seeded. */
export async function seedDemoIfEmpty(database: Database, timeZone = 'Asia/Shanghai'): Promise<boolean> {
  const [row] = await database.db.select({ n: sql<number>`count(*)::int` }).from(compounds)
  if ((row?.n ?? 0) > 0) return false
  const compound = await createCompound(database.db, { name: DEMO_COMPOUND, timeZone, language: 'zh-CN' })
  await importRoster(database.db, compound.id, parseRoster(readFileSync(sampleRosterPath, 'utf8')))
  await linkChat(database.db, { compoundId: compound.id, platform: 'console', platformChatId: SANDBOX_GROUP, title: '幸福里业主群' })
  const head = await upsertMember(database.db, 'console', DEMO_HEAD, DEMO_HEAD)
  await setRole(database.db, { compoundId: compound.id, memberId: head.id, role: 'head' })
  return true
}
