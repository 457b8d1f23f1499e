// A real database per test: PGlite clones of one migrated template by default, or fresh databases
// created from a migrated template database on the PostgreSQL server when DATABASE_URL is set.
import { randomBytes } from 'node:crypto'
import { PGlite } from '@electric-sql/pglite'
import postgres from 'postgres'
import { afterAll, beforeAll } from 'vitest'
import { type Database, type OpenOptions, openDatabase } from '../../db/client.ts'
import { migrate } from '../../db/migrate.ts'

export interface TestDatabases {
  /** a new, migrated, empty database */
  fresh(opts?: { onQuery?: OpenOptions['onQuery'] }): Promise<Database>
  /** a second connection to the same database (another "instance") */
  reopen(db: Database): Promise<Database>
  close(): Promise<void>
  readonly driver: 'pglite' | 'postgres'
}

function urlWithDb(url: string, db: string): string {
  const u = new URL(url)
  u.pathname = `/${db}`
  return u.toString()
}

export async function createTestDatabases(): Promise<TestDatabases> {
  const url = process.env.DATABASE_URL
  const opened: Database[] = []
  if (!url) {
    const template = await PGlite.create()
    await migrate(await openDatabase({ pglite: template }))
    return {
      driver: 'pglite',
      async fresh(opts) {
        const db = await openDatabase({ pglite: (await template.clone()) as PGlite, onQuery: opts?.onQuery })
        opened.push(db)
        return db
      },
      async reopen(db) {
        return db // PGlite is one in-process database: the same handle is the shared state
      },
      async close() {
        for (const db of opened) await db.close().catch(() => {})
        await template.close()
      },
    }
  }
  const prefix = `linli_t_${process.pid}_${randomBytes(3).toString('hex')}`
  const admin = postgres(url, { max: 1, onnotice: () => {} })
  const tpl = `${prefix}_tpl`
  await admin.unsafe(`CREATE DATABASE ${tpl}`)
  const t = await openDatabase({ url: urlWithDb(url, tpl), poolSize: 1 })
  await migrate(t)
  await t.close()
  const created: string[] = [tpl]
  const urls = new Map<Database, string>()
  let n = 0
  return {
    driver: 'postgres',
    async fresh(opts) {
      const name = `${prefix}_${++n}`
      await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${tpl}`)
      created.push(name)
      const dbUrl = urlWithDb(url, name)
      const db = await openDatabase({ url: dbUrl, poolSize: 5, onQuery: opts?.onQuery })
      urls.set(db, dbUrl)
      opened.push(db)
      return db
    },
    async reopen(db) {
      const other = await openDatabase({ url: urls.get(db)!, poolSize: 5 })
      opened.push(other)
      return other
    },
    async close() {
      for (const db of opened) await db.close().catch(() => {})
      for (const name of created.reverse()) await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {})
      await admin.end({ timeout: 5 })
    },
  }
}

/**
 * The usual per-file set-up: test databases created before the file's tests and closed after them.
 *   const dbs = useTestDatabases()   // then `await dbs.fresh()` inside a test
 */
export function useTestDatabases(): TestDatabases {
  let inner: TestDatabases | undefined
  beforeAll(async () => {
    inner = await createTestDatabases()
  })
  afterAll(async () => {
    await inner?.close()
  })
  const get = (): TestDatabases => {
    if (!inner) throw new Error('test databases are created in beforeAll: use them inside a test or hook')
    return inner
  }
  return {
    get driver() {
      return get().driver
    },
    fresh: (opts) => get().fresh(opts),
    reopen: (db) => get().reopen(db),
    close: async () => {},
  }
}
