// What the money commands share to keep the ledger believable (docs/LEDGER.md): the repair cost approval
// limit, cost claims (filed by 完工, decided by 批准 / 拒绝), holding a suspected duplicate until the same
// person sends 确认重复, and the payer's receipt. Not a command itself.
import { and, eq } from 'drizzle-orm'
import type { Button } from '../adapters/types.ts'
import { createClaim, decideClaim, headMemberIds, pendingClaimsOf, type CostClaimRow } from '../db/claims.ts'
import { CONFIRM_WINDOW_MS, holdConfirmation } from '../db/confirmations.ts'
import type { LedgerEntryRow } from '../db/ledger.ts'
import { findMemberById } from '../db/members.ts'
import { type CompoundSettings, householdBindings } from '../db/schema.ts'
import { appendTicketEvent, bookRepairCost, committeeMemberIds, type TicketRow, type TicketView } from '../db/tickets.ts'
import { formatMoney } from '../src/domain/money.ts'
import { formatLocalTime } from '../src/domain/repair-overdue.ts'
import { type CompoundContext, reply, type Reply, UserError } from '../src/pipeline/command.ts'
import { assigneeName, short } from './repair-shared.ts'
import { HEAD_DIGITS } from './verify-ledger.ts'
import { person } from '../src/domain/group-privacy.ts'

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

// ---- suspected duplicates --------------------------------------------------------------------

export const CONFIRM_MINUTES = CONFIRM_WINDOW_MS / 60_000

/** What a held write does once confirmed; stored as the confirmation's payload (amounts as strings). */
export type HeldWrite =
  | { kind: 'payment'; householdId: number; amountFen: string; note: string | null }
  | {
      kind: 'expense'
      amountFen: string
      reason: string
      category: string
      payee: string | null
      ticketNo: number
      images: string[]
    }
  | { kind: 'repairCost'; ticketNo: number; amountFen: string; payee: string | null }
  | { kind: 'claim'; ticketNo: number; claimId: number; note: string }

/** How the earlier entry is named: amount, local time, who recorded it. */
export async function describeEntry(ctx: CompoundContext, entry: LedgerEntryRow) {
  const by = person(entry.recordedBy !== null ? ((await findMemberById(ctx.tx, entry.recordedBy))?.displayName ?? '?') : '?')
  return {
    serial: entry.serial,
    earlier: formatMoney(entry.amountFen),
    when: formatLocalTime(entry.recordedAt, ctx.compound.timeZone, ctx.now),
    by,
  }
}

/**
 * Keep `write` for the sender to confirm (`确认重复 <earlier serial>`, or the button on Telegram) and
 * return the how-to line and the button. Nothing is booked.
 */
export async function holdDuplicate(
  ctx: CompoundContext,
  earlier: LedgerEntryRow,
  write: HeldWrite,
): Promise<{ howTo: string; buttons: Button[][] }> {
  const { kind, ...payload } = write
  await holdConfirmation(ctx.tx, {
    compoundId: ctx.compound.id,
    memberId: ctx.member.id,
    kind,
    ref: String(earlier.serial),
    payload,
    at: ctx.now,
  })
  return {
    howTo: ctx.t('dup.howTo', { minutes: CONFIRM_MINUTES, serial: earlier.serial }),
    buttons: [[{ text: ctx.t('dup.button', { serial: earlier.serial }), data: `/confirmdup ${earlier.serial}` }]],
  }
}

/** A held write read back from its confirmation row. */
export function heldWriteOf(kind: string, payload: Record<string, unknown>): HeldWrite {
  return { kind, ...payload } as HeldWrite
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

// ---- the payer's receipt --------------------------------------------------------------------

/**
 * A private receipt for every member with a verified binding to the household, except the recorder (who
 * has the recorder's copy): room, amount, serial, the chain head right after the entry (the entry's own
 * hash, as 核验 <serial> prints it) and the new balance.
 */
export async function payerReceipts(
  ctx: CompoundContext,
  household: { id: number; code: string },
  entry: LedgerEntryRow,
  balanceText: string,
): Promise<Reply[]> {
  const rows = await ctx.tx
    .select({ memberId: householdBindings.memberId })
    .from(householdBindings)
    .where(
      and(eq(householdBindings.compoundId, ctx.compound.id), eq(householdBindings.householdId, household.id), eq(householdBindings.status, 'verified')),
    )
  const ids = [...new Set(rows.map((r) => r.memberId))].filter((id) => id !== ctx.member.id).sort((a, b) => a - b)
  if (ids.length === 0) return []
  const text = [
    ctx.t('pay.receipt', {
      room: household.code,
      amount: formatMoney(entry.amountFen),
      serial: entry.serial,
      by: ctx.member.displayName,
      when: formatLocalTime(entry.recordedAt, ctx.compound.timeZone, ctx.now),
      head: entry.hash.slice(0, HEAD_DIGITS),
    }),
    balanceText,
  ].join('\n')
  return ids.map((id) => reply.member(id, text))
}
