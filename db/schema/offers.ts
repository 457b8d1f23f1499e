// Plain-language offers (docs/INTENTS.md): a writing command understood from a resident's words, kept until
// that person answers it.
import { index, integer, pgTable, serial, text } from 'drizzle-orm/pg-core'
import { tstz } from './columns.ts'
import { compounds, members } from './compounds.ts'

/**
 * A writing command understood from a resident's own words and offered to them: done only on that person's
 * 是 / button in the same chat before expires_at. The answer is recorded once (accepted, declined, expired,
 * superseded by a newer offer); no other change and no delete (trigger, migration 0008).
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
