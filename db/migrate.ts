// Applies the committed drizzle-kit migrations; the same SQL runs on PGlite and PostgreSQL.
import { fileURLToPath } from 'node:url'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import type { Database } from './client.ts'

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url))

export async function migrate(database: Database): Promise<void> {
  if (database.driver === 'pglite') {
    await migratePglite(database.db as never, { migrationsFolder })
  } else {
    await migratePostgres(database.db as never, { migrationsFolder })
  }
}
