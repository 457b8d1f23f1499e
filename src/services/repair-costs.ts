// What repair costs take to be believable (docs/LEDGER.md "Repair costs: claims and approvals"): the cost
// approval limit, booking a ticket's cost in the ledger, cost claims (filed by 完工, decided by 批准 / 拒绝),
// and the reply for a cost held as a suspected duplicate. The claim and booked-cost queries the commands need
// are re-exported.
import { createClaim, decideClaim, headMemberIds, pendingClaimsOf, type CostClaimRow } from '../../db/claims.ts'
import type { Tx } from '../../db/client.ts'
import { appendLedgerEntry, type LedgerEntryRow } from '../../db/ledger.ts'
import { findMemberById } from '../../db/members.ts'
import type { CompoundSettings } from '../../db/schema.ts'
import { appendTicketEvent, type TicketRow } from '../../db/tickets.ts'
import { committeeMemberIds, type TicketView } from '../../db/ticket-queries.ts'
import { person } from '../domain/group-privacy.ts'
import { formatMoney } from '../domain/money.ts'
import { type CompoundContext, reply, type Reply, UserError } from '../pipeline/command.ts'
import { describeEntry } from './ledger.ts'
import { assigneeName, short } from './repairs.ts'

export { claimById, type CostClaimRow, decideClaim, pendingClaimsOf } from '../../db/claims.ts'
export { latestBookedCost } from '../../db/ticket-costs.ts'

// ---- the approval limit --------------------------------------------------------------------

/** ¥5,000: a repair cost above it needs the head (settings.costApprovalLimitFen overrides). */
export const DEFAULT_COST_APPROVAL_LIMIT_FEN = 500_000n

export function costApprovalLimitFen(settings: CompoundSettings): bigint {
  try {
    const v = settings.costApprovalLimitFen ? BigInt(settings.costApprovalLimitFen) : DEFAULT_COST_APPROVAL_LIMIT_FEN
    return v >= 0n ? v : DEFAULT_COST_APPROVAL_LIMIT_FEN
  } catch {
    return DEFAULT_COST_APPROVAL_LIMIT_FEN
  }
}

/** Booking `fen` as a repair cost needs the head: it is above the limit and the actor is not the head. */
export function needsHead(ctx: CompoundContext, fen: bigint): boolean {
  return fen > costApprovalLimitFen(ctx.compound.settings) && ctx.role !== 'head'
}

export function limitText(ctx: CompoundContext): string {
  return formatMoney(costApprovalLimitFen(ctx.compound.settings))
}

// ---- booking a cost -------------------------------------------------------------------------

/**
 * Book a repair's cost as a ledger expense linked to the ticket (category repair), in the caller's
 * transaction. The one place where repairs write to the ledger (db/ticket-costs.ts only reads it).
 */
export async function bookRepairCost(
  tx: Tx,
  ticket: TicketRow,
  cost: { fen: bigint; payee: string | null; recordedBy: number; at: Date; note?: string | null },
): Promise<{ ticket: TicketRow; entry: LedgerEntryRow }> {
  const entry = await appendLedgerEntry(tx, {
    compoundId: ticket.compoundId,
    kind: 'expense',
    amountFen: cost.fen,
    category: 'repair',
    counterparty: cost.payee,
    note: cost.note ?? `#${ticket.no} ${ticket.description}`.slice(0, 200),
    receiptRef: null,
    ticketId: ticket.id,
    householdId: null,
    recordedBy: cost.recordedBy,
    recordedAt: cost.at,
    reversesSerial: null,
    billingKey: null,
  })
  return { ticket, entry }
}

/** The reply text for a repair cost held because the ticket already has a booked one. */
export async function ticketCostHeldText(ctx: CompoundContext, no: number, fen: bigint, earlier: LedgerEntryRow, howTo: string) {
  const d = await describeEntry(ctx, earlier)
  return [ctx.t('dup.ticketCost', { amount: formatMoney(fen), no, ...d }), howTo].join('\n')
}

// ---- claims ---------------------------------------------------------------------------------

/**
 * File `fen` as the ticket's pending cost claim. A pending claim the ticket already has is withdrawn: a
 * claim states what the ticket cost, so the newest one replaces it (and a 完工/驳回 loop never piles up
 * claims). Returns the notices for who decides: the head(s) above the limit, else the committee.
 */
export async function fileClaim(
  ctx: CompoundContext,
  ticket: TicketRow,
  view: TicketView,
  fen: bigint,
  note: string | null,
): Promise<{ claim: CostClaimRow; aboveLimit: boolean; superseded: CostClaimRow[]; notices: Reply[] }> {
  const { tx, t } = ctx
  const superseded: CostClaimRow[] = []
  for (const p of await pendingClaimsOf(tx, ctx.compound.id, ticket.id)) {
    const done = await decideClaim(tx, ctx.compound.id, p.id, { status: 'withdrawn', decidedBy: ctx.member.id, at: ctx.now, note: `→ ${formatMoney(fen)}` })
    if (!done) continue
    superseded.push(done)
    await appendTicketEvent(tx, { ticket, actorMemberId: ctx.member.id, action: 'withdraw', note: formatMoney(p.amountFen), at: ctx.now })
  }
  const claim = await createClaim(tx, {
    compoundId: ctx.compound.id,
    ticketId: ticket.id,
    amountFen: fen,
    payee: assigneeName(view) ?? ctx.member.displayName,
    note,
    claimedBy: ctx.member.id,
    at: ctx.now,
  })
  await appendTicketEvent(tx, {
    ticket,
    actorMemberId: ctx.member.id,
    action: 'claim',
    note: [formatMoney(fen), note ?? ''].filter(Boolean).join(' '),
    at: ctx.now,
  })
  const aboveLimit = fen > costApprovalLimitFen(ctx.compound.settings)
  const deciders = aboveLimit ? await headMemberIds(tx, ctx.compound.id) : await committeeMemberIds(tx, ctx.compound.id)
  const params = {
    no: ticket.no,
    desc: short(ticket.description, 40),
    claimant: person(ctx.member.displayName),
    amount: formatMoney(fen),
    note: note ? t('claims.noteSuffix', { note: short(note, 60) }) : '',
    limit: limitText(ctx),
  }
  const text = t(aboveLimit ? 'claims.noticeHead' : 'claims.notice', params)
  const notices = deciders.filter((id) => id !== ctx.member.id).map((id) => reply.member(id, text))
  return { claim, aboveLimit, superseded, notices }
}

/**
 * Approve a pending claim: book it as an expense linked to the ticket (payee as claimed, recorded by the
 * approver) and record the decision with the entry's serial, in the caller's transaction.
 */
export async function approveClaim(
  ctx: CompoundContext,
  ticket: TicketRow,
  claim: CostClaimRow,
  note?: string | null,
  lead?: string,
): Promise<Reply[]> {
  const { tx, t } = ctx
  const { entry } = await bookRepairCost(tx, ticket, { fen: claim.amountFen, payee: claim.payee, recordedBy: ctx.member.id, at: ctx.now })
  const decided = await decideClaim(tx, ctx.compound.id, claim.id, {
    status: 'approved',
    decidedBy: ctx.member.id,
    at: ctx.now,
    note: note || null,
    ledgerSerial: entry.serial,
  })
  if (!decided) throw new UserError('dup.claimDecided', { no: ticket.no })
  const amount = formatMoney(claim.amountFen)
  await appendTicketEvent(tx, { ticket, actorMemberId: ctx.member.id, action: 'approve', note: `${amount} (#${entry.serial})`, at: ctx.now })
  const claimant = person((await findMemberById(tx, claim.claimedBy))?.displayName ?? '?')
  const text = t('claims.approved', { no: ticket.no, amount, claimant, serial: entry.serial })
  const out: Reply[] = [reply.chat(lead ? `${lead}\n${text}` : text)]
  if (claim.claimedBy !== ctx.member.id) {
    out.push(reply.member(claim.claimedBy, t('claims.approvedNotice', { no: ticket.no, amount, actor: ctx.member.displayName, serial: entry.serial })))
  }
  return out
}
