// Incoming work per chat: messages of one chat are handled one after another, different chats in parallel.
import { log } from '../../src/log.ts'

export class ChatQueue {
  private readonly chains = new Map<string, Promise<void>>()
  private readonly inflight = new Set<Promise<void>>()

  /** @param waitMs how long `enqueue` waits for the work before resolving (it goes on in the background) */
  constructor(private readonly waitMs: number) {}

  /**
   * Queue work behind the chat's earlier work. Resolves when it is done or after `waitMs`, whichever comes first:
   * the update handler lets the next update in, and `idle()` still waits for the work.
   */
  enqueue(chatId: string, work: () => Promise<void>): Promise<void> {
    const prev = this.chains.get(chatId) ?? Promise.resolve()
    const job = prev.then(work).catch((err: unknown) => log.error({ err, chat: chatId }, 'telegram: handling a message failed'))
    this.chains.set(chatId, job)
    this.inflight.add(job)
    void job.finally(() => {
      this.inflight.delete(job)
      if (this.chains.get(chatId) === job) this.chains.delete(chatId)
    })
    return waitAtMost(job, this.waitMs)
  }

  /** Resolves when every job queued so far has finished. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight])
  }
}

function waitAtMost(p: Promise<void>, ms: number): Promise<void> {
  if (!Number.isFinite(ms)) return p
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms)
    timer.unref?.()
  })
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer))
}
