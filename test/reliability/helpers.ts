// Shared by the reliability suite: databases on the PostgreSQL server, whole-database snapshots, and child
// processes that print what they send as JSON lines (the compound they start from: test/helpers/fixtures.ts).
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { type Database, openDatabase } from '../../db/client.ts'
import { migrate } from '../../db/migrate.ts'
import { ROOT } from '../helpers/cli.ts'
import { query } from '../helpers/fixtures.ts'
import { serverDatabase } from '../helpers/server-db.ts'

export const FIXTURES = join(ROOT, 'test/reliability/fixtures')

/** One line of figures per case, in the test output. */
export function figures(line: string): void {
  console.log(`[reliability] ${line}`)
}

// ---- databases -------------------------------------------------------------------------------

export interface ServerDb {
  url: string
  database: Database
  /** another pool on the same database (another instance) */
  reopen(poolSize?: number): Promise<Database>
  drop(): Promise<void>
}

/** A new, migrated database on the server (DATABASE_URL), with its URL for child processes. */
export async function serverDb(poolSize = 8): Promise<ServerDb> {
  const server = await serverDatabase()
  if (!server.url) throw new Error('the reliability suite needs DATABASE_URL (vitest.reliability.config.ts sets a default)')
  const url = server.url
  const opened: Database[] = []
  const open = async (size: number) => {
    const d = await openDatabase({ url, poolSize: size })
    opened.push(d)
    return d
  }
  const database = await open(poolSize)
  await migrate(database)
  return {
    url,
    database,
    reopen: (size = 5) => open(size),
    async drop() {
      for (const d of opened) await d.close().catch(() => {})
      await server.drop()
    },
  }
}

// ---- snapshots ---------------------------------------------------------------------------------

export async function tableNames(db: Database): Promise<string[]> {
  const rows = await query<{ tablename: string }>(db, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)
  return rows.map((r) => r.tablename)
}

/** Row count and a digest of every row of every table (an UPDATE shows as well as an INSERT). */
export async function snapshot(db: Database, except: readonly string[] = []): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const t of await tableNames(db)) {
    if (except.includes(t)) continue
    const [row] = await query<{ n: number; h: string }>(
      db,
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM "${t}" x`,
    )
    out[t] = `${row!.n}:${row!.h}`
  }
  return out
}

/** The highest id of a table (0 when empty): rows after it are new. */
export async function maxId(db: Database, table: string): Promise<number> {
  const [row] = await query<{ max: number }>(db, `SELECT coalesce(max(id), 0)::int AS max FROM "${table}"`)
  return row!.max
}

// ---- child processes ----------------------------------------------------------------------------

export interface Line {
  [key: string]: unknown
}

/** A child process speaking JSON lines on stdout; non-JSON lines are kept as `{ raw }`. */
export class Child {
  /** children not yet exited (killAll in afterAll) */
  static readonly alive = new Set<Child>()
  static killAll(): void {
    for (const c of Child.alive) c.kill('SIGKILL')
  }
  readonly lines: Line[] = []
  stderr = ''
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  private waiters: { pred: (l: Line) => boolean; from: number; resolve: (l: Line) => void }[] = []
  private readonly proc: ChildProcess

  constructor(script: string, env: NodeJS.ProcessEnv, args: string[] = []) {
    // node itself with tsx's loader (not the tsx CLI, which runs node as a child of its own): a SIGKILL
    // must hit the process that holds the database connection
    this.proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] })
    Child.alive.add(this)
    this.proc.on('exit', () => Child.alive.delete(this))
    this.proc.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString('utf8')))
    createInterface({ input: this.proc.stdout! }).on('line', (raw) => {
      let line: Line
      try {
        line = JSON.parse(raw) as Line
      } catch {
        line = { raw }
      }
      this.lines.push(line)
      const index = this.lines.length - 1
      this.waiters = this.waiters.filter((w) => {
        if (index >= w.from && w.pred(line)) {
          w.resolve(line)
          return false
        }
        return true
      })
    })
    this.exited = new Promise((res) => this.proc.on('exit', (code, signal) => res({ code, signal })))
  }

  get pid(): number {
    return this.proc.pid!
  }

  /** The first line (from index `from`) that matches; rejects when the child exits first or after `ms`. */
  waitFor(pred: (l: Line) => boolean, opts: { from?: number; ms?: number } = {}): Promise<Line> {
    const from = opts.from ?? 0
    const found = this.lines.slice(from).find(pred)
    if (found) return Promise.resolve(found)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child ${this.pid}: no matching line within ${opts.ms ?? 60_000} ms\n${this.stderr}`)), opts.ms ?? 60_000)
      const done = (l: Line) => {
        clearTimeout(timer)
        resolve(l)
      }
      this.waiters.push({ pred, from, resolve: done })
      void this.exited.then(({ code, signal }) => {
        clearTimeout(timer)
        reject(new Error(`child ${this.pid} exited (${code ?? signal}) before the expected line\n${this.stderr}`))
      })
    })
  }

  send(obj: unknown): void {
    this.proc.stdin!.write(`${JSON.stringify(obj)}\n`)
  }

  endInput(): void {
    this.proc.stdin!.end()
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.proc.kill(signal)
  }

  /** Lines that record a send by the fake adapter. */
  get sent(): { chat?: string; user?: string; text: string; image?: boolean }[] {
    return this.lines.filter((l) => l.sent).map((l) => l.sent as { chat?: string; user?: string; text: string; image?: boolean })
  }
}

/** Environment for a fixture child: the given database, logs at warn on stderr, no platform tokens. */
export function fixtureEnv(url: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url, LINLI_LOG_LEVEL: 'warn', LINLI_BOT_NAME: '邻里', ...extra }
  delete env.VITEST
  delete env.TELEGRAM_BOT_TOKEN
  delete env.WECHATY_PUPPET_SERVICE_TOKEN
  for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k]
  return env
}
