// The disclosure chart (PNG): income and expenses by category for the period, and the closing balance of
// the last periods. Apache ECharts draws on a @napi-rs/canvas (Skia, prebuilt binaries from npm) with Noto Sans
// Hans from @embedpdf/fonts-sc (an npm package, so `npm ci` brings it and Chinese renders as Chinese, not boxes,
// on any machine; no system font is used). The font is registered once per process: the SVG → resvg path this
// replaced parsed the 8 MB font again for every chart (about 0.6 s of CPU each).
//
// Rendering is CPU work (about 85 ms): the bot renders in worker threads (./chart-pool.ts); this module is
// what each worker runs, and it stays usable in-thread (the benchmark, scripts).
import { createRequire } from 'node:module'
import type * as NapiCanvas from '@napi-rs/canvas'
import type * as Echarts from 'echarts'

// Loaded at the first chart, not at start: importing echarts took about a second of every CLI command and
// start (bench/startup.ts). Its CommonJS build is one file and loads in half the time of its ES modules.
const requireHere = createRequire(import.meta.url)

/** Layout size in CSS pixels; the PNG has PIXEL_RATIO times as many pixels each way (sharp on phone screens). */
export const CHART_WIDTH = 960
export const CHART_HEIGHT = 720
export const PIXEL_RATIO = 2
export const FONT_FAMILY = 'Noto Sans Hans'

/** Path of the CJK font (the package's `exports` hide its files; resolve its entry and walk over). */
export function cjkFontPath(): string {
  return requireHere
    .resolve('@embedpdf/fonts-sc')
    .replace(/dist[\\/]index\.c?js$/, 'fonts/NotoSansHans-Regular.otf')
}

let libs: { echarts: typeof Echarts; canvas: typeof NapiCanvas } | undefined
/** ECharts and the canvas, with the font registered (once per process) and ECharts measuring text with it. */
export function chartLibs(): { echarts: typeof Echarts; canvas: typeof NapiCanvas } {
  if (libs) return libs
  const echarts = requireHere('echarts') as typeof Echarts
  const canvas = requireHere('@napi-rs/canvas') as typeof NapiCanvas
  // the font collection is the process's, shared by its worker threads: the first one registers it
  if (!canvas.GlobalFonts.has(FONT_FAMILY) && !canvas.GlobalFonts.registerFromPath(cjkFontPath(), FONT_FAMILY)) {
    throw new Error(`could not load the chart font ${cjkFontPath()}`)
  }
  // ECharts measures text (label widths, overlap, layout) on a canvas of this platform: the real font's metrics
  type PlatformCanvas = ReturnType<NonNullable<Parameters<typeof echarts.setPlatformAPI>[0]['createCanvas']>>
  echarts.setPlatformAPI({ createCanvas: () => canvas.createCanvas(1, 1) as unknown as PlatformCanvas })
  return (libs = { echarts, canvas })
}

export interface ChartModel {
  title: string
  /**
   * x labels of the category chart; each category is income or expense (./build.ts keeps them apart), its
   * other value 0
   */
  categories: string[]
  /** yuan per category (drawing only; the text and the ledger keep exact fen) */
  income: number[]
  expense: number[]
  trendLabels: string[]
  /** closing balance in yuan per period, oldest first: from the compound's first period, at most 12 */
  trend: number[]
  labels: { byCategory: string; trend: string; income: string; expense: string; balance: string }
}

/** Yuan as the text prints money (src/domain/money.ts formatMoney): `¥1,084.50`, `-¥1,000`; no `.00` on whole yuan. */
export function chartMoney(v: number): string {
  const abs = Math.abs(v)
  const s = Number.isInteger(abs) ? abs.toFixed(0) : abs.toFixed(2)
  return `${v < 0 ? '-' : ''}¥${s.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`
}

const GRID = { left: 90, right: 30 }
const EDGE = 6

/**
 * Moves a value label sideways back inside the picture: the first and the last point of the trend sit on the
 * plot's edges, and a label centred on them stuck out of the image.
 */
function keepInside(p: { labelRect: { x: number; width: number } }): { dx: number; hideOverlap: boolean } {
  const { x, width } = p.labelRect
  const dx = x < EDGE ? EDGE - x : x + width > CHART_WIDTH - EDGE ? CHART_WIDTH - EDGE - (x + width) : 0
  return { dx, hideOverlap: true }
}

export function chartOption(m: ChartModel): Record<string, unknown> {
  const text = { fontFamily: FONT_FAMILY }
  const label = { show: true, position: 'top', fontSize: 11, fontFamily: FONT_FAMILY, formatter: (p: { value: number }) => (p.value ? chartMoney(p.value) : '') }
  // a negative amount (a reversal larger than the period's entries) is labelled under its bar, not on the zero line
  const bars = (values: number[]) => values.map((value) => (value < 0 ? { value, label: { position: 'bottom' } } : value))
  // one bar per category, centred, when no category has both (always, from ./build.ts); side by side otherwise
  const stack = m.categories.every((_, i) => !(m.income[i] && m.expense[i])) ? 'amount' : undefined
  // category names wrap within their slot instead of running into their neighbours or off the edge
  const slot = (CHART_WIDTH - GRID.left - GRID.right) / Math.max(1, m.categories.length)
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: text,
    title: [
      {
        text: m.title,
        left: 'center',
        top: 14,
        textStyle: { ...text, fontSize: 22, fontWeight: 'normal', color: '#222', width: CHART_WIDTH - 2 * 24, overflow: 'truncate' },
      },
      { text: m.labels.byCategory, left: 24, top: 60, textStyle: { ...text, fontSize: 15, fontWeight: 'normal', color: '#444' } },
      { text: m.labels.trend, left: 24, top: 392, textStyle: { ...text, fontSize: 15, fontWeight: 'normal', color: '#444' } },
    ],
    legend: { data: [m.labels.income, m.labels.expense], top: 60, right: 28, textStyle: { ...text, fontSize: 13 } },
    grid: [
      { ...GRID, top: 100, height: 235 },
      { ...GRID, top: 432, height: 235 },
    ],
    xAxis: [
      {
        type: 'category',
        gridIndex: 0,
        data: m.categories,
        axisLabel: { ...text, interval: 0, fontSize: 12, hideOverlap: false, width: Math.max(24, slot - 8), overflow: 'break' },
      },
      { type: 'category', gridIndex: 1, data: m.trendLabels, boundaryGap: false, axisLabel: { ...text, fontSize: 12 } },
    ],
    yAxis: [
      { type: 'value', gridIndex: 0, minInterval: 1, axisLabel: { ...text, fontSize: 11, formatter: chartMoney } },
      { type: 'value', gridIndex: 1, scale: true, minInterval: 1, axisLabel: { ...text, fontSize: 11, formatter: chartMoney } },
    ],
    series: [
      {
        name: m.labels.income,
        type: 'bar',
        stack,
        xAxisIndex: 0,
        yAxisIndex: 0,
        data: bars(m.income),
        barMaxWidth: 48,
        itemStyle: { color: '#3a8f5c' },
        label,
        labelLayout: keepInside,
      },
      {
        name: m.labels.expense,
        type: 'bar',
        stack,
        xAxisIndex: 0,
        yAxisIndex: 0,
        data: bars(m.expense),
        barMaxWidth: 48,
        itemStyle: { color: '#d0543f' },
        label,
        labelLayout: keepInside,
      },
      {
        name: m.labels.balance,
        type: 'line',
        xAxisIndex: 1,
        yAxisIndex: 1,
        data: m.trend,
        symbolSize: 7,
        itemStyle: { color: '#2f6db5' },
        lineStyle: { width: 2 },
        areaStyle: { color: 'rgba(47,109,181,0.10)' },
        label: { ...label, show: m.trend.length <= 12 },
        labelLayout: keepInside,
      },
    ],
  }
}

type Stage = { chart: Echarts.ECharts; surface: NapiCanvas.Canvas; ratio: number }
let stage: Stage | undefined

/**
 * The thread's one chart and canvas, drawn over for every chart. A canvas's pixels live outside the JavaScript heap,
 * where the garbage collector does not see them: a new 11 MB canvas per chart (or a copy of its pixels) grew a
 * worker by gigabytes before a collection freed them.
 */
function stageFor(ratio: number): Stage {
  if (stage?.ratio === ratio) return stage
  stage?.chart.dispose()
  const { echarts, canvas } = chartLibs()
  const surface = canvas.createCanvas(CHART_WIDTH, CHART_HEIGHT)
  const chart = echarts.init(surface as unknown as Parameters<typeof echarts.init>[0], null, {
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    devicePixelRatio: ratio,
  })
  return (stage = { chart, surface, ratio })
}

/**
 * The chart as a PNG of CHART_WIDTH × CHART_HEIGHT at PIXEL_RATIO (or `pixelRatio`), rendered in this thread: about
 * 85 ms of CPU at PIXEL_RATIO 2, most of it Skia's PNG encoder.
 */
export function renderChartPng(m: ChartModel, opts: { pixelRatio?: number } = {}): Uint8Array {
  const { chart, surface } = stageFor(opts.pixelRatio ?? PIXEL_RATIO)
  const zr = chart.getZr()
  try {
    // notMerge: nothing of the chart before carries over
    chart.setOption(chartOption(m), { notMerge: true })
    // draw now: zrender otherwise paints on its next animation frame
    zr.refreshImmediately()
    const png = surface.toBuffer('image/png')
    return new Uint8Array(png.buffer, png.byteOffset, png.byteLength)
  } catch (err) {
    // a chart that failed half-way is not drawn over: the next one starts on a new chart and canvas
    chart.dispose()
    stage = undefined
    throw err
  } finally {
    // setOption started zrender's frame loop (a timer a frame): stopped, an idle thread or process can end
    zr.animation.stop()
  }
}

/** Width and height from a PNG's IHDR chunk; null when the bytes are not a PNG. */
export function pngSize(png: Uint8Array): { width: number; height: number } | null {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
  if (png.length < 24 || sig.some((b, i) => png[i] !== b)) return null
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength)
  if (String.fromCharCode(...png.subarray(12, 16)) !== 'IHDR') return null
  return { width: view.getUint32(16), height: view.getUint32(20) }
}
