// Opens the database: postgres.js when DATABASE_URL is set, otherwise embedded PGlite in memory (tests) or
// given. A data folder on disk is opened by openDataFolder (src/embedded/open.ts), one owner process at a time.
import { PGlite } from '@electric-sql/pglite'
import type { ExtractTablesWithRelations } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import * as schema from './schema.ts'

export type Schema = typeof schema
export type Db = PgDatabase<PgQueryResultHKT, Schema>
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>
/** Either the database or a transaction: query modules accept both. */
export type Queryable = Db | Tx

export interface Database {
  readonly db: Db
  readonly driver: 'pglite' | 'postgres'
  /** the PGlite instance when embedded (tests clone it) */
  readonly pglite?: PGlite
  /** the running bot whose data folder this process uses through its socket */
  readonly through?: { pid: number; command: string }
  close(): Promise<void>
}

export interface OpenOptions {
  /** postgres:// URL; wins over everything else */
  url?: string
  /** with url: connect over this Unix socket (a running bot's PGlite) */
  socketPath?: string
  /** an existing PGlite (e.g. a clone in tests) */
  pglite?: PGlite
  /** max pool size for postgres.js */
  poolSize?: number
  /** sees every SQL statement (tests check that compound tables are always queried by compound) */
  onQuery?: (query: string, params: unknown[]) => void
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.url) {
    const pool = renewablePool(opts.url, {
      max: opts.poolSize ?? 10,
      onnotice: () => {},
      // bigint columns come back as bigint, not strings
      types: { bigint: postgres.BigInt },
      // a bot's PGlite is one session shared by every client: unnamed statements leave nothing behind in it
      ...(opts.socketPath ? { path: opts.socketPath, prepare: false } : {}),
    })
    const logger = opts.onQuery ? { logQuery: opts.onQuery } : undefined
    const db = drizzlePostgres(pool.client, { schema, logger }) as unknown as Db
    return { db, driver: 'postgres', close: () => pool.end() }
  }
  const pg = opts.pglite ?? (await PGlite.create())
  const logger = opts.onQuery ? { logQuery: opts.onQuery } : undefined
  const db = drizzlePglite(pg, { schema, logger }) as unknown as Db
  const owned = pg
  return {
    db,
    driver: 'pglite',
    pglite: owned,
    close: async () => {
      if (!owned.closed) await owned.close()
    },
  }
}

// ---- a postgres.js fault the process must survive ---------------------------------------------------
//
// postgres.js 3.4.9 defers small writes to a setImmediate. When a connection drops while a query is being
// written — the database restarts, the network path dies, typically in the middle of a transaction whose
// ROLLBACK is then written to the dead connection — the deferred write runs on a null socket and throws
// from the timer: an uncaught exception that ends the process, and the connection never flushes again
// (upstream porsager/postgres#1154, #1208; the fixes are not released). `linli` installs
// installDriverFaultGuard: it recognises exactly that exception, keeps the process running and replaces
// every pool; the client drizzle holds forwards to the current pool.

type Sql = ReturnType<typeof postgres>
const pools = new Set<{ renew(): void }>()

function renewablePool(url: string, options: Parameters<typeof postgres>[1]): { client: Sql; end(): Promise<void> } {
  const first = postgres(url, options)
  let current = first
  const handle = {
    renew() {
      const old = current
      const next = postgres(url, options)
      // drizzle adjusted the first client's parsers and serializers in place: the new one gets the same
      Object.assign(next.options.parsers, first.options.parsers)
      Object.assign(next.options.serializers, first.options.serializers)
      current = next
      // queries still running on healthy connections of the old pool may finish; after 10 s the rest are
      // ended, which also settles the transactions the fault left waiting forever
      void old.end({ timeout: 10 }).catch(() => {})
    },
  }
  pools.add(handle)
  const client = new Proxy(first, {
    get: (_target, prop) => {
      const v: unknown = Reflect.get(current, prop, current)
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(current) : v
    },
    apply: (_target, _this, args: unknown[]) => Reflect.apply(current as unknown as (...a: unknown[]) => unknown, undefined, args),
  })
  return {
    client,
    async end() {
      pools.delete(handle)
      await current.end({ timeout: 5 })
    },
  }
}

/** The postgres.js write on a dropped connection (see above), and nothing else. */
export function isDriverWriteFault(err: unknown): boolean {
  return (
    err instanceof TypeError &&
    err.message.includes("reading 'write'") &&
    /nextWrite[\s\S]*postgres[\\/]src[\\/]connection\.js/.test(err.stack ?? '')
  )
}

let renewal: NodeJS.Immediate | undefined
/** Replace every open postgres.js pool (once per tick however many faults there were). */
export function renewPostgresPools(): void {
  renewal ??= setImmediate(() => {
    renewal = undefined
    for (const p of pools) p.renew()
  })
}

let guarded = false
/**
 * For the process entry (`linli`): an uncaught postgres.js write fault renews the pools and the process
 * goes on; any other uncaught exception ends the process as Node would (after `fatal` logs it).
 */
export function installDriverFaultGuard(hooks: { fault(err: Error): void; fatal(err: unknown): void }): void {
  if (guarded) return
  guarded = true
  process.on('uncaughtException', (err) => {
    if (isDriverWriteFault(err)) {
      hooks.fault(err)
      renewPostgresPools()
      return
    }
    hooks.fatal(err)
    process.exit(1)
  })
}
