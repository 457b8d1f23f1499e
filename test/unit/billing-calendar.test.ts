// src/domain/calendar.ts: ISO weeks, months and years in a compound's zone, DST-safe.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  addDays,
  compareCivil,
  isoWeek,
  isoWeekMonday,
  isoWeeksInYear,
  localDate,
  localDateString,
  localTime,
  monthKeyOf,
  nextPeriod,
  periodFromKey,
  periodOf,
  previousPeriod,
  startOfLocalDay,
} from '../../src/domain/calendar.ts'

const SH = 'Asia/Shanghai'
const NY = 'America/New_York'
const iso = (d: Date) => d.toISOString()

describe('calendar: Asia/Shanghai (no DST)', () => {
  const now = new Date('2026-11-23T02:00:00Z') // Monday 10:00 local

  it('week: ISO week, Monday 00:00 local to next Monday', () => {
    const p = periodOf('week', now, SH)
    expect(p.key).toBe('2026-W48')
    expect(iso(p.from)).toBe('2026-11-22T16:00:00.000Z')
    expect(iso(p.to)).toBe('2026-11-29T16:00:00.000Z')
  })

  it('Sunday 23:59 local is still the previous week; Monday 00:00 local the next', () => {
    expect(periodOf('week', new Date('2026-11-22T15:59:59.999Z'), SH).key).toBe('2026-W47')
    expect(periodOf('week', new Date('2026-11-22T16:00:00.000Z'), SH).key).toBe('2026-W48')
  })

  it('month and year', () => {
    const m = periodOf('month', now, SH)
    expect(m).toMatchObject({ kind: 'month', key: '2026-11' })
    expect(iso(m.from)).toBe('2026-10-31T16:00:00.000Z')
    expect(iso(m.to)).toBe('2026-11-30T16:00:00.000Z')
    const y = periodOf('year', now, SH)
    expect(y.key).toBe('2026')
    expect(iso(y.from)).toBe('2025-12-31T16:00:00.000Z')
    expect(iso(y.to)).toBe('2026-12-31T16:00:00.000Z')
  })

  it('the local date decides, not the UTC date', () => {
    // 2026-11-30T17:00Z is already 1 December in Shanghai
    expect(monthKeyOf(new Date('2026-11-30T17:00:00Z'), SH)).toBe('2026-12')
    expect(monthKeyOf(new Date('2026-11-30T17:00:00Z'), 'UTC')).toBe('2026-11')
    expect(localDateString(new Date('2026-11-30T17:00:00Z'), SH)).toBe('2026-12-01')
  })

  it('December: the month ends at the next year', () => {
    const p = periodOf('month', new Date('2026-12-15T00:00:00Z'), SH)
    expect(p.key).toBe('2026-12')
    expect(iso(p.to)).toBe('2026-12-31T16:00:00.000Z')
  })
})

describe('calendar: ISO weeks', () => {
  it.each([
    ['2026-01-01', 2026, 1], // Thursday
    ['2027-01-01', 2026, 53], // Friday: still the last week of 2026
    ['2027-01-04', 2027, 1],
    ['2021-01-03', 2020, 53],
    ['2024-12-30', 2025, 1], // Monday belonging to next year's week 1
    ['2026-11-23', 2026, 48],
    ['2026-12-31', 2026, 53],
  ])('%s is week %i-W%i', (s, year, week) => {
    const [y, m, d] = s.split('-').map(Number) as [number, number, number]
    expect(isoWeek({ year: y, month: m, day: d })).toEqual({ year, week })
  })

  it('weeks per year', () => {
    expect(isoWeeksInYear(2026)).toBe(53)
    expect(isoWeeksInYear(2025)).toBe(52)
    expect(isoWeeksInYear(2020)).toBe(53)
  })

  it('year-end week spans two calendar years', () => {
    const p = periodOf('week', new Date('2027-01-01T04:00:00Z'), SH)
    expect(p.key).toBe('2026-W53')
    expect(localDateString(p.from, SH)).toBe('2026-12-28')
    expect(localDateString(p.to, SH)).toBe('2027-01-04')
  })

  it('property: the Monday of a date’s week is a Monday ≤ date < Monday + 7, and round-trips', () => {
    fc.assert(
      fc.property(fc.integer({ min: -200_000, max: 200_000 }), (n) => {
        const d = addDays({ year: 2000, month: 1, day: 1 }, n)
        const { year, week } = isoWeek(d)
        const monday = isoWeekMonday(year, week)
        expect(compareCivil(monday, d)).toBeLessThanOrEqual(0)
        expect(compareCivil(d, addDays(monday, 7))).toBeLessThan(0)
        expect(week).toBeGreaterThanOrEqual(1)
        expect(week).toBeLessThanOrEqual(isoWeeksInYear(year))
      }),
      { numRuns: 500 },
    )
  })
})

describe('calendar: America/New_York (DST)', () => {
  it('spring forward: the week containing the change lasts 167 hours', () => {
    // DST starts Sunday 2026-03-08 02:00 local
    const p = periodOf('week', new Date('2026-03-05T12:00:00Z'), NY)
    expect(p.key).toBe('2026-W10')
    expect(iso(p.from)).toBe('2026-03-02T05:00:00.000Z') // Monday 00:00 EST
    expect(iso(p.to)).toBe('2026-03-09T04:00:00.000Z') // Monday 00:00 EDT
    expect((p.to.getTime() - p.from.getTime()) / 3_600_000).toBe(167)
  })

  it('fall back: November has 30 days and one hour', () => {
    const p = periodOf('month', new Date('2026-11-15T12:00:00Z'), NY)
    expect(iso(p.from)).toBe('2026-11-01T04:00:00.000Z') // 00:00 EDT
    expect(iso(p.to)).toBe('2026-12-01T05:00:00.000Z') // 00:00 EST
    expect((p.to.getTime() - p.from.getTime()) / 3_600_000).toBe(30 * 24 + 1)
  })

  it('local midnight of the change days', () => {
    expect(iso(startOfLocalDay({ year: 2026, month: 3, day: 8 }, NY))).toBe('2026-03-08T05:00:00.000Z')
    expect(iso(startOfLocalDay({ year: 2026, month: 3, day: 9 }, NY))).toBe('2026-03-09T04:00:00.000Z')
    expect(iso(startOfLocalDay({ year: 2026, month: 11, day: 1 }, NY))).toBe('2026-11-01T04:00:00.000Z')
    expect(iso(startOfLocalDay({ year: 2026, month: 11, day: 2 }, NY))).toBe('2026-11-02T05:00:00.000Z')
  })
})

describe('calendar: zones where DST swallows midnight', () => {
  it('America/Havana: 2026-03-08 starts at 01:00 local (the gap)', () => {
    const start = startOfLocalDay({ year: 2026, month: 3, day: 8 }, 'America/Havana')
    expect(localDateString(start, 'America/Havana')).toBe('2026-03-08')
    expect(localTime(start, 'America/Havana').hour).toBe(1)
    expect(localDateString(new Date(start.getTime() - 1), 'America/Havana')).toBe('2026-03-07')
  })
})

const ZONES = [SH, NY, 'UTC', 'Europe/London', 'Australia/Lord_Howe', 'America/Havana', 'America/Santiago', 'Asia/Kolkata', 'Pacific/Chatham', 'Asia/Beirut']

describe('calendar: properties in many zones', () => {
  const instant = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2060, 0, 1) }).map((n) => new Date(n))
  const zone = fc.constantFrom(...ZONES)
  const kind = fc.constantFrom('week' as const, 'month' as const, 'year' as const)

  it('a period contains its instant, starts at a local day start, and neighbours tile', () => {
    fc.assert(
      fc.property(instant, zone, kind, (at, tz, k) => {
        const p = periodOf(k, at, tz)
        expect(p.from.getTime()).toBeLessThanOrEqual(at.getTime())
        expect(at.getTime()).toBeLessThan(p.to.getTime())
        // the instant before `from` is on an earlier local date
        expect(compareCivil(localDate(new Date(p.from.getTime() - 1), tz), localDate(p.from, tz))).toBeLessThan(0)
        expect(nextPeriod(p, tz).from.getTime()).toBe(p.to.getTime())
        expect(previousPeriod(p, tz).to.getTime()).toBe(p.from.getTime())
        expect(periodFromKey(p.key, tz)).toEqual(p)
        if (k === 'week') expect(localTime(p.from, tz).weekday).toBe(1)
        if (k === 'month') expect(localDate(p.from, tz).day).toBe(1)
      }),
      { numRuns: 400 },
    )
  })

  it('startOfLocalDay is the first instant of that date', () => {
    fc.assert(
      fc.property(instant, zone, (at, tz) => {
        const d = localDate(at, tz)
        const s = startOfLocalDay(d, tz)
        expect(localDate(s, tz)).toEqual(d)
        expect(compareCivil(localDate(new Date(s.getTime() - 1), tz), d)).toBeLessThan(0)
        expect(s.getTime()).toBeLessThanOrEqual(at.getTime())
      }),
      { numRuns: 400 },
    )
  })
})

describe('periodFromKey', () => {
  it('refuses invalid keys', () => {
    for (const k of ['2026-13', '2026-00', '2025-W53', '2026-W00', '26-11', '2026-1', 'x']) expect(periodFromKey(k, SH)).toBeNull()
    expect(periodFromKey('2026-W53', SH)?.key).toBe('2026-W53')
  })
})
