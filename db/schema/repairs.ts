// Repairs (报修): tickets, their append-only history and photos.
import { boolean, index, integer, pgTable, serial, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { fen, tstz } from './columns.ts'
import { compounds, households, members } from './compounds.ts'

export const tickets = pgTable(
  'tickets',
  {
    id: serial('id').primaryKey(),
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    no: integer('no').notNull(),
    reporterMemberId: integer('reporter_member_id').notNull().references(() => members.id),
    householdId: integer('household_id').references(() => households.id),
    place: text('place'),
    description: text('description').notNull(),
    category: text('category').notNull().default('other'),
    urgent: boolean('urgent').notNull().default(false),
    status: text('status').notNull().default('open'),
    assigneeMemberId: integer('assignee_member_id').references(() => members.id),
    assigneeName: text('assignee_name'),
    costFen: fen('cost_fen'),
    originPlatform: text('origin_platform'),
    originChatId: text('origin_chat_id'),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
    doneAt: tstz('done_at'),
    closedAt: tstz('closed_at'),
  },
  (t) => [
    uniqueIndex('tickets_compound_no_uq').on(t.compoundId, t.no),
    index('tickets_compound_status_idx').on(t.compoundId, t.status),
    // the disclosure's repairs opened in a period (src/disclosure/facts.ts)
    index('tickets_compound_created_idx').on(t.compoundId, t.createdAt),
  ],
)

/** Append-only history of a ticket (a trigger refuses UPDATE and DELETE). */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: serial('id').primaryKey(),
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    ticketId: integer('ticket_id').notNull().references(() => tickets.id),
    actorMemberId: integer('actor_member_id').references(() => members.id),
    action: text('action').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    note: text('note'),
    at: tstz('at').notNull().defaultNow(),
  },
  // by compound and time: the disclosure's repairs done in a period, and each ticket's status at its end (src/disclosure/facts.ts)
  (t) => [index('ticket_events_ticket_idx').on(t.ticketId), index('ticket_events_compound_at_idx').on(t.compoundId, t.at)],
)

export const ticketPhotos = pgTable('ticket_photos', {
  id: serial('id').primaryKey(),
  compoundId: integer('compound_id').notNull().references(() => compounds.id),
  ticketId: integer('ticket_id').notNull().references(() => tickets.id),
  platform: text('platform').notNull(),
  fileRef: text('file_ref').notNull(),
  addedBy: integer('added_by').references(() => members.id),
  addedAt: tstz('added_at').notNull().defaultNow(),
})
