// Benchmarks 1 and 2: the raw postgres.js baseline and the full command pipeline (App.handle: parse → dedupe
// → resolve → authorize → validate → transaction → reply rendering → outbox → delivery to a no-op adapter).
import postgres from 'postgres'
import type { ChatAdapter, PrivateSendResult } from '../src/core/adapter.ts'
import type { IncomingMessage, Outgoing } from '../src/core/messages.ts'
import type { Database } from '../db/client.ts'
import { openDatabase } from '../db/client.ts'
import { migrate } from '../db/migrate.ts'
import { App } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { dbNameOf, log, runLoops, serverCpu, serverCpuSince, type Throughput, throughput } from './lib.ts'

export const CONCURRENCY = 16
/** 16 transactions in flight plus the outbox dispatcher's status updates */
export const POOL_SIZE = 20

/** Counts what the bot would send; keeps nothing. */
export class NullAdapter implements ChatAdapter {
  readonly platform = 'console' as const
  sent = 0
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async send(_chatId: string, _out: Outgoing): Promise<void> {
    this.sent++
  }
  async sendPrivate(_userId: string, _out: Outgoing): Promise<PrivateSendResult> {
    this.sent++
    return 'sent'
  }
  async isChatAdmin(): Promise<boolean> {
    return false
  }
}

// ---- baseline -------------------------------------------------------------------------------

/** A throughput with the CPU time per operation (ms) of this process and of the database server's backends. */
export type Measured = Throughput & { cpuMsPerOp: number; serverCpuMsPerOp: number }

function withCpu(t: Throughput, cpu: NodeJS.CpuUsage, serverMs: number): Measured {
  const ops = Math.max(1, t.ops)
  return { ...t, cpuMsPerOp: (cpu.user + cpu.system) / 1000 / ops, serverCpuMsPerOp: serverMs / ops }
}

/** Single-row INSERTs (autocommit) through postgres.js at `concurrency` in flight. */
export async function benchBaseline(url: string, durationMs: number, concurrency = CONCURRENCY): Promise<Measured> {
  const sql = postgres(url, { max: concurrency, onnotice: () => {} })
  try {
    await sql`CREATE TABLE IF NOT EXISTS bench_raw (id bigserial PRIMARY KEY, worker int NOT NULL, n int NOT NULL,
      payload text NOT NULL, at timestamptz NOT NULL DEFAULT now())`
    // warm up: connections, prepared statements
    await runLoops(concurrency, 500, async (w, n) => {
      await sql`INSERT INTO bench_raw (worker, n, payload) VALUES (${w}, ${n}, ${'warm-up'})`
    })
    const s0 = await serverCpu(dbNameOf(url))
    const c0 = process.cpuUsage()
    const r = await runLoops(concurrency, durationMs, async (w, n) => {
      await sql`INSERT INTO bench_raw (worker, n, payload) VALUES (${w}, ${n}, ${'缴费 1-1-101 1084'})`
    })
    const cpu = process.cpuUsage(c0)
    return withCpu(throughput(r.latencies, r.elapsedMs), cpu, await serverCpuSince(dbNameOf(url), s0))
  } finally {
    await sql.end({ timeout: 5 })
  }
}

// ---- the pipeline ----------------------------------------------------------------------------

export interface PipelineWorld {
  compounds: number
  householdsPerCompound: number
  codes: string[]
}

const BUILDINGS = 5
const UNITS = 2
const FLOORS = 15
const PER_FLOOR = 2

/**
 * `compounds` compounds, each with one group chat (console `g<n>`), a roster of 300 households
 * (5 buildings × 2 units × 15 floors × 2) with owner names, and members w0…w{CONCURRENCY-1} who are
 * collectors in every compound (one sender per concurrent stream, as different people would be).
 */
export async function seedPipelineWorld(url: string, compounds: number): Promise<PipelineWorld> {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    await sql.begin(async (tx) => {
      await tx`INSERT INTO compounds (name, time_zone, language, settings)
        SELECT 'bench-' || g, 'Asia/Shanghai', 'zh-CN', '{}'::jsonb FROM generate_series(1, ${compounds}) g`
      await tx`INSERT INTO chats (compound_id, platform, platform_chat_id, title)
        SELECT c.id, 'console', 'g' || c.id, c.name FROM compounds c`
      await tx`INSERT INTO households (compound_id, building, unit, room, code, area_centi_m2, owner_name)
        SELECT c.id, b::text, u::text, (f * 100 + r)::text, b || '-' || u || '-' || (f * 100 + r), 8000 + (f * 37 + r * 11) % 6000,
          '业主' || c.id || '_' || b || u || f || r
        FROM compounds c, generate_series(1, ${BUILDINGS}) b, generate_series(1, ${UNITS}) u,
          generate_series(1, ${FLOORS}) f, generate_series(1, ${PER_FLOOR}) r`
      await tx`INSERT INTO members (platform, platform_user_id, display_name)
        SELECT 'console', 'w' || w, '收费员' || w FROM generate_series(0, ${CONCURRENCY - 1}) w`
      await tx`INSERT INTO roles (compound_id, member_id, role) SELECT c.id, m.id, 'collector' FROM compounds c, members m`
    })
    await sql`ANALYZE`
  } finally {
    await sql.end({ timeout: 5 })
  }
  const codes: string[] = []
  for (let b = 1; b <= BUILDINGS; b++)
    for (let u = 1; u <= UNITS; u++)
      for (let f = 1; f <= FLOORS; f++) for (let r = 1; r <= PER_FLOOR; r++) codes.push(`${b}-${u}-${f * 100 + r}`)
  return { compounds, householdsPerCompound: codes.length, codes }
}

const REPAIRS = ['楼道灯不亮了', '电梯按钮失灵，麻烦看一下', '车棚的门关不上', '单元门禁刷卡没反应', '垃圾桶满了没人清', '健身器材螺丝松了']

/** Deterministic pseudo-random numbers (the same run gives the same messages). */
export function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export type CommandMix = 'pay' | 'repair' | 'mixed'

export function messageFactory(world: PipelineWorld, opts: { runId: string; compounds: number; mix: CommandMix; seed?: number }) {
  const random = rng(opts.seed ?? 1)
  return (worker: number, n: number): IncomingMessage => {
    const compound = 1 + Math.floor(random() * opts.compounds)
    const kind = opts.mix === 'mixed' ? (n % 2 === 0 ? 'pay' : 'repair') : opts.mix
    const code = world.codes[Math.floor(random() * world.codes.length)]!
    const text =
      kind === 'pay'
        ? `缴费 ${code} ${100 + Math.floor(random() * 1900)}`
        : `报修 ${REPAIRS[Math.floor(random() * REPAIRS.length)]}`
    return {
      platform: 'console',
      id: `${opts.runId}-${worker}-${n}`,
      chat: { id: `g${compound}`, kind: 'group' },
      sender: { id: `w${worker}`, name: `收费员${worker}` },
      text,
      mentionsBot: false,
      images: [],
      sentAt: new Date(),
    }
  }
}

export interface PipelineRun {
  label: string
  compounds: number
  mix: CommandMix
  result: Measured
  outcomes: Record<string, number>
  sent: number
}

export function newApp(database: Database): { app: App; adapter: NullAdapter } {
  const adapter = new NullAdapter()
  const config = loadConfig({ LINLI_BOT_NAME: '邻里', LINLI_SCHEDULER: 'off' } as NodeJS.ProcessEnv)
  const app = new App({ database, config, adapters: [adapter] })
  return { app, adapter }
}

/** Drive App.handle with `CONCURRENCY` streams of messages for `durationMs`. */
export async function benchPipeline(
  database: Database,
  world: PipelineWorld,
  opts: { label: string; compounds: number; mix: CommandMix; durationMs: number; runId: string; dbName: string; seed?: number },
): Promise<PipelineRun> {
  const { app, adapter } = newApp(database)
  const make = messageFactory(world, { runId: opts.runId, compounds: opts.compounds, mix: opts.mix, seed: opts.seed })
  const outcomes: Record<string, number> = {}
  const count = (k: string) => {
    outcomes[k] = (outcomes[k] ?? 0) + 1
  }
  const handleOne = async (w: number, n: number) => {
    const out = await app.handle(make(w, n))
    count(out.status === 'handled' ? `${out.command}${out.error ? `:${out.error}` : ''}` : out.status)
  }
  // warm up (prepared statements, JIT); its messages have their own ids
  await runLoops(CONCURRENCY, 1000, (w, n) => app.handle(make(w, 1_000_000 + n)).then(() => {}))
  for (const k of Object.keys(outcomes)) delete outcomes[k]
  const before = adapter.sent
  const s0 = await serverCpu(opts.dbName)
  const c0 = process.cpuUsage()
  const r = await runLoops(CONCURRENCY, opts.durationMs, handleOne)
  const cpu = process.cpuUsage(c0)
  const result = withCpu(throughput(r.latencies, r.elapsedMs), cpu, await serverCpuSince(opts.dbName, s0))
  return { label: opts.label, compounds: opts.compounds, mix: opts.mix, result, outcomes, sent: adapter.sent - before }
}

export interface StatementCount {
  /** statements per command, BEGIN/SAVEPOINT/COMMIT and the outbox delivery included */
  perCommand: number
  /** each distinct statement (first 80 characters) and how often it ran per command */
  statements: [string, number][]
}

/** Statements per command, one message at a time: every statement the driver sends is counted (its debug hook). */
export async function countStatements(
  url: string,
  world: PipelineWorld,
  opts: { compounds: number; samples: number; runId: string },
): Promise<Record<'pay' | 'repair', StatementCount>> {
  let n = 0
  const byStatement = new Map<string, number>()
  const database = await openDatabase({
    url,
    poolSize: 1,
    onStatement: (query) => {
      n++
      const key = query.replace(/\s+/g, ' ').trim().slice(0, 80)
      byStatement.set(key, (byStatement.get(key) ?? 0) + 1)
    },
  })
  const out = {} as Record<'pay' | 'repair', StatementCount>
  try {
    const { app } = newApp(database)
    for (const mix of ['pay', 'repair'] as const) {
      const make = messageFactory(world, { runId: `${opts.runId}-${mix}`, compounds: opts.compounds, mix, seed: 7 })
      // one message in every compound first: what the bot keeps per compound is there, as in a running bot
      for (let c = 1; c <= opts.compounds; c++) {
        const m = make(0, 100_000 + c)
        await app.handle({ ...m, chat: { ...m.chat, id: `g${c}` } })
      }
      n = 0
      byStatement.clear()
      for (let i = 1; i <= opts.samples; i++) await app.handle(make(0, i))
      out[mix] = {
        perCommand: n / opts.samples,
        statements: [...byStatement].map(([k, v]) => [k, v / opts.samples] as [string, number]),
      }
    }
    return out
  } finally {
    await database.close()
  }
}

export async function openBenchDatabase(url: string): Promise<Database> {
  const database = await openDatabase({ url, poolSize: POOL_SIZE })
  await migrate(database)
  return database
}

export { log }
