// The outbox's SQL: the dispatcher's claim, send and release of rows (src/outbox/dispatcher.ts).
import { sql } from 'drizzle-orm'
import type { Db } from './client.ts'

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
