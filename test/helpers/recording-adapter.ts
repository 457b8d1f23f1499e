// A ChatAdapter that records what the bot sends, for tests of the pipeline and commands.
import type { ChatAdapter, PrivateSendResult } from '../../src/core/adapter.ts'
import type { IncomingMessage, Outgoing, Platform } from '../../src/core/messages.ts'

export interface Sent {
  chat?: string
  user?: string
  text: string
  image?: Uint8Array
  /** a document sent with the message, when any */
  file?: { bytes: Uint8Array; name: string }
  /** inline buttons sent with the message, when any */
  buttons?: Outgoing['buttons']
}

export class RecordingAdapter implements ChatAdapter {
  readonly sent: Sent[] = []
  readonly admins = new Set<string>()
  /** users the bot cannot message privately (e.g. never started the bot on Telegram) */
  readonly unreachable = new Set<string>()

  constructor(readonly platform: Platform = 'console') {}

  async start(_handle: (m: IncomingMessage) => Promise<void>): Promise<void> {}
  async stop(): Promise<void> {}

  async send(chatId: string, out: Outgoing): Promise<void> {
    this.sent.push({ chat: chatId, text: out.text, image: out.image?.png, ...(out.buttons ? { buttons: out.buttons } : {}), ...(out.file ? { file: out.file } : {}) })
  }

  async sendPrivate(userId: string, out: Outgoing): Promise<PrivateSendResult> {
    if (this.unreachable.has(userId)) return 'unreachable'
    this.sent.push({ user: userId, text: out.text, image: out.image?.png, ...(out.buttons ? { buttons: out.buttons } : {}), ...(out.file ? { file: out.file } : {}) })
    return 'sent'
  }

  async isChatAdmin(chatId: string, userId: string): Promise<boolean> {
    return this.admins.has(`${chatId}:${userId}`)
  }
}
