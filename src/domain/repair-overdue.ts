// Overdue repair tickets, counted in whole calendar days of the compound's time zone. Pure: the
// clock and the time zone are passed in (ctx.now, compound.timeZone), so tests and the disclosure
// summary get the same answer.
import { isActive } from './repair-status.ts'

export const DEFAULT_OVERDUE_DAYS = 7

/** compound.settings.overdueDays when it is a sensible whole number (1..365), else 7. */
export function overdueDaysOf(settings: { overdueDays?: unknown } | null | undefined): number {
  const d = settings?.overdueDays
  return typeof d === 'number' && Number.isInteger(d) && d >= 1 && d <= 365 ? d : DEFAULT_OVERDUE_DAYS
}

const dateFormats = new Map<string, Intl.DateTimeFormat>()
function dateFormat(timeZone: string): Intl.DateTimeFormat {
  let f = dateFormats.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
    dateFormats.set(timeZone, f)
  }
  return f
}

interface LocalParts {
  year: number
  month: number
  day: number
  hour: number
  minute: number
}

function localParts(d: Date, timeZone: string): LocalParts {
  const parts = Object.fromEntries(dateFormat(timeZone).formatToParts(d).map((p) => [p.type, p.value]))
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
  }
}

/** The calendar date of `d` in `timeZone`, as `YYYY-MM-DD`. */
export function localDate(d: Date, timeZone: string): string {
  const p = localParts(d, timeZone)
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`
}

function dayNumber(d: Date, timeZone: string): number {
  const p = localParts(d, timeZone)
  return Date.UTC(p.year, p.month - 1, p.day) / 86_400_000
}

/** Whole calendar days from `from` to `to` in `timeZone` (same local day = 0). */
export function localDaysBetween(from: Date, to: Date, timeZone: string): number {
  return dayNumber(to, timeZone) - dayNumber(from, timeZone)
}

/**
 * A ticket reported on local day D may take `days` days: it is overdue from local day D + days + 1.
 * (Reported Monday with 7 days: still on time all of next Monday, overdue from next Tuesday 00:00.)
 * The caller decides whether the ticket is still unrepaired; see isTicketOverdue.
 */
export function isOverdue(createdAt: Date, now: Date, days: number, timeZone: string): boolean {
  return localDaysBetween(createdAt, now, timeZone) > days
}

/** Days past the limit (0 when not overdue). */
export function daysOverdue(createdAt: Date, now: Date, days: number, timeZone: string): number {
  return Math.max(0, localDaysBetween(createdAt, now, timeZone) - days)
}

/** Overdue and not yet repaired (open, assigned, in progress or reopened). */
export function isTicketOverdue(
  ticket: { status: string; createdAt: Date },
  now: Date,
  days: number,
  timeZone: string,
): boolean {
  return isActive(ticket.status) && isOverdue(ticket.createdAt, now, days, timeZone)
}

/** `11-23 10:05` in the compound's time zone; with the year when it is not the year of `now`. */
export function formatLocalTime(d: Date, timeZone: string, now: Date): string {
  const p = localParts(d, timeZone)
  const pad = (n: number) => String(n).padStart(2, '0')
  const md = `${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`
  return p.year === localParts(now, timeZone).year ? md : `${p.year}-${md}`
}
