// Fees: the fee schedules (set and listed by 收费标准) and monthly billing — the schedules' charges for one
// month, per household, written to the ledger.
// Idempotent: every charge carries billing key `fee:<schedule>:<household>:<YYYY-MM>` (a one-off:
// `fee:<schedule>:<household>:once`), unique per compound, so running a month twice bills it once.
// Every charge carries its due date (due_at: the end of the schedule's due day in the compound's time zone,
// src/domain/billing.ts scheduleDueAt), hashed into the chain, so arrears never depend on when billing ran.
// One transaction per compound. Vacant households are billed too: the management fee follows the
// property, not the occupant (a committee that waives it for vacant homes reverses those charges).
// Called by the scheduler (src/scheduler/tick.ts, daily for the current month) and by `linli bill`.
import type { Db, Tx } from '../../db/client.ts'
import { findCompoundById } from '../../db/compounds.ts'
import { feeSchedulesOf } from '../../db/fees.ts'
import { householdsOf } from '../../db/households.ts'
import { appendLedgerEntries } from '../../db/ledger.ts'
import { dueDayString, isMonthKey, planCharges, scheduleIsEmpty } from '../domain/billing.ts'

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
  const planned = planCharges(schedules, households, month, compound.timeZone)
  const byId = new Map(schedules.map((s) => [s.id, s]))
  const { inserted, skipped } = await appendLedgerEntries(
    tx,
    compoundId,
    planned.map((p) => ({
      kind: 'charge' as const,
      householdId: p.householdId,
      amountFen: p.amountFen,
      category: 'fee',
      note: `${byId.get(p.scheduleId)!.name} ${byId.get(p.scheduleId)!.basis === 'one_off' ? '' : month}`.trim(),
      billingKey: p.billingKey,
      dueAt: p.dueAt,
      recordedBy: null,
      recordedAt: now,
    })),
  )
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

/** Bill `month` ('YYYY-MM') for one compound, in one transaction. Safe to repeat. */
export async function billMonth(db: Db, compoundId: number, month: string, now: Date): Promise<BillResult> {
  return db.transaction((tx) => billMonthTx(tx, compoundId, month, now))
}
