// Money as typed in chat, held as integer fen (分) in bigint. No Number/parseFloat anywhere on the
// value path: float rounding must never reach the ledger.

export type MoneyError = 'empty' | 'notMoney' | 'negative' | 'zero' | 'tooManyDecimals' | 'tooLarge'
export type MoneyParse = { ok: true; fen: bigint } | { ok: false; error: MoneyError }

export const DEFAULT_MAX_FEN = 100_000_000n // 1,000,000 元

// Internal result of parsing the unsigned magnitude; zero/too large are decided by the caller.
type Magnitude = { ok: true; fen: bigint } | { ok: false; error: 'notMoney' | 'tooManyDecimals' }

const NOT_MONEY: Magnitude = { ok: false, error: 'notMoney' }
const TOO_MANY_DECIMALS: Magnitude = { ok: false, error: 'tooManyDecimals' }

/** Single digit characters, Chinese (incl. financial capitals and traditional) and Arabic. */
const DIGITS: ReadonlyMap<string, bigint> = new Map([
  ['零', 0n], ['〇', 0n], ['0', 0n],
  ['一', 1n], ['壹', 1n], ['弌', 1n], ['1', 1n],
  ['二', 2n], ['贰', 2n], ['貳', 2n], ['两', 2n], ['兩', 2n], ['2', 2n],
  ['三', 3n], ['叁', 3n], ['參', 3n], ['叄', 3n], ['3', 3n],
  ['四', 4n], ['肆', 4n], ['4', 4n],
  ['五', 5n], ['伍', 5n], ['5', 5n],
  ['六', 6n], ['陆', 6n], ['陸', 6n], ['6', 6n],
  ['七', 7n], ['柒', 7n], ['7', 7n],
  ['八', 8n], ['捌', 8n], ['8', 8n],
  ['九', 9n], ['玖', 9n], ['9', 9n],
])

/** Units inside a 4-digit section, as powers of ten. */
const SECTION_UNITS: ReadonlyMap<string, number> = new Map([
  ['十', 1], ['拾', 1],
  ['百', 2], ['佰', 2],
  ['千', 3], ['仟', 3],
])

/** Section separators, highest first. */
const LEVELS: readonly { re: RegExp; exp: number }[] = [
  { re: /[亿億]/, exp: 8 },
  { re: /[万萬]/, exp: 4 },
]

const ZERO_CHARS = new Set(['零', '〇'])

const pow10 = (n: number): bigint => 10n ** BigInt(n)

/**
 * Parse one section (< 10000) such as 一千零八十四, 两百, 十五, 一百二 (= 120, colloquial).
 * `leadingTen`: a bare 十 may open the number (十五); only valid at the very start.
 * `abbrev`: a trailing bare digit after a unit means the next lower unit (一百二 = 120); only valid
 * at the end of the whole number, never inside a part that a 万/亿 multiplies.
 */
function parseSection(s: string, leadingTen: boolean, abbrev: boolean): bigint | null {
  const chars = [...s]
  let value = 0n
  let prevExp = 4 // units must strictly decrease; 4 = nothing yet
  let zero = false // a 零 is pending: it must skip at least one unit
  let any = false
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string
    if (ZERO_CHARS.has(c)) {
      if (zero || !any) return null
      zero = true
      continue
    }
    const d = c === '0' ? undefined : DIGITS.get(c)
    if (d !== undefined && d > 0n) {
      const next = chars[i + 1]
      const u = next === undefined ? undefined : SECTION_UNITS.get(next)
      if (u !== undefined) {
        if (u >= prevExp || (zero && u >= prevExp - 1)) return null
        value += d * pow10(u)
        prevExp = u
        zero = false
        any = true
        i++
        continue
      }
      // A bare digit closes the section.
      if (i !== chars.length - 1) return null
      if (!any) value += d
      else if (zero) {
        if (prevExp < 2) return null // 二十零五
        value += d
      } else if (prevExp === 1) value += d // 二十五
      else if (abbrev) value += d * pow10(prevExp - 1) // 一百二 = 120
      else return null
      any = true
      zero = false
      continue
    }
    if (SECTION_UNITS.get(c) === 1 && leadingTen && !any && !zero) {
      value += 10n
      prevExp = 1
      any = true
      continue
    }
    return null
  }
  if (zero) return null // trailing 零
  return any ? value : null
}

/** Parse a Chinese integer with 万/亿 sections, e.g. 三万五千, 三万五 (colloquial 35000). */
function parseLevel(s: string, li: number, leadingTen: boolean, abbrev: boolean): bigint | null {
  const level = LEVELS[li]
  if (level === undefined) return parseSection(s, leadingTen, abbrev)
  const idx = s.search(level.re)
  if (idx < 0) return parseLevel(s, li + 1, leadingTen, abbrev)
  const hiStr = s.slice(0, idx)
  let loStr = s.slice(idx + 1)
  if (hiStr === '') return null
  const hi = parseLevel(hiStr, li + 1, leadingTen, false)
  if (hi === null || hi === 0n) return null
  const base = hi * pow10(level.exp)
  if (loStr === '') return base
  let zeroLead = false
  const first = loStr[0] as string
  if (ZERO_CHARS.has(first)) {
    zeroLead = true
    loStr = loStr.slice(1)
    if (loStr === '') return null
  }
  const chars = [...loStr]
  if (!zeroLead && chars.length === 1) {
    // 三万五 = 35000: a bare digit right after 万/亿 counts in the next lower unit.
    const d = DIGITS.get(chars[0] as string)
    if (d === undefined || d === 0n || !abbrev) return null
    return base + d * pow10(level.exp - 1)
  }
  const lo = parseLevel(loStr, li + 1, false, abbrev)
  if (lo === null || lo === 0n) return null
  // 零 says a unit was skipped: 一万零五百 fine, 一万零五千 is not.
  if (zeroLead && lo >= pow10(level.exp - 1)) return null
  return base + lo
}

function parseChineseInt(s: string): bigint | null {
  if (s.length === 1 && ZERO_CHARS.has(s)) return 0n
  return parseLevel(s, 0, true, true)
}

/** Decimal digits to fen-like units: `frac` padded to `places`, or null if it has more. */
function decimalToUnits(intPart: string, frac: string, places: number): bigint | null {
  if (frac.length > places) return null
  return BigInt(intPart) * pow10(places) + BigInt(frac.padEnd(places, '0') || '0')
}

const ARABIC = /^(\d+|\d{1,3}(?:,\d{3})+)(?:\.(\d+))?$/
const ARABIC_WAN = /^(\d+)(?:\.(\d+))?[万萬]$/

/** The yuan part: Arabic (with separators and decimals), Arabic + 万, or Chinese numerals. */
function parseYuanPart(s: string): Magnitude & { decimal?: boolean } {
  const a = ARABIC.exec(s)
  if (a) {
    const intPart = (a[1] as string).replaceAll(',', '')
    const frac = a[2] ?? ''
    const fen = decimalToUnits(intPart, frac, 2)
    if (fen === null) return TOO_MANY_DECIMALS
    return { ok: true, fen, decimal: a[2] !== undefined }
  }
  const w = ARABIC_WAN.exec(s)
  if (w) {
    // 3.5万 = 35000 元; up to 6 decimals still lands on whole fen.
    const fen = decimalToUnits(w[1] as string, w[2] ?? '', 6)
    if (fen === null) return TOO_MANY_DECIMALS
    return { ok: true, fen, decimal: w[2] !== undefined }
  }
  const n = parseChineseInt(s)
  if (n === null) return NOT_MONEY
  return { ok: true, fen: n * 100n }
}

const D = '([0-9零〇一壹弌二贰貳两兩三叁參叄四肆五伍六陆陸七柒八捌九玖])'
const JIAO_FEN = new RegExp(`^(?:${D}[角毛])?(?:[零〇]?${D}分)?$`)
const JIAO_THEN_BARE_FEN = new RegExp(`^${D}[角毛]${D}$`) // 五毛五
const BARE_JIAO = new RegExp(`^${D}$`) // 三块五

/** 角/分 after the yuan unit (or alone, as in 五毛). Returns fen, or null. */
function parseSubYuan(s: string, afterYuanUnit: boolean): bigint | null {
  const digit = (c: string | undefined): bigint => (c === undefined ? 0n : (DIGITS.get(c) ?? 0n))
  if (s === '') return 0n
  if (afterYuanUnit) {
    const b = BARE_JIAO.exec(s)
    if (b) return digit(b[1]) * 10n
  }
  const jf = JIAO_THEN_BARE_FEN.exec(s) ?? JIAO_FEN.exec(s)
  if (!jf || (jf[1] === undefined && jf[2] === undefined)) return null
  return digit(jf[1]) * 10n + digit(jf[2])
}

const YUAN_UNIT = /[元块塊圆圓]/

function parseMagnitude(body: string): Magnitude {
  if (body.endsWith('整')) body = body.slice(0, -1) // 一千元整
  if (body === '') return NOT_MONEY
  const idx = body.search(YUAN_UNIT)
  if (idx < 0) {
    if (/[角毛分]$/.test(body)) {
      const sub = parseSubYuan(body, false)
      return sub === null ? NOT_MONEY : { ok: true, fen: sub }
    }
    return parseYuanPart(body)
  }
  const left = body.slice(0, idx)
  const right = body.slice(idx + 1).replace(/^[钱錢]/, '')
  if (left === '') return NOT_MONEY
  const yuan = parseYuanPart(left)
  if (!yuan.ok) return yuan
  if (right === '') return { ok: true, fen: yuan.fen }
  // 120.5元5角 mixes two ways of writing fractions: refuse rather than guess.
  if (yuan.decimal) return NOT_MONEY
  const sub = parseSubYuan(right, true)
  return sub === null ? NOT_MONEY : { ok: true, fen: yuan.fen + sub }
}

const SIGN = /^[-−负負]/
const PREFIX = /^(?:¥|RMB|CNY|人民币|人民幣)/i
const SUFFIX = /(?:RMB|CNY)$/i

/** Parse an amount as typed in chat. */
export function parseMoney(input: string, maxFen: bigint = DEFAULT_MAX_FEN): MoneyParse {
  // NFKC folds full-width digits, ￥, ，and ． into their ASCII forms.
  let s = input.normalize('NFKC').trim()
  if (s === '') return { ok: false, error: 'empty' }
  // Spaces are tolerated only next to symbols and units, never between digits (12 3 is not 123).
  s = s.replace(/\s*([¥元块塊圆圓角毛分整钱錢万萬亿億])\s*/g, '$1')

  let negative = false
  if (SIGN.test(s)) {
    negative = true
    s = s.slice(1).trimStart()
  }
  if (PREFIX.test(s)) s = s.replace(PREFIX, '').trimStart()
  if (!negative && SIGN.test(s)) {
    negative = true // ¥-12.50
    s = s.slice(1).trimStart()
  }
  s = s.replace(SUFFIX, '').trimEnd()

  const m = parseMagnitude(s)
  if (!m.ok) return negative && m.error === 'tooManyDecimals' ? { ok: false, error: 'negative' } : m
  if (m.fen === 0n) return { ok: false, error: 'zero' }
  if (negative) return { ok: false, error: 'negative' }
  if (m.fen > maxFen) return { ok: false, error: 'tooLarge' }
  return { ok: true, fen: m.fen }
}

/** `¥1,084.00`; negative as `-¥12.50` */
export function formatMoney(fen: bigint): string {
  const neg = fen < 0n
  const abs = neg ? -fen : fen
  const yuan = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const cents = (abs % 100n).toString().padStart(2, '0')
  return `${neg ? '-' : ''}¥${yuan}.${cents}`
}

/**
 * Rate per m² e.g. 0.80 元 → 80 fen; also used for fee rates. Same rules as parseMoney
 * (so zero, negative and over-DEFAULT_MAX_FEN rates are null too).
 */
export function fenFromYuanString(s: string): bigint | null {
  const r = parseMoney(s)
  return r.ok ? r.fen : null
}

/**
 * Multiply a rate in fen per m² by an area in centi-m² and round half-up (四舍五入, i.e. half away
 * from zero, symmetric for negatives) to whole fen, exactly.
 */
export function feeForArea(rateFenPerM2: bigint, areaCentiM2: bigint): bigint {
  const product = rateFenPerM2 * areaCentiM2 // fen × 1/100
  const neg = product < 0n
  const abs = neg ? -product : product
  const rounded = (abs + 50n) / 100n
  return neg ? -rounded : rounded
}
