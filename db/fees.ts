// Fee schedules (收费标准) of a compound. Charges themselves live in the ledger (db/ledger.ts).
import { and, asc, eq, like, sql } from 'drizzle-orm'
import { type FeeBasis, monthOfBillingKey } from '../src/domain/billing.ts'
import type { Queryable } from './client.ts'
import { feeSchedules, ledgerEntries } from './schema.ts'

export type FeeScheduleRow = typeof feeSchedules.$inferSelect

export async function feeSchedulesOf(q: Queryable, compoundId: number): Promise<FeeScheduleRow[]> {
  return q.select().from(feeSchedules).where(eq(feeSchedules.compoundId, compoundId)).orderBy(asc(feeSchedules.id))
}

/** feeSchedulesOf for several compounds in one statement, by compound (each in id order). */
export async function feeSchedulesOfMany(q: Queryable, compoundIds: readonly number[]): Promise<Map<number, FeeScheduleRow[]>> {
  const out = new Map<number, FeeScheduleRow[]>()
  if (compoundIds.length === 0) return out
  const rows = await q
    .select()
    .from(feeSchedules)
    .where(sql`${feeSchedules.compoundId} = ANY(string_to_array(${compoundIds.join(',')}, ',')::int[])`)
    .orderBy(asc(feeSchedules.compoundId), asc(feeSchedules.id))
  for (const r of rows) {
    const list = out.get(r.compoundId)
    if (list) list.push(r)
    else out.set(r.compoundId, [r])
  }
  return out
}

export async function createFeeSchedule(
  q: Queryable,
  values: {
    compoundId: number
    name: string
    basis: FeeBasis
    rateFen: bigint
    startMonth: string
    endMonth?: string | null
    /** day of the billed month a charge falls due (1–31); null or absent: the month's last day */
    dueDay?: number | null
    createdBy?: number | null
    createdAt: Date
  },
): Promise<FeeScheduleRow> {
  const [row] = await q.insert(feeSchedules).values(values).returning()
  return row!
}

/** Close a schedule: it bills no month after `endMonth` (a month before its start empties it). */
export async function endFeeSchedule(q: Queryable, compoundId: number, id: number, endMonth: string): Promise<void> {
  await q
    .update(feeSchedules)
    .set({ endMonth })
    .where(and(eq(feeSchedules.compoundId, compoundId), eq(feeSchedules.id, id)))
}

/**
 * The months a schedule has billed so far ('YYYY-MM', or 'once' for a one-off), from the billing keys
 * of its charges (reversed ones included: the month was billed).
 */
export async function billedMonthsOf(q: Queryable, compoundId: number, scheduleId: number): Promise<string[]> {
  const rows = await q
    .selectDistinct({ key: ledgerEntries.billingKey })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.compoundId, compoundId), like(ledgerEntries.billingKey, `fee:${scheduleId}:%`)))
  const months = new Set<string>()
  for (const r of rows) {
    const m = r.key ? monthOfBillingKey(r.key) : null
    if (m) months.add(m)
  }
  return [...months].sort()
}
