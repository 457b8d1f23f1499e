// Billing arithmetic: month keys, which schedule bills which month, how much, when it falls due, and what a
// household owes at an instant (overdue / not yet due / paid in advance). Pure, no I/O.
import { localDateString, startOfLocalDay } from './calendar.ts'
import { feeForArea } from './money.ts'

export type FeeBasis = 'per_m2_month' | 'per_household_month' | 'one_off'

export interface ScheduleLike {
  id: number
  basis: FeeBasis
  /** fen per m² per month, fen per household per month, or fen per household once */
  rateFen: bigint
  /** first month billed, 'YYYY-MM' */
  startMonth: string
  /** last month billed, 'YYYY-MM'; null = open-ended */
  endMonth: string | null
  /** day of the billed month a charge falls due (1–31, clamped to the month's length); null = the last day */
  dueDay?: number | null
}

export interface HouseholdLike {
  id: number
  /** centi-m² (1 m² = 100) */
  areaCentiM2: bigint
}

const MONTH_KEY = /^(\d{4})-(0[1-9]|1[0-2])$/

/** 'YYYY-MM' with a month 01–12 and a year from 2000 to 2999. */
export function isMonthKey(s: string): boolean {
  const m = MONTH_KEY.exec(s)
  return m !== null && Number(m[1]) >= 2000 && Number(m[1]) <= 2999
}

/** Months since year 0: comparable and addable. */
export function monthIndex(key: string): number {
  const m = MONTH_KEY.exec(key)
  if (!m) throw new RangeError(`not a month key: ${key}`)
  return Number(m[1]) * 12 + Number(m[2]) - 1
}

export function monthFromIndex(i: number): string {
  const year = Math.floor(i / 12)
  const month = (i % 12) + 1
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`
}

export function addMonths(key: string, n: number): string {
  return monthFromIndex(monthIndex(key) + n)
}

export function compareMonths(a: string, b: string): number {
  return monthIndex(a) - monthIndex(b)
}

/**
 * A month as a person types it, relative to `current` ('YYYY-MM', the compound's current month):
 * `2026-12`, `2026-1`, `2026/12`, `2026.12`, `2026年12月`, `202612`, and `12月` / `12` (the next
 * such month at or after the current one). Input is expected NFKC-normalized (full-width digits folded).
 * Returns 'YYYY-MM' or null.
 */
export function parseMonthInput(input: string, current: string): string | null {
  const s = input.trim().replace(/\s+/g, '')
  let m = /^(\d{4})(?:[-/.年])(\d{1,2})月?(?:份)?$/.exec(s) ?? /^(\d{4})(\d{2})$/.exec(s)
  if (m) {
    const key = `${m[1]}-${m[2]!.padStart(2, '0')}`
    return isMonthKey(key) ? key : null
  }
  m = /^(\d{1,2})月?(?:份)?$/.exec(s)
  if (m) {
    const month = Number(m[1])
    if (month < 1 || month > 12) return null
    const year = Number(current.slice(0, 4))
    const sameYear = `${current.slice(0, 4)}-${String(month).padStart(2, '0')}`
    return compareMonths(sameYear, current) >= 0 ? sameYear : `${year + 1}-${String(month).padStart(2, '0')}`
  }
  return null
}

/** Whether `schedule` bills `month`: monthly bases in [start, end]; a one-off in any run from its start (once). */
export function scheduleBillsMonth(schedule: ScheduleLike, month: string): boolean {
  if (compareMonths(month, schedule.startMonth) < 0) return false
  if (schedule.endMonth !== null && compareMonths(month, schedule.endMonth) > 0) return false
  return true
}

/** Whether a schedule's range is empty (superseded before it started). */
export function scheduleIsEmpty(schedule: Pick<ScheduleLike, 'startMonth' | 'endMonth'>): boolean {
  return schedule.endMonth !== null && compareMonths(schedule.endMonth, schedule.startMonth) < 0
}

/** The charge of one household for one billing of the schedule, in fen (rounded half-up for per-m² fees). */
export function chargeFor(schedule: Pick<ScheduleLike, 'basis' | 'rateFen'>, household: HouseholdLike): bigint {
  switch (schedule.basis) {
    case 'per_m2_month':
      return feeForArea(schedule.rateFen, household.areaCentiM2)
    case 'per_household_month':
    case 'one_off':
      return schedule.rateFen
  }
}

/** Idempotency key of a generated charge: `fee:<schedule>:<household>:<YYYY-MM>`, or `…:once` for a one-off. */
export function billingKeyFor(schedule: Pick<ScheduleLike, 'id' | 'basis'>, householdId: number, month: string): string {
  return `fee:${schedule.id}:${householdId}:${schedule.basis === 'one_off' ? 'once' : month}`
}

/** The month a billing key bills, or 'once'; null when it is not a fee key. */
export function monthOfBillingKey(key: string): string | null {
  const m = /^fee:\d+:\d+:(\d{4}-\d{2}|once)$/.exec(key)
  return m ? m[1]! : null
}

export interface PlannedCharge {
  scheduleId: number
  householdId: number
  amountFen: bigint
  billingKey: string
  /** when the charge becomes overdue (scheduleDueAt) */
  dueAt: Date
}

/**
 * Every charge the schedules make for `month` over `households` (vacant ones included: the fee
 * follows the property, not the occupant), with its due date in the compound's `timeZone`. Zero charges
 * (e.g. a rounding to 0 fen) are left out.
 */
export function planCharges(
  schedules: readonly ScheduleLike[],
  households: readonly HouseholdLike[],
  month: string,
  timeZone: string,
): PlannedCharge[] {
  const out: PlannedCharge[] = []
  for (const s of schedules) {
    if (!scheduleBillsMonth(s, month)) continue
    const dueAt = scheduleDueAt(s, month, timeZone)
    for (const h of households) {
      const amountFen = chargeFor(s, h)
      if (amountFen <= 0n) continue
      out.push({ scheduleId: s.id, householdId: h.id, amountFen, billingKey: billingKeyFor(s, h.id, month), dueAt })
    }
  }
  return out
}

// ---- due dates and what is owed ---------------------------------------------------------------
//
// A charge falls due at the end of its due day in the compound's time zone: it is overdue from the next local
// midnight. A household is in arrears (逾期) only for charges past due; a charge recorded but not yet due is
// 待缴（未到期）. Every place that prints arrears (查费, 欠费, the disclosure, the CLI) goes through chargeDueAt
// and duesOf below, so they cannot disagree (docs/LEDGER.md "Due dates and arrears").

const DUE_DAY_MIN = 1
const DUE_DAY_MAX = 31

export function isDueDay(n: number): boolean {
  return Number.isInteger(n) && n >= DUE_DAY_MIN && n <= DUE_DAY_MAX
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/**
 * When a charge for `month` with due day `dueDay` becomes overdue: 00:00 local after the due day (the day clamped
 * to the month's length; null = the month's last day), in `timeZone`.
 */
export function dueAtFor(dueDay: number | null | undefined, month: string, timeZone: string): Date {
  const i = monthIndex(month)
  const year = Math.floor(i / 12)
  const m = (i % 12) + 1
  const last = daysInMonth(year, m)
  const day = dueDay == null ? last : Math.min(Math.max(dueDay, 1), last)
  // the day after the due day, as a civil date (the 1st of the next month after the last day)
  const next = day < last ? { year, month: m, day: day + 1 } : m === 12 ? { year: year + 1, month: 1, day: 1 } : { year, month: m + 1, day: 1 }
  return startOfLocalDay(next, timeZone)
}

/** When `schedule`'s charge billed for `month` falls due: in the month billed, or a one-off in its start month. */
export function scheduleDueAt(schedule: Pick<ScheduleLike, 'basis' | 'startMonth' | 'dueDay'>, month: string, timeZone: string): Date {
  return dueAtFor(schedule.dueDay, schedule.basis === 'one_off' ? schedule.startMonth : month, timeZone)
}

/**
 * When a ledger charge falls due — THE rule: its due_at; for a charge written before due dates existed (due_at
 * null), the end of the month its billing key bills, or (a one-off key, or a charge with no key) the end of the
 * local month it was recorded in.
 */
export function chargeDueAt(c: { dueAt: Date | null; billingKey: string | null; recordedAt: Date }, timeZone: string): Date {
  if (c.dueAt) return c.dueAt
  const billed = c.billingKey ? monthOfBillingKey(c.billingKey) : null
  const month = billed && billed !== 'once' ? billed : localDateString(c.recordedAt, timeZone).slice(0, 7)
  return dueAtFor(null, month, timeZone)
}

/** The as-of instant for "now": entries recorded in this very millisecond (this message's own) are included. */
export function asOfNow(now: Date): Date {
  return new Date(now.getTime() + 1)
}

/** The local day (YYYY-MM-DD) a charge due at `dueAt` is due on: the day that ends at that instant. */
export function dueDayString(dueAt: Date, timeZone: string): string {
  return localDateString(new Date(dueAt.getTime() - 1), timeZone)
}

export interface Dues {
  /** charges due by the instant, not covered by payments (逾期) */
  overdueFen: bigint
  /** charges not yet due, not covered by what is left of the payments (待缴，未到期) */
  pendingFen: bigint
  /** payments beyond every charge (预缴) */
  prepaidFen: bigint
  /** when the oldest unpaid overdue charge fell due; null when nothing is overdue */
  overdueSince: Date | null
  /** when the first unpaid charge not yet due falls due; null when none */
  nextDueAt: Date | null
}

/**
 * What a household owes at instant `at`, from its charges recorded before `at` (net of reversals; any order) and
 * what it paid before `at` (net of reversals). Payments settle the charges that fall due first (FIFO by due date,
 * then in the order given); a charge is overdue when `dueAt <= at`. Overdue = max(0, due − paid); a surplus
 * goes to the charges not yet due, and what is left is paid in advance.
 */
export function duesOf<C extends { amountFen: bigint; dueAt: Date }>(charges: readonly C[], paidFen: bigint, at: Date): Dues {
  const sorted = charges.map((c, k) => ({ c, k })).sort((a, b) => a.c.dueAt.getTime() - b.c.dueAt.getTime() || a.k - b.k).map((x) => x.c)
  const due = sorted.filter((c) => c.dueAt.getTime() <= at.getTime())
  const notDue = sorted.filter((c) => c.dueAt.getTime() > at.getTime())
  const sum = (list: readonly C[]) => list.reduce((s, c) => s + c.amountFen, 0n)
  const dueFen = sum(due)
  const notDueFen = sum(notDue)
  const overdueFen = dueFen > paidFen ? dueFen - paidFen : 0n
  const surplus = paidFen > dueFen ? paidFen - dueFen : 0n
  const pendingFen = notDueFen > surplus ? notDueFen - surplus : 0n
  const prepaidFen = surplus > notDueFen ? surplus - notDueFen : 0n
  return {
    overdueFen,
    pendingFen,
    prepaidFen,
    overdueSince: overdueFen > 0n ? firstUnpaidCharge(due, paidFen).dueAt : null,
    nextDueAt: pendingFen > 0n ? firstUnpaidCharge(notDue, surplus).dueAt : null,
  }
}

// ---- amounts and categories ------------------------------------------------------------------

/** The compound's largest accepted amount: settings.maxAmountFen (a string of digits) or DEFAULT_MAX_FEN. */
export function maxAmountFen(settings: { maxAmountFen?: unknown } | null | undefined, fallback: bigint): bigint {
  const v = settings?.maxAmountFen
  if (typeof v === 'string' && /^\d{1,18}$/.test(v) && BigInt(v) > 0n) return BigInt(v)
  return fallback
}

const EXPENSE_CATEGORIES = ['cleaning', 'repair', 'utilities', 'greenery', 'security', 'office', 'other'] as const
const INCOME_CATEGORIES = ['parking', 'advertising', 'lease', 'other'] as const
export type ExpenseCategory = (typeof EXPENSE_CATEGORIES)[number]
export type IncomeCategory = (typeof INCOME_CATEGORIES)[number]

// First match wins: utilities before repair so 电费 is not an electrician's repair.
const EXPENSE_WORDS: [ExpenseCategory, RegExp][] = [
  ['utilities', /电费|電費|水费|水費|公共用电|公共用電|公摊|公攤|electricity bill|water bill|utilit/i],
  ['cleaning', /保洁|保潔|清洁|清潔|打扫|打掃|垃圾|清运|清運|消杀|消殺|clean|garbage|rubbish|trash/i],
  ['greenery', /绿化|綠化|修剪|树|樹|草|花木|green|garden|tree|lawn/i],
  ['security', /保安|门卫|門衛|监控|監控|门禁|門禁|巡逻|巡邏|secur|guard|cctv/i],
  ['office', /打印|复印|影印|文具|公示栏|公示欄|宣传栏|宣傳欄|纸|紙|office|print|stationery|notice board/i],
  ['repair', /修|换|換|更换|更換|电工|電工|水管|管道|疏通|灯|燈|锁|鎖|维护|維護|材料|repair|fix|replace|plumb|electrician|lamp|light|lock|pipe|drain/i],
]

const INCOME_WORDS: [IncomeCategory, RegExp][] = [
  ['parking', /停车|停車|车位|車位|parking/i],
  ['advertising', /广告|廣告|ad(vert)?s?\b|advertis/i],
  ['lease', /租|场地|場地|lease|rent/i],
]

/** A category for an expense from its description (a linked repair ticket makes it `repair`). */
export function guessExpenseCategory(text: string, hasTicket = false): ExpenseCategory {
  if (hasTicket) return 'repair'
  for (const [cat, re] of EXPENSE_WORDS) if (re.test(text)) return cat
  return 'other'
}

export function guessIncomeCategory(text: string): IncomeCategory {
  for (const [cat, re] of INCOME_WORDS) if (re.test(text)) return cat
  return 'other'
}

/** The order of an arrears list: the longest overdue first, then the larger amount, then by room. */
export function compareArrears(a: { overdueSince: Date; owedFen: bigint; code: string }, b: { overdueSince: Date; owedFen: bigint; code: string }): number {
  return (
    a.overdueSince.getTime() - b.overdueSince.getTime() || (b.owedFen > a.owedFen ? 1 : b.owedFen < a.owedFen ? -1 : 0) || a.code.localeCompare(b.code)
  )
}

/**
 * Payments settle the oldest charges first: the first charge (of `charges`, oldest first) that `paidFen` does
 * not cover in full — where a household's arrears begin. The last charge when the payments cover them all.
 */
export function firstUnpaidCharge<C extends { amountFen: bigint }>(charges: readonly C[], paidFen: bigint): C {
  let paid = paidFen
  for (const c of charges) {
    if (paid < c.amountFen) return c
    paid -= c.amountFen
  }
  return charges[charges.length - 1]!
}
