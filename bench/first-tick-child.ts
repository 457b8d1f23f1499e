// The first scheduler tick of a day with the code of the checkout at <root> (this one, or an older one:
// `npm run bench -- --before <checkout>`), on a database bench/first-tick.ts prepared: runDue at BENCH_NOW, then
// the next minute's tick. Uses only what both have: db/client.ts openDatabase (onQuery) and runDue.
//   node --import tsx bench/first-tick-child.ts <root> <database url> <database name> <tick time, ISO>
// Prints one JSON line on stdout.
process.env.LINLI_LOG_LEVEL ??= 'warn'
export {}

const [root, url, dbName, at] = process.argv.slice(2)
if (!root || !url || !dbName || !at) throw new Error('usage: first-tick-child.ts <root> <url> <database name> <ISO time>')
const BENCH_NOW = new Date(at)

const { openDatabase } = (await import(`${root}/db/client.ts`)) as typeof import('../db/client.ts')
const { runDue } = (await import(`${root}/src/scheduler/tick.ts`)) as typeof import('../src/scheduler/tick.ts')
const { serverCpu, serverCpuSince, peakRssMiB } = await import('./lib.ts')

let statements = 0
const database = await openDatabase({ url, poolSize: 4, onQuery: () => void statements++ })
const render = () => ({ parts: ['(not measured here)'], chart: null })
let result: Record<string, unknown>
try {
  const timed = async (at: Date) => {
    statements = 0
    const s0 = await serverCpu(dbName)
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    const r = await runDue(database.db, at, { instance: 'bench', render })
    const seconds = (performance.now() - t0) / 1000
    const cpu = process.cpuUsage(c0)
    return {
      seconds,
      statements,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      serverCpuSeconds: (await serverCpuSince(dbName, s0)) / 1000,
      billed: r.billed.length,
      charges: r.billed.reduce((n, b) => n + b.charged, 0),
      committeeMessages: r.committeeMessages,
      pollReminders: r.pollReminders,
      disclosures: r.disclosures.length,
      errors: r.errors,
    }
  }
  const first = await timed(BENCH_NOW)
  const next = await timed(new Date(BENCH_NOW.getTime() + 60_000))
  result = { first, next, peakRssMiB: peakRssMiB() }
} finally {
  await database.close()
}
process.stdout.write(`${JSON.stringify(result)}\n`)
