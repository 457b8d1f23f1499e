// Outbound limiter for the Bot API: at most `groupPerWindow` messages per `groupWindowMs` to one group,
// one message per `perChatIntervalMs` to any chat, `globalPerSecond` messages per second overall, and
// nothing to a chat that got a 429 until its retry_after has passed. Sends to one chat run one at a
// time and in order, so a request never overtakes the one before it (nor the 429 that one got).
// Clock and timers are injectable; the defaults (Date.now, setTimeout) also work under vi.useFakeTimers.

export interface LimiterOptions {
  /** minimum spacing between two messages to one chat (Telegram: about one per second) */
  perChatIntervalMs: number
  /** messages per window to one group or supergroup (Telegram: 20 per minute) */
  groupPerWindow: number
  groupWindowMs: number
  /** messages per second over all chats (Telegram: about 30) */
  globalPerSecond: number
  now: () => number
  sleep: (ms: number) => Promise<void>
}

export const DEFAULT_LIMITS: Omit<LimiterOptions, 'now' | 'sleep'> = {
  perChatIntervalMs: 1000,
  groupPerWindow: 20,
  groupWindowMs: 60_000,
  globalPerSecond: 30,
}

const realSleep = (ms: number) => new Promise<void>((res) => setTimeout(res, ms))

/** Telegram group, supergroup and channel ids are negative; user (private chat) ids positive. */
export const isGroupChatId = (chatId: string): boolean => chatId.startsWith('-')

export class OutboundLimiter {
  private readonly o: LimiterOptions
  /** send start times per group within the group window */
  private readonly groupSends = new Map<string, number[]>()
  private readonly lastSend = new Map<string, number>()
  private readonly blockedUntil = new Map<string, number>()
  private globalSends: number[] = []
  /** per-chat tail of the queue: sends to one chat are strictly sequential */
  private readonly tails = new Map<string, Promise<unknown>>()

  constructor(opts: Partial<LimiterOptions> = {}) {
    this.o = { ...DEFAULT_LIMITS, now: () => Date.now(), sleep: realSleep, ...opts }
  }

  /** Run `fn` (one message to `chatId`) when the limits allow, after every earlier send to that chat. */
  schedule<T>(chatId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(chatId) ?? Promise.resolve()
    // tails never reject: a failed send does not stop the ones queued behind it
    const run = prev.then(() => this.acquire(chatId)).then(fn)
    const tail = run.catch(() => undefined)
    this.tails.set(chatId, tail)
    void tail.then(() => {
      if (this.tails.get(chatId) === tail) this.tails.delete(chatId)
    })
    return run
  }

  /** After a 429: nothing goes to `chatId` for `ms`. */
  block(chatId: string, ms: number): void {
    const until = this.o.now() + Math.max(0, ms)
    if ((this.blockedUntil.get(chatId) ?? 0) < until) this.blockedUntil.set(chatId, until)
  }

  /** Milliseconds until `chatId` may be contacted again after a 429 (0 when not blocked). */
  blockedFor(chatId: string): number {
    const until = this.blockedUntil.get(chatId)
    if (until === undefined) return 0
    const left = until - this.o.now()
    if (left <= 0) {
      this.blockedUntil.delete(chatId)
      return 0
    }
    return left
  }

  /** Wait out a 429 block of `chatId` (used for every request that names a chat, not only messages). */
  async waitUnblocked(chatId: string): Promise<void> {
    for (let left = this.blockedFor(chatId); left > 0; left = this.blockedFor(chatId)) await this.o.sleep(left)
  }

  /** How long a message to `chatId` would have to wait now (0: may go). */
  waitFor(chatId: string): number {
    const now = this.o.now()
    let wait = this.blockedFor(chatId)
    const last = this.lastSend.get(chatId)
    if (last !== undefined) wait = Math.max(wait, last + this.o.perChatIntervalMs - now)
    if (isGroupChatId(chatId)) {
      const sends = this.prune(this.groupSends.get(chatId), now - this.o.groupWindowMs)
      if (sends.length >= this.o.groupPerWindow) {
        wait = Math.max(wait, sends[sends.length - this.o.groupPerWindow]! + this.o.groupWindowMs - now)
      }
    }
    this.globalSends = this.prune(this.globalSends, now - 1000)
    if (this.globalSends.length >= this.o.globalPerSecond) {
      wait = Math.max(wait, this.globalSends[this.globalSends.length - this.o.globalPerSecond]! + 1000 - now)
    }
    return Math.max(0, wait)
  }

  private async acquire(chatId: string): Promise<void> {
    for (let wait = this.waitFor(chatId); wait > 0; wait = this.waitFor(chatId)) await this.o.sleep(wait)
    // checked and recorded synchronously: no other send can take the same slot
    const now = this.o.now()
    this.lastSend.set(chatId, now)
    this.globalSends.push(now)
    if (isGroupChatId(chatId)) {
      const sends = this.groupSends.get(chatId) ?? []
      sends.push(now)
      this.groupSends.set(chatId, sends)
    }
    this.forgetIdle(now)
  }

  private prune(list: number[] | undefined, after: number): number[] {
    if (!list) return []
    let i = 0
    while (i < list.length && list[i]! <= after) i++
    if (i > 0) list.splice(0, i)
    return list
  }

  private sweepAt = 0
  /** keep the maps small: drop chats with nothing recent (at most once a minute) */
  private forgetIdle(now: number): void {
    if (now < this.sweepAt) return
    this.sweepAt = now + 60_000
    const horizon = now - Math.max(this.o.groupWindowMs, this.o.perChatIntervalMs)
    for (const [chat, t] of this.lastSend) {
      if (t <= horizon) {
        this.lastSend.delete(chat)
        this.groupSends.delete(chat)
      }
    }
    for (const [chat, until] of this.blockedUntil) if (until <= now) this.blockedUntil.delete(chat)
  }
}
