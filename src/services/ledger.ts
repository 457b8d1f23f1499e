// The ledger as the money commands share it (docs/LEDGER.md): amounts, categories and dates for people,
// booking a payment (缴费) or an expense (支出) with its replies, the payer's receipts, and holding a
// suspected duplicate until the same person sends 确认重复. The plain ledger queries the commands need are
// re-exported from db/ledger*.ts. Repair costs and claims: src/services/repair-costs.ts.
import type { Button } from '../core/messages.ts'
import { holdConfirmation, CONFIRM_WINDOW_MS } from '../../db/confirmations.ts'
import { addLedgerReceipt } from '../../db/ledger-recent.ts'
import { appendLedgerEntry, type LedgerEntryRow } from '../../db/ledger.ts'
import { type HouseholdBalance, householdBalance } from '../../db/ledger-sums.ts'
import { findMemberById, verifiedMemberIdsOf } from '../../db/members.ts'
import { appendTicketEvent, type TicketRow } from '../../db/tickets.ts'
import { maxAmountFen } from '../domain/billing.ts'
import { localDateString } from '../domain/calendar.ts'
import { person } from '../domain/group-privacy.ts'
import { DEFAULT_MAX_FEN, formatMoney, parseMoney } from '../domain/money.ts'
import { formatLocalTime } from '../domain/repair-overdue.ts'
import type { Translator } from '../i18n/index.ts'
import { type CompoundContext, reply, type Reply, UserError } from '../pipeline/command.ts'
import { HEAD_DIGITS } from './ledger-trust.ts'

export { CONFIRM_WINDOW_MS, hasOpenConfirmation, nextConfirmation, takeConfirmation } from '../../db/confirmations.ts'
export { addLedgerReceipt, recentExpenseWithoutReceipt, recentPayments, recentSamePayment } from '../../db/ledger-recent.ts'
export {
  appendLedgerEntry,
  type LedgerEntryRow,
  LedgerError,
  ledgerEntryBySerial,
  ledgerHead,
  lockLedger,
  prefetchLedgerHead,
  reversalOf,
} from '../../db/ledger.ts'
export {
  arrearsFromDues,
  compoundDues,
  type HouseholdBalance,
  type HouseholdDues,
  householdDues,
  periodTotals,
} from '../../db/ledger-sums.ts'

// ---- amounts, categories, dates --------------------------------------------------------------

/** The compound's largest accepted amount (settings.maxAmountFen, default 1,000,000 元). */
export function compoundMaxFen(ctx: CompoundContext): bigint {
  return maxAmountFen(ctx.compound.settings, DEFAULT_MAX_FEN)
}

/**
 * Split the amount off the front of `words`: the longest run of up to four words that reads as money
 * (so `1084 元` works), else the first word (so the refusal can say why it is not money). At most four
 * parseMoney calls, however long the message: the parse stays linear.
 */
export function splitAmount(words: readonly string[]): { amount?: string; rest: string[] } {
  for (let k = Math.min(4, words.length); k >= 1; k--) {
    const candidate = words.slice(0, k).join(' ')
    const r = parseMoney(candidate)
    if (r.ok || r.error === 'tooLarge') return { amount: candidate, rest: words.slice(k) }
  }
  return { amount: words[0], rest: words.slice(1) }
}

/** Parse an amount for the compound or refuse (the usage line follows). */
export function requireAmount(ctx: CompoundContext, input: string): bigint {
  const max = compoundMaxFen(ctx)
  const r = parseMoney(input, max)
  if (r.ok) return r.fen
  throw new UserError(`money.${r.error}`, { input, max: formatMoney(max) }, true)
}

/** A ledger category for people: known keys translated, anything else as stored. */
export function categoryName(t: Translator, category: string | null): string {
  const key = `ledger.cat.${category ?? 'other'}`
  const s = t(key)
  return s === key ? (category ?? t('ledger.cat.other')) : s
}

export function kindName(t: Translator, kind: string): string {
  return t(`ledger.kind.${kind}`)
}

export function localDay(ctx: CompoundContext, d: Date): string {
  return localDateString(d, ctx.compound.timeZone)
}

/** 欠费 ¥x / 已结清 / 预缴 ¥x */
export function balanceLine(t: Translator, b: HouseholdBalance): string {
  if (b.owedFen > 0n) return t('fee.owed', { amount: formatMoney(b.owedFen) })
  if (b.owedFen < 0n) return t('fee.prepaid', { amount: formatMoney(-b.owedFen) })
  return t('fee.settled')
}

// ---- payments and expenses ------------------------------------------------------------------

/**
 * Book a payment and build its replies: the recorder's private receipt (after `lead`, if given), the
 * optional public notice, and the payer's receipts. For 缴费 and 确认重复.
 */
export async function recordPayment(
  ctx: CompoundContext,
  household: { id: number; code: string },
  fen: bigint,
  note: string | null,
  lead?: string,
): Promise<Reply[]> {
  const { t } = ctx
  const entry = await appendLedgerEntry(ctx.tx, {
    compoundId: ctx.compound.id,
    kind: 'payment',
    amountFen: fen,
    householdId: household.id,
    note,
    recordedBy: ctx.member.id,
    recordedAt: ctx.now,
  })
  // after the append (the balance includes it); the payer's other members are asked in the same round trip
  const [balance, payers] = await Promise.all([
    householdBalance(ctx.tx, ctx.compound.id, household.id),
    verifiedMemberIdsOf(ctx.tx, ctx.compound.id, household.id),
  ])
  const text = [
    ...(lead ? [lead] : []),
    t('pay.recorded', { room: household.code, amount: formatMoney(fen), serial: entry.serial }),
    t('fee.billed', { amount: formatMoney(balance.billedFen) }),
    t('fee.paid', { amount: formatMoney(balance.paidFen) }),
    balanceLine(t, balance),
  ].join('\n')
  const name = person(ctx.member.displayName)
  const out: Reply[] = [reply.private(text, { groupAck: t('pay.groupAck', { name }), groupFallback: t('pay.groupFallback', { name }) })]
  if (ctx.compound.settings.publicPaymentNotice === true) out.push(reply.compound(t('pay.publicNotice', { room: household.code })))
  out.push(...payerReceipts(ctx, household, entry, balanceLine(t, balance), payers))
  return out
}

/** Book an expense (with its receipt photos) and build the reply. For 支出 and 确认重复. */
export async function recordExpense(
  ctx: CompoundContext,
  x: { fen: bigint; reason: string; category: string; payee: string | null; ticket?: TicketRow; images: string[] },
  lead?: string,
): Promise<Reply[]> {
  const { t } = ctx
  const [first, ...more] = x.images
  const entry = await appendLedgerEntry(ctx.tx, {
    compoundId: ctx.compound.id,
    kind: 'expense',
    amountFen: x.fen,
    category: x.category,
    counterparty: x.payee,
    note: x.reason,
    receiptRef: first ?? null,
    ticketId: x.ticket?.id ?? null,
    recordedBy: ctx.member.id,
    recordedAt: ctx.now,
  })
  for (const ref of more) {
    await addLedgerReceipt(ctx.tx, { compoundId: ctx.compound.id, entryId: entry.id, fileRef: ref, addedBy: ctx.member.id, addedAt: ctx.now })
  }
  if (x.ticket) {
    // the ticket's history shows every cost linked to it, not only the one given with 完工
    await appendTicketEvent(ctx.tx, {
      ticket: x.ticket,
      actorMemberId: ctx.member.id,
      action: 'cost',
      note: `${formatMoney(x.fen)} (#${entry.serial}) ${x.reason}`.slice(0, 200),
      at: ctx.now,
    })
  }
  const lines = [
    ...(lead ? [lead] : []),
    t('expense.recorded', { amount: formatMoney(x.fen), reason: x.reason, category: categoryName(t, x.category), serial: entry.serial }),
  ]
  if (x.payee) lines.push(t('expense.payee', { payee: x.payee }))
  if (x.ticket) lines.push(t('expense.ticket', { no: x.ticket.no }))
  lines.push(first ? t('expense.withReceipt') : t('expense.sendReceipt'))
  return [reply.chat(lines.join('\n'))]
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

// ---- the payer's receipt --------------------------------------------------------------------

/**
 * A private receipt for every member with a verified binding to the household, except the recorder (who
 * has the recorder's copy): room, amount, serial, the chain head right after the entry (the entry's own
 * hash, as 核验 <serial> prints it) and the new balance.
 */
export function payerReceipts(
  ctx: CompoundContext,
  household: { id: number; code: string },
  entry: LedgerEntryRow,
  balanceText: string,
  /** verifiedMemberIdsOf the household */
  householdMembers: readonly number[],
): Reply[] {
  const ids = householdMembers.filter((id) => id !== ctx.member.id)
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
