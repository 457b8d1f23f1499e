// Reads of repair tickets: a ticket with the names a reply shows, the lists and counts of 报修 / 我的报修 /
// the reminders, the ticket a photo attaches to, the committee to alert, and the counts the disclosure
// summary prints. Writes and history: ./tickets.ts.
import { and, asc, desc, eq, gte, inArray, lt, lte, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { isOverdue, overdueDaysOf } from '../src/domain/repair-overdue.ts'
import { isActive, type TicketStatus } from '../src/domain/repair-status.ts'
import type { Queryable } from './client.ts'
import { compounds, households, members, roles, ticketEvents, tickets } from './schema.ts'
import type { TicketRow } from './tickets.ts'

const assignee = alias(members, 'assignee')
const reporter = alias(members, 'reporter')

/** A ticket with the names and room a reply shows. */
export interface TicketView {
  ticket: TicketRow
  householdCode: string | null
  reporterName: string
  assigneeMemberName: string | null
}

function viewQuery(q: Queryable) {
  return q
    .select({
      ticket: tickets,
      householdCode: households.code,
      reporterName: reporter.displayName,
      assigneeMemberName: assignee.displayName,
    })
    .from(tickets)
    .leftJoin(households, eq(tickets.householdId, households.id))
    .innerJoin(reporter, eq(tickets.reporterMemberId, reporter.id))
    .leftJoin(assignee, eq(tickets.assigneeMemberId, assignee.id))
}

export async function ticketView(q: Queryable, ticketId: number): Promise<TicketView | undefined> {
  const [row] = await viewQuery(q).where(eq(tickets.id, ticketId)).limit(1)
  return row
}

/** Tickets not yet repaired (open, assigned, in progress, reopened), oldest first. */
export async function activeTickets(q: Queryable, compoundId: number): Promise<TicketView[]> {
  return viewQuery(q)
    .where(and(eq(tickets.compoundId, compoundId), inArray(tickets.status, ['open', 'assigned', 'in_progress', 'reopened'])))
    .orderBy(asc(tickets.createdAt), asc(tickets.no))
}

/** activeTickets of several compounds in one statement, by compound. */
export async function activeTicketsOfMany(q: Queryable, compoundIds: readonly number[]): Promise<Map<number, TicketView[]>> {
  const out = new Map<number, TicketView[]>()
  if (compoundIds.length === 0) return out
  const rows = await viewQuery(q)
    .where(and(sql`${tickets.compoundId} = ANY(string_to_array(${compoundIds.join(',')}, ',')::int[])`, inArray(tickets.status, ['open', 'assigned', 'in_progress', 'reopened'])))
    .orderBy(asc(tickets.compoundId), asc(tickets.createdAt), asc(tickets.no))
  for (const r of rows) {
    const list = out.get(r.ticket.compoundId)
    if (list) list.push(r)
    else out.set(r.ticket.compoundId, [r])
  }
  return out
}

/** How many tickets are done and wait for the reporter's confirmation. */
export async function countAwaitingConfirmation(q: Queryable, compoundId: number): Promise<number> {
  const [row] = await q
    .select({ n: sql<number>`count(*)::int` })
    .from(tickets)
    .where(and(eq(tickets.compoundId, compoundId), eq(tickets.status, 'done')))
  return row?.n ?? 0
}

/** A member's tickets that are not closed (confirmed or rejected), oldest first. */
export async function unclosedTicketsOf(q: Queryable, compoundId: number, memberId: number): Promise<TicketView[]> {
  return viewQuery(q)
    .where(
      and(
        eq(tickets.compoundId, compoundId),
        eq(tickets.reporterMemberId, memberId),
        inArray(tickets.status, ['open', 'assigned', 'in_progress', 'reopened', 'done']),
      ),
    )
    .orderBy(asc(tickets.createdAt), asc(tickets.no))
}

/** How many of a member's tickets are closed (for `我的报修` to mention). */
export async function countClosedTicketsOf(q: Queryable, compoundId: number, memberId: number): Promise<number> {
  const [row] = await q
    .select({ n: sql<number>`count(*)::int` })
    .from(tickets)
    .where(
      and(eq(tickets.compoundId, compoundId), eq(tickets.reporterMemberId, memberId), inArray(tickets.status, ['confirmed', 'rejected'])),
    )
  return row?.n ?? 0
}

/** Whether the member is the assignee (or the reporter) of a ticket of the compound in one of `statuses`. */
export async function hasTicketOf(
  q: Queryable,
  compoundId: number,
  who: { assignee: number } | { reporter: number },
  statuses: readonly TicketStatus[],
): Promise<boolean> {
  const person = 'assignee' in who ? eq(tickets.assigneeMemberId, who.assignee) : eq(tickets.reporterMemberId, who.reporter)
  const rows = await q
    .select({ id: tickets.id })
    .from(tickets)
    .where(and(eq(tickets.compoundId, compoundId), person, inArray(tickets.status, [...statuses])))
    .limit(1)
  return rows.length > 0
}

/**
 * The ticket a photo-only message attaches to: the newest one this member created (typed 报修 for)
 * in this chat at or after `since`, not closed.
 */
export async function recentTicketCreatedBy(
  q: Queryable,
  compoundId: number,
  memberId: number,
  origin: { platform: string; chatId: string },
  since: Date,
  now: Date,
): Promise<TicketRow | undefined> {
  const [row] = await q
    .select({ ticket: tickets })
    .from(tickets)
    .innerJoin(ticketEvents, and(eq(ticketEvents.ticketId, tickets.id), eq(ticketEvents.action, 'created')))
    .where(
      and(
        eq(tickets.compoundId, compoundId),
        eq(ticketEvents.actorMemberId, memberId),
        eq(tickets.originPlatform, origin.platform),
        eq(tickets.originChatId, origin.chatId),
        gte(tickets.createdAt, since),
        lte(tickets.createdAt, now),
        inArray(tickets.status, ['open', 'assigned', 'in_progress', 'reopened', 'done']),
      ),
    )
    .orderBy(desc(tickets.createdAt), desc(tickets.no))
    .limit(1)
  return row?.ticket
}

/** Members who manage repairs: the committee and the head (told at once about an urgent ticket). */
export async function committeeMemberIds(q: Queryable, compoundId: number): Promise<number[]> {
  const rows = await q
    .select({ memberId: roles.memberId })
    .from(roles)
    .where(and(eq(roles.compoundId, compoundId), inArray(roles.role, ['committee', 'head'])))
    .orderBy(asc(roles.memberId))
  return rows.map((r) => r.memberId)
}

/** committeeMemberIds of several compounds in one statement, by compound. */
export async function committeeMemberIdsOfMany(q: Queryable, compoundIds: readonly number[]): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>()
  if (compoundIds.length === 0) return out
  const rows = await q
    .select({ compoundId: roles.compoundId, memberId: roles.memberId })
    .from(roles)
    .where(and(sql`${roles.compoundId} = ANY(string_to_array(${compoundIds.join(',')}, ',')::int[])`, inArray(roles.role, ['committee', 'head'])))
    .orderBy(asc(roles.compoundId), asc(roles.memberId))
  for (const r of rows) {
    const list = out.get(r.compoundId)
    if (list) list.push(r.memberId)
    else out.set(r.compoundId, [r.memberId])
  }
  return out
}

// ---- counts for the disclosure summary ------------------------------------------------------

export interface TicketCounts {
  /** tickets reported in the period */
  opened: number
  /** tickets marked done (完工) in the period, each counted once */
  done: number
  /** tickets overdue at the end of the period (or now, if earlier): not repaired within the limit */
  overdue: number
  /** tickets not yet repaired at that moment (open, assigned, in progress, reopened) */
  open: number
}

/**
 * Repairs of a compound for a period [from, to): opened, done, and — as of `min(to, now)` — still
 * open and overdue. A ticket's status at that moment comes from its history (ticket_events), so a
 * past period gives the same counts whenever it is computed. Overdue uses the compound's
 * `overdueDays` setting (default 7) in the compound's time zone (see src/domain/repair-overdue.ts).
 */
export async function ticketsInPeriod(q: Queryable, compoundId: number, from: Date, to: Date, now?: Date): Promise<TicketCounts> {
  const [compound] = await q.select().from(compounds).where(eq(compounds.id, compoundId)).limit(1)
  if (!compound) throw new Error(`no compound ${compoundId}`)
  const asOf = now && now.getTime() < to.getTime() ? now : to
  const days = overdueDaysOf(compound.settings)

  const [opened] = await q
    .select({ n: sql<number>`count(*)::int` })
    .from(tickets)
    .where(and(eq(tickets.compoundId, compoundId), gte(tickets.createdAt, from), lt(tickets.createdAt, to)))
  const [done] = await q
    .select({ n: sql<number>`count(DISTINCT ${ticketEvents.ticketId})::int` })
    .from(ticketEvents)
    .where(
      and(eq(ticketEvents.compoundId, compoundId), eq(ticketEvents.action, 'done'), gte(ticketEvents.at, from), lt(ticketEvents.at, to)),
    )

  // the status each ticket had at `asOf`: the last status-changing event at or before it
  const rows = await q
    .select({ ticketId: ticketEvents.ticketId, toStatus: ticketEvents.toStatus, createdAt: tickets.createdAt })
    .from(ticketEvents)
    .innerJoin(tickets, eq(ticketEvents.ticketId, tickets.id))
    .where(
      and(
        eq(ticketEvents.compoundId, compoundId),
        sql`${ticketEvents.toStatus} IS NOT NULL`,
        lte(ticketEvents.at, asOf),
      ),
    )
    .orderBy(asc(ticketEvents.ticketId), asc(ticketEvents.at), asc(ticketEvents.id))
  const statusAt = new Map<number, { status: string; createdAt: Date }>()
  for (const r of rows) statusAt.set(r.ticketId, { status: r.toStatus!, createdAt: r.createdAt })
  let open = 0
  let overdue = 0
  for (const { status, createdAt } of statusAt.values()) {
    if (!isActive(status)) continue
    open++
    if (isOverdue(createdAt, asOf, days, compound.timeZone)) overdue++
  }
  return { opened: opened?.n ?? 0, done: done?.n ?? 0, overdue, open }
}

/** Tickets open and overdue right now (for a summary without a period). */
export async function openTicketsSummary(q: Queryable, compoundId: number, now: Date): Promise<{ open: number; overdue: number }> {
  const { open, overdue } = await ticketsInPeriod(q, compoundId, now, new Date(now.getTime() + 1), now)
  return { open, overdue }
}
