// Chart rendering off the event loop: a pool of worker threads (piscina), one per core, each running
// ./chart-worker.ts (ECharts on Skia, about 90 ms of CPU per chart). A command reply never waits behind a chart,
// and the weekly run renders on every core. The workers run at a lower priority (nice) than the thread that
// answers commands, they are started at the first chart, and end after a minute without one; closeChartPool
// ends them at once (the bot's shutdown, tests).
//
// The worker loads from where this module was loaded: the compiled dist/ (chart-worker.js), or the TypeScript
// sources (tests, tsx, bin/linli.mjs without a current build), where the worker gets tsx's loader too.
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { pathToFileURL } from 'node:url'
import type { Piscina } from 'piscina'
import type { ChartModel } from './chart.ts'

/** Threads: one per core. */
export const CHART_THREADS = availableParallelism()
/** An idle worker ends after this long (it holds ECharts, its heap and an 11 MB canvas). */
const IDLE_MS = 60_000
/** Added to the workers' nice value: on a busy machine the event loop's thread gets the CPU first. */
const NICE = 10
/**
 * A small young generation: collected more often, it frees each chart's garbage sooner, and with it the memory
 * Skia's PNGs hold outside the heap. Measured on the weekly run of 500 compounds: peak RSS 0.64 GB instead of
 * 0.87 GB, for the same CPU per chart.
 */
const YOUNG_MB = 8

let pool: Piscina | undefined
let starting: Promise<Piscina> | undefined
/** the pool closed last, for chartWorkers */
let closed: Piscina | undefined

async function chartPool(): Promise<Piscina> {
  if (pool) return pool
  return (starting ??= (async () => {
    // loaded at the first chart: CLI commands never pay for it
    const { Piscina } = await import('piscina')
    const fromSources = import.meta.url.endsWith('.ts')
    const filename = new URL(fromSources ? './chart-worker.ts' : './chart-worker.js', import.meta.url).href
    // a worker thread does not inherit a loader registered in-process (bin/linli.mjs's `import('tsx')`) nor
    // vitest's: it gets tsx's by absolute path, which resolves from any working directory
    const execArgv = fromSources ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : []
    pool = new Piscina({
      filename,
      execArgv,
      minThreads: 0,
      maxThreads: CHART_THREADS,
      idleTimeout: IDLE_MS,
      niceIncrement: NICE,
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB },
    })
    starting = undefined
    return pool
  })())
}

/** The chart's PNG, rendered in a worker thread. */
export async function renderChart(model: ChartModel): Promise<Uint8Array> {
  return (await (await chartPool()).run(model)) as Uint8Array
}

/** End the workers (running charts finish first); the next chart starts a new pool. */
export async function closeChartPool(): Promise<void> {
  const p = pool ?? (starting ? await starting : undefined)
  pool = undefined
  starting = undefined
  closed = p ?? closed
  await p?.close()
}

/** Worker threads alive: of the pool, or after closeChartPool, of the pool it closed (0 once they have ended). */
export function chartWorkers(): number {
  return (pool ?? closed)?.threads.length ?? 0
}
