// Objection windows (公示期) of closed polls and elections, the objections (异议) filed in them and the
// committee's answers (答复异议). Objections and answers are append-only (triggers); a window's final
// announcement is written once (trigger).
import { and, asc, desc, eq, inArray, isNull, lte, sql } from 'drizzle-orm'
import type { Queryable, Tx } from './client.ts'
import { notices, objectionAnswers, objections, polls, resultWindows } from './schema.ts'

export type WindowRow = typeof resultWindows.$inferSelect
export type ObjectionRow = typeof objections.$inferSelect
export type AnswerRow = typeof objectionAnswers.$inferSelect

export async function insertWindow(tx: Tx, row: { pollId: number; compoundId: number; openedAt: Date; until: Date }): Promise<WindowRow> {
  const [w] = await tx.insert(resultWindows).values(row).onConflictDoNothing().returning()
  return w ?? (await windowOf(tx, row.compoundId, row.pollId, 'update'))!
}

/** A poll's window; `lock` serializes the numbering of its objections and its final announcement. */
export async function windowOf(q: Queryable, compoundId: number, pollId: number, lock?: 'update'): Promise<WindowRow | undefined> {
  const base = q
    .select()
    .from(resultWindows)
    .where(and(eq(resultWindows.compoundId, compoundId), eq(resultWindows.pollId, pollId)))
    .limit(1)
  const [row] = lock ? await base.for(lock) : await base
  return row
}

/** File an objection with the next number of its poll (the caller holds the window's lock). */
export async function insertObjection(tx: Tx, row: Omit<typeof objections.$inferInsert, 'no' | 'id'>): Promise<ObjectionRow> {
  const [n] = await tx
    .select({ n: sql<number>`coalesce(max(${objections.no}), 0)::int` })
    .from(objections)
    .where(and(eq(objections.compoundId, row.compoundId), eq(objections.pollId, row.pollId)))
  const [o] = await tx.insert(objections).values({ ...row, no: Number(n?.n ?? 0) + 1 }).returning()
  return o!
}

export async function findObjection(q: Queryable, compoundId: number, pollId: number, no: number): Promise<ObjectionRow | undefined> {
  const [row] = await q
    .select()
    .from(objections)
    .where(and(eq(objections.compoundId, compoundId), eq(objections.pollId, pollId), eq(objections.no, no)))
    .limit(1)
  return row
}

export async function insertAnswer(tx: Tx, row: Omit<typeof objectionAnswers.$inferInsert, 'id'>): Promise<AnswerRow> {
  const [a] = await tx.insert(objectionAnswers).values(row).returning()
  return a!
}

/** A poll's objections by number, each with its latest answer (the one that stands). */
export async function objectionsOf(q: Queryable, compoundId: number, pollId: number): Promise<{ objection: ObjectionRow; answer: AnswerRow | null }[]> {
  const list = await q
    .select()
    .from(objections)
    .where(and(eq(objections.compoundId, compoundId), eq(objections.pollId, pollId)))
    .orderBy(asc(objections.no))
  if (list.length === 0) return []
  const answers = await q
    .select()
    .from(objectionAnswers)
    .where(and(eq(objectionAnswers.compoundId, compoundId), inArray(objectionAnswers.objectionId, list.map((o) => o.id))))
    .orderBy(desc(objectionAnswers.id))
  const latest = new Map<number, AnswerRow>()
  for (const a of answers) if (!latest.has(a.objectionId)) latest.set(a.objectionId, a)
  return list.map((objection) => ({ objection, answer: latest.get(objection.id) ?? null }))
}

/** Windows whose end has come and whose final result is not announced yet, in every compound. */
export async function windowsDue(q: Queryable, now: Date): Promise<WindowRow[]> {
  return q
    .select()
    .from(resultWindows)
    .where(and(isNull(resultWindows.finalAt), lte(resultWindows.until, now)))
    .orderBy(asc(resultWindows.compoundId), asc(resultWindows.until))
}

/**
 * Whether anything of the self-governance calendar is due — an election's nomination end, an objection window's
 * end, a notice's reminder (db/notices.ts dueNoticeReminders): one statement for every compound (the idle tick).
 */
export async function governanceDue(q: Queryable, now: Date): Promise<boolean> {
  const at = now.toISOString()
  const res = await q.execute(sql`SELECT
    EXISTS (SELECT 1 FROM ${polls} p WHERE p.status = 'nominating' AND p.nomination_until <= ${at}::timestamptz AND p.compound_id IS NOT NULL)
    OR EXISTS (SELECT 1 FROM ${resultWindows} w WHERE w.final_at IS NULL AND w.until <= ${at}::timestamptz AND w.compound_id IS NOT NULL)
    OR EXISTS (SELECT 1 FROM ${notices} n WHERE n.reminded_at IS NULL AND n.remind_at <= ${at}::timestamptz AND n.compound_id IS NOT NULL) AS due`)
  const rows = ((res as { rows?: unknown[] }).rows ?? (res as unknown as unknown[])) as { due: unknown }[]
  return rows[0]?.due === true || rows[0]?.due === 't'
}

/** Write the final announcement once; undefined when it was already written. */
export async function markFinal(tx: Tx, pollId: number, now: Date, finalResult: unknown): Promise<WindowRow | undefined> {
  const [row] = await tx
    .update(resultWindows)
    .set({ finalAt: now, finalResult })
    .where(and(eq(resultWindows.pollId, pollId), isNull(resultWindows.finalAt)))
    .returning()
  return row
}
