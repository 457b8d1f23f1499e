// Applies the committed drizzle-kit migrations; the same SQL runs on PGlite and PostgreSQL.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import type { Database } from './client.ts'

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url))

export async function migrate(database: Database): Promise<void> {
  // every start and CLI command migrates: when nothing is due that is one query instead of the migrator's
  // schema and table creation, read and empty transaction
  if (await upToDate(database)) return
  if (database.driver === 'pglite') {
    await migratePglite(database.db as never, { migrationsFolder })
  } else {
    await migratePostgres(database.db as never, { migrationsFolder })
  }
}

/** The migrator's own rule: a migration is applied when its journal time is after the newest applied one. */
async function upToDate(database: Database): Promise<boolean> {
  const journal = JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8')) as { entries: Array<{ when: number }> }
  const newest = Math.max(...journal.entries.map((e) => e.when))
  try {
    const res = await database.db.execute(sql`SELECT max(created_at) AS last FROM drizzle.__drizzle_migrations`)
    const rows = ((res as { rows?: unknown[] }).rows ?? (res as unknown as unknown[])) as Array<{ last: unknown }>
    const last = rows[0]?.last
    return last !== null && last !== undefined && Number(last) >= newest
  } catch {
    return false // a new database: no migrations table yet
  }
}
