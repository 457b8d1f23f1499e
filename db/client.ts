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
  /** with url: sees every statement the driver sends, BEGIN, SAVEPOINT and COMMIT included (the benchmark counts them) */
  onStatement?: (query: string) => void
}

/** The drizzle handle of a Database, or the handle itself (services the scheduler and tests call with either). */
export function dbOf(database: Database | Db): Db {
  return 'driver' in database && 'close' in database ? (database as Database).db : (database as Db)
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
      ...(opts.onStatement ? { debug: (_c: number, query: string) => opts.onStatement!(query) } : {}),
    }, { prepare: !opts.socketPath })
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

function renewablePool(url: string, options: Parameters<typeof postgres>[1], opts: { prepare: boolean }): { client: Sql; end(): Promise<void> } {
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
      if (opts.prepare && (prop === 'unsafe' || prop === 'begin')) return preparingOf(current)[prop]
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

// ---- prepared statements ------------------------------------------------------------------------------
//
// drizzle-orm runs every query through postgres.js `unsafe(text, params, { prepare: false })` unless the
// caller built it with `.prepare(name)`. An unnamed statement with parameters costs two round trips in
// postgres.js (Parse/Describe, then Bind/Execute) and a parse and plan on the server every time; a named one
// is parsed once per connection and then costs one Bind/Execute. So queries with parameters run as named
// prepared statements, postgres.js keeping them per connection by their text. Their number is bounded:
// statements with many parameters (bulk inserts, whose text varies with the row count) stay unnamed, and
// after MAX_PREPARED distinct texts new ones do too, so no connection collects statements without end.
// Not for a bot's PGlite over its socket (one session shared by every client; PGlite itself has no named
// statements through drizzle either).

const MAX_PREPARED = 500
const MAX_PREPARED_PARAMS = 64
const preparedTexts = new Set<string>()

function shouldPrepare(query: string, params: unknown): boolean {
  if (!Array.isArray(params) || params.length === 0 || params.length > MAX_PREPARED_PARAMS) return false
  if (preparedTexts.has(query)) return true
  if (preparedTexts.size >= MAX_PREPARED) return false
  preparedTexts.add(query)
  return true
}

type Unsafe = (query: string, params?: unknown, options?: Record<string, unknown>) => unknown
type Scoped = (a: unknown, b?: unknown) => unknown

/** `sql` (a pool, a transaction or a savepoint) whose unsafe() prepares, and whose transactions and savepoints do too. */
function preparing(sql: Sql): { unsafe: Unsafe; begin: Scoped; savepoint: Scoped } {
  const unsafe: Unsafe = (query, params = [], options = {}) => {
    // unsafe(text, options) is postgres.js's two-argument form
    if (!Array.isArray(params)) return (sql.unsafe as Unsafe)(query, params)
    return (sql.unsafe as Unsafe)(query, params, shouldPrepare(query, params) ? { ...options, prepare: true } : options)
  }
  // begin([options,] fn) and savepoint([name,] fn): the callback gets the scope's sql, wrapped the same way
  const scoped = (method: 'begin' | 'savepoint'): Scoped => (a, b) => {
    const [first, fn] = b === undefined ? [undefined, a] : [a, b]
    const wrap = (scope: Sql) => (fn as (s: unknown) => unknown)(wrapScope(scope))
    const call = (sql as unknown as Record<string, (...args: unknown[]) => unknown>)[method]!.bind(sql)
    return first === undefined ? call(wrap) : call(first, wrap)
  }
  return { unsafe, begin: scoped('begin'), savepoint: scoped('savepoint') }
}

const wrappedPools = new WeakMap<Sql, ReturnType<typeof preparing>>()
function preparingOf(pool: Sql): ReturnType<typeof preparing> {
  let w = wrappedPools.get(pool)
  if (!w) wrappedPools.set(pool, (w = preparing(pool)))
  return w
}

function wrapScope(scope: Sql): Sql {
  const own = preparing(scope)
  return new Proxy(scope, {
    get: (target, prop) => {
      if (prop === 'unsafe' || prop === 'savepoint') return own[prop]
      const v: unknown = Reflect.get(target, prop, target)
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v
    },
  })
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
