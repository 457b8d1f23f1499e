// Benchmark 3: the weekly disclosure of 10,000 compounds with 1,000,000 ledger entries. The data is generated
// here (bench/disclosure-data.ts); each measured phase runs in its own child process (bench/disclosure-child.ts)
// so that its peak resident memory (VmHWM) is its own and not this process's.
//
// Run alone (it prints the figures as JSON; `npm run bench` runs it with the others and writes RESULTS.md):
//   npx tsx bench/disclosure.ts [compounds] [compounds with charts]   (DATABASE_URL: the server, as for npm run bench)
import { execFile } from 'node:child_process'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { openDatabase } from '../db/client.ts'
import { migrate } from '../db/migrate.ts'
import type { ChartBench } from './disclosure-charts.ts'
import { type DisclosureDataset, generateDisclosureData } from './disclosure-data.ts'
import { createBenchDatabase, log } from './lib.ts'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '..')

function child(url: string, phase: string, arg?: number): Promise<Record<string, unknown>> {
  return new Promise((res, rej) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', resolve(here, 'disclosure-child.ts'), url, phase, ...(arg === undefined ? [] : [String(arg)])],
      { cwd: root, maxBuffer: 16 * 2 ** 20, env: { ...process.env, LINLI_LOG_LEVEL: 'warn' } },
      (err, stdout, stderr) => {
        if (err) return rej(new Error(`disclosure ${phase} failed: ${err.message}\n${stderr}`))
        const last = stdout.trim().split('\n').at(-1) ?? ''
        try {
          res(JSON.parse(last) as Record<string, unknown>)
        } catch {
          rej(new Error(`disclosure ${phase}: no result\n${stdout}\n${stderr}`))
        }
      },
    )
  })
}

export interface DisclosureBench {
  dataset: DisclosureDataset
  verify: { compared: number; different: number[] }
  perCompound: { compounds: number; seconds: number; perCompoundMs: number; peakRssMiB: number; extrapolatedSeconds: number }
  batch: { compounds: number; chats: number; rows: number; errors: number; seconds: number; peakRssMiB: number; period: string }
  /**
   * The scheduler's tick (runDue) over every compound: `due` with the week due (billing and the daily jobs done
   * earlier that day), `idle` the next minute, when everything is posted
   */
  tick: {
    compounds: number
    due: { seconds: number; statements: number; errors: number; chats: number }
    idle: { seconds: number; statements: number; errors: number; chats: number }
    peakRssMiB: number
  }
  /** chart rendering: old path vs new, and the event loop's delay while charts render (bench/disclosure-charts.ts) */
  charts: ChartBench & { peakRssMiB: number }
  /**
   * the weekly run with charts (postDisclosures, charts in the worker pool) on the first `compounds` compounds,
   * extrapolated to all of them: 10,000 PNGs of ~0.1 MiB in the outbox is more than this machine needs to hold
   */
  withCharts: {
    compounds: number
    chats: number
    rows: number
    errors: number
    seconds: number
    /** CPU of the bot process (its chart workers included) and of the database's server processes */
    cpuSeconds: number
    serverCpuSeconds: number
    threads: number
    loopP99Ms: number
    loopMaxMs: number
    peakRssMiB: number
    extrapolatedSeconds: number
  }
}

export async function benchDisclosure(
  url: string,
  opts: { compounds: number; perCompoundSample: number; charts: number; withChartsSample?: number },
): Promise<DisclosureBench> {
  const database = await openDatabase({ url, poolSize: 2 })
  try {
    await migrate(database)
  } finally {
    await database.close()
  }
  log(`disclosure: generating ${opts.compounds.toLocaleString('en-US')} compounds`)
  const dataset = await generateDisclosureData(url, opts.compounds)
  log(`disclosure: ${dataset.entries.toLocaleString('en-US')} ledger entries in ${dataset.seconds.toFixed(1)} s; checking the set-based reads against the per-aggregate queries`)
  const verify = (await child(url, 'verify', 40)) as DisclosureBench['verify']
  log(`disclosure: postDisclosure one compound after another, on ${opts.perCompoundSample} compounds`)
  const per = (await child(url, 'per-compound', opts.perCompoundSample)) as Omit<DisclosureBench['perCompound'], 'extrapolatedSeconds'>
  // forget what the sample posted, so the batch run posts every compound
  await forgetPosts(url)
  log('disclosure: the batched path over every compound')
  const batch = (await child(url, 'batch')) as DisclosureBench['batch']
  await forgetPosts(url)
  log('disclosure: the scheduler tick over every compound, then an idle tick')
  const tick = (await child(url, 'tick')) as DisclosureBench['tick']
  log(
    `disclosure: tick ${tick.due.seconds.toFixed(1)} s, ${tick.due.statements} statements for ${tick.due.chats} chats; ` +
      `idle tick ${(tick.idle.seconds * 1000).toFixed(0)} ms, ${tick.idle.statements} statements`,
  )
  log('disclosure: chart rendering, old path and new, and the event loop meanwhile')
  const charts = (await child(url, 'charts', opts.charts)) as unknown as DisclosureBench['charts']
  log(`disclosure: chart CPU ${charts.old.cpuMs.toFixed(0)} ms (old) vs ${charts.new.cpuMs.toFixed(0)} ms (new); loop delay max ${charts.delay.pool.max.toFixed(1)} ms with the pool busy`)
  await forgetPosts(url)
  const sample = Math.min(opts.compounds, opts.withChartsSample ?? 1_000)
  log(`disclosure: the weekly run with charts, on ${sample.toLocaleString('en-US')} compounds`)
  const withCharts = (await child(url, 'charts-batch', sample)) as Omit<DisclosureBench['withCharts'], 'extrapolatedSeconds'>
  return {
    dataset,
    verify,
    perCompound: { ...per, extrapolatedSeconds: (per.perCompoundMs * opts.compounds) / 1000 },
    batch,
    tick,
    charts,
    withCharts: { ...withCharts, extrapolatedSeconds: (withCharts.seconds * opts.compounds) / withCharts.compounds },
  }
}

/** Forget every disclosure post, so the next phase posts every compound again. */
async function forgetPosts(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    await sql`DELETE FROM outbox`
    // disclosures are append-only (a trigger refuses DELETE); the benchmark's own throwaway database may
    // skip the triggers for this session (superuser only, as the benchmark runs)
    await sql`SET session_replication_role = replica`
    await sql`DELETE FROM disclosures`
    await sql`SET session_replication_role = DEFAULT`
    await sql`VACUUM ANALYZE outbox, disclosures`
  } finally {
    await sql.end({ timeout: 5 })
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const compounds = Number(process.argv[2] ?? 10_000)
  const db = await createBenchDatabase('disclosure')
  try {
    const r = await benchDisclosure(db.url, { compounds, perCompoundSample: 200, charts: 10, withChartsSample: Number(process.argv[3] ?? 1_000) })
    process.stdout.write(`${JSON.stringify(r, null, 2)}\n`)
  } finally {
    await db.drop()
  }
}
