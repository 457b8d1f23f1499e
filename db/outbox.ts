// The outbox's SQL: inserting reply rows (src/outbox/write.ts is the one caller), the roster names their group
// scrub needs, and the dispatcher's claim, send and release of rows (src/outbox/dispatcher.ts).
import { and, isNotNull, sql } from 'drizzle-orm'
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
  | 'buttons'
  | 'groupChatId'
  | 'groupAckText'
  | 'groupFallbackText'
  | 'dedupeKey'
>

/** Insert rows in one statement; a row whose dedupe key exists is skipped. Returns the rows written. */
export async function insertOutboxRows(q: Queryable, rows: readonly NewOutboxRow[]): Promise<{ id: number; dedupeKey: string | null }[]> {
  if (rows.length === 0) return []
  return q.insert(outbox).values([...rows]).onConflictDoNothing().returning({ id: outbox.id, dedupeKey: outbox.dedupeKey })
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
      group_fallback_text, attempts`)
  const rows = ((res as { rows?: OutboxRow[] }).rows ?? (res as unknown as OutboxRow[])) as OutboxRow[]
  return [...rows].sort((a, b) => a.id - b.id)
}

export async function markOutboxSent(db: Db, id: number): Promise<void> {
  await db.execute(sql`UPDATE outbox SET status = 'sent', sent_at = now(), last_error = NULL WHERE id = ${id}`)
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
