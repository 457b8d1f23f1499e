// The outbox's SQL: inserting reply rows (src/outbox/write.ts is the one caller), the roster names their group
// scrub needs, and the dispatcher's claim, send and release of rows (src/outbox/dispatcher.ts).
import { and, isNotNull, type SQL, sql } from 'drizzle-orm'
import { ownerNameParts } from '../src/domain/group-privacy.ts'
import type { Db, Queryable } from './client.ts'
import { households, outbox } from './schema.ts'

/** What a writer sets on a new outbox row; the delivery columns (status, attempts, ...) start at their defaults. */
export type NewOutboxRow = Pick<
  typeof outbox.$inferInsert,
  | 'compoundId'
  | 'inboxId'
  | 'createdAt'
  | 'platform'
  | 'targetKind'
  | 'targetId'
  | 'text'
  | 'image'
  | 'file'
  | 'fileName'
  | 'buttons'
  | 'groupChatId'
  | 'groupAckText'
  | 'groupFallbackText'
  | 'dedupeKey'
> & {
  /** names the group scrub shows in full where marked candidate() (src/domain/group-privacy.ts); not stored */
  publicNames?: readonly string[] | null
}

/** The columns a writer sets, in the order of insertOutboxRows' placeholders. */
const INSERT_COLUMNS =
  'compound_id, inbox_id, created_at, platform, target_kind, target_id, text, image, buttons, group_chat_id, group_ack_text, group_fallback_text, dedupe_key, file, file_name'
/** the placeholders of row k: a missing created_at is the database's now(), as the column's default */
const rowPlaceholders = (k: number) => {
  const p = (i: number) => `$${k * 15 + i}`
  return `(${p(1)}::int, ${p(2)}::int, coalesce(${p(3)}::timestamptz, now()), ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}::bytea, ${p(9)}::jsonb, ${p(10)}, ${p(11)}, ${p(12)}, ${p(13)}, ${p(14)}::bytea, ${p(15)})`
}
/** the statement for n rows, built once per n (every reply of a command is one row or a few) */
const insertTexts = new Map<number, string[]>()
function insertText(n: number): string[] {
  let parts = insertTexts.get(n)
  if (!parts) {
    const text = `INSERT INTO "outbox" (${INSERT_COLUMNS}) VALUES ${Array.from({ length: n }, (_, k) => rowPlaceholders(k)).join(', ')}
      ON CONFLICT DO NOTHING RETURNING id, dedupe_key`
    parts = text.split(/\$\d+/)
    if (n <= 20) insertTexts.set(n, parts)
  }
  return parts
}

/**
 * Insert rows in one statement; a row whose dedupe key exists is skipped. Returns the rows written, in order.
 * Written as SQL text rather than with the query builder: every reply of every command passes here.
 */
export async function insertOutboxRows(q: Queryable, rows: readonly NewOutboxRow[]): Promise<{ id: number; dedupeKey: string | null }[]> {
  if (rows.length === 0) return []
  const values = rows.flatMap((r) => [
    r.compoundId ?? null,
    r.inboxId ?? null,
    r.createdAt ? r.createdAt.toISOString() : null,
    r.platform,
    r.targetKind,
    r.targetId,
    r.text,
    r.image ?? null,
    r.buttons ? JSON.stringify(r.buttons) : null,
    r.groupChatId ?? null,
    r.groupAckText ?? null,
    r.groupFallbackText ?? null,
    r.dedupeKey ?? null,
    r.file ?? null,
    r.fileName ?? null,
  ])
  const parts = insertText(rows.length)
  const chunks: SQL[] = [sql.raw(parts[0]!)]
  values.forEach((v, i) => chunks.push(sql`${v}`, sql.raw(parts[i + 1]!)))
  const res = await q.execute(sql.join(chunks))
  const written = ((res as { rows?: unknown[] }).rows ?? (res as unknown as unknown[])) as { id: unknown; dedupe_key: unknown }[]
  // RETURNING of a multi-row INSERT comes in the order of the VALUES
  return written.map((w) => ({ id: Number(w.id), dedupeKey: w.dedupe_key == null ? null : String(w.dedupe_key) }))
}

/**
 * The owner names (ownerNameParts of every owner_name) of several compounds in one query, uncached: the
 * disclosure batch's rows span a chunk of compounds (one compound's are cached: db/households.ts ownerNamesOf).
 */
export async function ownerNamesOfMany(q: Queryable, compoundIds: readonly number[]): Promise<Map<number, string[]>> {
  const names = new Map<number, Set<string>>()
  if (compoundIds.length === 0) return new Map()
  // one array parameter instead of one per id: the chunk may hold hundreds of compounds
  const ids = sql`string_to_array(${compoundIds.join(',')}, ',')::int[]`
  const owners = await q
    .select({ compoundId: households.compoundId, name: households.ownerName })
    .from(households)
    .where(and(sql`${households.compoundId} = ANY(${ids})`, isNotNull(households.ownerName)))
  for (const o of owners) {
    let s = names.get(o.compoundId)
    if (!s) names.set(o.compoundId, (s = new Set()))
    for (const n of ownerNameParts(o.name ?? '')) s.add(n)
  }
  return new Map([...names].map(([id, s]) => [id, [...s]]))
}

/** A claimed row as the dispatcher delivers it. */
export interface OutboxRow {
  id: number
  platform: string
  target_kind: 'chat' | 'user'
  target_id: string
  text: string
  image: Uint8Array | null
  buttons: { text: string; data: string }[][] | null
  group_chat_id: string | null
  group_ack_text: string | null
  group_fallback_text: string | null
  attempts: number
  /** a document sent with the text, and its name */
  file: Uint8Array | null
  file_name: string | null
}

/**
 * Claim up to `limit` due rows of these platforms (and compounds, when given) for `claimSeconds`, in id order.
 * A target is claimable only when no other instance holds rows of it in flight; the advisory lock (held until
 * this statement's transaction ends) settles two instances claiming the same target at once.
 */
export async function claimOutboxRows(
  db: Db,
  opts: { platforms: readonly string[]; compounds?: readonly number[]; limit: number; claimSeconds: number },
): Promise<OutboxRow[]> {
  if (opts.platforms.length === 0) return []
  const list = sql.join(opts.platforms.map((p) => sql`${p}`), sql`, `)
  const compounds = opts.compounds
  const onlyCompounds = compounds?.length
    ? sql`AND compound_id IN (${sql.join(compounds.map((c) => sql`${c}`), sql`, `)})`
    : sql``
  const res = await db.execute(sql`
    UPDATE outbox SET status = 'sending', attempts = attempts + 1,
      claimed_until = now() + make_interval(secs => ${opts.claimSeconds})
    WHERE id IN (
      SELECT o.id FROM outbox o
      WHERE o.platform IN (${list}) ${onlyCompounds}
        AND ((o.status = 'pending' AND o.next_attempt_at <= now()) OR (o.status = 'sending' AND o.claimed_until < now()))
        AND NOT EXISTS (
          SELECT 1 FROM outbox busy
          WHERE busy.platform = o.platform AND busy.target_kind = o.target_kind AND busy.target_id = o.target_id
            AND busy.status = 'sending' AND busy.claimed_until >= now() AND busy.id <> o.id)
        AND pg_try_advisory_xact_lock(hashtext(o.platform || ':' || o.target_kind || ':' || o.target_id))
      ORDER BY o.id LIMIT ${opts.limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING id, platform, target_kind, target_id, text, image, buttons, group_chat_id, group_ack_text,
      group_fallback_text, attempts, file, file_name`)
  const rows = ((res as { rows?: OutboxRow[] }).rows ?? (res as unknown as OutboxRow[])) as OutboxRow[]
  return [...rows].sort((a, b) => a.id - b.id)
}

/** Mark delivered rows sent: one statement for any number of them (the dispatcher gathers the rows sent meanwhile). */
export async function markOutboxSent(db: Db, ids: number | readonly number[]): Promise<void> {
  const list = typeof ids === 'number' ? [ids] : ids
  if (list.length === 0) return
  // one text parameter whatever the number of rows: one prepared statement
  await db.execute(sql`UPDATE outbox SET status = 'sent', sent_at = now(), last_error = NULL
    WHERE id = ANY(string_to_array(${list.join(',')}, ',')::int[])`)
}

/** Give up on a row: it stays with its error for the operator. */
export async function markOutboxFailed(db: Db, id: number, error: string): Promise<void> {
  await db.execute(sql`UPDATE outbox SET status = 'failed', last_error = ${error} WHERE id = ${id}`)
}

/** Hand a claimed row back, due again after `delayMs`; `error` (when given) replaces the last one recorded. */
export async function releaseOutboxRow(db: Db, id: number, delayMs: number, error?: string): Promise<void> {
  await db.execute(sql`
    UPDATE outbox SET status = 'pending', claimed_until = NULL,
      next_attempt_at = now() + make_interval(secs => ${delayMs / 1000}),
      last_error = coalesce(${error ?? null}, last_error)
    WHERE id = ${id}`)
}

/**
 * Keep the outbox small: a sent row's picture or document (a chart is ~140 KiB) is emptied once `bytesBefore`
 * has passed — nothing sends a sent row again — and a sent row without a dedupe key (a reply) is deleted once
 * `rowsBefore` has passed. Rows with a dedupe key stay: they are how a job knows it already posted
 * (pollResultsSent, ON CONFLICT on dedupe_key).
 */
export async function pruneOutbox(q: Queryable, opts: { bytesBefore: Date; rowsBefore: Date }): Promise<{ stripped: number; deleted: number }> {
  // emptied, not nulled: the row still says it carried a picture or document (`linli outbox`, delivery audits)
  const stripped = await q.execute(sql`WITH s AS (UPDATE outbox
      SET image = CASE WHEN image IS NULL THEN NULL ELSE ''::bytea END, file = CASE WHEN file IS NULL THEN NULL ELSE ''::bytea END
      WHERE status = 'sent' AND sent_at < ${opts.bytesBefore.toISOString()}::timestamptz
        AND (octet_length(image) > 0 OR octet_length(file) > 0)
      RETURNING 1)
    SELECT count(*)::int AS n FROM s`)
  const deleted = await q.execute(sql`WITH d AS (DELETE FROM outbox
      WHERE status = 'sent' AND dedupe_key IS NULL AND sent_at < ${opts.rowsBefore.toISOString()}::timestamptz
      RETURNING 1)
    SELECT count(*)::int AS n FROM d`)
  const n = (res: unknown) => Number(((res as { rows?: { n: number }[] }).rows ?? (res as { n: number }[]))[0]?.n ?? 0)
  return { stripped: n(stripped), deleted: n(deleted) }
}
