// The one seam between platforms and the bot: adapters normalize to IncomingMessage and deliver Outgoing.
export type Platform = 'wechat' | 'telegram' | 'console'

/** A photo as the platform knows it: a file id (Telegram), a saved path (WeChat, console). */
export interface ImageRef {
  ref: string
  mime?: string
}

/** A mention the platform reported: by user id, or by handle (username) when that is all it says. */
export interface Mention {
  userId?: string
  username?: string
  name?: string
  text: string
}

export interface IncomingMessage {
  platform: Platform
  /** platform message id: with the chat id, the dedupe key */
  id: string
  chat: {
    id: string
    kind: 'group' | 'private'
    title?: string
    /**
     * Where replies to this message go when not the chat itself, as the adapter's send() understands it
     * (a Telegram forum topic: `<chat id>/<topic id>`). The chat id stays the binding and dedupe key.
     */
    replyTarget?: string
  }
  /**
   * `username`: the platform's handle (Telegram @username, as the platform gives it) — null when the user has
   * none, absent where the platform has no handles. Names are shown, never trusted: see `mentions`.
   */
  sender: { id: string; name: string; isBot?: boolean; username?: string | null }
  /** as typed; the parser normalizes */
  text: string
  mentionsBot: boolean
  /**
   * The message this one quotes. `sender` is set only when the platform itself states who wrote the quoted
   * message and that it is from this chat (Telegram reply_to_message, a sandbox line of the same group);
   * a quote that exists only as text (WeChat's 「name：…」 form) has none: its text may be read, its name is
   * never an identity.
   */
  replyTo?: { id: string; text?: string; sender?: { id: string; name: string }; images?: ImageRef[] }
  /**
   * People the platform says this message mentions (Telegram `mention` → username, `text_mention` → user id;
   * WeChat's mention id list; sandbox `mentions`). `text` is how the mention appears in the message (`@alice`),
   * which is how a command argument is matched to it; `name` is the platform's name for that user, when given.
   */
  mentions?: Mention[]
  images: ImageRef[]
  sentAt: Date
  /** the adapter already knows the sender is a chat admin (console `admin`, Telegram anonymous admin) */
  senderIsAdmin?: boolean
  /** names the bot answers to, for stripping a leading @mention and `/cmd@bot` */
  botNames?: string[]
  /** i18n keys of platform notes `帮助` appends (e.g. Telegram privacy mode: only slash commands are seen) */
  platformNotes?: string[]
  /** the bot's own message whose button was pressed to send this one (Telegram inline keyboards) */
  origin?: { messageId: string }
}

export interface Button {
  text: string
  /** a command line the adapter feeds back as the presser's message, e.g. `/vote 3 1` */
  data: string
}

export interface Outgoing {
  text: string
  image?: { png: Uint8Array; caption?: string }
  /** optional inline buttons; platforms without them ignore this (the text says how to answer) */
  buttons?: Button[][]
}

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
