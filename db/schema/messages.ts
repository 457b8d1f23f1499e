// Chat bookkeeping: the inbox (dedupe), the outbox (delivery) and the welcome sent once per member.
import { index, integer, jsonb, pgTable, serial, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { bytea, tstz } from './columns.ts'
import { compounds } from './compounds.ts'

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
  // help lists the commands a member uses most (commands/help.ts): their rows, by command
  (t) => [uniqueIndex('inbox_message_uq').on(t.platform, t.chatId, t.messageId), index('inbox_member_command_idx').on(t.memberId, t.command)],
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
    // a document (the committee's CSV of an opinion round): its bytes and the name it is sent under
    file: bytea('file'),
    fileName: text('file_name'),
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
