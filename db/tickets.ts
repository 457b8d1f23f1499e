// Repair tickets: numbering, status changes with their history, photos, lists, and the counts the
// disclosure summary prints. Every timestamp is passed in (ctx.now), never a column default.
//
// Numbering: tickets are numbered 1, 2, 3, … per compound. nextTicketNo takes a transaction-scoped
// advisory lock on the compound and then reads max(no) + 1, so concurrent reports wait for each other:
// no duplicates (also guarded by the unique key tickets_compound_no_uq) and no gaps (a rolled-back
// report releases its number with its transaction).
import { and, asc, desc, eq, gte, inArray, isNull, lt, lte, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { isActive, type TicketStatus } from '../src/domain/repair-status.ts'
import { isOverdue, overdueDaysOf } from '../src/domain/repair-overdue.ts'
import type { Queryable, Tx } from './client.ts'
import type { LedgerEntryRow } from './ledger.ts'
import { compounds, households, ledgerEntries, members, roles, ticketEvents, ticketPhotos, tickets } from './schema.ts'

export type TicketRow = typeof tickets.$inferSelect
export type TicketEventRow = typeof ticketEvents.$inferSelect

/** First key of the two-int advisory lock: 'TICK'. The second key is the compound id. */
export const TICKET_LOCK_CLASS = 0x5449434b

/** The next ticket number of the compound; holds the compound's ticket lock until the transaction ends. */
export async function nextTicketNo(tx: Tx, compoundId: number): Promise<number> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${TICKET_LOCK_CLASS}::int4, ${compoundId}::int4)`)
  const [row] = await tx
    .select({ n: sql<number>`coalesce(max(${tickets.no}), 0)::int` })
    .from(tickets)
    .where(eq(tickets.compoundId, compoundId))
  return (row?.n ?? 0) + 1
}

export interface NewTicket {
  compoundId: number
  reporterMemberId: number
  householdId: number | null
  place: string | null
  description: string
  category: string
  urgent: boolean
  originPlatform: string
  originChatId: string
  /** who typed 报修 (differs from the reporter when replying to someone else's message) */
  createdBy: number
  at: Date
}

/** Number and insert a ticket, with its `created` event. */
export async function createTicket(tx: Tx, t: NewTicket): Promise<TicketRow> {
  const no = await nextTicketNo(tx, t.compoundId)
  const [row] = await tx
    .insert(tickets)
    .values({
      compoundId: t.compoundId,
      no,
      reporterMemberId: t.reporterMemberId,
      householdId: t.householdId,
      place: t.place,
      description: t.description,
      category: t.category,
      urgent: t.urgent,
      status: 'open',
      originPlatform: t.originPlatform,
      originChatId: t.originChatId,
      createdAt: t.at,
      updatedAt: t.at,
    })
    .returning()
  await appendTicketEvent(tx, { ticket: row!, actorMemberId: t.createdBy, action: 'created', toStatus: 'open', at: t.at })
  return row!
}

export async function findTicket(
  q: Queryable,
  compoundId: number,
  no: number,
  opts: { forUpdate?: boolean } = {},
): Promise<TicketRow | undefined> {
  const query = q
    .select()
    .from(tickets)
    .where(and(eq(tickets.compoundId, compoundId), eq(tickets.no, no)))
    .limit(1)
  const [row] = opts.forUpdate ? await query.for('update') : await query
  return row
}

export type TicketEventAction =
  | 'created'
  | 'assign'
  | 'progress'
  | 'done'
  | 'confirm'
  | 'reopen'
  | 'reject'
  | 'category'
  | 'urgency'
  | 'photo'
  /** a cost claimed (waits for approval), approved and booked, declined, or replaced by a newer claim */
  | 'claim'
  | 'approve'
  | 'decline'
  | 'withdraw'
  /** a further cost linked to the ticket outside 完工 (支出 … #n, a confirmed duplicate) */
  | 'cost'

/** Append to the ticket's history (the table refuses UPDATE and DELETE). */
export async function appendTicketEvent(
  tx: Tx,
  e: {
    ticket: Pick<TicketRow, 'id' | 'compoundId'>
    actorMemberId: number | null
    action: TicketEventAction
    fromStatus?: string | null
    toStatus?: string | null
    note?: string | null
    at: Date
  },
): Promise<void> {
  await tx.insert(ticketEvents).values({
    compoundId: e.ticket.compoundId,
    ticketId: e.ticket.id,
    actorMemberId: e.actorMemberId,
    action: e.action,
    fromStatus: e.fromStatus ?? null,
    toStatus: e.toStatus ?? null,
    note: e.note ?? null,
    at: e.at,
  })
}

/** Change a ticket's columns (status, assignee, cost, category…) and stamp updated_at. */
export async function updateTicket(
  tx: Tx,
  ticket: TicketRow,
  set: Partial<Pick<TicketRow, 'status' | 'assigneeMemberId' | 'assigneeName' | 'doneAt' | 'closedAt' | 'category' | 'urgent'>>,
  at: Date,
): Promise<TicketRow> {
  const [row] = await tx
    .update(tickets)
    .set({ ...set, updatedAt: at })
    .where(eq(tickets.id, ticket.id))
    .returning()
  return row!
}

/** A status change and its event, in one call. */
export async function transitionTicket(
  tx: Tx,
  ticket: TicketRow,
  change: {
    action: 'assign' | 'progress' | 'done' | 'confirm' | 'reopen' | 'reject'
    to: TicketStatus
    actorMemberId: number
    note?: string | null
    at: Date
    set?: Parameters<typeof updateTicket>[2]
  },
): Promise<TicketRow> {
  const row = await updateTicket(tx, ticket, { ...change.set, status: change.to }, change.at)
  await appendTicketEvent(tx, {
    ticket,
    actorMemberId: change.actorMemberId,
    action: change.action,
    fromStatus: ticket.status,
    toStatus: change.to,
    note: change.note ?? null,
    at: change.at,
  })
  return row
}

export async function addTicketPhotos(
  tx: Tx,
  ticket: Pick<TicketRow, 'id' | 'compoundId'>,
  photos: { platform: string; refs: string[]; addedBy: number; at: Date },
): Promise<number> {
  if (photos.refs.length === 0) return 0
  await tx.insert(ticketPhotos).values(
    photos.refs.map((fileRef) => ({
      compoundId: ticket.compoundId,
      ticketId: ticket.id,
      platform: photos.platform,
      fileRef,
      addedBy: photos.addedBy,
      addedAt: photos.at,
    })),
  )
  return photos.refs.length
}

export async function ticketPhotosOf(q: Queryable, ticketId: number) {
  return q.select().from(ticketPhotos).where(eq(ticketPhotos.ticketId, ticketId)).orderBy(asc(ticketPhotos.id))
}

/** The history of a ticket, oldest first, with the actor's display name. */
export async function ticketHistory(q: Queryable, ticketId: number) {
  return q
    .select({ event: ticketEvents, actorName: members.displayName })
    .from(ticketEvents)
    .leftJoin(members, eq(ticketEvents.actorMemberId, members.id))
    .where(eq(ticketEvents.ticketId, ticketId))
    .orderBy(asc(ticketEvents.at), asc(ticketEvents.id))
}

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

// ---- a ticket's cost, read from the ledger ----------------------------------------------------
//
// A ticket's cost is what the ledger says: the expenses linked to it (ticket_id), net of reversals.
// tickets.cost_fen is no longer written or shown (冲正 and 支出 #n would make a cache disagree). Booking a
// cost, who may, and when a second one is held as a suspected duplicate: src/services/repair-costs.ts
// (docs/LEDGER.md).

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
