// Drizzle schema: the single source for migrations (drizzle-kit generate) and typed queries.
// Every table that belongs to a compound carries compound_id so the schema can be distributed by it.
import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import { sql } from 'drizzle-orm'

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
})
const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })
const fen = (name: string) => bigint(name, { mode: 'bigint' })

export interface CompoundSettings {
  overdueDays?: number
  maxAmountFen?: string
  publicPaymentNotice?: boolean
  arrearsRoomsPublic?: boolean
  pollNoticeDays?: number
  /** a repair cost above this (fen, default 500,000 = ¥5,000) needs the head's approval (docs/LEDGER.md) */
  costApprovalLimitFen?: string
  disclosure?: { weekly?: string | false; monthly?: string | false; yearly?: string | false }
  /** false: no 要登记报修吗 offer for unaddressed repair reports in the group (docs/INTENTS.md); default on */
  groupRepairOffers?: boolean
  [key: string]: unknown
}

export const compounds = pgTable('compounds', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  timeZone: text('time_zone').notNull().default('Asia/Shanghai'),
  language: text('language').notNull().default('zh-CN'),
  settings: jsonb('settings').$type<CompoundSettings>().notNull().default({}),
  createdAt: tstz('created_at').notNull().defaultNow(),
})

export const chats = pgTable(
  'chats',
  {
    id: serial('id').primaryKey(),
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    platform: text('platform').notNull(),
    platformChatId: text('platform_chat_id').notNull(),
    title: text('title'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('chats_platform_chat_uq').on(t.platform, t.platformChatId), index('chats_compound_idx').on(t.compoundId)],
)

export const households = pgTable(
  'households',
  {
    id: serial('id').primaryKey(),
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    building: text('building').notNull(),
    unit: text('unit'),
    room: text('room').notNull(),
    code: text('code').notNull(),
    // exclusive floor area in centi-m² (1 m² = 100): exact integer arithmetic for fees and votes
    areaCentiM2: bigint('area_centi_m2', { mode: 'bigint' }).notNull(),
    occupancy: text('occupancy').$type<'owner_occupied' | 'rented' | 'vacant'>().notNull().default('owner_occupied'),
    ownerName: text('owner_name'),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('households_compound_code_uq').on(t.compoundId, t.code)],
)

export const members = pgTable(
  'members',
  {
    id: serial('id').primaryKey(),
    platform: text('platform').notNull(),
    platformUserId: text('platform_user_id').notNull(),
    displayName: text('display_name').notNull(),
    // the platform's handle where it has one (Telegram @username, stored lowercased without '@'):
    // a mention resolves by it, never by a display name that anyone can copy
    username: text('username'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('members_platform_user_uq').on(t.platform, t.platformUserId), index('members_platform_username_idx').on(t.platform, t.username)],
)

export const householdBindings = pgTable(
  'household_bindings',
  {
    id: serial('id').primaryKey(),
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    memberId: integer('member_id').notNull().references(() => members.id),
    householdId: integer('household_id').notNull().references(() => households.id),
    relation: text('relation').$type<'owner' | 'tenant' | 'family'>().notNull(),
    status: text('status').$type<'pending' | 'verified'>().notNull().default('pending'),
    verifiedBy: integer('verified_by').references(() => members.id),
    verifiedAt: tstz('verified_at'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('bindings_member_household_uq').on(t.memberId, t.householdId), index('bindings_compound_idx').on(t.compoundId)],
)

export const roles = pgTable(
  'roles',
  {
    id: serial('id').primaryKey(),
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    memberId: integer('member_id').notNull().references(() => members.id),
    role: text('role').$type<'collector' | 'committee' | 'head'>().notNull(),
    grantedBy: integer('granted_by').references(() => members.id),
    grantedAt: tstz('granted_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('roles_compound_member_uq').on(t.compoundId, t.memberId)],
)

/** Every handled platform message, written in the same transaction as the command's effects. */
export const inbox = pgTable(
  'inbox',
  {
    id: serial('id').primaryKey(),
    platform: text('platform').notNull(),
    chatId: text('chat_id').notNull(),
    messageId: text('message_id').notNull(),
    compoundId: integer('compound_id'),
    memberId: integer('member_id'),
    command: text('command'),
    receivedAt: tstz('received_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('inbox_message_uq').on(t.platform, t.chatId, t.messageId)],
)

/** Replies and posts waiting to be delivered; written in the command's transaction, sent after commit. */
export const outbox = pgTable(
  'outbox',
  {
    id: serial('id').primaryKey(),
    compoundId: integer('compound_id'),
    platform: text('platform').notNull(),
    targetKind: text('target_kind').$type<'chat' | 'user'>().notNull(),
    targetId: text('target_id').notNull(),
    text: text('text').notNull(),
    image: bytea('image'),
    // inline buttons where the platform has them (Telegram poll options): rows of { text, data }
    buttons: jsonb('buttons').$type<{ text: string; data: string }[][]>(),
    // a private reply to a group message: what the group sees once it is sent, or when the user cannot be reached
    groupChatId: text('group_chat_id'),
    groupAckText: text('group_ack_text'),
    groupFallbackText: text('group_fallback_text'),
    dedupeKey: text('dedupe_key').unique(),
    inboxId: integer('inbox_id'),
    status: text('status').$type<'pending' | 'sending' | 'sent' | 'failed'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: tstz('next_attempt_at').notNull().defaultNow(),
    claimedUntil: tstz('claimed_until'),
    lastError: text('last_error'),
    createdAt: tstz('created_at').notNull().defaultNow(),
    sentAt: tstz('sent_at'),
  },
  (t) => [index('outbox_pending_idx').on(t.status, t.nextAttemptAt)],
)

// ---- repairs -------------------------------------------------------------------------------

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

// ---- fees and ledger ------------------------------------------------------------------------

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

// ---- polls ----------------------------------------------------------------------------------

export const polls = pgTable(
  'polls',
  {
    id: serial('id').primaryKey(),
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    no: integer('no').notNull(),
    title: text('title').notNull(),
    options: jsonb('options').$type<string[]>().notNull(),
    multiple: boolean('multiple').notNull().default(false),
    rule: text('rule').$type<'simple' | 'ordinary' | 'major'>().notNull().default('simple'),
    electorate: text('electorate').$type<'owners' | 'residents'>().notNull().default('owners'),
    secret: boolean('secret').notNull().default(false),
    deadline: tstz('deadline').notNull(),
    status: text('status').$type<'open' | 'closed'>().notNull().default('open'),
    createdBy: integer('created_by').references(() => members.id),
    createdAt: tstz('created_at').notNull().defaultNow(),
    closedAt: tstz('closed_at'),
    result: jsonb('result'),
    resultAnnouncedAt: tstz('result_announced_at'),
  },
  (t) => [uniqueIndex('polls_compound_no_uq').on(t.compoundId, t.no)],
)

/** Every cast ballot, append-only (a trigger refuses UPDATE and DELETE). */
export const ballots = pgTable(
  'ballots',
  {
    id: serial('id').primaryKey(),
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    pollId: integer('poll_id').notNull().references(() => polls.id),
    voterKey: text('voter_key').notNull(), // h:<household id> or m:<member id>
    householdId: integer('household_id').references(() => households.id),
    memberId: integer('member_id').notNull().references(() => members.id),
    options: jsonb('options').$type<number[]>().notNull(),
    castAt: tstz('cast_at').notNull().defaultNow(),
  },
  (t) => [index('ballots_poll_idx').on(t.pollId)],
)

/** The one ballot that counts per voter: the unique key is the invariant. */
export const currentBallots = pgTable(
  'current_ballots',
  {
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    pollId: integer('poll_id').notNull().references(() => polls.id),
    voterKey: text('voter_key').notNull(),
    ballotId: integer('ballot_id').notNull().references(() => ballots.id),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.voterKey] })],
)

/**
 * A poll's electorate frozen at launch: later roster changes (re-import, removal, new bindings) never move an
 * open poll's denominators or a voter's weight. Append-only (trigger). No foreign key to households: a
 * household removed from the roster still counts in the polls it was frozen into.
 */
export const pollElectorate = pgTable(
  'poll_electorate',
  {
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    pollId: integer('poll_id').notNull().references(() => polls.id),
    // h:<household id> (owner polls) or m:<member id> (resident polls): matches ballots.voter_key
    voterKey: text('voter_key').notNull(),
    householdId: integer('household_id'),
    code: text('code'),
    areaCentiM2: bigint('area_centi_m2', { mode: 'bigint' }).notNull().default(sql`0`),
    // the owner persons of this voter (headcount: 最高法 interpretation art. 9), e.g. o:<normalized owner name>
    ownerKeys: jsonb('owner_keys').$type<string[]>().notNull().default([]),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.voterKey] })],
)

// ---- money workflow ---------------------------------------------------------------------------

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

/**
 * A writing command understood from a resident's own words (docs/INTENTS.md) and offered to them: done only
 * on that person's 是 / button in the same chat before expires_at. The answer is recorded once (accepted,
 * declined, expired, superseded by a newer offer); no other change and no delete (trigger, migration 0008).
 */
export const intentOffers = pgTable(
  'intent_offers',
  {
    id: serial('id').primaryKey(),
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    memberId: integer('member_id').notNull().references(() => members.id),
    platform: text('platform').notNull(),
    // the platform chat the offer was made in (a private chat: the member's), where the answer must come from
    chatId: text('chat_id').notNull(),
    // the message that was understood
    messageId: text('message_id').notNull(),
    // 'addressed': the bot was spoken to; 'group': an unaddressed repair report in the group (once an hour)
    source: text('source').$type<'addressed' | 'group'>().notNull(),
    intent: text('intent').notNull(),
    // the command line run as the member on acceptance
    command: text('command').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
    expiresAt: tstz('expires_at').notNull(),
    outcome: text('outcome').$type<'accepted' | 'declined' | 'expired' | 'superseded'>(),
    answeredAt: tstz('answered_at'),
  },
  (t) => [index('intent_offers_member_idx').on(t.compoundId, t.memberId, t.createdAt), index('intent_offers_expires_idx').on(t.expiresAt)],
)

// ---- disclosure and scheduling --------------------------------------------------------------

/** One disclosure post per compound, chat, period kind and period: recorded before it is sent. */
export const disclosures = pgTable(
  'disclosures',
  {
    id: serial('id').primaryKey(),
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    chatId: integer('chat_id').notNull().references(() => chats.id),
    periodKind: text('period_kind').$type<'week' | 'month' | 'year'>().notNull(),
    period: text('period').notNull(),
    late: boolean('late').notNull().default(false),
    // the ledger chain head this post published (serial 0 and GENESIS for an empty ledger): 核验 checks it is still in the chain
    chainSerial: integer('chain_serial'),
    chainHead: text('chain_head'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  // the scheduler's every-minute check reads the rows of the periods due now (db/disclosure.ts undisclosedPeriods)
  (t) => [uniqueIndex('disclosures_once_uq').on(t.compoundId, t.chatId, t.periodKind, t.period), index('disclosures_period_idx').on(t.period, t.periodKind)],
)

/** Run coordinator for scheduled jobs: one row per (job, fire) means one run across instances. */
export const jobRuns = pgTable(
  'job_runs',
  {
    job: text('job').notNull(),
    fireKey: text('fire_key').notNull(),
    instance: text('instance'),
    startedAt: tstz('started_at').notNull().defaultNow(),
    finishedAt: tstz('finished_at'),
  },
  (t) => [primaryKey({ columns: [t.job, t.fireKey] })],
)


// ---- chat bookkeeping -----------------------------------------------------------------------

/** Members already greeted on joining a compound's chat (the welcome with how to bind is sent once per compound). */
export const greetings = pgTable(
  'greetings',
  {
    id: serial('id').primaryKey(),
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    platform: text('platform').notNull(),
    platformUserId: text('platform_user_id').notNull(),
    platformChatId: text('platform_chat_id').notNull(),
    greetedAt: tstz('greeted_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('greetings_compound_user_uq').on(t.compoundId, t.platform, t.platformUserId)],
)
