// What a command answers: replies addressed by where they go, not by platform call. The outbox turns them
// into rows (./enqueue.ts); src/pipeline/command.ts re-exports these for the commands.
import type { Button, OutFile, Platform } from '../core/messages.ts'

export type { OutFile } from '../core/messages.ts'

export interface OutImage {
  png: Uint8Array
  caption?: string
}

/** Where a reply goes. Commands build replies with the `reply` helpers, never platform calls. */
export type Reply =
  // buttons: optional inline buttons whose data is a command line (Telegram); other platforms show the text only
  // file: a document sent with the text (the committee's CSV of an opinion round); private and member replies only
  // publicNames: an election's candidates, shown in full where its text marks them candidate() (group-privacy.ts)
  | { to: 'chat'; text: string; image?: OutImage; buttons?: Button[][]; publicNames?: readonly string[] }
  | { to: 'private'; text: string; image?: OutImage; groupAck?: string; groupFallback?: string; buttons?: Button[][]; file?: OutFile }
  | { to: 'compound'; text: string; image?: OutImage; dedupeKey?: string; buttons?: Button[][]; publicNames?: readonly string[] }
  | { to: 'member'; memberId: number; text: string; image?: OutImage; file?: OutFile }
  | { to: 'chatOf'; platform: Platform; chatId: string; text: string; image?: OutImage; dedupeKey?: string }
  /**
   * Update, in place, the bot message whose button the sender pressed (IncomingMessage.origin): the latest
   * state of something already posted, such as a poll's tally. Not stored and not retried (the next press
   * or `结果` shows the same); dropped where the message did not come from a button or the platform cannot edit.
   */
  | { to: 'origin'; text: string; buttons?: Button[][] }

export const reply = {
  chat: (text: string, image?: OutImage): Reply => ({ to: 'chat', text, image }),
  /** a personal answer; from a group the group sees only `groupAck`, or `groupFallback` when the sender cannot be reached */
  private: (text: string, opts: { groupAck?: string; groupFallback?: string; image?: OutImage } = {}): Reply => ({
    to: 'private',
    text,
    ...opts,
  }),
  compound: (text: string, image?: OutImage): Reply => ({ to: 'compound', text, image }),
  member: (memberId: number, text: string): Reply => ({ to: 'member', memberId, text }),
}

/** The reply kinds that need no incoming message; `dedupeKey` is also allowed on member messages here. */
export type DetachedReply = Extract<Reply, { to: 'compound' | 'member' | 'chatOf' }> & { dedupeKey?: string }
