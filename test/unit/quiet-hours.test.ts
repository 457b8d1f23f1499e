import { describe, expect, it } from 'vitest'
import { DEFAULT_QUIET_HOURS, describeQuietHours, isQuiet, parseQuietHours, quietHoursOf } from '../../src/domain/quiet-hours.ts'

const SH = 'Asia/Shanghai'
/** a Shanghai wall-clock time on 2026-11-23 */
const at = (hhmm: string) => new Date(`2026-11-23T${hhmm}:00+08:00`)

describe('quiet hours', () => {
  it('reads the setting: default 21:00-08:00, off, or HH:MM-HH:MM', () => {
    expect(parseQuietHours(undefined)).toEqual(DEFAULT_QUIET_HOURS)
    expect(describeQuietHours(DEFAULT_QUIET_HOURS)).toBe('21:00-08:00')
    expect(parseQuietHours(false)).toBeNull()
    expect(parseQuietHours('off')).toBeNull()
    expect(parseQuietHours('22:30-07:00')).toEqual({ from: 22 * 60 + 30, to: 7 * 60 })
    expect(parseQuietHours('12：00～14：00')).toEqual({ from: 12 * 60, to: 14 * 60 })
    for (const bad of ['21:00', '25:00-08:00', '21:00-08:60', '08:00-08:00', 'night', 7]) expect(parseQuietHours(bad), String(bad)).toBe('invalid')
    expect(quietHoursOf({ quietHours: 'night' })).toEqual(DEFAULT_QUIET_HOURS)
    expect(quietHoursOf({ quietHours: false })).toBeNull()
    expect(describeQuietHours(null)).toBe('off')
  })

  it('is quiet from the start (inclusive) to the end (exclusive), over midnight too, in the compound time zone', () => {
    const q = DEFAULT_QUIET_HOURS
    expect(['20:59', '08:00', '09:00', '12:00'].map((t) => isQuiet(at(t), SH, q))).toEqual([false, false, false, false])
    expect(['21:00', '23:59', '00:00', '07:59'].map((t) => isQuiet(at(t), SH, q))).toEqual([true, true, true, true])
    const noon = { from: 12 * 60, to: 14 * 60 }
    expect(['11:59', '12:00', '13:59', '14:00'].map((t) => isQuiet(at(t), SH, noon))).toEqual([false, true, true, false])
    // 09:00 in Shanghai is 20:00 the evening before in New York
    expect(isQuiet(at('09:00'), 'America/New_York', q)).toBe(false)
    expect(isQuiet(at('10:00'), 'America/New_York', q)).toBe(true)
    expect(isQuiet(at('23:00'), SH, null)).toBe(false)
  })
})
