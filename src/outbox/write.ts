// The one way a reply row gets into the outbox: every writer (the pipeline and enqueueReplies through
// ./enqueue.ts, the disclosure batch, the WeChat adapter's notices) hands its rows to writeOutbox, which
// scrubs what a group will see and inserts them, in chunks, skipping rows whose dedupe key exists.
import type { Queryable } from '../../db/client.ts'
import { ownerNamesOf } from '../../db/households.ts'
import { insertOutboxRows, type NewOutboxRow, ownerNamesOfMany } from '../../db/outbox.ts'
import { needsGroupScrub, scrubGroupText, scrubRows } from '../domain/group-privacy.ts'

export type { NewOutboxRow } from '../../db/outbox.ts'

/** Rows per INSERT: keeps a statement's parameters well under PostgreSQL's limit for a batch of thousands. */
const CHUNK = 1000

/**
 * Scrub and insert `rows` (of any compounds) in the caller's transaction, in order; returns the rows written
 * (a row whose dedupe key already exists is skipped). The rows' texts are scrubbed in place.
 */
export async function writeOutbox(q: Queryable, rows: NewOutboxRow[]): Promise<{ id: number; dedupeKey: string | null }[]> {
  if (rows.length === 0) return []
  await scrubGroupRows(q, rows)
  const written: { id: number; dedupeKey: string | null }[] = []
  for (let k = 0; k < rows.length; k += CHUNK) written.push(...(await insertOutboxRows(q, rows.slice(k, k + CHUNK))))
  return written
}

/**
 * Every text a group will see (posts to chats, and the group notices of private replies) loses phone
 * numbers and full owner names of its compound's roster, and shows the people commands named (person())
 * in their masked form, before it is stored (PRODUCT.md, Privacy); private texts show those names as
 * written. The rule itself is src/domain/group-privacy.ts scrubRows. Roster names are read only when a
 * group will see something: one compound's from the cache (db/households.ts ownerNamesOf, one small
 * query), several compounds' (the disclosure batch) in one query.
 */
export async function scrubGroupRows(q: Queryable, rows: NewOutboxRow[]): Promise<void> {
  const ids = needsGroupScrub(rows) ? [...new Set(rows.map((r) => r.compoundId).filter((id): id is number => typeof id === 'number'))] : []
  let names: (compoundId: number | null) => readonly string[] = () => []
  if (ids.length === 1) {
    const one = await ownerNamesOf(q, ids[0]!)
    names = (id) => (id === ids[0] ? one : [])
  } else if (ids.length > 1) {
    const many = await ownerNamesOfMany(q, ids)
    names = (id) => (id === null ? [] : (many.get(id) ?? []))
  }
  scrubRows(rows, names)
}

/** The scrub scrubGroupRows applies, for group texts that do not go through the outbox (message edits). */
export async function groupScrubber(q: Queryable, compoundId: number | null): Promise<(text: string) => string> {
  const names = compoundId === null ? [] : await ownerNamesOf(q, compoundId)
  return (text: string) => scrubGroupText(text, names)
}
