// The one way a reply row gets into the outbox: every writer (the pipeline and enqueueReplies through
// ./enqueue.ts, the disclosure batch, the WeChat adapter's notices) hands its rows to writeOutbox, which
// scrubs what a group will see and inserts them, in chunks, skipping rows whose dedupe key exists.
import type { Queryable } from '../../db/client.ts'
import { ownerNamesOf, rosterVersionOf } from '../../db/households.ts'
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
 * group will see something: one compound's from the cache (rosterNames), several compounds' (the
 * disclosure batch) in one query.
 */
export async function scrubGroupRows(q: Queryable, rows: NewOutboxRow[]): Promise<void> {
  const ids = needsGroupScrub(rows) ? [...new Set(rows.map((r) => r.compoundId).filter((id): id is number => typeof id === 'number'))] : []
  let names: (compoundId: number | null) => readonly string[] = () => []
  if (ids.length === 1) {
    const one = await rosterNames(q, ids[0]!)
    names = (id) => (id === ids[0] ? one : [])
  } else if (ids.length > 1) {
    const many = await ownerNamesOfMany(q, ids)
    names = (id) => (id === null ? [] : (many.get(id) ?? []))
  }
  scrubRows(rows, names)
}

/** The scrub scrubGroupRows applies, for group texts that do not go through the outbox (message edits). */
export async function groupScrubber(q: Queryable, compoundId: number | null): Promise<(text: string) => string> {
  const names = compoundId === null ? [] : await rosterNames(q, compoundId)
  return (text: string) => scrubGroupText(text, names)
}

// ---- the roster names, per compound and roster version ------------------------------------------------
//
// Every group reply is scrubbed with its compound's owner names, so they are kept in memory per compound and
// roster version (db/schema.ts rosterVersions: a new random value whenever a statement changes the compound's
// households, from any process, through triggers). The same list instance is handed out until the version
// moves, so the matcher group-privacy.ts compiles from it (maskNames) is built once per compound and version
// too. The version comes with the message's context (db/context.ts, remembered for its transaction), or else
// costs one small query. A compound without a version (households loaded with the triggers off) is read
// every time.

const CACHE_MAX = 2000
/** compound → its names at a version; a Map in least-recently-used order */
const namesCache = new Map<number, { version: string; names: readonly string[] }>()
/** per transaction: the roster versions its context read */
const versionsOfTx = new WeakMap<object, Map<number, string>>()

/**
 * The roster version of a compound as the transaction's context read it (db/context.ts). It stands for the
 * rest of that transaction: a transaction that changes a roster and then posts to its group would scrub with the
 * names of before its change (no command does; a roster import posts nothing).
 */
export function rememberRosterVersion(tx: Queryable, compoundId: number, version: string): void {
  let m = versionsOfTx.get(tx)
  if (!m) versionsOfTx.set(tx, (m = new Map()))
  m.set(compoundId, version)
}

/** The compound's roster owner names (ownerNameParts of every owner_name): from the cache when its version is known. */
export async function rosterNames(q: Queryable, compoundId: number): Promise<readonly string[]> {
  const version = versionsOfTx.get(q)?.get(compoundId) ?? (await rosterVersionOf(q, compoundId))
  if (version === '') return ownerNamesOf(q, compoundId)
  const hit = namesCache.get(compoundId)
  namesCache.delete(compoundId)
  if (hit?.version === version) {
    namesCache.set(compoundId, hit)
    return hit.names
  }
  const names = await ownerNamesOf(q, compoundId)
  if (namesCache.size >= CACHE_MAX) namesCache.delete(namesCache.keys().next().value!)
  namesCache.set(compoundId, { version, names })
  return names
}
