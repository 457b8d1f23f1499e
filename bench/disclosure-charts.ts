// The chart figures of the disclosure benchmark (bench/disclosure-child.ts runs them in a child process of their
// own): the CPU one chart costs on the old path (ECharts SVG → resvg, bench/disclosure-chart-old.ts) and on the new
// one (ECharts on Skia, src/disclosure/chart.ts), and how long the event loop — which answers commands — waits
// while charts render: on the old path in this thread, on the new one in the worker pool (src/disclosure/chart-pool.ts).
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks'
import { setImmediate as turn, setTimeout as sleep } from 'node:timers/promises'
import { CHART_THREADS, closeChartPool, renderChart } from '../src/disclosure/chart-pool.ts'
import { type ChartModel, renderChartPng } from '../src/disclosure/chart.ts'
import { renderChartPngOld } from './disclosure-chart-old.ts'
import { percentile } from './lib.ts'

export interface RenderCost {
  /** the first chart of the process: loads ECharts (and the font) */
  firstMs: number
  charts: number
  /** per chart after the first: wall time and CPU of the process (user + system) */
  meanMs: number
  cpuMs: number
  meanKiB: number
  width: number
}

export interface LoopDelay {
  /** event-loop delay (perf_hooks.monitorEventLoopDelay), ms: of the worst window where there are several */
  p50: number
  p99: number
  max: number
  /** a database round trip (SELECT 1) issued every 10 ms meanwhile, as a command's would be: ms */
  probe: { n: number; p50: number; p99: number; max: number }
}

export interface ChartBench {
  threads: number
  old: RenderCost
  new: RenderCost
  new1x: RenderCost
  /**
   * nothing rendering, and the pool with every worker busy (ROUNDS windows of each, alternated); the old path
   * rendering in this thread
   */
  delay: { idle: LoopDelay; inThread: LoopDelay; pool: LoopDelay & { charts: number; seconds: number; cpuMsPerChart: number } }
}

const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000

function cost(render: (m: ChartModel) => Uint8Array, models: ChartModel[], renders: number): RenderCost {
  const w0 = performance.now()
  const first = render(models[0]!)
  const firstMs = performance.now() - w0
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  let bytes = 0
  for (let k = 0; k < renders; k++) bytes += render(models[(k + 1) % models.length]!).length
  const wall = performance.now() - t0
  const cpu = cpuMs(process.cpuUsage(c0))
  const width = new DataView(first.buffer, first.byteOffset).getUint32(16)
  return { firstMs, charts: renders, meanMs: wall / renders, cpuMs: cpu / renders, meanKiB: bytes / renders / 1024, width }
}

/**
 * Where the event-loop delay (a histogram per window: one enabled again counts the time it was off as a delay)
 * and the probes' round trips of one kind of window are collected.
 */
type Windows = { hs: IntervalHistogram[]; trips: number[] }
const windows = (): Windows => ({ hs: [], trips: [] })

/** Run `work` with the event-loop delay sampled into a new histogram of `into` and a probe round trip every 10 ms. */
async function sampled(into: Windows, probe: () => Promise<unknown>, work: () => Promise<void>): Promise<void> {
  const h = monitorEventLoopDelay({ resolution: 5 })
  into.hs.push(h)
  let done = false
  const probing = (async () => {
    while (!done) {
      const t0 = performance.now()
      await probe()
      into.trips.push(performance.now() - t0)
      await sleep(10)
    }
  })()
  h.enable()
  try {
    await work()
  } finally {
    done = true
    h.disable()
    await probing
  }
}

/** The probes over all windows; the event-loop delay of the worst window (histograms of this kind do not add up). */
function summary({ hs, trips }: Windows): LoopDelay {
  const sorted = [...trips].sort((a, b) => a - b)
  const worst = (f: (h: IntervalHistogram) => number) => Math.max(...hs.map(f)) / 1e6
  return {
    p50: worst((h) => h.percentile(50)),
    p99: worst((h) => h.percentile(99)),
    max: worst((h) => h.max),
    probe: { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? 0 },
  }
}

/** Rounds of a quiet window and a window with every pool worker busy, alternated: the machine's other load hits both. */
const ROUNDS = 5
const WINDOW_MS = 1_000

/** All the chart figures, for these chart models (the sample's). `probe` is one database round trip. */
export async function benchCharts(models: ChartModel[], probe: () => Promise<unknown>): Promise<ChartBench> {
  // the old path first: the new one sets ECharts' text measuring to the canvas for the whole process
  const old = cost(renderChartPngOld, models, Math.max(3, models.length - 1))
  // the old path in this thread, one chart per turn of the loop: a reply waits for the chart being drawn
  const inThreadW = windows()
  await sampled(inThreadW, probe, async () => {
    for (const m of models.slice(0, 4)) {
      renderChartPngOld(m)
      await turn()
    }
  })
  const fresh = cost((m) => renderChartPng(m), models, 30)
  const oneX = cost((m) => renderChartPng(m, { pixelRatio: 1 }), models, 30)
  // the pool started and warm (as in the weekly run after its first charts); then quiet windows and windows with
  // two charts per worker in flight all the time, alternated
  await Promise.all(Array.from({ length: CHART_THREADS }, (_, k) => renderChart(models[k % models.length]!)))
  const idleW = windows()
  const poolW = windows()
  let charts = 0
  let busyMs = 0
  let busyCpu = 0
  for (let r = 0; r < ROUNDS; r++) {
    await sampled(idleW, probe, () => sleep(WINDOW_MS))
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    await sampled(poolW, probe, async () => {
      const end = performance.now() + WINDOW_MS
      const lane = async () => {
        while (performance.now() < end) await renderChart(models[charts++ % models.length]!)
      }
      await Promise.all(Array.from({ length: 2 * CHART_THREADS }, lane))
    })
    busyMs += performance.now() - t0
    busyCpu += cpuMs(process.cpuUsage(c0))
  }
  await closeChartPool()
  const pool = { ...summary(poolW), charts, seconds: busyMs / 1000, cpuMsPerChart: busyCpu / charts }
  return { threads: CHART_THREADS, old, new: fresh, new1x: oneX, delay: { idle: summary(idleW), inThread: summary(inThreadW), pool } }
}

/** Event-loop delay while `work` runs, without probes (the weekly run's own figures). */
export async function loopDelayOf<T>(work: () => Promise<T>): Promise<{ result: T; p99: number; max: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 })
  h.enable()
  try {
    const result = await work()
    return { result, p99: h.percentile(99) / 1e6, max: h.max / 1e6 }
  } finally {
    h.disable()
  }
}
