// Shared by the reliability suite: databases on the PostgreSQL server, a compound with a roster and
// every role, whole-database snapshots, and child processes that print what they send as JSON lines.
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { eq, type SQL, sql } from 'drizzle-orm'
import { type Database, openDatabase } from '../../db/client.ts'
import { setRole } from '../../db/compounds.ts'
import { migrate } from '../../db/migrate.ts'
import { upsertMember } from '../../db/members.ts'
import { compounds, householdBindings, households } from '../../db/schema.ts'
import { importRoster, parseRoster } from '../../src/cli/roster.ts'
import { ROOT } from '../helpers/cli.ts'
import { serverDatabase } from '../helpers/server-db.ts'
import type { World } from '../helpers/world.ts'

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

// ---- a compound with a roster and every role ----------------------------------------------------

export interface Person {
  id: string
  name: string
  role?: 'committee' | 'collector'
  /** bound to these rooms */
  rooms?: string[]
  relation?: 'owner' | 'tenant' | 'family'
  status?: 'verified' | 'pending'
}

export interface Town {
  compoundId: number
  /** household id by room code */
  hh: Map<string, number>
  /** member id by platform user id */
  members: Map<string, number>
}

/**
 * 开通 by `head` (a chat admin) in chat `chat`, then the roster, roles and bindings as the committee would
 * have set them up. Returns the compound's ids.
 */
export async function setUpTown(
  w: World,
  opts: { name: string; chat?: string; head: { id: string; name: string }; roster: string; people: Person[]; settings?: Record<string, unknown> },
): Promise<Town> {
  const chat = opts.chat ?? 'g1'
  const r = await w.says(opts.head.id, `开通 ${opts.name}`, { admin: true, name: opts.head.name, chat })
  if (!/开通/.test(r.text)) throw new Error(`开通 failed: ${r.text}`)
  const [c] = await w.db.db.select().from(compounds).where(eq(compounds.name, opts.name))
  const compoundId = c!.id
  if (opts.settings) await w.db.db.update(compounds).set({ settings: opts.settings }).where(eq(compounds.id, compoundId))
  await importRoster(w.db.db, compoundId, parseRoster(opts.roster), w.clock.now())
  const rows = await w.db.db.select().from(households).where(eq(households.compoundId, compoundId))
  const hh = new Map(rows.map((h) => [h.code, h.id]))
  const members = new Map<string, number>()
  const head = await upsertMember(w.db.db, 'console', opts.head.id, opts.head.name)
  members.set(opts.head.id, head.id)
  for (const p of opts.people) {
    const m = await upsertMember(w.db.db, 'console', p.id, p.name)
    members.set(p.id, m.id)
    w.message(p.id, '', { name: p.name }) // the world remembers the display name
    if (p.role) await setRole(w.db.db, { compoundId, memberId: m.id, role: p.role })
    for (const room of p.rooms ?? []) {
      const householdId = hh.get(room)
      if (householdId === undefined) throw new Error(`no room ${room} in the roster`)
      await w.db.db
        .insert(householdBindings)
        .values({ compoundId, memberId: m.id, householdId, relation: p.relation ?? 'owner', status: p.status ?? 'verified' })
    }
  }
  return { compoundId, hh, members }
}

/** A roster CSV: `count` households in buildings 1…, units 1–2, rooms 101…, areas 60–140 m². */
export function rosterCsv(count: number, ownerName?: (i: number) => string): string {
  const lines = ['building,unit,room,area_m2,occupancy,owner_name']
  for (let i = 0; i < count; i++) {
    const building = 1 + Math.floor(i / 8)
    const unit = 1 + (Math.floor(i / 4) % 2)
    const room = 101 + (i % 4)
    const area = (60 + ((i * 37) % 81) + (i % 3) * 0.25).toFixed(2)
    lines.push(`${building},${unit},${room},${area},owner_occupied,${ownerName?.(i) ?? ''}`)
  }
  return `${lines.join('\n')}\n`
}

/** Room codes of `rosterCsv(count)`, in order. */
export function rosterRooms(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${1 + Math.floor(i / 8)}-${1 + (Math.floor(i / 4) % 2)}-${101 + (i % 4)}`)
}

// ---- snapshots ---------------------------------------------------------------------------------

/** Rows of a raw query (postgres.js gives an array, PGlite `{ rows }`). */
export async function query<T>(db: Database, q: SQL | string): Promise<T[]> {
  const res: unknown = await db.db.execute(typeof q === 'string' ? sql.raw(q) : q)
  return ((res as { rows?: T[] }).rows ?? [...(res as T[])]) as T[]
}

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
