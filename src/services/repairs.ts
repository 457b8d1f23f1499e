// Repairs as the repair commands share them: the `#<n>` argument, loading a ticket of this compound, the
// status machine, who besides the committee may act on a ticket (assignee, reporter), how a ticket is
// shown, and the ticket queries the commands use (re-exported from db/tickets.ts and db/ticket-queries.ts).
// Costs and claims: src/services/repair-costs.ts.
import { z } from 'zod'
import { pendingClaimTotals } from '../../db/claims.ts'
import type { Queryable } from '../../db/client.ts'
import { findTicket, type TicketRow } from '../../db/tickets.ts'
import { bookedCosts } from '../../db/ticket-costs.ts'
import { hasTicketOf, type TicketView } from '../../db/ticket-queries.ts'
import { formatMoney } from '../domain/money.ts'
import { isRepairCategory } from '../domain/repair-category.ts'
import { daysOverdue, overdueDaysOf } from '../domain/repair-overdue.ts'
import { allowedFrom, isActive, nextStatus, type TicketAction, type TicketStatus } from '../domain/repair-status.ts'
import type { Translator } from '../i18n/index.ts'
import { type CompoundContext, hasRole, type RoleAlternative, UserError } from '../pipeline/command.ts'
import { person } from '../domain/group-privacy.ts'

export {
  addTicketPhotos,
  appendTicketEvent,
  createTicket,
  findTicket,
  ticketHistory,
  ticketPhotosOf,
  transitionTicket,
  updateTicket,
  type TicketEventRow,
  type TicketRow,
} from '../../db/tickets.ts'
export {
  activeTickets,
  committeeMemberIds,
  countAwaitingConfirmation,
  countClosedTicketsOf,
  recentTicketCreatedBy,
  ticketView,
  unclosedTicketsOf,
  type TicketView,
} from '../../db/ticket-queries.ts'

/** The longest note a ticket change takes (进度, 完工, 驳回, 关闭, 拒绝). */
export const MAX_NOTE = 200

/** The most tickets one list (报修列表, 我的报修) shows: keeps the reply within one chat message. */
export const LIST_LIMIT = 30

/** `#12 rest`, `＃12 rest` (normalized before), `12 rest`: the ticket number and what follows. */
export function splitTicketNo(raw: string): { no?: number; rest: string } {
  const m = /^#?\s*(\d{1,9})(?!\d)\s*([\s\S]*)$/u.exec(raw.trim())
  if (!m) return { rest: raw.trim() }
  return { no: Number(m[1]), rest: m[2]!.trim() }
}

export const ticketNo = z.number({ message: 'repairs.missingNo' }).int().positive('repairs.missingNo')

/** Length in characters as a person counts them (code points, so an emoji is one). */
export const chars = (s: string) => [...s].length

/** `#<n> <reason>` (驳回, 关闭): the ticket number and a required reason of at most `maxChars` characters. */
export function ticketWithReason(missingReasonKey: string, maxChars: number) {
  return {
    parse(raw: string) {
      const { no, rest } = splitTicketNo(raw)
      return { no, reason: rest }
    },
    args: z.object({
      no: ticketNo,
      reason: z
        .string()
        .trim()
        .min(1, missingReasonKey)
        .refine((s) => chars(s) <= maxChars, 'repairs.reasonTooLong'),
    }),
  }
}

export function isCommittee(ctx: CompoundContext): boolean {
  return hasRole(ctx.role, 'committee')
}

/** The ticket `#no` of this compound, locked for the rest of the transaction when it is to be changed. */
export async function loadTicket(ctx: CompoundContext, no: number, forUpdate = true): Promise<TicketRow> {
  const ticket = await findTicket(ctx.tx, ctx.compound.id, no, { forUpdate })
  if (!ticket) throw new UserError('repairs.notFound', { no })
  return ticket
}

/** The status `action` leads to, or a refusal naming the current status and the next step. */
export function requireTransition(ctx: CompoundContext, ticket: TicketRow, action: TicketAction): TicketStatus {
  const to = nextStatus(ticket.status, action)
  if (to) return to
  const { t } = ctx
  throw new UserError('repairs.illegal', {
    no: ticket.no,
    status: statusLabel(t, ticket.status),
    action: t(`repairs.action.${action}`),
    next: t(`repairs.next.${ticket.status}`, { no: ticket.no }),
  })
}

/**
 * 进度 and 完工 (`role: 'committee', or: ticketAssignee(action)`): also the member the ticket is assigned to.
 * The ticket is loaded (and locked) here as the command will load it, so an unknown number is refused the same.
 */
export function ticketAssignee(action: 'progress' | 'done'): RoleAlternative<{ no: number }> {
  return {
    name: 'assignee',
    from: 'resident',
    async check(ctx, { no }) {
      const ticket = await loadTicket(ctx, no)
      if (ticket.assigneeMemberId !== null && ticket.assigneeMemberId === ctx.member.id) return
      throw new UserError('repairs.notAssignee', { no: ticket.no, action: ctx.t(`repairs.action.${action}`) })
    },
    applies: (ctx) => hasTicketOf(ctx.tx, ctx.compound.id, { assignee: ctx.member.id }, allowedFrom(action)),
  }
}

/** 确认 and 驳回 (`role: 'committee', or: ticketReporter(action)`): also the member who reported the ticket. */
export function ticketReporter(action: 'confirm' | 'reopen'): RoleAlternative<{ no: number }> {
  return {
    name: 'reporter',
    from: 'resident',
    async check(ctx, { no }) {
      const ticket = await loadTicket(ctx, no)
      if (ticket.reporterMemberId === ctx.member.id) return
      throw new UserError('repairs.notReporter', { no: ticket.no, action: ctx.t(`repairs.action.${action}`) })
    },
    applies: (ctx) => hasTicketOf(ctx.tx, ctx.compound.id, { reporter: ctx.member.id }, allowedFrom(action)),
  }
}

export function statusLabel(t: Translator, status: string): string {
  return t(`repairs.status.${status}`)
}

export function categoryLabel(t: Translator, category: string): string {
  return t(`repairs.category.${isRepairCategory(category) ? category : 'other'}`)
}

/** Where the repair is: the room, or the common-area place; '' when neither was given. */
export function whereOf(view: { ticket: TicketRow; householdCode: string | null }): string {
  return view.householdCode ?? view.ticket.place ?? ''
}

/** `照明，3-2 楼道` (category and place), as in the reply to 报修. */
export function what(t: Translator, view: { ticket: TicketRow; householdCode: string | null }): string {
  const where = whereOf(view)
  const category = categoryLabel(t, view.ticket.category)
  return where ? t('repairs.whatWhere', { category, where }) : category
}

export function assigneeName(view: TicketView): string | null {
  return view.assigneeMemberName ?? view.ticket.assigneeName
}

/** A description cut to `max` characters for a one-line list. */
export function short(text: string, max = 30): string {
  const cs = [...text.replace(/\s+/g, ' ')]
  return cs.length > max ? `${cs.slice(0, max - 1).join('')}…` : cs.join('')
}

/** Days past the compound's limit for a ticket not yet repaired (0 when on time). */
export function overdueDaysFor(ctx: CompoundContext, ticket: TicketRow): number {
  if (!isActive(ticket.status)) return 0
  return daysOverdue(ticket.createdAt, ctx.now, overdueDaysOf(ctx.compound.settings), ctx.compound.timeZone)
}

/** A ticket's cost as shown: booked = its linked ledger expenses net of reversals; pending = claims awaiting approval. */
export interface TicketCost {
  bookedFen: bigint
  pendingFen: bigint
}

/** The shown cost of each ticket (tickets with neither are absent): one query for the ledger, one for claims. */
export async function ticketCostsOf(q: Queryable, compoundId: number, ticketIds: readonly number[]): Promise<Map<number, TicketCost>> {
  const [booked, pending] = await Promise.all([bookedCosts(q, compoundId, ticketIds), pendingClaimTotals(q, compoundId, ticketIds)])
  const out = new Map<number, TicketCost>()
  for (const id of new Set([...booked.keys(), ...pending.keys()])) {
    out.set(id, { bookedFen: booked.get(id) ?? 0n, pendingFen: pending.get(id) ?? 0n })
  }
  return out
}

/** ` 费用 ¥35.00 待批准 ¥120.00` for a list line; '' when the ticket has neither. */
export function costSuffix(t: Translator, cost: TicketCost | undefined): string {
  if (!cost) return ''
  return [
    cost.bookedFen > 0n ? t('repairs.list.cost', { amount: formatMoney(cost.bookedFen) }) : '',
    cost.pendingFen > 0n ? t('repairs.list.pending', { amount: formatMoney(cost.pendingFen) }) : '',
  ].join('')
}

/** One line of 报修列表 / 我的报修 (with the ticket's cost when `costs` has it). */
export function listLine(ctx: CompoundContext, view: TicketView, costs?: ReadonlyMap<number, TicketCost>): string {
  const { t } = ctx
  const { ticket } = view
  const where = whereOf(view)
  const who = assigneeName(view)
  const late = overdueDaysFor(ctx, ticket)
  return [
    t('repairs.list.item', {
      no: ticket.no,
      status: statusLabel(t, ticket.status),
      urgent: ticket.urgent ? t('repairs.list.urgent') : '',
      category: categoryLabel(t, ticket.category),
      where: where ? t('repairs.list.where', { where }) : '',
      desc: short(ticket.description),
    }),
    who ? t('repairs.list.assignee', { name: person(who) }) : '',
    costSuffix(t, costs?.get(ticket.id)),
    late > 0 ? t('repairs.list.overdue', { days: late }) : '',
  ].join('')
}
