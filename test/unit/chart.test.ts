// The disclosure chart: a valid PNG of the expected size, and Chinese drawn as glyphs, not tofu. The
// full chart is rendered once for the file (≈0.5 s); glyph checks render single labels.
import { existsSync } from 'node:fs'
import { Resvg } from '@resvg/resvg-js'
import { beforeAll, describe, expect, it } from 'vitest'
import { CHART_HEIGHT, CHART_WIDTH, type ChartModel, cjkFontPath, pngSize, renderChartSvg, svgToPng } from '../../src/disclosure/chart.ts'

const model: ChartModel = {
  title: '幸福里小区 2026年第47周',
  categories: ['收缴费用', '停车租金', '保洁', '维修'],
  income: [3200, 600, 0, 0],
  expense: [0, 0, 280, 265.5],
  trendLabels: ['W36', 'W37', 'W38', 'W39', 'W40', 'W41', 'W42', 'W43', 'W44', 'W45', 'W46', 'W47'],
  trend: [9000, 9400, 9800, 10100, 10600, 11000, 11500, 11900, 12100, 12300, 12500, 15234.5],
  labels: { byCategory: '本期收支（按类别）', trend: '近 12 期期末结余', income: '收入', expense: '支出', balance: '结余' },
}

let svg: string
let png: Uint8Array
beforeAll(() => {
  svg = renderChartSvg(model)
  png = svgToPng(svg)
})

/** Dark pixels of an RGBA raster, and a fingerprint of where they are. */
function ink(svgText: string, font: boolean): { dark: number; rows: string } {
  const raster = svgToPngRaw(svgText, font)
  let dark = 0
  const rows: number[] = []
  for (let y = 0; y < raster.height; y++) {
    let n = 0
    for (let x = 0; x < raster.width; x++) if (raster.pixels[(y * raster.width + x) * 4]! < 128) n++
    rows.push(n)
    dark += n
  }
  return { dark, rows: rows.join(',') }
}

function svgToPngRaw(svgText: string, font: boolean) {
  const r = new Resvg(svgText, {
    font: font ? { fontFiles: [cjkFontPath()], loadSystemFonts: false, defaultFontFamily: 'Noto Sans Hans' } : { loadSystemFonts: false },
    background: 'white',
  }).render()
  return { width: r.width, height: r.height, pixels: r.pixels }
}

const label = (text: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="60"><text x="4" y="44" font-size="40" font-family="Noto Sans Hans">${text}</text></svg>`

describe('chart', () => {
  it('is a valid PNG of the expected size', () => {
    expect(existsSync(cjkFontPath())).toBe(true)
    expect(pngSize(png)).toEqual({ width: CHART_WIDTH, height: CHART_HEIGHT })
    expect(png.length).toBeGreaterThan(10_000)
    // the IEND chunk closes the file
    expect(Buffer.from(png.subarray(png.length - 8, png.length - 4)).toString('latin1')).toBe('IEND')
    expect(pngSize(new Uint8Array([1, 2, 3]))).toBeNull()
  })

  it('carries the Chinese labels as text in the font family that is loaded', () => {
    for (const s of ['幸福里小区 2026年第47周', '收缴费用', '停车租金', '近 12 期期末结余', '收入', '支出']) expect(svg).toContain(s)
    expect(svg).toContain('Noto Sans Hans')
  })

  it('draws Chinese glyphs, not boxes: the CJK font inks the label, no font draws nothing, and each character differs from the missing-glyph box', () => {
    const withFont = ink(label('收支结余'), true)
    const noFont = ink(label('收支结余'), false)
    expect(noFont.dark).toBe(0)
    expect(withFont.dark).toBeGreaterThan(500)
    // a character the font lacks (Hangul) draws the .notdef box: every Chinese character must look different from it
    const tofu = ink(label('한'), true).rows
    const shapes = [...'收支结余維修帳'].map((c) => ink(label(c), true).rows)
    for (const s of shapes) expect(s).not.toBe(tofu)
    expect(new Set(shapes).size).toBe(shapes.length)
  })

  it('the chart drawn with the font differs from the same chart without it wherever there is text', () => {
    const a = svgToPngRaw(svg, true).pixels
    const b = svgToPngRaw(svg, false).pixels
    let differ = 0
    for (let i = 0; i < a.length; i += 4) if (Math.abs(a[i]! - b[i]!) > 64) differ++
    expect(differ).toBeGreaterThan(5_000)
  })
})
