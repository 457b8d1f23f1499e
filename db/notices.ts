// Notices (通知) and their acknowledgements (收到). Acknowledgements are append-only (trigger) with one row per
// member and notice (the primary key): a second 收到 writes nothing. A household has acknowledged when a member
// with a verified binding to it has, or a building captain recorded it for the household (notice_acks.household_id).
import { and, asc, desc, eq, gte, isNull, lte, sql } from 'drizzle-orm'
import type { Queryable, Tx } from './client.ts'
import { householdBindings, households, noticeAcks, notices } from './schema.ts'

export type NoticeRow = typeof notices.$inferSelect

/** Advisory-lock namespace for notice numbers ('noti'); the second key is the compound id. */
const NOTICE_NO_LOCK = 0x6e6f7469

/** Insert a notice with the next number of its compound (serialized per compound until the transaction ends). */
export async function createNotice(tx: Tx, values: Omit<typeof notices.$inferInsert, 'id' | 'no'>): Promise<NoticeRow> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${NOTICE_NO_LOCK}::int, ${values.compoundId}::int)`)
  const [last] = await tx
    .select({ n: sql<number>`coalesce(max(${notices.no}), 0)::int` })
    .from(notices)
    .where(eq(notices.compoundId, values.compoundId))
  const [row] = await tx
    .insert(notices)
    .values({ ...values, no: Number(last?.n ?? 0) + 1 })
    .returning()
  return row!
}

export async function findNotice(q: Queryable, compoundId: number, no: number): Promise<NoticeRow | undefined> {
  const [row] = await q.select().from(notices).where(and(eq(notices.compoundId, compoundId), eq(notices.no, no))).limit(1)
  return row
}

/** The compound's newest notice posted at or after `since`. */
export async function latestNoticeSince(q: Queryable, compoundId: number, since: Date): Promise<NoticeRow | undefined> {
  const [row] = await q
    .select()
    .from(notices)
    .where(and(eq(notices.compoundId, compoundId), gte(notices.createdAt, since)))
    .orderBy(desc(notices.no))
    .limit(1)
  return row
}

/** Record a member's acknowledgement; false when they had acknowledged already (nothing written). */
export async function insertAck(tx: Tx, ack: typeof noticeAcks.$inferInsert): Promise<boolean> {
  const rows = await tx.insert(noticeAcks).values(ack).onConflictDoNothing().returning({ memberId: noticeAcks.memberId })
  return rows.length > 0
}

/** The households that have acknowledged a notice: recorded for them, or by a member verified for them. */
export async function ackedHouseholds(q: Queryable, compoundId: number, noticeId: number): Promise<Set<number>> {
  const res = await q.execute(sql`
    SELECT a.household_id AS id FROM ${noticeAcks} a
      WHERE a.compound_id = ${compoundId} AND a.notice_id = ${noticeId} AND a.household_id IS NOT NULL
    UNION
    SELECT b.household_id AS id FROM ${noticeAcks} a
      JOIN ${householdBindings} b ON b.member_id = a.member_id AND b.compound_id = a.compound_id AND b.status = 'verified'
      WHERE a.compound_id = ${compoundId} AND a.notice_id = ${noticeId} AND a.recorded_by IS NULL`)
  const rows = ((res as { rows?: { id: unknown }[] }).rows ?? (res as unknown as { id: unknown }[])) as { id: unknown }[]
  return new Set(rows.map((r) => Number(r.id)))
}

/** The roster's households with their buildings, in room order: who a notice is for. */
export async function noticeHouseholds(q: Queryable, compoundId: number) {
  return q
    .select({ id: households.id, code: households.code, building: households.building })
    .from(households)
    .where(eq(households.compoundId, compoundId))
    .orderBy(asc(households.code))
}

/** Notices whose one reminder is due and not yet sent, in every compound. */
export async function dueNoticeReminders(q: Queryable, now: Date): Promise<NoticeRow[]> {
  return q
    .select()
    .from(notices)
    .where(and(lte(notices.remindAt, now), isNull(notices.remindedAt)))
    .orderBy(asc(notices.compoundId), asc(notices.no))
}

/** Mark a notice's reminder sent; false when another run did first (so it goes once). */
export async function markReminded(tx: Tx, noticeId: number, now: Date): Promise<boolean> {
  const rows = await tx
    .update(notices)
    .set({ remindedAt: now })
    .where(and(eq(notices.id, noticeId), isNull(notices.remindedAt)))
    .returning({ id: notices.id })
  return rows.length > 0
}

/** Members who acknowledged themselves without any verified binding of the compound (they count for no household). */
export async function unboundAckers(q: Queryable, compoundId: number, noticeId: number): Promise<number> {
  const [row] = await q
    .select({ n: sql<number>`count(*)::int` })
    .from(noticeAcks)
    .where(
      and(
        eq(noticeAcks.compoundId, compoundId),
        eq(noticeAcks.noticeId, noticeId),
        isNull(noticeAcks.recordedBy),
        sql`NOT EXISTS (SELECT 1 FROM ${householdBindings} b WHERE b.member_id = ${noticeAcks.memberId}
          AND b.compound_id = ${noticeAcks.compoundId} AND b.status = 'verified')`,
      ),
    )
  return Number(row?.n ?? 0)
}
