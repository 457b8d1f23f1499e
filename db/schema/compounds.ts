// Compounds and who is in them: chats, households (the roster), members, household bindings and roles.
import { bigint, index, integer, jsonb, pgTable, serial, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { tstz } from './columns.ts'

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
  /** 'HH:MM-HH:MM' local, or false: no unasked group post then (src/domain/quiet-hours.ts; default 21:00-08:00) */
  quietHours?: string | false
  /** hours after a notice (通知) when its one reminder goes to the groups; 0: none (src/services/notices.ts; default 48) */
  noticeReminderHours?: number
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

/**
 * A version of each compound's roster, a new random value whenever a statement changes its households (triggers
 * in migration 0010, so every writer, in any process, moves it): the bot keeps the roster's owner names for the
 * group privacy scrub per compound and version (src/outbox/write.ts). No row: households loaded with the triggers off.
 */
export const rosterVersions = pgTable('roster_versions', {
  // no foreign key: the row follows the households, and must not hold a compound that has none left
  compoundId: integer('compound_id').primaryKey(),
  version: text('version').notNull(),
})

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
