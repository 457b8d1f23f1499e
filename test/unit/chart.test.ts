// The disclosure chart: a valid PNG at twice the layout size, Chinese drawn as glyphs (not tofu), nothing clipped
// at the edges, money as the text prints it, income and expense categories apart, English in sentence case, a
// trend from the compound's first period, and rendering in worker threads that end when the pool is closed.
import { existsSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CompoundRow } from '../../db/compounds.ts'
import { periodFromKey } from '../../src/domain/calendar.ts'
import { disclosureData } from '../../src/disclosure/build.ts'
import { chartWorkers, closeChartPool, renderChart } from '../../src/disclosure/chart-pool.ts'
import {
  CHART_HEIGHT,
  CHART_WIDTH,
  type ChartModel,
  chartLibs,
  chartMoney,
  chartOption,
  cjkFontPath,
  FONT_FAMILY,
  PIXEL_RATIO,
  pngSize,
  renderChartPng,
} from '../../src/disclosure/chart.ts'
import { type PeriodFacts, trendStart } from '../../src/disclosure/facts.ts'

const model: ChartModel = {
  title: '幸福里小区 2026年第47周',
  categories: ['收缴费用', '停车租金', '其他（收入）', '保洁', '维修', '其他（支出）'],
  income: [1_234_567.5, 600, 120, 0, 0, 0],
  expense: [0, 0, 0, 280, -265.5, 1000],
  trendLabels: ['W36', 'W37', 'W38', 'W39', 'W40', 'W41', 'W42', 'W43', 'W44', 'W45', 'W46', 'W47'],
  // wide labels on the first and the last point, where they used to stick out of the picture
  trend: [-1_209_000, 9400, 9800, 10100, 10600, 11000, 11500, 11900, 12100, 12300, 12500, 1_215_234.5],
  labels: { byCategory: '本期收支（按类别）', trend: '近 12 期期末结余', income: '收入', expense: '支出', balance: '结余' },
}

const W = CHART_WIDTH * PIXEL_RATIO
const H = CHART_HEIGHT * PIXEL_RATIO

/** RGBA pixels of a PNG. */
async function pixels(png: Uint8Array): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  const { canvas } = chartLibs()
  const img = await canvas.loadImage(Buffer.from(png))
  const c = canvas.createCanvas(img.width, img.height)
  const ctx = c.getContext('2d')
  ctx.drawImage(img, 0, 0)
  return { width: img.width, height: img.height, data: ctx.getImageData(0, 0, img.width, img.height).data }
}

/** Dark pixels of one text drawn in the chart font, and a fingerprint of where they are. */
function ink(text: string): { dark: number; rows: string } {
  const { canvas } = chartLibs()
  const c = canvas.createCanvas(240, 60)
  const ctx = c.getContext('2d')
  ctx.fillStyle = '#fff'
  ctx.fillRect(0, 0, 240, 60)
  ctx.fillStyle = '#000'
  ctx.font = `40px "${FONT_FAMILY}"`
  ctx.fillText(text, 4, 44)
  const data = ctx.getImageData(0, 0, 240, 60).data
  let dark = 0
  const rows: number[] = []
  for (let y = 0; y < 60; y++) {
    let n = 0
    for (let x = 0; x < 240; x++) if (data[(y * 240 + x) * 4]! < 128) n++
    rows.push(n)
    dark += n
  }
  return { dark, rows: rows.join(',') }
}

let png: Uint8Array
beforeAll(async () => {
  png = await renderChart(model)
})
afterAll(async () => {
  await closeChartPool()
})

describe('chart', () => {
  it('is a valid PNG at twice the layout size (sharp on phone screens)', () => {
    expect(existsSync(cjkFontPath())).toBe(true)
    expect(PIXEL_RATIO).toBe(2)
    expect(pngSize(png)).toEqual({ width: 1920, height: 1440 })
    expect(png.length).toBeGreaterThan(40_000)
    // the IEND chunk closes the file
    expect(Buffer.from(png.subarray(png.length - 8, png.length - 4)).toString('latin1')).toBe('IEND')
    expect(pngSize(new Uint8Array([1, 2, 3]))).toBeNull()
  })

  it('is the same picture from a worker thread as from this one', () => {
    expect(Buffer.from(renderChartPng(model)).equals(Buffer.from(png))).toBe(true)
  })

  it('draws each chart afresh on the thread’s one canvas: nothing of the chart before carries over', () => {
    const other = renderChartPng({ ...model, title: '另一个小区', categories: ['收缴费用'], income: [5], expense: [0], trend: [1, 2] })
    expect(Buffer.from(other).equals(Buffer.from(png))).toBe(false)
    expect(Buffer.from(renderChartPng(model)).equals(Buffer.from(png))).toBe(true)
    // at 1× too, then 2× again
    expect(pngSize(renderChartPng(model, { pixelRatio: 1 }))).toEqual({ width: CHART_WIDTH, height: CHART_HEIGHT })
    expect(Buffer.from(renderChartPng(model)).equals(Buffer.from(png))).toBe(true)
    // a chart that fails leaves nothing behind either
    expect(() => renderChartPng({ ...model, categories: undefined } as unknown as ChartModel)).toThrow()
    expect(Buffer.from(renderChartPng(model)).equals(Buffer.from(png))).toBe(true)
  })

  it('draws Chinese glyphs, not boxes: each character inks differently from the missing-glyph box', () => {
    expect(ink('收支结余').dark).toBeGreaterThan(500)
    // a character the font lacks (Hangul) draws the .notdef box, or nothing: every Chinese character must differ
    const tofu = ink('한').rows
    const shapes = [...'收支结余維修帳'].map((c) => ink(c).rows)
    for (const s of shapes) expect(s).not.toBe(tofu)
    expect(new Set(shapes).size).toBe(shapes.length)
  })

  it('keeps every label inside the picture: the strips along the left and right edges stay blank', async () => {
    const { width, height, data } = await pixels(png)
    expect([width, height]).toEqual([W, H])
    const strip = 4 * PIXEL_RATIO
    let inked = 0
    let inside = 0
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const dark = data[(y * width + x) * 4]! < 200
        if (x < strip || x >= width - strip) inked += dark ? 1 : 0
        else inside += dark ? 1 : 0
      }
    }
    expect(inside).toBeGreaterThan(20_000)
    expect(inked).toBe(0)
  })

  it('prints money as the text does: -¥1,000, ¥1,234,567.50, on the axes and the values', () => {
    expect(chartMoney(-1000)).toBe('-¥1,000')
    expect(chartMoney(1_234_567.5)).toBe('¥1,234,567.50')
    expect(chartMoney(0)).toBe('¥0')
    const o = chartOption(model) as {
      yAxis: { axisLabel: { formatter: (v: number) => string } }[]
      series: { label: { formatter: (p: { value: number }) => string }; data: unknown[]; stack?: string }[]
    }
    expect(o.yAxis.map((a) => a.axisLabel.formatter(-200_000))).toEqual(['-¥200,000', '-¥200,000'])
    expect(o.series[1]!.label.formatter({ value: -265.5 })).toBe('-¥265.50')
    // a zero is not labelled (the other side's slot of a category)
    expect(o.series[0]!.label.formatter({ value: 0 })).toBe('')
    // a negative bar is labelled under it
    expect(o.series[1]!.data[4]).toEqual({ value: -265.5, label: { position: 'bottom' } })
    // one bar per category, centred: no category is both
    expect(o.series[0]!.stack).toBe('amount')
    expect((chartOption({ ...model, expense: [1, 0, 0, 280, -265.5, 1000] }) as typeof o).series[0]!.stack).toBeUndefined()
  })
})

describe('chart model', () => {
  const compound = (language: string, createdAt = '2026-01-01T00:00:00Z') =>
    ({ id: 1, name: '幸福里', timeZone: 'Asia/Shanghai', language, settings: {}, createdAt: new Date(createdAt) }) as CompoundRow
  const period = periodFromKey('2026-W47', 'Asia/Shanghai')!
  const facts = (over: Partial<PeriodFacts> = {}): PeriodFacts => ({
    paymentsFen: 60000n,
    incomeFen: 17000n,
    expensesFen: 83000n,
    incomeByCategory: [
      { category: 'parking', fen: 15000n },
      { category: '', fen: 2000n },
    ],
    expensesByCategory: [
      { category: 'repair', fen: 50000n },
      { category: 'other', fen: 33000n },
    ],
    paidHouseholds: 2,
    openingFen: 0n,
    closingFen: -6000n,
    trend: [{ period, closingFen: -6000n }],
    expenses: [],
    income: [],
    repairs: { opened: 0, done: 0, open: 0, overdue: 0 },
    polls: [],
    chain: { head: '0'.repeat(64), count: 0 },
    arrears: [],
    privateNames: [],
    ...over,
  })
  const now = new Date('2026-11-23T01:05:00Z')

  it('never puts an income and an expense category under one label', () => {
    const { chart } = disclosureData({ compound: compound('zh-CN'), period }, facts(), now)
    expect(chart.categories).toEqual(['收缴费用', '停车租金', '其他（收入）', '维修', '其他（支出）'])
    expect(chart.income).toEqual([600, 150, 20, 0, 0])
    expect(chart.expense).toEqual([0, 0, 0, 500, 330])
    expect(new Set(chart.categories).size).toBe(chart.categories.length)
  })

  it('writes English labels in sentence case, like its own', () => {
    const { chart } = disclosureData({ compound: compound('en'), period }, facts(), now)
    expect(chart.categories).toEqual(['Fees', 'Parking rent', 'Other (income)', 'Repairs', 'Other (expenses)'])
    expect(chart.title).toBe('幸福里 Week 47 of 2026')
    expect([chart.labels.byCategory, chart.labels.trend, chart.labels.income, chart.labels.expense, chart.labels.balance]).toEqual([
      'This period by category',
      'Closing balance by period (latest 1)',
      'Income',
      'Expenses',
      'Balance',
    ])
    for (const s of [...chart.categories, ...Object.values(chart.labels)]) expect(s.charAt(0)).toBe(s.charAt(0).toUpperCase())
  })

  it('says how many periods the trend shows', () => {
    const { chart } = disclosureData({ compound: compound('zh-CN'), period }, facts(), now)
    expect(chart.labels.trend).toBe('近 1 期期末结余')
    expect(chart.trend).toEqual([-60])
  })

  it('starts the trend at the compound’s creation, or its first entry when that is earlier', () => {
    const c = compound('zh-CN', '2026-11-10T00:00:00Z')
    expect(trendStart(c, undefined)).toBe(Date.parse('2026-11-10T00:00:00Z'))
    expect(trendStart(c, Date.parse('2026-10-01T00:00:00Z'))).toBe(Date.parse('2026-10-01T00:00:00Z'))
    expect(trendStart(c, Date.parse('2026-11-20T00:00:00Z'))).toBe(Date.parse('2026-11-10T00:00:00Z'))
  })
})

describe('chart workers', () => {
  it('render off the event loop, in parallel, and end when the pool is closed', async () => {
    let ticks = 0
    const timer = setInterval(() => ticks++, 1)
    try {
      const many = await Promise.all([0, 1, 2].map((k) => renderChart({ ...model, title: `${model.title} ${k}` })))
      for (const p of many) expect(pngSize(p)).toEqual({ width: W, height: H })
      expect(new Set(many.map((p) => Buffer.from(p).toString('base64'))).size).toBe(3)
    } finally {
      clearInterval(timer)
    }
    // the loop kept turning while the charts rendered (rendered in this thread it would not have turned once)
    expect(ticks).toBeGreaterThan(5)
    expect(chartWorkers()).toBeGreaterThan(0)
    await closeChartPool()
    expect(chartWorkers()).toBe(0)
    // and the next chart starts a new pool
    expect(pngSize(await renderChart(model))).toEqual({ width: W, height: H })
  })
})
