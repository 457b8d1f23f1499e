// The period of a ledger question (3月, 上个月, 上周, 去年, 2026年, "last month", "in March"), as the
// argument `账目` accepts (commands/ledger.ts periodFromInput) and as the period key it resolves to.
// A month without a year is the latest one that has begun: asked in November, 3月 is this year's March,
// 12月 last year's December (a ledger question is about the past).
import type { Lang } from '../i18n/define.ts'
import { localDate, periodOf, previousPeriod, type PeriodKind } from '../domain/calendar.ts'

export interface PeriodSlot {
  /** what follows `账目` ('' for the command's default, this month) */
  arg: string
  /** the period key it means: '2026-W45', '2026-10', '2026' */
  key: string
}

// words the ledger command reads, per language (commands/ledger.ts WORDS)
const WORDS: Record<Lang, Record<'this' | 'last', Record<PeriodKind, string>>> = {
  'zh-CN': { this: { week: '本周', month: '本月', year: '今年' }, last: { week: '上周', month: '上月', year: '去年' } },
  'zh-TW': { this: { week: '本週', month: '本月', year: '今年' }, last: { week: '上週', month: '上個月', year: '去年' } },
  en: { this: { week: 'thisweek', month: 'thismonth', year: 'thisyear' }, last: { week: 'lastweek', month: 'lastmonth', year: 'lastyear' } },
}

const CN_MONTH = '十[一二]|[一二三四五六七八九十]'
const CN_VALUE: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10, 十一: 11, 十二: 12 }
const monthNumber = (s: string): number => (/^\d+$/.test(s) ? Number(s) : (CN_VALUE[s] ?? 0))

const EN_MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
// `may` and `march` are also words: a month name counts after in/for/of/during or before a year
const EN_MONTH = /\b(?:(?:in|for|of|during|since)\s+)?(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b(?:\s+(\d{4}))?/

const YEAR_MONTH = /(?<!\d)(20\d{2})\s*(?:年|[-./])\s*(\d{1,2})(?!\d)\s*(?:月份?)?/
const REL_YEAR_MONTH = new RegExp(`(今年|本年|去年|上年|前年)\\s*(\\d{1,2}|${CN_MONTH})\\s*月`)
// 上一月 / 下一月 / 这一月 are not January; any other month may follow 上下 (看一下九月份的账, 查下3月)
const MONTH = new RegExp(`(?<![\\d个])(\\d{1,2}|十[一二]|(?<![上下本这])一|[二三四五六七八九十])\\s*月份?(?!\\s*[\\d一二三四五六七八九十]+\\s*[日号])`)
const YEAR = /(?<!\d)(20\d{2})(?:\s*年|(?!\d|\s*[-./]\s*\d))/

const pad = (n: number) => String(n).padStart(2, '0')

/** The period the text asks about, or null when it names none. */
export function parsePeriod(folded: string, now: Date, timeZone: string, lang: Lang): PeriodSlot | null {
  const today = localDate(now, timeZone)
  const words = WORDS[lang]
  const relative = (kind: PeriodKind, back: number): PeriodSlot => {
    let p = periodOf(kind, now, timeZone)
    for (let i = 0; i < back; i++) p = previousPeriod(p, timeZone)
    const arg = back === 0 ? words.this[kind] : back === 1 ? words.last[kind] : p.key
    return { arg, key: p.key }
  }
  const month = (year: number, m: number): PeriodSlot | null => {
    if (m < 1 || m > 12) return null
    const key = `${year}-${pad(m)}`
    return { arg: key, key }
  }
  // the latest month m that has begun
  const latest = (m: number): PeriodSlot | null => month(m <= today.month ? today.year : today.year - 1, m)

  let r = YEAR_MONTH.exec(folded)
  if (r) return month(Number(r[1]), Number(r[2]))
  r = REL_YEAR_MONTH.exec(folded)
  if (r) {
    const back = r[1] === '去年' || r[1] === '上年' ? 1 : r[1] === '前年' ? 2 : 0
    return month(today.year - back, monthNumber(r[2]!))
  }
  if (/上上个?月|上上個月|month before last/.test(folded)) return relative('month', 2)
  if (/上个?月|上個月|last month|previous month/.test(folded)) return relative('month', 1)
  if (/这个?月|本月|当月|這個月|this month/.test(folded)) return relative('month', 0)
  if (/上上个?(?:周|星期|礼拜)/.test(folded)) return relative('week', 2)
  if (/上个?(?:周|星期|礼拜)|last week|previous week/.test(folded)) return relative('week', 1)
  if (/(?:这个?|本)(?:周|星期|礼拜)|this week/.test(folded)) return relative('week', 0)
  if (/前年|year before last/.test(folded)) return relative('year', 2)
  if (/去年|上年|last year|previous year/.test(folded)) return relative('year', 1)
  if (/今年|本年|this year/.test(folded)) return relative('year', 0)
  r = MONTH.exec(folded)
  if (r) return latest(monthNumber(r[1]!))
  const en = EN_MONTH.exec(folded)
  if (en && (en[0].includes(' ') || !['may', 'mar', 'march', 'jun', 'june'].includes(en[1]!))) {
    const m = EN_MONTHS.indexOf(en[1]!.slice(0, 3)) + 1
    return en[2] ? month(Number(en[2]), m) : latest(m)
  }
  r = YEAR.exec(folded)
  if (r) return { arg: r[1]!, key: r[1]! }
  return null
}

/** The period `账目` shows when none is named: this month. */
export function defaultPeriod(now: Date, timeZone: string): PeriodSlot {
  return { arg: '', key: periodOf('month', now, timeZone).key }
}
