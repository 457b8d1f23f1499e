// The chart renderer before issue 15, kept for the benchmark's before/after figures only: ECharts rendering SVG
// (server-side, no DOM), rasterized by @resvg/resvg-js with the CJK font file, which resvg parses again for
// every chart. The same chart option as src/disclosure/chart.ts, at 1× (what was shipped). A devDependency now.
import { createRequire } from 'node:module'
import type * as ResvgJs from '@resvg/resvg-js'
import type * as Echarts from 'echarts'
import { CHART_HEIGHT, CHART_WIDTH, type ChartModel, chartOption, cjkFontPath, FONT_FAMILY } from '../src/disclosure/chart.ts'

const requireHere = createRequire(import.meta.url)

export function renderChartPngOld(m: ChartModel): Uint8Array {
  const echarts = requireHere('echarts') as typeof Echarts
  const { Resvg } = requireHere('@resvg/resvg-js') as typeof ResvgJs
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: CHART_WIDTH, height: CHART_HEIGHT })
  let svg: string
  try {
    chart.setOption(chartOption(m))
    svg = chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
  const font = { fontFiles: [cjkFontPath()], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY }
  const png = new Resvg(svg, { font, background: 'white' }).render().asPng()
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength)
}
