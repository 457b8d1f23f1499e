import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  DEFAULT_MAX_FEN,
  feeForArea,
  fenFromYuanString,
  formatMoney,
  parseMoney,
  type MoneyError,
} from '../../src/domain/money.ts'

const accepted: [string, bigint][] = [
  ['120', 12000n],
  ['120.5', 12050n],
  ['120.50', 12050n],
  ['¥120', 12000n],
  ['￥120', 12000n],
  ['120元', 12000n],
  ['120块', 12000n],
  ['120块钱', 12000n],
  ['120 元', 12000n],
  ['120.5元', 12050n],
  ['１２０', 12000n],
  ['１２０．５０元', 12050n],
  ['1,084', 108400n],
  ['1,084.00', 108400n],
  ['1，084', 108400n],
  ['¥1,084.00', 108400n],
  ['  1084  ', 108400n],
  ['0.01', 1n],
  ['0.8', 80n],
  ['一百二十元', 12000n],
  ['一千零八十四', 108400n],
  ['一千零八十四元整', 108400n],
  ['两百', 20000n],
  ['兩百', 20000n],
  ['三万五千', 3500000n],
  ['三萬五千', 3500000n],
  ['三万五', 3500000n],
  ['一百二', 12000n],
  ['十五', 1500n],
  ['二十', 2000n],
  ['十万', 10000000n],
  ['一万零五百', 1050000n],
  ['一千零八', 100800n],
  ['壹仟零捌拾肆圆整', 108400n],
  ['一百二十元五角', 12050n],
  ['一百二十元五角三分', 12053n],
  ['一百元零五分', 10005n],
  ['三块五', 350n],
  ['两块五毛五', 255n],
  ['五毛', 50n],
  ['5角', 50n],
  ['120元5角', 12050n],
  ['3万', 3000000n],
  ['3.5万', 3500000n],
  ['3万5千', 3500000n],
  ['RMB 120', 12000n],
  ['人民币120元', 12000n],
  ['1,000,000', 100000000n], // exactly the default maximum
]

const refused: [string, MoneyError][] = [
  ['', 'empty'],
  ['   ', 'empty'],
  ['-5', 'negative'],
  ['－5', 'negative'],
  ['-¥12.50', 'negative'],
  ['¥-12.50', 'negative'],
  ['负五元', 'negative'],
  ['-1.234', 'negative'],
  ['0', 'zero'],
  ['0.00', 'zero'],
  ['零元', 'zero'],
  ['-0', 'zero'],
  ['1.234', 'tooManyDecimals'],
  ['0.001', 'tooManyDecimals'],
  ['1.2345678万', 'tooManyDecimals'],
  ['1,000,000.01', 'tooLarge'],
  ['1000001', 'tooLarge'],
  ['一百万零一', 'tooLarge'],
  ['99999999999999999999999999', 'tooLarge'],
  ['abc', 'notMoney'],
  ['1e5', 'notMoney'],
  ['NaN', 'notMoney'],
  ['Infinity', 'notMoney'],
  ['12..3', 'notMoney'],
  ['12.', 'notMoney'],
  ['.5', 'notMoney'],
  ['12 3', 'notMoney'],
  ['1,08', 'notMoney'],
  ['1,0840', 'notMoney'],
  ['+5', 'notMoney'],
  ['0x10', 'notMoney'],
  ['¥', 'notMoney'],
  ['元', 'notMoney'],
  ['120.5元5角', 'notMoney'],
  ['一二', 'notMoney'],
  ['二十三十', 'notMoney'],
  ['一百零', 'notMoney'],
  ['一万零五千', 'notMoney'],
  ['12万5千', 'notMoney'],
]

/** Reference writer of standard (formal, non-colloquial) Chinese numerals, for n < 10^8. */
function toChinese(n: number): string {
  const digits = '零一二三四五六七八九'
  const units = ['', '十', '百', '千']
  const section = (x: number): string => {
    let out = ''
    let pendingZero = false
    for (let exp = 3; exp >= 0; exp--) {
      const d = Math.floor(x / 10 ** exp) % 10
      if (d === 0) {
        if (out !== '') pendingZero = true
        continue
      }
      if (pendingZero) out += '零'
      pendingZero = false
      out += digits[d]! + units[exp]!
    }
    return out
  }
  const hi = Math.floor(n / 10_000)
  const lo = n % 10_000
  let s = hi > 0 ? `${section(hi)}万` : ''
  if (lo > 0) s += (hi > 0 && lo < 1000 ? '零' : '') + section(lo)
  return s.startsWith('一十') ? s.slice(1) : s
}

describe('parseMoney', () => {
  it.each(accepted)('accepts %j', (input, fen) => {
    expect(parseMoney(input)).toEqual({ ok: true, fen })
  })

  it.each(refused)('refuses %j as %s', (input, error) => {
    expect(parseMoney(input)).toEqual({ ok: false, error })
  })

  it('honours a custom maximum', () => {
    expect(parseMoney('100', 10000n)).toEqual({ ok: true, fen: 10000n })
    expect(parseMoney('100.01', 10000n)).toEqual({ ok: false, error: 'tooLarge' })
  })

  it('round-trips formatMoney for any amount in range', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: DEFAULT_MAX_FEN }), (fen) => {
        expect(parseMoney(formatMoney(fen))).toEqual({ ok: true, fen })
      }),
    )
  })

  it('round-trips plain decimal strings built from digits', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: DEFAULT_MAX_FEN }), (fen) => {
        const s = `${fen / 100n}.${(fen % 100n).toString().padStart(2, '0')}`
        expect(parseMoney(s)).toEqual({ ok: true, fen })
      }),
    )
  })

  it('reads any standard Chinese numeral below 一亿', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99_999_999 }), (n) => {
        expect(parseMoney(`${toChinese(n)}元`, 10n ** 12n)).toEqual({ ok: true, fen: BigInt(n) * 100n })
      }),
    )
  })

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (s) => {
        const r = parseMoney(s)
        if (r.ok) expect(r.fen > 0n && r.fen <= DEFAULT_MAX_FEN).toBe(true)
      }),
    )
  })
})

describe('formatMoney', () => {
  it.each([
    [108400n, '¥1,084.00'],
    [1n, '¥0.01'],
    [0n, '¥0.00'],
    [99n, '¥0.99'],
    [100n, '¥1.00'],
    [123456789n, '¥1,234,567.89'],
    [-1250n, '-¥12.50'],
    [-1n, '-¥0.01'],
  ])('formats %s fen as %s', (fen, text) => {
    expect(formatMoney(fen)).toBe(text)
  })
})

describe('fenFromYuanString', () => {
  it.each([
    ['0.80', 80n],
    ['0.8', 80n],
    ['1.5元', 150n],
    ['2', 200n],
    ['0.805', null],
    ['0', null],
    ['-1', null],
    ['abc', null],
    ['', null],
  ])('%j → %s', (s, fen) => {
    expect(fenFromYuanString(s)).toBe(fen)
  })
})

describe('feeForArea', () => {
  it.each([
    // rate fen/m², area centi-m², fen
    [80n, 10000n, 8000n], // 0.80 元 × 100 m² = 80 元
    [80n, 8956n, 7165n], // 89.56 m² × 0.80 = 71.648 → 71.65
    [80n, 8950n, 7160n], // exactly 71.60
    [150n, 8950n, 13425n], // 134.25 exact
    [150n, 8951n, 13427n], // 134.265 → half up → 134.27
    [150n, 8949n, 13424n], // 134.235 → half up → 134.24
    [1n, 50n, 1n], // 0.5 fen → 1
    [1n, 49n, 0n], // 0.49 fen → 0
    [0n, 12345n, 0n],
    [-1n, 50n, -1n], // symmetric for reversals
  ])('rate %s × area %s → %s', (rate, area, fen) => {
    expect(feeForArea(rate, area)).toBe(fen)
  })

  it('is exact for large values (no float)', () => {
    expect(feeForArea(123_456_789n, 987_654_321n)).toBe((123_456_789n * 987_654_321n + 50n) / 100n)
  })

  it('stays within half a fen of the exact product, ties rounding up', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 9n }), fc.bigInt({ min: 0n, max: 10n ** 9n }), (r, a) => {
        const fee = feeForArea(r, a)
        const diff = fee * 100n - r * a // in 1/100 fen; an exact half rounds up
        expect(diff > -50n && diff <= 50n).toBe(true)
      }),
    )
  })
})
