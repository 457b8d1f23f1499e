// Shared helpers of the benchmarks: a throw-away database on the server, statistics, machine facts.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import os from 'node:os'
import postgres from 'postgres'

export const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/postgres'

export function serverUrl(): string {
  return process.env.DATABASE_URL ?? DEFAULT_URL
}

export function urlWithDb(url: string, db: string): string {
  const u = new URL(url)
  u.pathname = `/${db}`
  return u.toString()
}

export interface BenchDatabase {
  name: string
  url: string
  drop(): Promise<void>
}

/** A new, empty database on the server; `drop()` removes it (also after a failure). */
export async function createBenchDatabase(tag: string): Promise<BenchDatabase> {
  const url = serverUrl()
  const name = `linli_bench_${tag}_${process.pid}_${randomBytes(2).toString('hex')}`
  const admin = postgres(url, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end({ timeout: 5 })
  }
  return {
    name,
    url: urlWithDb(url, name),
    async drop() {
      const a = postgres(url, { max: 1, onnotice: () => {} })
      try {
        await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await a.end({ timeout: 5 })
      }
    },
  }
}

/** Run `worker(i)` on `concurrency` loops until `durationMs` has passed; returns each op's latency in ms. */
export async function runLoops(
  concurrency: number,
  durationMs: number,
  op: (worker: number, n: number) => Promise<void>,
): Promise<{ latencies: number[]; elapsedMs: number }> {
  const latencies: number[] = []
  const start = performance.now()
  const end = start + durationMs
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (let n = 0; performance.now() < end; n++) {
        const t0 = performance.now()
        await op(w, n)
        latencies.push(performance.now() - t0)
      }
    }),
  )
  return { latencies, elapsedMs: performance.now() - start }
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i]!
}

export interface Throughput {
  ops: number
  seconds: number
  opsPerSec: number
  p50: number
  p95: number
  p99: number
}

export function throughput(latencies: number[], elapsedMs: number): Throughput {
  const sorted = [...latencies].sort((a, b) => a - b)
  return {
    ops: latencies.length,
    seconds: elapsedMs / 1000,
    opsPerSec: latencies.length / (elapsedMs / 1000),
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
  }
}

export interface Machine {
  os: string
  cpu: string
  cores: number
  memory: string
  node: string
  postgres: string
  load: string
  date: string
  commit: string
}

export async function machine(url: string): Promise<Machine> {
  let pg = 'unknown'
  const c = postgres(url, { max: 1, onnotice: () => {} })
  try {
    const [row] = await c<{ v: string }[]>`SELECT version() AS v`
    pg = row?.v.replace(/ on .*$/, '') ?? pg
    const settings = await c<{ name: string; setting: string }[]>`
      SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_commit', 'fsync', 'shared_buffers', 'max_connections')`
    const s = Object.fromEntries(settings.map((r) => [r.name, r.setting]))
    pg += ` (fsync=${s.fsync}, synchronous_commit=${s.synchronous_commit}, shared_buffers=${Number(s.shared_buffers) * 8 / 1024} MiB, max_connections=${s.max_connections})`
  } catch {
    // keep 'unknown'
  } finally {
    await c.end({ timeout: 5 })
  }
  let osName = `${os.type()} ${os.release()} ${os.arch()}`
  try {
    const rel = readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]+)"?/m)?.[1]
    if (rel) osName = `${rel}, kernel ${os.release()} ${os.arch()}`
  } catch {
    // not Linux
  }
  let commit = 'unknown'
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim()
    if (dirty) commit += ' (with uncommitted changes in the working tree)'
  } catch {
    // not a git checkout
  }
  const cpus = os.cpus()
  return {
    os: osName,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    postgres: pg,
    load: os.loadavg().map((l) => l.toFixed(2)).join(' / '),
    date: new Date().toISOString(),
    commit,
  }
}

/**
 * CPU time (ms) used so far by the server processes connected to database `db` (Linux /proc; the server runs
 * on this machine). Call before and after a run: `serverCpuSince(before)` gives the server's share of the work.
 */
export async function serverCpu(db: string): Promise<Map<number, number>> {
  const out = new Map<number, number>()
  const admin = postgres(serverUrl(), { max: 1, onnotice: () => {} })
  try {
    const rows = await admin<{ pid: number }[]>`SELECT pid FROM pg_stat_activity WHERE datname = ${db}`
    for (const { pid } of rows) {
      const ms = procCpuMs(pid)
      if (ms !== null) out.set(pid, ms)
    }
  } finally {
    await admin.end({ timeout: 5 })
  }
  return out
}

export async function serverCpuSince(db: string, before: Map<number, number>): Promise<number> {
  const after = await serverCpu(db)
  let total = 0
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0)
  return total
}

/** utime + stime of a process in ms (clock ticks of 10 ms), or null when it is gone or not readable. */
function procCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return null
  }
}

export function dbNameOf(url: string): string {
  return new URL(url).pathname.replace(/^\//, '')
}

/** Peak resident set size of this process so far (Linux VmHWM), in MiB; falls back to current RSS. */
export function peakRssMiB(): number {
  try {
    const kb = readFileSync('/proc/self/status', 'utf8').match(/^VmHWM:\s+(\d+)\s+kB/m)?.[1]
    if (kb) return Number(kb) / 1024
  } catch {
    // not Linux
  }
  return process.memoryUsage().rss / 2 ** 20
}

export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString('en-US'),
  f1: (n: number) => n.toFixed(1),
  f2: (n: number) => n.toFixed(2),
  ms: (n: number) => `${n.toFixed(1)} ms`,
}

export function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`)
}
