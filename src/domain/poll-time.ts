// Wall-clock time in a compound's time zone, for poll deadlines: pure, no I/O, Intl only.
import { localTime, offsetAt as calendarOffsetAt } from './calendar.ts'

export interface LocalDateTime { year: number; month: number; day: number; hour: number; minute: number }

/** The wall clock of `instant` in `timeZone` (the calendar module's, shared with billing and disclosure). */
export function toLocal(instant: Date, timeZone: string): LocalDateTime & { second: number } {
  return localTime(instant, timeZone)
}

function offsetAt(instant: Date, timeZone: string): number {
  return calendarOffsetAt(instant.getTime(), timeZone)
}

/**
 * The instant a wall-clock time in `timeZone` denotes. In a DST gap the time is read with the offset
 * before the gap (i.e. it moves forward); in an overlap the earlier instant is taken.
 */
export function fromLocal(l: LocalDateTime, timeZone: string): Date {
  const wall = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute)
  let guess = wall - offsetAt(new Date(wall), timeZone)
  const second = wall - offsetAt(new Date(guess), timeZone)
  if (second !== guess) {
    const third = wall - offsetAt(new Date(second), timeZone)
    guess = third === second ? second : Math.max(guess, second)
  }
  // overlap: prefer the earlier instant that still shows the same wall clock
  const earlier = guess - 3_600_000
  const e = toLocal(new Date(earlier), timeZone)
  if (e.year === l.year && e.month === l.month && e.day === l.day && e.hour === l.hour && e.minute === l.minute) guess = earlier
  return new Date(guess)
}

/** Whether y-m-d is a real calendar date. */
export function isValidDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false
  const dim = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return day <= dim
}

const pad = (n: number) => String(n).padStart(2, '0')

/** `2026-12-01 18:00` in the compound's time zone. */
export function formatLocal(instant: Date, timeZone: string): string {
  const l = toLocal(instant, timeZone)
  return `${l.year}-${pad(l.month)}-${pad(l.day)} ${pad(l.hour)}:${pad(l.minute)}`
}

/** `2026-12-01` in the compound's time zone (reminder dedupe keys). */
export function localDateKey(instant: Date, timeZone: string): string {
  const l = toLocal(instant, timeZone)
  return `${l.year}-${pad(l.month)}-${pad(l.day)}`
}
