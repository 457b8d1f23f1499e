// The port every chat platform implements: adapters/ normalize to IncomingMessage and deliver Outgoing; the
// pipeline, the outbox and the entry know platforms only through this interface.
import type { IncomingMessage, Outgoing, Platform } from './messages.ts'

export type PrivateSendResult = 'sent' | 'unreachable'

/**
 * What handling a message came to, as far as an adapter needs to know. `failed` means nothing was written
 * (the database was unreachable) and the sender was asked to try again: a redelivery of the same message
 * must then be handled, not dropped by an adapter's own duplicate filter.
 */
export interface HandledResult {
  status: 'handled' | 'ignored' | 'duplicate' | 'failed'
}

export type MessageHandler = (m: IncomingMessage) => Promise<HandledResult | void>

/** Typed adapter failures so the outbox can tell retryable from permanent. */
export class AdapterError extends Error {
  constructor(
    message: string,
    readonly code: 'rate_limited' | 'auth' | 'permission' | 'not_found' | 'network' | 'unknown',
    readonly retryAfterMs?: number,
  ) {
    super(message)
    this.name = 'AdapterError'
  }
}

export interface ChatAdapter {
  readonly platform: Platform
  start(handle: MessageHandler): Promise<void>
  send(chatId: string, out: Outgoing): Promise<void>
  sendPrivate(userId: string, out: Outgoing): Promise<PrivateSendResult>
  isChatAdmin(chatId: string, userId: string): Promise<boolean>
  stop(): Promise<void>
  /**
   * Replace the text of a message the bot sent, keeping it in place (optional capability; Telegram: a poll's
   * launch post showing the tally so far). Adapters may coalesce and delay edits; the latest one wins.
   */
  edit?(chatId: string, messageId: string, out: Outgoing): Promise<void>
  /** how a user opens a private chat with the bot, e.g. a t.me deep link (optional capability) */
  privateChatHint?(userId: string): string | undefined
  /**
   * The adapter sends one message at a time over all its chats (WeChat's outbound queue). The outbox then
   * hands it rows strictly in id order instead of several chats at once, so a room's messages stay together
   * and the queue does not pause for a room switch between each of them.
   */
  readonly sendsOneAtATime?: boolean
}

/**
 * What a platform may show of a command (Telegram's "/" menu). The entry builds the list from the command
 * definitions (`commandEntries`, src/pipeline/command.ts) and hands it to the adapter's factory.
 */
export interface CommandEntry {
  /** the English id */
  name: string
  /** the English keywords: what the parser accepts after "/" */
  keywords: { en: readonly string[] }
  hidden?: boolean
  /** i18n key of the command's one-line summary */
  summaryKey: string
}
