// Money: fee schedules, the hash-chained ledger and its late receipts, repair cost claims, and the writes held
// until confirmed (a suspected duplicate).
import { index, integer, jsonb, pgTable, serial, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { fen, tstz } from './columns.ts'
import { compounds, households, members } from './compounds.ts'
import { tickets } from './repairs.ts'

export const feeSchedules = pgTable('fee_schedules', {
  id: serial('id').primaryKey(),
  compoundId: integer('compound_id').notNull().references(() => compounds.id),
  name: text('name').notNull(),
  basis: text('basis').$type<'per_m2_month' | 'per_household_month' | 'one_off'>().notNull(),
  rateFen: fen('rate_fen').notNull(),
  startMonth: text('start_month').notNull(),
  endMonth: text('end_month'),
  // day of the billed month a charge falls due (1–31, clamped to the month's length); null: the month's last day
  dueDay: integer('due_day'),
  createdBy: integer('created_by').references(() => members.id),
  createdAt: tstz('created_at').notNull().defaultNow(),
})

/** Append-only, hash-chained ledger (a trigger refuses UPDATE and DELETE). */
export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: serial('id').primaryKey(),
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    serial: integer('serial').notNull(),
    kind: text('kind').$type<'charge' | 'payment' | 'expense' | 'income' | 'reversal'>().notNull(),
    householdId: integer('household_id').references(() => households.id),
    amountFen: fen('amount_fen').notNull(),
    category: text('category'),
    counterparty: text('counterparty'),
    note: text('note'),
    receiptRef: text('receipt_ref'),
    ticketId: integer('ticket_id').references(() => tickets.id),
    reversesSerial: integer('reverses_serial'),
    // idempotency key for generated charges: fee:<schedule>:<household>:<YYYY-MM>
    billingKey: text('billing_key'),
    // charges only: when the charge falls due (a household is in arrears only for charges past due); hashed when set
    dueAt: tstz('due_at'),
    recordedBy: integer('recorded_by').references(() => members.id),
    recordedAt: tstz('recorded_at').notNull().defaultNow(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    uniqueIndex('ledger_compound_serial_uq').on(t.compoundId, t.serial),
    uniqueIndex('ledger_compound_billing_uq').on(t.compoundId, t.billingKey),
    uniqueIndex('ledger_compound_reverses_uq').on(t.compoundId, t.reversesSerial),
    index('ledger_household_idx').on(t.householdId),
    index('ledger_compound_recorded_idx').on(t.compoundId, t.recordedAt),
  ],
)

/**
 * Receipt photos sent within 2 minutes after an expense (支出) was recorded. The entry itself is append-only
 * and hash-chained, so a photo that arrives later is linked here; it is not part of the chain.
 * A photo sent with the command is in ledger_entries.receipt_ref (hashed).
 */
export const ledgerReceipts = pgTable(
  'ledger_receipts',
  {
    id: serial('id').primaryKey(),
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    entryId: integer('entry_id').notNull().references(() => ledgerEntries.id),
    fileRef: text('file_ref').notNull(),
    addedBy: integer('added_by').references(() => members.id),
    addedAt: tstz('added_at').notNull().defaultNow(),
  },
  (t) => [index('ledger_receipts_entry_idx').on(t.entryId)],
)

/**
 * A repair cost reported by someone who may not book money (an assignee who is not committee): shown on the
 * ticket, not in the ledger, until the committee approves it (then booked, ledger_serial set) or rejects it.
 * Only pending → approved | rejected | withdrawn is allowed (trigger); no DELETE.
 */
export const costClaims = pgTable(
  'cost_claims',
  {
    id: serial('id').primaryKey(),
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    ticketId: integer('ticket_id').notNull().references(() => tickets.id),
    amountFen: fen('amount_fen').notNull(),
    payee: text('payee'),
    note: text('note'),
    claimedBy: integer('claimed_by').notNull().references(() => members.id),
    claimedAt: tstz('claimed_at').notNull().defaultNow(),
    status: text('status').$type<'pending' | 'approved' | 'rejected' | 'withdrawn'>().notNull().default('pending'),
    decidedBy: integer('decided_by').references(() => members.id),
    decidedAt: tstz('decided_at'),
    decisionNote: text('decision_note'),
    ledgerSerial: integer('ledger_serial'),
  },
  (t) => [index('cost_claims_ticket_idx').on(t.ticketId), index('cost_claims_compound_status_idx').on(t.compoundId, t.status)],
)

/**
 * A write the bot offered and holds until the same person confirms it (a suspected duplicate payment or
 * expense: `确认重复 <流水号>`; later, plain-language offers). Valid until expires_at; used once.
 */
export const confirmations = pgTable(
  'confirmations',
  {
    id: serial('id').primaryKey(),
    compoundId: integer('compound_id').references(() => compounds.id),
    memberId: integer('member_id').notNull().references(() => members.id),
    kind: text('kind').notNull(),
    // what the confirmation refers to, e.g. the serial of the entry it may duplicate
    ref: text('ref'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
    expiresAt: tstz('expires_at').notNull(),
    usedAt: tstz('used_at'),
  },
  (t) => [index('confirmations_member_idx').on(t.memberId, t.kind)],
)
