// Fees: the fee schedules (set and listed by 收费标准) and monthly billing — the schedules' charges for one
// month, per household, written to the ledger.
// Idempotent: every charge carries billing key `fee:<schedule>:<household>:<YYYY-MM>` (a one-off:
// `fee:<schedule>:<household>:once`), unique per compound, so running a month twice bills it once.
// Every charge carries its due date (due_at: the end of the schedule's due day in the compound's time zone,
// src/domain/billing.ts scheduleDueAt), hashed into the chain, so arrears never depend on when billing ran.
// `linli bill`: one transaction per compound (billMonth); the scheduler: many compounds per transaction, each
// its current month, with the same charges (billCurrentMonths, src/scheduler/daily.ts). Vacant households are
// billed too: the management fee follows the property, not the occupant (a committee that waives it for vacant
// homes reverses those charges).
import type { Db, Tx } from '../../db/client.ts'
import { type CompoundRow, findCompoundById } from '../../db/compounds.ts'
import { type FeeScheduleRow, feeSchedulesOf, feeSchedulesOfMany } from '../../db/fees.ts'
import { type HouseholdRow, householdsOf, householdsOfMany } from '../../db/households.ts'
import { appendLedgerEntries, appendLedgerEntriesMany } from '../../db/ledger.ts'
import { dueDayString, isMonthKey, planCharges, scheduleIsEmpty } from '../domain/billing.ts'
import { monthKeyOf } from '../domain/calendar.ts'

export { billedMonthsOf, createFeeSchedule, endFeeSchedule, type FeeScheduleRow, feeSchedulesOf } from '../../db/fees.ts'

export interface BillResult {
  compoundId: number
  month: string
  /** charges written by this run */
  charged: number
  /** charges that were already in the ledger (an earlier run) */
  alreadyBilled: number
  /** total of the charges written by this run */
  chargedFen: bigint
  households: number
  /** schedules that bill this month */
  schedules: number
  /** the local days the charges written by this run fall due on (YYYY-MM-DD), earliest first */
  dueDays: string[]
}

/** Bill `month` for one compound inside an existing transaction. */
export async function billMonthTx(tx: Tx, compoundId: number, month: string, now: Date): Promise<BillResult> {
  if (!isMonthKey(month)) throw new RangeError(`not a month (YYYY-MM): ${month}`)
  const compound = await findCompoundById(tx, compoundId)
  if (!compound) throw new Error(`no compound #${compoundId}`)
  const schedules = (await feeSchedulesOf(tx, compoundId)).filter((s) => !scheduleIsEmpty(s))
  const households = await householdsOf(tx, compoundId)
  const { planned, entries } = chargesOf(schedules, households, month, compound.timeZone, now)
  const { inserted, skipped } = await appendLedgerEntries(tx, compoundId, entries)
  return {
    compoundId,
    month,
    charged: inserted.length,
    alreadyBilled: skipped,
    chargedFen: inserted.reduce((sum, e) => sum + e.amountFen, 0n),
    households: households.length,
    schedules: new Set(planned.map((p) => p.scheduleId)).size,
    dueDays: [...new Set(inserted.map((e) => dueDayString(e.dueAt!, compound.timeZone)))].sort(),
  }
}

/** The charges of a month: what planCharges plans, as the ledger entries billing writes. */
function chargesOf(schedules: readonly FeeScheduleRow[], households: readonly HouseholdRow[], month: string, timeZone: string, now: Date) {
  const planned = planCharges(schedules, households, month, timeZone)
  const byId = new Map(schedules.map((s) => [s.id, s]))
  const entries = planned.map((p) => ({
    kind: 'charge' as const,
    householdId: p.householdId,
    amountFen: p.amountFen,
    category: 'fee',
    note: `${byId.get(p.scheduleId)!.name} ${byId.get(p.scheduleId)!.basis === 'one_off' ? '' : month}`.trim(),
    billingKey: p.billingKey,
    dueAt: p.dueAt,
    recordedBy: null,
    recordedAt: now,
  }))
  return { planned, entries }
}

/** What billCurrentMonths wrote for one compound. */
export interface CurrentMonthBill {
  month: string
  charged: number
  alreadyBilled: number
  chargedFen: bigint
}

/**
 * billMonthTx for many compounds in one transaction, each for its current month (`now` in its time zone), with a
 * fixed number of statements whatever their number: the scheduler's daily billing (src/scheduler/daily.ts).
 * The same charges, in the same order, as billMonthTx compound by compound (db/ledger.ts appendLedgerEntriesMany).
 * Compounds without a schedule for the month are left out of the result.
 */
export async function billCurrentMonths(tx: Tx, compounds: readonly CompoundRow[], now: Date): Promise<Map<number, CurrentMonthBill>> {
  const out = new Map<number, CurrentMonthBill>()
  const schedules = await feeSchedulesOfMany(tx, compounds.map((c) => c.id))
  const billing = compounds
    .map((c) => ({ compound: c, schedules: (schedules.get(c.id) ?? []).filter((s) => !scheduleIsEmpty(s)) }))
    .filter((b) => b.schedules.length > 0)
  if (billing.length === 0) return out
  const households = await householdsOfMany(tx, billing.map((b) => b.compound.id))
  const months = new Map<string, string>()
  const monthIn = (tz: string) => {
    let m = months.get(tz)
    if (!m) months.set(tz, (m = monthKeyOf(now, tz)))
    return m
  }
  const entries = new Map<number, ReturnType<typeof chargesOf>['entries']>()
  for (const b of billing) {
    const month = monthIn(b.compound.timeZone)
    entries.set(b.compound.id, chargesOf(b.schedules, households.get(b.compound.id) ?? [], month, b.compound.timeZone, now).entries)
  }
  const appended = await appendLedgerEntriesMany(tx, entries)
  for (const b of billing) {
    const a = appended.get(b.compound.id)
    out.set(b.compound.id, {
      month: monthIn(b.compound.timeZone),
      charged: a?.inserted.length ?? 0,
      alreadyBilled: a?.skipped ?? 0,
      chargedFen: (a?.inserted ?? []).reduce((sum, e) => sum + e.amountFen, 0n),
    })
  }
  return out
}

/** Bill `month` ('YYYY-MM') for one compound, in one transaction. Safe to repeat. */
export async function billMonth(db: Db, compoundId: number, month: string, now: Date): Promise<BillResult> {
  return db.transaction((tx) => billMonthTx(tx, compoundId, month, now))
}
