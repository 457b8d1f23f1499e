// Overdue repair tickets, counted in whole calendar days of the compound's time zone. Pure: the
// clock and the time zone are passed in (ctx.now, compound.timeZone), so tests and the disclosure
// summary get the same answer.
import { localTime } from './calendar.ts'
import { isActive } from './repair-status.ts'

export const DEFAULT_OVERDUE_DAYS = 7

/** compound.settings.overdueDays when it is a sensible whole number (1..365), else 7. */
export function overdueDaysOf(settings: { overdueDays?: unknown } | null | undefined): number {
  const d = settings?.overdueDays
  return typeof d === 'number' && Number.isInteger(d) && d >= 1 && d <= 365 ? d : DEFAULT_OVERDUE_DAYS
}

function dayNumber(d: Date, timeZone: string): number {
  const p = localTime(d, timeZone)
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
  const p = localTime(d, timeZone)
  const pad = (n: number) => String(n).padStart(2, '0')
  const md = `${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`
  return p.year === localTime(now, timeZone).year ? md : `${p.year}-${md}`
}
