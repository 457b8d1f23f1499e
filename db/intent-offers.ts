// Plain-language offers (docs/INTENTS.md): a writing command understood from a resident's words, kept until
// the same person answers it in the same chat. A row is answered once (accepted, declined, expired or
// superseded); the database refuses any other change and every delete (migration 0008).
import { and, desc, eq, gt, isNull } from 'drizzle-orm'
import type { Queryable, Tx } from './client.ts'
import { intentOffers, members } from './schema.ts'

export type OfferRow = typeof intentOffers.$inferSelect
export type OfferOutcome = NonNullable<OfferRow['outcome']>

export interface NewOffer {
  compoundId: number
  memberId: number
  platform: string
  chatId: string
  messageId: string
  source: 'addressed' | 'group'
  intent: string
  command: string
  at: Date
  validMs: number
}

/** Record an offer; the member's older open offers in that chat are superseded, so 是 always means the newest. */
export async function recordOffer(tx: Tx, o: NewOffer): Promise<OfferRow> {
  await tx
    .update(intentOffers)
    .set({ outcome: 'superseded', answeredAt: o.at })
    .where(
      and(
        eq(intentOffers.compoundId, o.compoundId),
        eq(intentOffers.memberId, o.memberId),
        eq(intentOffers.platform, o.platform),
        eq(intentOffers.chatId, o.chatId),
        isNull(intentOffers.outcome),
      ),
    )
  const [row] = await tx
    .insert(intentOffers)
    .values({
      compoundId: o.compoundId,
      memberId: o.memberId,
      platform: o.platform,
      chatId: o.chatId,
      messageId: o.messageId,
      source: o.source,
      intent: o.intent,
      command: o.command,
      createdAt: o.at,
      expiresAt: new Date(o.at.getTime() + o.validMs),
    })
    .returning()
  return row!
}

/**
 * The member's newest unanswered offer in this chat that expired after `since` (an expired one is returned
 * too, so a late 是 can be told so), locked until the transaction ends.
 */
export async function pendingOffer(
  tx: Tx,
  w: { compoundId: number; memberId: number; platform: string; chatId: string; since: Date },
): Promise<OfferRow | undefined> {
  const [row] = await tx
    .select()
    .from(intentOffers)
    .where(
      and(
        eq(intentOffers.compoundId, w.compoundId),
        eq(intentOffers.memberId, w.memberId),
        eq(intentOffers.platform, w.platform),
        eq(intentOffers.chatId, w.chatId),
        isNull(intentOffers.outcome),
        gt(intentOffers.expiresAt, w.since),
      ),
    )
    .orderBy(desc(intentOffers.createdAt), desc(intentOffers.id))
    .limit(1)
    .for('update')
  return row
}

/** One offer by id (a Telegram button names it), locked until the transaction ends. */
export async function offerById(tx: Tx, compoundId: number, id: number): Promise<OfferRow | undefined> {
  const [row] = await tx
    .select()
    .from(intentOffers)
    .where(and(eq(intentOffers.compoundId, compoundId), eq(intentOffers.id, id)))
    .for('update')
  return row
}

/** Record the answer; false when the offer was answered meanwhile. */
export async function answerOffer(tx: Tx, compoundId: number, id: number, outcome: OfferOutcome, at: Date): Promise<boolean> {
  const rows = await tx
    .update(intentOffers)
    .set({ outcome, answeredAt: at })
    .where(and(eq(intentOffers.compoundId, compoundId), eq(intentOffers.id, id), isNull(intentOffers.outcome)))
    .returning({ id: intentOffers.id })
  return rows.length > 0
}

/** Whether the member got an unaddressed group offer after `since` (one an hour at most). */
export async function groupOfferSince(q: Queryable, compoundId: number, memberId: number, since: Date): Promise<boolean> {
  const rows = await q
    .select({ id: intentOffers.id })
    .from(intentOffers)
    .where(
      and(
        eq(intentOffers.compoundId, compoundId),
        eq(intentOffers.memberId, memberId),
        eq(intentOffers.source, 'group'),
        gt(intentOffers.createdAt, since),
      ),
    )
    .limit(1)
  return rows.length > 0
}

/**
 * Unanswered offers of every compound that expired after `since`, by platform, chat and user: what a process
 * loads once so that a plain 好 in a group costs no statement unless its sender has an offer there.
 */
export async function unansweredOffers(
  q: Queryable,
  since: Date,
): Promise<{ platform: string; chatId: string; userId: string; expiresAt: Date }[]> {
  return q
    .select({ platform: intentOffers.platform, chatId: intentOffers.chatId, userId: members.platformUserId, expiresAt: intentOffers.expiresAt })
    .from(intentOffers)
    .innerJoin(members, eq(intentOffers.memberId, members.id))
    .where(and(isNull(intentOffers.outcome), gt(intentOffers.expiresAt, since)))
}
