// Editing a message the bot sent (a poll's launch post showing the tally so far), at most once per interval per
// message: the first edit goes out at once, later ones within the interval are coalesced into one trailing edit
// that carries the latest text. Edits are the latest state, never history, so dropping the ones in between loses
// nothing; a crash loses at most the trailing one (the next press or `结果` shows the same).
import { log } from '../../src/log.ts'
import type { Outgoing } from '../../src/core/messages.ts'

/** The limit: "the tally message may be edited at most once per 10 seconds". */
export const EDIT_INTERVAL_MS = 10_000
/** Slots of messages not edited for a while are forgotten once there are more than this many. */
const MAX_IDLE_SLOTS = 256

export interface MessageEditorOptions {
  /** performs one edit (the Bot API call, through the limiter) */
  apply: (chatId: string, messageId: string, out: Outgoing) => Promise<void>
  /** registers a scheduled edit so that stop() waits for it */
  track: (p: Promise<void>) => void
  now: () => number
  intervalMs?: number
  /** waits `ms` (tests pass a controllable one) */
  sleep?: (ms: number) => Promise<void>
}

interface Slot {
  lastAt: number
  pending?: Outgoing
  scheduled?: Promise<void>
}

export class MessageEditor {
  private readonly slots = new Map<string, Slot>()
  private readonly intervalMs: number
  private readonly sleep: (ms: number) => Promise<void>

  constructor(private readonly opts: MessageEditorOptions) {
    this.intervalMs = opts.intervalMs ?? EDIT_INTERVAL_MS
    this.sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)))
  }

  /** Show `out` in the message: now if the interval since its last edit has passed, else in one trailing edit. Never throws. */
  async edit(chatId: string, messageId: string, out: Outgoing): Promise<void> {
    const key = `${chatId}:${messageId}`
    this.forgetIdle()
    let slot = this.slots.get(key)
    if (!slot) {
      slot = { lastAt: Number.NEGATIVE_INFINITY }
      this.slots.set(key, slot)
    }
    slot.pending = out
    if (slot.scheduled) return // the trailing edit will show this text
    const wait = slot.lastAt + this.intervalMs - this.opts.now()
    if (wait <= 0) return this.flush(chatId, messageId, slot)
    const s = slot
    s.scheduled = this.sleep(wait).then(() => this.flush(chatId, messageId, s))
    this.opts.track(s.scheduled)
  }

  private async flush(chatId: string, messageId: string, slot: Slot): Promise<void> {
    const out = slot.pending
    slot.pending = undefined
    slot.scheduled = undefined
    if (!out) return
    slot.lastAt = this.opts.now()
    try {
      await this.opts.apply(chatId, messageId, out)
    } catch (err) {
      // the message may be gone, too old, or already show this text: the vote itself is recorded either way
      const notModified = err instanceof Error && /message is not modified/i.test(err.message)
      if (notModified) log.debug({ chat: chatId, message: messageId }, 'telegram edit: text unchanged')
      else log.warn({ err, chat: chatId, message: messageId }, 'telegram edit failed')
    }
  }

  private forgetIdle(): void {
    if (this.slots.size <= MAX_IDLE_SLOTS) return
    const before = this.opts.now() - this.intervalMs
    for (const [key, slot] of this.slots) if (!slot.scheduled && slot.lastAt < before) this.slots.delete(key)
  }
}
