// When disclosures are due, per compound settings. Pure: the clock and the time zone are passed in. In domain/ since
// the scheduler posts by it and the supervisors' digest (src/services/oversight.ts) checks posts against it.
//
// compound.settings.disclosure = { weekly?, monthly?, yearly? }, each a time spec or false (off):
//   weekly   'mon 09:00' (default) — weekday mon…sun or 1…7 (ISO, Monday 1), then local HH:MM
//   monthly  '1 09:00'   (default) — day of month 1…28, then HH:MM
//   yearly   '01-01 09:00' (default) — MM-DD, then HH:MM
// A bare 'HH:MM' keeps the default day. An unreadable spec falls back to the default (and is reported).
//
// At a slot the summary of the last COMPLETE period before it is due: Monday 09:00 posts last week,
// the 1st at 09:00 last month, 1 January at 09:00 last year.
import { addDays, isoWeekday, localDate, type Period, type PeriodKind, periodOf, previousPeriod } from './calendar.ts'
import { fromLocal } from './poll-time.ts'

/** A post later than this after its slot is a catch-up (补发). */
export const LATE_AFTER_MS = 15 * 60_000

export interface SlotSpec {
  kind: PeriodKind
  /** week: ISO weekday 1…7 */
  weekday: number
  /** month: day 1…28; year: day of `month` */
  day: number
  /** year: 1…12 */
  month: number
  hour: number
  minute: number
}

export const DEFAULT_SLOTS: Record<PeriodKind, SlotSpec> = {
  week: { kind: 'week', weekday: 1, day: 1, month: 1, hour: 9, minute: 0 },
  month: { kind: 'month', weekday: 1, day: 1, month: 1, hour: 9, minute: 0 },
  year: { kind: 'year', weekday: 1, day: 1, month: 1, hour: 9, minute: 0 },
}

export const SETTING_OF: Record<PeriodKind, 'weekly' | 'monthly' | 'yearly'> = { week: 'weekly', month: 'monthly', year: 'yearly' }

const WEEKDAYS: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 }

/** A spec from settings: the slot, null when switched off, or 'invalid'. */
export function parseSlot(kind: PeriodKind, value: unknown): SlotSpec | null | 'invalid' {
  const def = DEFAULT_SLOTS[kind]
  if (value === undefined || value === null || value === true) return def
  if (value === false) return null
  if (typeof value !== 'string') return 'invalid'
  const s = value.trim().toLowerCase()
  if (s === 'off' || s === 'false' || s === 'no') return null
  const m = /^(?:(\S+)\s+)?(\d{1,2}):(\d{2})$/.exec(s)
  if (!m) return 'invalid'
  const hour = Number(m[2])
  const minute = Number(m[3])
  if (hour > 23 || minute > 59) return 'invalid'
  const spec: SlotSpec = { ...def, hour, minute }
  const day = m[1]
  if (day === undefined) return spec
  switch (kind) {
    case 'week': {
      const w = WEEKDAYS[day.slice(0, 3)] ?? (/^[1-7]$/.test(day) ? Number(day) : undefined)
      return w === undefined ? 'invalid' : { ...spec, weekday: w }
    }
    case 'month': {
      const d = /^\d{1,2}$/.test(day) ? Number(day) : 0
      return d >= 1 && d <= 28 ? { ...spec, day: d } : 'invalid'
    }
    case 'year': {
      const md = /^(\d{1,2})-(\d{1,2})$/.exec(day)
      if (!md) return 'invalid'
      const month = Number(md[1])
      const d = Number(md[2])
      return month >= 1 && month <= 12 && d >= 1 && d <= 28 ? { ...spec, month, day: d } : 'invalid'
    }
  }
}

export interface CompoundSlots {
  slots: SlotSpec[]
  /** settings that could not be read (the default was used) */
  invalid: string[]
}

/** The compound's disclosure slots (weekly, monthly, yearly unless switched off). */
export function slotsOf(settings: { disclosure?: unknown } | null | undefined): CompoundSlots {
  const d = settings?.disclosure
  const conf = d && typeof d === 'object' ? (d as Record<string, unknown>) : {}
  const slots: SlotSpec[] = []
  const invalid: string[] = []
  for (const kind of ['week', 'month', 'year'] as const) {
    const s = parseSlot(kind, conf[SETTING_OF[kind]])
    if (s === 'invalid') {
      invalid.push(SETTING_OF[kind])
      slots.push(DEFAULT_SLOTS[kind])
    } else if (s) slots.push(s)
  }
  return { slots, invalid }
}

/** The latest slot at or before `now`, in `timeZone`. */
export function latestSlot(spec: SlotSpec, now: Date, timeZone: string): Date {
  const today = localDate(now, timeZone)
  const at = (d: { year: number; month: number; day: number }) => fromLocal({ ...d, hour: spec.hour, minute: spec.minute }, timeZone)
  switch (spec.kind) {
    case 'week':
      for (let i = 0; i <= 7; i++) {
        const d = addDays(today, -i)
        if (isoWeekday(d) !== spec.weekday) continue
        const s = at(d)
        if (s.getTime() <= now.getTime()) return s
      }
      break
    case 'month':
      for (let i = 0; i <= 1; i++) {
        const index = today.year * 12 + (today.month - 1) - i
        const s = at({ year: Math.floor(index / 12), month: (index % 12) + 1, day: spec.day })
        if (s.getTime() <= now.getTime()) return s
      }
      break
    case 'year':
      for (let i = 0; i <= 1; i++) {
        const s = at({ year: today.year - i, month: spec.month, day: spec.day })
        if (s.getTime() <= now.getTime()) return s
      }
      break
  }
  throw new Error(`no slot before ${now.toISOString()}`) // unreachable: a slot repeats within 7 days / 1 month / 1 year
}

/** The period whose summary is due at `slot`: the last complete one before it. */
export function periodDueAt(kind: PeriodKind, slot: Date, timeZone: string): Period {
  return previousPeriod(periodOf(kind, slot, timeZone), timeZone)
}

/** A local 'YYYY-MM-DD' day key and whether the local time of `now` is at or after `hour`:00. */
export function localDay(now: Date, timeZone: string, hour: number): { day: string; reached: boolean } {
  const d = localDate(now, timeZone)
  const pad = (n: number) => String(n).padStart(2, '0')
  const hourStart = fromLocal({ ...d, hour, minute: 0 }, timeZone)
  return { day: `${d.year}-${pad(d.month)}-${pad(d.day)}`, reached: now.getTime() >= hourStart.getTime() }
}
