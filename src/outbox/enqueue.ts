// Replies to outbox rows: the answers of the message pipeline (to the chat or the sender of the message),
// and the replies that need no incoming message (CLI, scheduler): posts to every chat of a compound,
// private messages to members, posts to one chat. A dedupe key makes a post happen once however often it
// is enqueued. The rows go through writeOutbox (./write.ts), the one writer, which scrubs group texts.
import type { IncomingMessage } from '../core/messages.ts'
import type { Queryable } from '../../db/client.ts'
import { chatsOfCompound } from '../../db/compounds.ts'
import { findMemberById } from '../../db/members.ts'
import type { DetachedReply, Reply } from './reply.ts'
import { type NewOutboxRow, writeOutbox } from './write.ts'

export type { DetachedReply } from './reply.ts'

/** The message replies answer: `chat` replies go back to its chat (or its sender, in private), `private` ones to its sender. */
export type ReplySource = Pick<IncomingMessage, 'platform' | 'chat' | 'sender'>

type RowBase = Pick<NewOutboxRow, 'compoundId' | 'inboxId' | 'createdAt'>

/**
 * Insert outbox rows for `replies` in the caller's transaction; returns the ids of rows written (rows
 * whose dedupe key already exists are skipped). A compound post's key gets `:<chat id>` appended; member
 * and chatOf keys are used as given. `origin` replies are not stored (the pipeline applies them as edits).
 */
export async function enqueueReplies(
  q: Queryable,
  compound: { id: number } | null,
  replies: readonly Reply[],
  opts: { now: Date; inboxId?: number | null; message: ReplySource },
): Promise<number[]>
export async function enqueueReplies(
  q: Queryable,
  compound: { id: number },
  replies: readonly DetachedReply[],
  opts: { now: Date; inboxId?: number | null },
): Promise<number[]>
export async function enqueueReplies(
  q: Queryable,
  compound: { id: number } | null,
  replies: readonly (Reply | DetachedReply)[],
  opts: { now: Date; inboxId?: number | null; message?: ReplySource },
): Promise<number[]> {
  const compoundId = compound?.id ?? null
  const base: RowBase = { compoundId, inboxId: opts.inboxId ?? null, createdAt: opts.now }
  const rows: NewOutboxRow[] = []
  for (const r of replies) {
    if (r.to === 'origin') continue
    if (r.to === 'chat' || r.to === 'private') rows.push(answerRow(r, base, opts.message))
    else rows.push(...(await detachedRows(q, compoundId, r, base)))
  }
  return (await writeOutbox(q, rows)).map((w) => w.id)
}

/** The row of a reply to the message itself. */
function answerRow(r: Extract<Reply, { to: 'chat' | 'private' }>, base: RowBase, msg: ReplySource | undefined): NewOutboxRow {
  if (!msg) throw new Error(`a '${r.to}' reply needs the message it answers`)
  const fromGroup = msg.chat.kind === 'group'
  const groupTarget = msg.chat.replyTarget ?? msg.chat.id
  const file = r.to === 'private' && r.file ? { file: r.file.bytes, fileName: r.file.name } : {}
  const common = { ...base, platform: msg.platform, text: r.text, image: r.image?.png ?? null, buttons: r.buttons ?? null, ...file }
  if (r.to === 'chat') {
    return { ...common, targetKind: fromGroup ? 'chat' : 'user', targetId: fromGroup ? groupTarget : msg.sender.id, publicNames: r.publicNames ?? null }
  }
  return {
    ...common,
    targetKind: 'user',
    targetId: msg.sender.id,
    groupChatId: fromGroup ? groupTarget : null,
    groupAckText: fromGroup ? (r.groupAck ?? null) : null,
    groupFallbackText: fromGroup ? (r.groupFallback ?? null) : null,
  }
}

/** A member as a private message reaches them. */
export type MemberAddress = { platform: string; platformUserId: string }

/**
 * The rows enqueueReplies would write for replies that need no incoming message, without writing them: the
 * daily jobs gather the rows of many compounds and write them together (src/scheduler/daily.ts). `members`:
 * the members the replies name, read beforehand for all of them (one read of its own for any that is missing).
 */
export async function detachedReplyRows(
  q: Queryable,
  compound: { id: number },
  replies: readonly DetachedReply[],
  opts: { now: Date; members?: ReadonlyMap<number, MemberAddress> },
): Promise<NewOutboxRow[]> {
  const base: RowBase = { compoundId: compound.id, inboxId: null, createdAt: opts.now }
  const rows: NewOutboxRow[] = []
  for (const r of replies) rows.push(...(await detachedRows(q, compound.id, r, base, opts.members)))
  return rows
}

/** Outbox rows for one reply that needs no incoming message. */
async function detachedRows(
  q: Queryable,
  compoundId: number | null,
  r: DetachedReply,
  base: RowBase,
  members?: ReadonlyMap<number, MemberAddress>,
): Promise<NewOutboxRow[]> {
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
        publicNames: r.publicNames ?? null,
      }))
    }
    case 'member': {
      const m = members?.get(r.memberId) ?? (await findMemberById(q, r.memberId))
      if (!m) return []
      const file = r.file ? { file: r.file.bytes, fileName: r.file.name } : {}
      return [{ ...base, platform: m.platform, targetKind: 'user', targetId: m.platformUserId, text: r.text, image, ...file, dedupeKey: r.dedupeKey ?? null }]
    }
    case 'chatOf':
      return [{ ...base, platform: r.platform, targetKind: 'chat', targetId: r.chatId, text: r.text, image, dedupeKey: r.dedupeKey ?? null }]
  }
}
