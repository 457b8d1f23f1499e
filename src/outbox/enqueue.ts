// Writing replies to the outbox outside the message pipeline (CLI, scheduler): posts to every chat of a
// compound, private messages to members, posts to one chat. Rows are built the way the pipeline builds
// them for the same reply kinds; a dedupe key makes a post happen once however often it is enqueued.
import type { Queryable } from '../../db/client.ts'
import { chatsOfCompound } from '../../db/compounds.ts'
import { ownerNamesOf } from '../../db/households.ts'
import { findMemberById } from '../../db/members.ts'
import { outbox } from '../../db/schema.ts'
import { needsGroupScrub, scrubGroupText, scrubRows } from '../domain/group-privacy.ts'
import type { DetachedReply } from './reply.ts'

export type { DetachedReply } from './reply.ts'

type OutboxRow = typeof outbox.$inferInsert
type RowBase = Pick<OutboxRow, 'compoundId' | 'inboxId' | 'createdAt'>

/**
 * Outbox rows for one reply that needs no incoming message (the pipeline builds `chat` and `private`
 * itself and uses this for the rest). A compound post's key gets `:<chat id>` appended.
 */
export async function detachedRows(q: Queryable, compoundId: number | null, r: DetachedReply, base: RowBase): Promise<OutboxRow[]> {
  const image = r.image?.png ?? null
  switch (r.to) {
    case 'compound': {
      if (compoundId === null) return []
      return (await chatsOfCompound(q, compoundId)).map((chat) => ({
        ...base,
        platform: chat.platform,
        targetKind: 'chat' as const,
        targetId: chat.platformChatId,
        text: r.text,
        image,
        dedupeKey: r.dedupeKey ? `${r.dedupeKey}:${chat.id}` : null,
        buttons: r.buttons ?? null,
      }))
    }
    case 'member': {
      const m = await findMemberById(q, r.memberId)
      if (!m) return []
      return [{ ...base, platform: m.platform, targetKind: 'user', targetId: m.platformUserId, text: r.text, image, dedupeKey: r.dedupeKey ?? null }]
    }
    case 'chatOf':
      return [{ ...base, platform: r.platform, targetKind: 'chat', targetId: r.chatId, text: r.text, image, dedupeKey: r.dedupeKey ?? null }]
  }
}

/**
 * Insert outbox rows for `replies` in the caller's transaction; returns the ids of rows written (rows
 * whose dedupe key already exists are skipped). Member and chatOf keys are used as given.
 */
export async function enqueueReplies(
  q: Queryable,
  compound: { id: number },
  replies: readonly DetachedReply[],
  opts: { now: Date; inboxId?: number | null },
): Promise<number[]> {
  const base = { compoundId: compound.id, inboxId: opts.inboxId ?? null, createdAt: opts.now }
  const rows: OutboxRow[] = []
  for (const r of replies) rows.push(...(await detachedRows(q, compound.id, r, base)))
  if (rows.length === 0) return []
  await scrubGroupRows(q, compound.id, rows)
  const ids = await q.insert(outbox).values(rows).onConflictDoNothing().returning({ id: outbox.id })
  return ids.map((r) => r.id)
}

/**
 * Every text a group will see (posts to chats, and the group notices of private replies) loses phone
 * numbers and full owner names of the compound's roster, and shows the people commands named (person())
 * in their masked form, before it is stored (PRODUCT.md, Privacy); private texts show those names as
 * written. The rule itself is src/domain/group-privacy.ts scrubRows, shared with the disclosure batch.
 */
export async function scrubGroupRows(q: Queryable, compoundId: number | null, rows: OutboxRow[]): Promise<void> {
  // the roster's names are cached per compound (db/households.ts): one small query, not the roster
  const names = needsGroupScrub(rows) && compoundId !== null ? await ownerNamesOf(q, compoundId) : []
  scrubRows(rows, () => names)
}

/** The scrub scrubGroupRows applies, for group texts that do not go through the outbox (message edits). */
export async function groupScrubber(q: Queryable, compoundId: number | null): Promise<(text: string) => string> {
  const names = compoundId === null ? [] : await ownerNamesOf(q, compoundId)
  return (text: string) => scrubGroupText(text, names)
}
