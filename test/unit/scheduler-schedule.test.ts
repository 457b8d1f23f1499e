// When disclosures are due: slot specs from settings, the latest slot before a moment in a time zone,
// and which period a slot discloses.
import { describe, expect, it } from 'vitest'
import { splitCoordinatorKey } from '../../src/scheduler/coordinator.ts'
import { DEFAULT_SLOTS, latestSlot, localDay, parseSlot, periodDueAt, slotsOf } from '../../src/scheduler/schedule.ts'

const SH = 'Asia/Shanghai'
const NY = 'America/New_York'

describe('slot specs', () => {
  it('reads weekly, monthly and yearly specs; false or off switches off; junk is invalid', () => {
    expect(parseSlot('week', undefined)).toEqual(DEFAULT_SLOTS.week)
    expect(parseSlot('week', 'fri 18:30')).toMatchObject({ weekday: 5, hour: 18, minute: 30 })
    expect(parseSlot('week', '7 08:00')).toMatchObject({ weekday: 7, hour: 8 })
    expect(parseSlot('week', '10:15')).toMatchObject({ weekday: 1, hour: 10, minute: 15 })
    expect(parseSlot('month', '15 20:00')).toMatchObject({ day: 15, hour: 20 })
    expect(parseSlot('year', '12-28 09:00')).toMatchObject({ month: 12, day: 28 })
    expect(parseSlot('week', false)).toBeNull()
    expect(parseSlot('month', 'off')).toBeNull()
    for (const [kind, v] of [['week', 'someday 09:00'], ['week', '25:00'], ['month', '31 09:00'], ['year', '13-01 09:00'], ['week', 42]] as const) {
      expect(parseSlot(kind, v), `${kind} ${v}`).toBe('invalid')
    }
    expect(slotsOf({ disclosure: { monthly: false, yearly: 'nonsense' } })).toEqual({
      slots: [DEFAULT_SLOTS.week, DEFAULT_SLOTS.year],
      invalid: ['yearly'],
    })
    expect(slotsOf({}).slots.map((s) => s.kind)).toEqual(['week', 'month', 'year'])
  })
})

describe('latest slot and the period it discloses', () => {
  it('weekly: Monday 09:00 local; before it, the Monday before', () => {
    const week = DEFAULT_SLOTS.week
    // Monday 2026-11-23 09:05 in Shanghai
    expect(latestSlot(week, new Date('2026-11-23T01:05:00Z'), SH).toISOString()).toBe('2026-11-23T01:00:00.000Z')
    expect(latestSlot(week, new Date('2026-11-23T01:00:00Z'), SH).toISOString()).toBe('2026-11-23T01:00:00.000Z')
    expect(latestSlot(week, new Date('2026-11-23T00:59:59Z'), SH).toISOString()).toBe('2026-11-16T01:00:00.000Z')
    // Wednesday: still last Monday
    expect(latestSlot(week, new Date('2026-11-25T12:00:00Z'), SH).toISOString()).toBe('2026-11-23T01:00:00.000Z')
    expect(periodDueAt('week', new Date('2026-11-23T01:00:00Z'), SH).key).toBe('2026-W47')
  })

  it('follows the compound time zone, including daylight saving time', () => {
    const week = DEFAULT_SLOTS.week
    // New York, Monday 2026-11-23 09:00 EST = 14:00Z
    expect(latestSlot(week, new Date('2026-11-23T14:00:00Z'), NY).toISOString()).toBe('2026-11-23T14:00:00.000Z')
    expect(latestSlot(week, new Date('2026-11-23T13:59:00Z'), NY).toISOString()).toBe('2026-11-16T14:00:00.000Z')
    // Monday 2026-03-09, the day after the switch to EDT: 09:00 = 13:00Z
    expect(latestSlot(week, new Date('2026-03-09T13:30:00Z'), NY).toISOString()).toBe('2026-03-09T13:00:00.000Z')
  })

  it('monthly on the 1st and yearly on 1 January disclose the month and the year before', () => {
    const month = DEFAULT_SLOTS.month
    const year = DEFAULT_SLOTS.year
    const dec1 = latestSlot(month, new Date('2026-12-01T02:00:00Z'), SH)
    expect(dec1.toISOString()).toBe('2026-12-01T01:00:00.000Z')
    expect(periodDueAt('month', dec1, SH).key).toBe('2026-11')
    // 2027-01-01 08:00 Shanghai: before the slot, so December's month slot is still the latest
    expect(latestSlot(month, new Date('2027-01-01T00:00:00Z'), SH).toISOString()).toBe('2026-12-01T01:00:00.000Z')
    const jan1 = latestSlot(year, new Date('2027-01-01T01:00:00Z'), SH)
    expect(periodDueAt('year', jan1, SH).key).toBe('2026')
    expect(latestSlot(year, new Date('2027-06-01T00:00:00Z'), SH).toISOString()).toBe('2027-01-01T01:00:00.000Z')
    expect(latestSlot({ ...month, day: 15, hour: 20 }, new Date('2026-11-10T00:00:00Z'), SH).toISOString()).toBe('2026-10-15T12:00:00.000Z')
  })

  it('a local day and whether the daily hour has come', () => {
    expect(localDay(new Date('2026-11-23T00:59:00Z'), SH, 9)).toEqual({ day: '2026-11-23', reached: false })
    expect(localDay(new Date('2026-11-23T01:00:00Z'), SH, 9)).toEqual({ day: '2026-11-23', reached: true })
    expect(localDay(new Date('2026-11-23T20:00:00Z'), SH, 9)).toEqual({ day: '2026-11-24', reached: false })
  })

  it('splits node-cron coordinator keys into job and fire', () => {
    expect(splitCoordinatorKey('linli-tick:2026-11-23T01:05:00.000Z')).toEqual({ job: 'linli-tick', fireKey: '2026-11-23T01:05:00.000Z' })
  })
})
