// Quiet hours: the local hours in which the bot posts nothing to a group that nobody asked for: poll and notice
// reminders, the opening of an election's voting and its final result, and a late (补发) disclosure after downtime
// (src/scheduler/tick.ts). A disclosure slot the committee put inside them is still posted on time.
// Pure: the clock and the time zone are passed in.
//
// compound.settings.quietHours = 'HH:MM-HH:MM' (local; the default '21:00-08:00' runs over midnight) or false
// (off). An unreadable value falls back to the default. Set and shown by `linli settings --quiet-hours`.
import { localTime } from './calendar.ts'

/** Minutes after local midnight: quiet from `from` (inclusive) to `to` (exclusive); from > to runs over midnight. */
export interface QuietHours {
  from: number
  to: number
}

export const DEFAULT_QUIET_HOURS: QuietHours = { from: 21 * 60, to: 8 * 60 }

const SPEC = /^(\d{1,2})[:：](\d{2})\s*[-–~～到至]\s*(\d{1,2})[:：](\d{2})$/

/** The quiet hours a setting value means: the hours, null when switched off, or 'invalid'. */
export function parseQuietHours(value: unknown): QuietHours | null | 'invalid' {
  if (value === undefined || value === null || value === true) return DEFAULT_QUIET_HOURS
  if (value === false) return null
  if (typeof value !== 'string') return 'invalid'
  const s = value.trim().toLowerCase()
  if (s === 'off' || s === 'false' || s === 'no' || s === '关' || s === '關') return null
  const m = SPEC.exec(s)
  if (!m) return 'invalid'
  const [h1, m1, h2, m2] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number]
  if (h1 > 23 || h2 > 23 || m1 > 59 || m2 > 59) return 'invalid'
  const from = h1 * 60 + m1
  const to = h2 * 60 + m2
  // an empty window would read as "always" or "never": refused rather than guessed
  return from === to ? 'invalid' : { from, to }
}

/** The compound's quiet hours (an unreadable setting: the default), null when switched off. */
export function quietHoursOf(settings: { quietHours?: unknown } | null | undefined): QuietHours | null {
  const q = parseQuietHours(settings?.quietHours)
  return q === 'invalid' ? DEFAULT_QUIET_HOURS : q
}

// the local minute per time zone at the instant last asked about: a tick asks for every compound at one `now`,
// and the Intl arithmetic is what thousands of compounds would otherwise cost
let minutesAt = Number.NaN
const minutes = new Map<string, number>()
function localMinute(now: Date, timeZone: string): number {
  if (now.getTime() !== minutesAt) {
    minutesAt = now.getTime()
    minutes.clear()
  }
  let m = minutes.get(timeZone)
  if (m === undefined) {
    const l = localTime(now, timeZone)
    minutes.set(timeZone, (m = l.hour * 60 + l.minute))
  }
  return m
}

/** Whether `now` falls in the quiet hours, in `timeZone`. */
export function isQuiet(now: Date, timeZone: string, quiet: QuietHours | null): boolean {
  if (!quiet) return false
  const minute = localMinute(now, timeZone)
  return quiet.from < quiet.to ? minute >= quiet.from && minute < quiet.to : minute >= quiet.from || minute < quiet.to
}

/** Whether the compound is in its quiet hours at `now` (its setting, in its zone): the one test every post that
 * nobody asked for goes through. */
export function compoundIsQuiet(compound: { timeZone: string; settings: { quietHours?: unknown } | null }, now: Date): boolean {
  return isQuiet(now, compound.timeZone, quietHoursOf(compound.settings))
}

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`

/** '21:00-08:00', or 'off': how the setting is written and shown. */
export function describeQuietHours(quiet: QuietHours | null): string {
  return quiet ? `${hhmm(quiet.from)}-${hhmm(quiet.to)}` : 'off'
}
