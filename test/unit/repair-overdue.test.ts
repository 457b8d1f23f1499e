import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { localDateString } from '../../src/domain/calendar.ts'
import {
  daysOverdue,
  formatLocalTime,
  isOverdue,
  isTicketOverdue,
  localDaysBetween,
  overdueDaysOf,
} from '../../src/domain/repair-overdue.ts'

const at = (iso: string) => new Date(iso)

describe('overdue in the compound time zone', () => {
  it('counts calendar days of the compound, not UTC', () => {
    // 2026-11-23 23:30 in Shanghai is 15:30 UTC the same day
    const created = at('2026-11-23T15:30:00Z')
    expect(localDateString(created, 'Asia/Shanghai')).toBe('2026-11-23')
    expect(localDaysBetween(created, at('2026-11-23T16:00:00Z'), 'Asia/Shanghai')).toBe(1) // 00:00 the 24th
    expect(localDaysBetween(created, at('2026-11-23T16:00:00Z'), 'UTC')).toBe(0)
  })

  it('a ticket reported on Monday with 7 days is on time all next Monday and overdue from Tuesday 00:00', () => {
    const created = at('2026-11-16T01:00:00Z') // Monday 09:00 Shanghai
    expect(isOverdue(created, at('2026-11-23T15:59:59Z'), 7, 'Asia/Shanghai')).toBe(false) // Mon 23:59:59
    expect(isOverdue(created, at('2026-11-23T16:00:00Z'), 7, 'Asia/Shanghai')).toBe(true) // Tue 00:00
    expect(daysOverdue(created, at('2026-11-25T16:00:00Z'), 7, 'Asia/Shanghai')).toBe(3)
    // in New York the same report was on Sunday 11-15 20:00, so it is overdue from Monday 11-23 00:00 EST
    expect(isOverdue(created, at('2026-11-23T04:59:00Z'), 7, 'America/New_York')).toBe(false)
    expect(isOverdue(created, at('2026-11-23T05:00:00Z'), 7, 'America/New_York')).toBe(true)
    expect(isOverdue(created, at('2026-11-23T05:00:00Z'), 7, 'Asia/Shanghai')).toBe(false)
  })

  it('is not fooled by a daylight-saving change', () => {
    // New York falls back on 2026-11-01: that day has 25 hours
    const created = at('2026-10-31T16:00:00Z') // Oct 31 12:00 EDT
    expect(localDaysBetween(created, at('2026-11-01T05:00:00Z'), 'America/New_York')).toBe(1) // Nov 1 00:00 EDT
    expect(localDaysBetween(created, at('2026-11-02T04:59:00Z'), 'America/New_York')).toBe(1) // Nov 1 23:59 EST
    expect(localDaysBetween(created, at('2026-11-02T05:00:00Z'), 'America/New_York')).toBe(2)
  })

  it('only tickets not yet repaired are overdue', () => {
    const t = { createdAt: at('2026-01-01T00:00:00Z') }
    const now = at('2026-03-01T00:00:00Z')
    for (const status of ['open', 'assigned', 'in_progress', 'reopened']) expect(isTicketOverdue({ ...t, status }, now, 7, 'Asia/Shanghai')).toBe(true)
    for (const status of ['done', 'confirmed', 'rejected']) expect(isTicketOverdue({ ...t, status }, now, 7, 'Asia/Shanghai')).toBe(false)
  })

  it('reads the setting, falling back to 7', () => {
    expect(overdueDaysOf({})).toBe(7)
    expect(overdueDaysOf(null)).toBe(7)
    expect(overdueDaysOf({ overdueDays: 3 })).toBe(3)
    expect(overdueDaysOf({ overdueDays: 0 })).toBe(7)
    expect(overdueDaysOf({ overdueDays: 2.5 })).toBe(7)
    expect(overdueDaysOf({ overdueDays: '3' })).toBe(7)
  })

  it('never overdue on the day of the report, always after days+1 full days', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom('Asia/Shanghai', 'America/New_York', 'Europe/London', 'UTC', 'Australia/Lord_Howe'),
        (created, days, tz) => {
          expect(isOverdue(created, created, days, tz)).toBe(false)
          expect(isOverdue(created, new Date(created.getTime() + (days + 1) * 86_400_000 + 2 * 3_600_000), days, tz)).toBe(true)
          expect(isOverdue(created, new Date(created.getTime() + (days - 1) * 86_400_000), days, tz)).toBe(false)
        },
      ),
    )
  })

  it('formats times in the compound time zone, with the year only when it differs', () => {
    const now = at('2026-11-23T02:00:00Z')
    expect(formatLocalTime(at('2026-11-23T02:05:00Z'), 'Asia/Shanghai', now)).toBe('11-23 10:05')
    expect(formatLocalTime(at('2025-12-31T16:30:00Z'), 'Asia/Shanghai', now)).toBe('01-01 00:30')
    expect(formatLocalTime(at('2025-12-31T15:30:00Z'), 'Asia/Shanghai', now)).toBe('2025-12-31 23:30')
  })
})
