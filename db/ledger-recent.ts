// Recent entries a command looks back at: the household's latest payments (查费), the payment a new one may
// duplicate (缴费), and the expense a photo sent right after 支出 belongs to, with the receipts table that links
// such a photo to it.
import { and, desc, eq, gte, isNull, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { Queryable } from './client.ts'
import { prepared } from './prepared.ts'
import type { LedgerEntryRow } from './ledger.ts'
import { ledgerEntries, ledgerReceipts } from './schema.ts'

const e = ledgerEntries

/** The household's latest payments (not reversed), newest first. */
export async function recentPayments(q: Queryable, compoundId: number, householdId: number, limit = 3): Promise<LedgerEntryRow[]> {
  const rev = alias(ledgerEntries, 'rev')
  const rows = await q
    .select({ entry: e })
    .from(e)
    .leftJoin(rev, and(eq(rev.compoundId, e.compoundId), eq(rev.reversesSerial, e.serial)))
    .where(and(eq(e.compoundId, compoundId), eq(e.householdId, householdId), eq(e.kind, 'payment'), sql`${rev.id} IS NULL`))
    .orderBy(desc(e.serial))
    .limit(limit)
  return rows.map((r) => r.entry)
}

/**
 * The newest payment of `householdId` for exactly `amountFen` recorded after `since` (and not after
 * `until`) and not reversed: what a new identical payment may duplicate (docs/LEDGER.md "Suspected
 * duplicates"). Call under lockLedger so two recorders cannot both miss each other.
 */
const samePaymentQuery = prepared<
  { compoundId: number; householdId: number; amountFen: bigint; since: string; until: string },
  { entry: LedgerEntryRow }[]
>('recent_same_payment', (q) => {
  const rev = alias(ledgerEntries, 'rev')
  return q
    .select({ entry: e })
    .from(e)
    .leftJoin(rev, and(eq(rev.compoundId, e.compoundId), eq(rev.reversesSerial, e.serial)))
    .where(
      and(
        eq(e.compoundId, sql.placeholder('compoundId')),
        eq(e.householdId, sql.placeholder('householdId')),
        eq(e.kind, 'payment'),
        eq(e.amountFen, sql.placeholder('amountFen')),
        sql`${e.recordedAt} > ${sql.placeholder('since')}::timestamptz`,
        sql`${e.recordedAt} <= ${sql.placeholder('until')}::timestamptz`,
        isNull(rev.id),
      ),
    )
    .orderBy(desc(e.serial))
    .limit(1)
})

export async function recentSamePayment(
  q: Queryable,
  compoundId: number,
  householdId: number,
  amountFen: bigint,
  since: Date,
  until: Date,
): Promise<LedgerEntryRow | undefined> {
  const [row] = await samePaymentQuery(q, { compoundId, householdId, amountFen, since: since.toISOString(), until: until.toISOString() })
  return row?.entry
}

// ---- receipts that arrive after the entry ----------------------------------------------------

export async function addLedgerReceipt(
  q: Queryable,
  values: { compoundId: number; entryId: number; fileRef: string; addedBy?: number | null; addedAt: Date },
) {
  const [row] = await q.insert(ledgerReceipts).values(values).returning()
  return row!
}

/**
 * The expense `memberId` recorded most recently in the compound since `since`, that has no receipt yet
 * (neither with it nor later) and is not reversed: where a photo sent right after 支出 belongs.
 */
export async function recentExpenseWithoutReceipt(q: Queryable, compoundId: number, memberId: number, since: Date) {
  const rev = alias(ledgerEntries, 'rev')
  const [row] = await q
    .select({ entry: e })
    .from(e)
    .leftJoin(rev, and(eq(rev.compoundId, e.compoundId), eq(rev.reversesSerial, e.serial)))
    .leftJoin(ledgerReceipts, eq(ledgerReceipts.entryId, e.id))
    .where(
      and(
        eq(e.compoundId, compoundId),
        eq(e.kind, 'expense'),
        eq(e.recordedBy, memberId),
        gte(e.recordedAt, since),
        isNull(e.receiptRef),
        isNull(rev.id),
        isNull(ledgerReceipts.id),
      ),
    )
    .orderBy(desc(e.serial))
    .limit(1)
  return row?.entry
}
