// The chart figures of the disclosure benchmark (bench/disclosure-child.ts runs them in a child process of their
// own): the CPU one chart costs on the old path (ECharts SVG → resvg, bench/disclosure-chart-old.ts) and on the new
// one (ECharts on Skia, src/disclosure/chart.ts), and how long the event loop — which answers commands — waits
// while charts render: on the old path in this thread, on the new one in the worker pool (src/disclosure/chart-pool.ts).
import { monitorEventLoopDelay } from 'node:perf_hooks'
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
  /** event-loop delay (perf_hooks.monitorEventLoopDelay), ms */
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
  /** nothing rendering; old path rendering in this thread; new path rendering in the pool, every worker busy */
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

/** Event-loop delay and probe round trips while `work` runs. */
async function delayWhile(probe: () => Promise<unknown>, work: () => Promise<void>): Promise<LoopDelay> {
  const h = monitorEventLoopDelay({ resolution: 5 })
  const trips: number[] = []
  let done = false
  const probing = (async () => {
    while (!done) {
      const t0 = performance.now()
      await probe()
      trips.push(performance.now() - t0)
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
  trips.sort((a, b) => a - b)
  const ms = (ns: number) => ns / 1e6
  return {
    p50: ms(h.percentile(50)),
    p99: ms(h.percentile(99)),
    max: ms(h.max),
    probe: { n: trips.length, p50: percentile(trips, 50), p99: percentile(trips, 99), max: trips.at(-1) ?? 0 },
  }
}

/** All the chart figures, for these chart models (the sample's). `probe` is one database round trip. */
export async function benchCharts(models: ChartModel[], probe: () => Promise<unknown>): Promise<ChartBench> {
  // the old path first: the new one sets ECharts' text measuring to the canvas for the whole process
  const old = cost(renderChartPngOld, models, Math.max(3, models.length - 1))
  const idle = await delayWhile(probe, () => sleep(2_000))
  // the old path in this thread, one chart per turn of the loop: a reply waits for the chart being drawn
  const inThread = await delayWhile(probe, async () => {
    for (const m of models.slice(0, 4)) {
      renderChartPngOld(m)
      await turn()
    }
  })
  const fresh = cost((m) => renderChartPng(m), models, 30)
  const oneX = cost((m) => renderChartPng(m, { pixelRatio: 1 }), models, 30)
  // the pool started and warm (as in the weekly run after its first charts), then every worker kept busy
  await Promise.all(Array.from({ length: CHART_THREADS }, (_, k) => renderChart(models[k % models.length]!)))
  const charts = 20 * CHART_THREADS
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  const pool = await delayWhile(probe, async () => {
    await Promise.all(Array.from({ length: charts }, (_, k) => renderChart(models[k % models.length]!)))
  })
  const seconds = (performance.now() - t0) / 1000
  const cpuMsPerChart = cpuMs(process.cpuUsage(c0)) / charts
  await closeChartPool()
  return { threads: CHART_THREADS, old, new: fresh, new1x: oneX, delay: { idle, inThread, pool: { ...pool, charts, seconds, cpuMsPerChart } } }
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
