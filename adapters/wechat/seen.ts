// Which WeChat messages were taken already: puppets re-emit messages after a reconnect under the same id, and
// some redeliver one under a new id (the same text from the same talker in the same chat, seconds apart).
import type { IncomingMessage } from '../../src/core/messages.ts'

const SEEN_TTL_MS = 60 * 60_000

export class SeenMessages {
  /** message ids already taken: id → first seen */
  private readonly ids = new Map<string, number>()
  /** chat + talker + text → the last id and when, for redeliveries under a new id */
  private readonly recent = new Map<string, { id: string; at: number }>()

  /** @param windowMs same text, same talker, same chat within this window under a new id is a redelivery */
  constructor(private readonly windowMs: number) {}

  /** Records the id; false when it was taken before (a re-emit). */
  take(id: string, now: number): boolean {
    if (this.ids.has(id)) return false
    this.ids.set(id, now)
    this.prune(now)
    return true
  }

  /** The id of the message this one repeats within the window (a redelivery under a new id), else undefined. */
  redeliveryOf(m: IncomingMessage, receivedAt: number): string | undefined {
    if (!m.text.trim()) return undefined
    const k = recentKey(m)
    const last = this.recent.get(k)
    this.recent.set(k, { id: m.id, at: receivedAt })
    return last && last.id !== m.id && receivedAt - last.at <= this.windowMs ? last.id : undefined
  }

  /** Handling failed: the same message again must be taken, not dropped as a duplicate. */
  forget(m: IncomingMessage): void {
    this.ids.delete(m.id)
    const k = recentKey(m)
    if (this.recent.get(k)?.id === m.id) this.recent.delete(k)
  }

  private prune(now: number): void {
    if (this.ids.size > 20_000) {
      for (const [id, at] of this.ids) {
        if (at > now - SEEN_TTL_MS && this.ids.size <= 20_000) break
        this.ids.delete(id)
      }
    }
    if (this.recent.size > 2_000) {
      for (const [k, v] of this.recent) if (v.at < now - this.windowMs) this.recent.delete(k)
    }
  }
}

/** The same text from the same talker in the same chat: what a puppet's re-emit under a new id looks like. */
function recentKey(m: IncomingMessage): string {
  return `${m.chat.id}\u0000${m.sender.id}\u0000${m.text.trim()}`
}
