// Repair tickets: numbering, status changes with their history, and photos. Every timestamp is passed in
// (ctx.now), never a column default. Lists, lookups and the counts the disclosure summary prints are in
// ./ticket-queries.ts; a ticket's cost, read from the ledger, in ./ticket-costs.ts.
//
// Numbering: tickets are numbered 1, 2, 3, … per compound. createTicket takes a transaction-scoped
// advisory lock on the compound and then inserts with max(no) + 1, so concurrent reports wait for each other:
// no duplicates (also guarded by the unique key tickets_compound_no_uq) and no gaps (a rolled-back
// report releases its number with its transaction).
import { and, asc, eq, sql } from 'drizzle-orm'
import type { TicketStatus } from '../src/domain/repair-status.ts'
import type { Queryable, Tx } from './client.ts'
import { prepared } from './prepared.ts'
import { members, ticketEvents, ticketPhotos, tickets } from './schema.ts'

export type TicketRow = typeof tickets.$inferSelect
export type TicketEventRow = typeof ticketEvents.$inferSelect

/** First key of the two-int advisory lock: 'TICK'. The second key is the compound id. */
export const TICKET_LOCK_CLASS = 0x5449434b

/** The compound's ticket lock, held until the transaction ends. */
async function lockTickets(tx: Tx, compoundId: number): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${TICKET_LOCK_CLASS}::int4, ${compoundId}::int4)`)
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
const insertTicketQuery = prepared<Omit<NewTicket, 'createdBy'>, TicketRow[]>('ticket_insert', (q) => {
  const p = (name: string) => sql.placeholder(name)
  return q
    .insert(tickets)
    .values({
      compoundId: p('compoundId'),
      no: sql`(SELECT coalesce(max(${tickets.no}), 0) + 1 FROM ${tickets} WHERE ${tickets.compoundId} = ${p('compoundId')})`,
      reporterMemberId: p('reporterMemberId'),
      householdId: p('householdId'),
      place: p('place'),
      description: p('description'),
      category: p('category'),
      urgent: p('urgent'),
      status: 'open',
      originPlatform: p('originPlatform'),
      originChatId: p('originChatId'),
      createdAt: p('at'),
      updatedAt: p('at'),
    })
    .returning()
})

export async function createTicket(tx: Tx, t: NewTicket): Promise<TicketRow> {
  await lockTickets(tx, t.compoundId)
  // the number is read by the INSERT itself: a statement started after the lock was granted sees every ticket
  // committed before it (one round trip fewer than reading max(no) first)
  const [row] = await insertTicketQuery(tx, {
    compoundId: t.compoundId,
    reporterMemberId: t.reporterMemberId,
    householdId: t.householdId,
    place: t.place,
    description: t.description,
    category: t.category,
    urgent: t.urgent,
    originPlatform: t.originPlatform,
    originChatId: t.originChatId,
    at: t.at,
  })
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
  await insertEventQuery(tx, {
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

const insertEventQuery = prepared<Record<string, unknown>, unknown>('ticket_event_insert', (q) => {
  const p = (name: string) => sql.placeholder(name)
  return q.insert(ticketEvents).values({
    compoundId: p('compoundId'),
    ticketId: p('ticketId'),
    actorMemberId: p('actorMemberId'),
    action: p('action'),
    fromStatus: p('fromStatus'),
    toStatus: p('toStatus'),
    note: p('note'),
    at: p('at'),
  })
})

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
