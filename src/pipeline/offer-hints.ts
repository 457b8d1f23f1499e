// Which senders have an offer waiting in which chat, so that a plain 好 / 是 / 👍 in a group costs no database
// statement unless its sender was asked something there (issue 14: chatter costs nothing). The database
// stays the truth (db/intent-offers.ts): this process learns of offers it makes itself, and loads the
// unanswered ones once, on the first yes-like message after it starts. An offer made by another process
// for the same chat (Telegram webhooks behind a load balancer) is answered there by its button, a reply to
// the offer or an @mention, which always go to the database.
import type { IncomingMessage } from '../core/messages.ts'
import { log } from '../log.ts'

export interface HintRow {
  platform: string
  chatId: string
  userId: string
  expiresAt: Date
}

export class OfferHints {
  /** key → until when a yes-word is worth a look (the offer's expiry plus the grace for "expired") */
  private readonly until = new Map<string, number>()
  private loading: Promise<void> | null = null

  constructor(
    private readonly load: () => Promise<HintRow[]>,
    /** how long after its expiry a late answer is still told that the offer expired */
    private readonly graceMs: number,
  ) {}

  private key(platform: string, chatId: string, userId: string): string {
    return `${platform}\u0000${chatId}\u0000${userId}`
  }

  add(row: HintRow): void {
    const k = this.key(row.platform, row.chatId, row.userId)
    const until = row.expiresAt.getTime() + this.graceMs
    if ((this.until.get(k) ?? 0) < until) this.until.set(k, until)
  }

  forget(msg: Pick<IncomingMessage, 'platform' | 'chat' | 'sender'>): void {
    this.until.delete(this.key(msg.platform, msg.chat.id, msg.sender.id))
  }

  /** Whether the sender may have an offer in this chat (false: surely none). */
  async mayHave(msg: Pick<IncomingMessage, 'platform' | 'chat' | 'sender'>, now: Date): Promise<boolean> {
    if (!(await this.loaded())) return false
    const k = this.key(msg.platform, msg.chat.id, msg.sender.id)
    const until = this.until.get(k)
    if (until === undefined) return false
    if (until <= now.getTime()) {
      this.until.delete(k)
      return false
    }
    return true
  }

  private async loaded(): Promise<boolean> {
    this.loading ??= this.load().then((rows) => {
      for (const r of rows) this.add(r)
    })
    try {
      await this.loading
      return true
    } catch (err) {
      // the database is away: the yes-word is read as chatter, the next one tries again
      this.loading = null
      log.warn({ err }, 'could not load the open plain-language offers')
      return false
    }
  }
}
