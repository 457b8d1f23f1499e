// A ticket's cost is what the ledger says: the expenses linked to it (ticket_id), net of reversals.
// tickets.cost_fen is no longer written or shown (冲正 and 支出 #n would make a cache disagree). Booking a
// cost, who may, and when a second one is held as a suspected duplicate: src/services/repair-costs.ts
// (docs/LEDGER.md).
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { Queryable } from './client.ts'
import type { LedgerEntryRow } from './ledger.ts'
import { ledgerEntries, members } from './schema.ts'

const rev = alias(ledgerEntries, 'rev')
const recorder = alias(members, 'recorder')

/** Booked cost by ticket id: the linked expenses that are not reversed (tickets without one are absent). */
export async function bookedCosts(q: Queryable, compoundId: number, ticketIds: readonly number[]): Promise<Map<number, bigint>> {
  const out = new Map<number, bigint>()
  if (ticketIds.length === 0) return out
  const rows = await q
    .select({ ticketId: ledgerEntries.ticketId, fen: sql<string>`sum(${ledgerEntries.amountFen})::text` })
    .from(ledgerEntries)
    .leftJoin(rev, and(eq(rev.compoundId, ledgerEntries.compoundId), eq(rev.reversesSerial, ledgerEntries.serial)))
    .where(
      and(eq(ledgerEntries.compoundId, compoundId), inArray(ledgerEntries.ticketId, [...ticketIds]), eq(ledgerEntries.kind, 'expense'), isNull(rev.id)),
    )
    .groupBy(ledgerEntries.ticketId)
  for (const r of rows) if (r.ticketId !== null) out.set(r.ticketId, BigInt(r.fen))
  return out
}

/** The newest expense linked to the ticket that is not reversed, with who recorded it; undefined when none. */
export async function latestBookedCost(
  q: Queryable,
  compoundId: number,
  ticketId: number,
): Promise<{ entry: LedgerEntryRow; recorderName: string | null } | undefined> {
  const [row] = await q
    .select({ entry: ledgerEntries, recorderName: recorder.displayName })
    .from(ledgerEntries)
    .leftJoin(rev, and(eq(rev.compoundId, ledgerEntries.compoundId), eq(rev.reversesSerial, ledgerEntries.serial)))
    .leftJoin(recorder, eq(recorder.id, ledgerEntries.recordedBy))
    .where(and(eq(ledgerEntries.compoundId, compoundId), eq(ledgerEntries.ticketId, ticketId), eq(ledgerEntries.kind, 'expense'), isNull(rev.id)))
    .orderBy(desc(ledgerEntries.serial))
    .limit(1)
  return row
}
