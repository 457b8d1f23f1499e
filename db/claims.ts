// Repair cost claims (docs/LEDGER.md "Repair costs: claims and approvals"): a cost given by someone who
// may not book it (an assignee who is not committee, or a committee member above the compound's limit)
// waits here, shown on the ticket but not in the ledger, until the committee (or the head) decides.
// A claim is decided once: pending → approved | rejected | withdrawn; a database trigger refuses any
// other change and any DELETE, so what was claimed and who decided stay on record.
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { Queryable, Tx } from './client.ts'
import { costClaims, roles } from './schema.ts'

export type CostClaimRow = typeof costClaims.$inferSelect
export type ClaimDecision = 'approved' | 'rejected' | 'withdrawn'

export async function createClaim(
  tx: Tx,
  c: { compoundId: number; ticketId: number; amountFen: bigint; payee: string | null; note: string | null; claimedBy: number; at: Date },
): Promise<CostClaimRow> {
  const [row] = await tx
    .insert(costClaims)
    .values({
      compoundId: c.compoundId,
      ticketId: c.ticketId,
      amountFen: c.amountFen,
      payee: c.payee,
      note: c.note,
      claimedBy: c.claimedBy,
      claimedAt: c.at,
      status: 'pending',
    })
    .returning()
  return row!
}

/** The ticket's pending claims, oldest first (one at most when written through createClaim's callers). */
export async function pendingClaimsOf(q: Queryable, compoundId: number, ticketId: number): Promise<CostClaimRow[]> {
  return q
    .select()
    .from(costClaims)
    .where(and(eq(costClaims.compoundId, compoundId), eq(costClaims.ticketId, ticketId), eq(costClaims.status, 'pending')))
    .orderBy(asc(costClaims.claimedAt), asc(costClaims.id))
}

/**
 * Record the decision on a pending claim. Undefined when it is no longer pending (decided meanwhile):
 * the caller refuses rather than deciding twice.
 */
export async function decideClaim(
  tx: Tx,
  compoundId: number,
  claimId: number,
  d: { status: ClaimDecision; decidedBy: number; at: Date; note?: string | null; ledgerSerial?: number | null },
): Promise<CostClaimRow | undefined> {
  const [row] = await tx
    .update(costClaims)
    .set({ status: d.status, decidedBy: d.decidedBy, decidedAt: d.at, decisionNote: d.note ?? null, ledgerSerial: d.ledgerSerial ?? null })
    .where(and(eq(costClaims.compoundId, compoundId), eq(costClaims.id, claimId), eq(costClaims.status, 'pending')))
    .returning()
  return row
}

export async function claimById(q: Queryable, compoundId: number, claimId: number): Promise<CostClaimRow | undefined> {
  const [row] = await q
    .select()
    .from(costClaims)
    .where(and(eq(costClaims.compoundId, compoundId), eq(costClaims.id, claimId)))
    .limit(1)
  return row
}

/** Pending claim totals by ticket id, for the tickets given. */
export async function pendingClaimTotals(q: Queryable, compoundId: number, ticketIds: readonly number[]): Promise<Map<number, bigint>> {
  const out = new Map<number, bigint>()
  if (ticketIds.length === 0) return out
  const rows = await q
    .select({ ticketId: costClaims.ticketId, fen: sql<string>`sum(${costClaims.amountFen})::text` })
    .from(costClaims)
    .where(and(eq(costClaims.compoundId, compoundId), inArray(costClaims.ticketId, [...ticketIds]), eq(costClaims.status, 'pending')))
    .groupBy(costClaims.ticketId)
  for (const r of rows) out.set(r.ticketId, BigInt(r.fen))
  return out
}

/** The compound's head(s): who approves a cost above the limit. */
export async function headMemberIds(q: Queryable, compoundId: number): Promise<number[]> {
  const rows = await q
    .select({ memberId: roles.memberId })
    .from(roles)
    .where(and(eq(roles.compoundId, compoundId), eq(roles.role, 'head')))
    .orderBy(asc(roles.memberId))
  return rows.map((r) => r.memberId)
}
