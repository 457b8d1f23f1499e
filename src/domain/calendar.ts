// Calendar periods in a compound's time zone: ISO weeks (Monday start), months and years, as
// half-open UTC instant ranges [from, to). Pure: Intl only, no I/O, no clock.
//
// A period starts at the first instant of its first local day (00:00 local, or the end of a DST gap
// where midnight does not exist) and ends where the next period starts. Around DST changes a day may
// last 23 or 25 hours; the ranges still tile time with no gap and no overlap.

export type PeriodKind = 'week' | 'month' | 'year'

export interface Period {
  kind: PeriodKind
  /** '2026-W47' | '2026-11' | '2026' */
  key: string
  /** first instant of the period (inclusive) */
  from: Date
  /** first instant of the next period (exclusive) */
  to: Date
}

/** A civil (calendar) date: month 1–12, day 1–31. */
export interface CivilDate {
  year: number
  month: number
  day: number
}

const DAY_MS = 86_400_000

const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    })
    formatters.set(timeZone, f)
  }
  return f
}

/** Whether Intl knows the time zone. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone)
    return true
  } catch {
    return false
  }
}

export interface LocalTime extends CivilDate {
  hour: number
  minute: number
  second: number
  /** ISO weekday: Monday 1 … Sunday 7 */
  weekday: number
}

/** The wall clock of `instant` in `timeZone`. */
export function localTime(instant: Date, timeZone: string): LocalTime {
  const p: Record<string, string> = {}
  for (const part of formatter(timeZone).formatToParts(instant)) p[part.type] = part.value
  let year = Number(p.year)
  if (p.era === 'BC' || p.era === 'B') year = 1 - year
  const d = { year, month: Number(p.month), day: Number(p.day) }
  return { ...d, hour: Number(p.hour) % 24, minute: Number(p.minute), second: Number(p.second), weekday: isoWeekday(d) }
}

/** The local calendar date of `instant` in `timeZone`. */
export function localDate(instant: Date, timeZone: string): CivilDate {
  const { year, month, day } = localTime(instant, timeZone)
  return { year, month, day }
}

/** Offset of the zone from UTC at `instant`, in ms (Asia/Shanghai +8 h → 28 800 000). */
export function offsetAt(instant: number, timeZone: string): number {
  const l = localTime(new Date(instant), timeZone)
  const wall = civilToUtcMs(l) + l.hour * 3_600_000 + l.minute * 60_000 + l.second * 1000
  return wall - Math.floor(instant / 1000) * 1000
}

/** Days since 1970-01-01 of a civil date, as UTC ms at midnight (proleptic Gregorian, any year). */
function civilToUtcMs(d: CivilDate): number {
  const t = new Date(0)
  t.setUTCFullYear(d.year, d.month - 1, d.day)
  t.setUTCHours(0, 0, 0, 0)
  return t.getTime()
}

function utcMsToCivil(ms: number): CivilDate {
  const t = new Date(ms)
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() }
}

export function compareCivil(a: CivilDate, b: CivilDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day
}

/** Add days to a civil date. */
export function addDays(d: CivilDate, days: number): CivilDate {
  return utcMsToCivil(civilToUtcMs(d) + days * DAY_MS)
}

/** ISO weekday of a civil date: Monday 1 … Sunday 7. */
export function isoWeekday(d: CivilDate): number {
  const w = new Date(civilToUtcMs(d)).getUTCDay()
  return w === 0 ? 7 : w
}

/** ISO 8601 week-numbering year and week (week 1 holds the year's first Thursday). */
export function isoWeek(d: CivilDate): { year: number; week: number } {
  const thursday = addDays(d, 4 - isoWeekday(d))
  const jan1 = civilToUtcMs({ year: thursday.year, month: 1, day: 1 })
  const week = Math.floor((civilToUtcMs(thursday) - jan1) / DAY_MS / 7) + 1
  return { year: thursday.year, week }
}

/** The Monday of ISO week `week` of ISO year `year`. */
export function isoWeekMonday(year: number, week: number): CivilDate {
  const jan4 = { year, month: 1, day: 4 } // always in week 1
  const monday1 = addDays(jan4, 1 - isoWeekday(jan4))
  return addDays(monday1, (week - 1) * 7)
}

/** Number of ISO weeks (52 or 53) in ISO year `year`. */
export function isoWeeksInYear(year: number): number {
  return isoWeek({ year, month: 12, day: 28 }).week
}

/**
 * The first instant of local date `d` in `timeZone`: local 00:00, or where a DST gap swallows
 * midnight, the end of the gap; where midnight happens twice, its first occurrence.
 */
export function startOfLocalDay(d: CivilDate, timeZone: string): Date {
  const wall = civilToUtcMs(d)
  // the true offset at the day's start is one of the offsets around it (at most one change per ±1 day)
  const offsets = new Set([offsetAt(wall - DAY_MS, timeZone), offsetAt(wall, timeZone), offsetAt(wall + DAY_MS, timeZone)])
  let best: number | null = null
  for (const off of offsets) {
    const candidate = wall - off
    // every instant whose local date is `d` is at or after the day's start, so the least one is it
    if (compareCivil(localDate(new Date(candidate), timeZone), d) === 0 && (best === null || candidate < best)) best = candidate
  }
  if (best === null) {
    // a day skipped entirely (e.g. Pacific/Apia, 2011-12-30): it starts where the next day starts
    return startOfLocalDay(addDays(d, 1), timeZone)
  }
  // a gap that swallows midnight: the candidate built from the offset before the gap lands exactly on
  // the transition, the day's earliest instant
  return new Date(best)
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

export function monthKeyOfCivil(d: { year: number; month: number }): string {
  return `${pad(d.year, 4)}-${pad(d.month)}`
}

/** 'YYYY-MM' of `instant` in `timeZone`. */
export function monthKeyOf(instant: Date, timeZone: string): string {
  return monthKeyOfCivil(localDate(instant, timeZone))
}

export function weekKey(year: number, week: number): string {
  return `${pad(year, 4)}-W${pad(week)}`
}

/** The week, month or year containing `instant`, in `timeZone`. */
export function periodOf(kind: PeriodKind, instant: Date, timeZone: string): Period {
  const d = localDate(instant, timeZone)
  switch (kind) {
    case 'week': {
      const { year, week } = isoWeek(d)
      return weekPeriod(year, week, timeZone)
    }
    case 'month':
      return monthPeriod(d.year, d.month, timeZone)
    case 'year':
      return yearPeriod(d.year, timeZone)
  }
}

function weekPeriod(year: number, week: number, timeZone: string): Period {
  const monday = isoWeekMonday(year, week)
  return {
    kind: 'week',
    key: weekKey(year, week),
    from: startOfLocalDay(monday, timeZone),
    to: startOfLocalDay(addDays(monday, 7), timeZone),
  }
}

function monthPeriod(year: number, month: number, timeZone: string): Period {
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 }
  return {
    kind: 'month',
    key: monthKeyOfCivil({ year, month }),
    from: startOfLocalDay({ year, month, day: 1 }, timeZone),
    to: startOfLocalDay({ ...next, day: 1 }, timeZone),
  }
}

function yearPeriod(year: number, timeZone: string): Period {
  return {
    kind: 'year',
    key: pad(year, 4),
    from: startOfLocalDay({ year, month: 1, day: 1 }, timeZone),
    to: startOfLocalDay({ year: year + 1, month: 1, day: 1 }, timeZone),
  }
}

/** Parse a period key ('2026-W47', '2026-11', '2026') back to its period; null when invalid. */
export function periodFromKey(key: string, timeZone: string): Period | null {
  let m = /^(\d{4})-W(\d{2})$/.exec(key)
  if (m) {
    const year = Number(m[1])
    const week = Number(m[2])
    if (week < 1 || week > isoWeeksInYear(year)) return null
    return weekPeriod(year, week, timeZone)
  }
  m = /^(\d{4})-(\d{2})$/.exec(key)
  if (m) {
    const month = Number(m[2])
    if (month < 1 || month > 12) return null
    return monthPeriod(Number(m[1]), month, timeZone)
  }
  m = /^(\d{4})$/.exec(key)
  if (m) return yearPeriod(Number(m[1]), timeZone)
  return null
}

/** The period just before `p` (same kind). */
export function previousPeriod(p: Period, timeZone: string): Period {
  return periodOf(p.kind, new Date(p.from.getTime() - 1), timeZone)
}

/** The period just after `p` (same kind). */
export function nextPeriod(p: Period, timeZone: string): Period {
  return periodOf(p.kind, p.to, timeZone)
}

/** 'YYYY-MM-DD' of `instant` in `timeZone`. */
export function localDateString(instant: Date, timeZone: string): string {
  const d = localDate(instant, timeZone)
  return `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`
}
