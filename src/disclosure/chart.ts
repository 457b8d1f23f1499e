// The disclosure chart (PNG): income and expenses by category for the period, and the closing balance of
// the last periods. Apache ECharts renders SVG on the server (no DOM), @resvg/resvg-js turns it into a
// PNG with Noto Sans Hans from @embedpdf/fonts-sc (an npm package, so `npm ci` brings it and Chinese
// renders as Chinese, not boxes, on any machine; no system font is loaded).
import { createRequire } from 'node:module'
import type * as ResvgJs from '@resvg/resvg-js'
import type * as Echarts from 'echarts'

// Loaded at the first chart, not at start: importing echarts took about a second of every CLI command and
// start (bench/startup.ts). Its CommonJS build is one file and loads in half the time of its ES modules.
const requireHere = createRequire(import.meta.url)
let libs: { echarts: typeof Echarts; Resvg: typeof ResvgJs.Resvg } | undefined
const charting = () =>
  (libs ??= { echarts: requireHere('echarts') as typeof Echarts, Resvg: (requireHere('@resvg/resvg-js') as typeof ResvgJs).Resvg })

export const CHART_WIDTH = 960
export const CHART_HEIGHT = 720
export const FONT_FAMILY = 'Noto Sans Hans'

/** Path of the CJK font (the package's `exports` hide its files; resolve its entry and walk over). */
export function cjkFontPath(): string {
  return requireHere
    .resolve('@embedpdf/fonts-sc')
    .replace(/dist[\\/]index\.c?js$/, 'fonts/NotoSansHans-Regular.otf')
}

export interface ChartModel {
  title: string
  /** x labels of the category chart */
  categories: string[]
  /** yuan per category (drawing only; the text and the ledger keep exact fen) */
  income: number[]
  expense: number[]
  trendLabels: string[]
  /** closing balance in yuan per period, oldest first */
  trend: number[]
  labels: { byCategory: string; trend: string; income: string; expense: string; balance: string }
}

const yuan = (v: number) => {
  const abs = Math.abs(v)
  const s = Number.isInteger(abs) ? abs.toFixed(0) : abs.toFixed(2)
  return `${v < 0 ? '-' : ''}${s.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`
}

export function chartOption(m: ChartModel): Record<string, unknown> {
  const text = { fontFamily: FONT_FAMILY }
  const valueLabel = { show: true, position: 'top', fontSize: 11, fontFamily: FONT_FAMILY, formatter: (p: { value: number }) => (p.value ? yuan(p.value) : '') }
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: text,
    title: [
      { text: m.title, left: 'center', top: 14, textStyle: { ...text, fontSize: 22, fontWeight: 'normal', color: '#222' } },
      { text: m.labels.byCategory, left: 24, top: 60, textStyle: { ...text, fontSize: 15, fontWeight: 'normal', color: '#444' } },
      { text: m.labels.trend, left: 24, top: 392, textStyle: { ...text, fontSize: 15, fontWeight: 'normal', color: '#444' } },
    ],
    legend: { data: [m.labels.income, m.labels.expense], top: 60, right: 28, textStyle: { ...text, fontSize: 13 } },
    grid: [
      { left: 90, right: 30, top: 100, height: 235 },
      { left: 90, right: 30, top: 432, height: 235 },
    ],
    xAxis: [
      { type: 'category', gridIndex: 0, data: m.categories, axisLabel: { ...text, interval: 0, fontSize: 12, hideOverlap: false } },
      { type: 'category', gridIndex: 1, data: m.trendLabels, boundaryGap: false, axisLabel: { ...text, fontSize: 12 } },
    ],
    yAxis: [
      { type: 'value', gridIndex: 0, axisLabel: { ...text, fontSize: 11, formatter: (v: number) => `¥${yuan(v)}` } },
      { type: 'value', gridIndex: 1, scale: true, axisLabel: { ...text, fontSize: 11, formatter: (v: number) => `¥${yuan(v)}` } },
    ],
    series: [
      { name: m.labels.income, type: 'bar', xAxisIndex: 0, yAxisIndex: 0, data: m.income, barMaxWidth: 48, itemStyle: { color: '#3a8f5c' }, label: valueLabel },
      { name: m.labels.expense, type: 'bar', xAxisIndex: 0, yAxisIndex: 0, data: m.expense, barMaxWidth: 48, itemStyle: { color: '#d0543f' }, label: valueLabel },
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
        label: { ...valueLabel, show: m.trend.length <= 12 },
      },
    ],
  }
}

/** The chart as SVG (text as <text> elements in the CJK font family). */
export function renderChartSvg(m: ChartModel, size = { width: CHART_WIDTH, height: CHART_HEIGHT }): string {
  const chart = charting().echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height })
  try {
    chart.setOption(chartOption(m))
    return chart.renderToSVGString()
  } finally {
    // without dispose the chart keeps timers alive and the process never exits
    chart.dispose()
  }
}

/** Rasterize SVG to PNG. `font: false` loads no font at all (what a machine without a CJK font would draw). */
export function svgToPng(svg: string, opts: { font?: boolean } = {}): Uint8Array {
  const font = opts.font === false ? { loadSystemFonts: false } : { fontFiles: [cjkFontPath()], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY }
  const png = new (charting().Resvg)(svg, { font, background: 'white' }).render().asPng()
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength)
}

export function renderChartPng(m: ChartModel): Uint8Array {
  return svgToPng(renderChartSvg(m))
}

/** Width and height from a PNG's IHDR chunk; null when the bytes are not a PNG. */
export function pngSize(png: Uint8Array): { width: number; height: number } | null {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
  if (png.length < 24 || sig.some((b, i) => png[i] !== b)) return null
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength)
  if (String.fromCharCode(...png.subarray(12, 16)) !== 'IHDR') return null
  return { width: view.getUint32(16), height: view.getUint32(20) }
}
