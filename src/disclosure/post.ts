// Posting one compound's disclosure of a period exactly once per chat (the CLI, tests): postDisclosures
// (./batch.ts) with a list of one, so both paths record, scrub and enqueue the same way — the unique
// `disclosures` row per compound, chat, period kind and period decides who posts, and the outbox rows carry
// the dedupe keys `disclosure:<compound>:<chat>:<kind>:<period>:<part>`.
import type { Db } from '../../db/client.ts'
import type { CompoundRow } from '../../db/compounds.ts'
import type { Period } from '../domain/calendar.ts'
import { postDisclosures } from './batch.ts'
import type { DisclosureData } from './build.ts'
import type { DisclosureMessages } from './messages.ts'

export { type DisclosureMessages, disclosureKey, disclosureMessages } from './messages.ts'

export interface PostResult {
  /** chats that got the disclosure from this call */
  chats: number
  /** outbox rows written */
  rows: number
}

/**
 * Post the disclosure of `period` to every chat of `compound` that does not have it yet. Safe to call
 * any number of times from any number of instances: each chat gets it once. Throws when it could not post.
 */
export async function postDisclosure(
  db: Db,
  compound: CompoundRow,
  period: Period,
  opts: { now: Date; late?: boolean; render?: (data: DisclosureData) => DisclosureMessages | Promise<DisclosureMessages> },
): Promise<PostResult> {
  const res = await postDisclosures(db, [{ compound, period, late: opts.late }], { now: opts.now, render: opts.render })
  const [one] = res.items
  if (one?.error !== undefined) throw one.error
  return { chats: one?.chats ?? 0, rows: one?.rows ?? 0 }
}
