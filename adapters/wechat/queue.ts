// The outbound queue of one WeChat account. WeChat bans accounts that send fast, so every send goes
// through here, one at a time: a gap per room, a cap per minute, a human-like pause when switching
// rooms, and a long back-off after the server says "too frequent" (操作频繁).
import { AdapterError } from '../../src/core/adapter.ts'

export interface QueueOptions {
  /** least time between two messages to the same room or contact (default 1 s) */
  minGapMs?: number
  /** most messages per rolling minute over all rooms (default 40) */
  perMinute?: number
  /** pause before the first message to another room, a random value in [min, max] (default 1–3 s) */
  switchPauseMs?: readonly [number, number]
  /** back-off after a "too frequent" error (default 10 min) */
  backoffMs?: number
  /** injectable for tests */
  now?: () => number
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

export const DEFAULT_QUEUE: Required<Pick<QueueOptions, 'minGapMs' | 'perMinute' | 'switchPauseMs' | 'backoffMs'>> = {
  minGapMs: 1_000,
  perMinute: 40,
  switchPauseMs: [1_000, 3_000],
  backoffMs: 10 * 60_000,
}

const WINDOW_MS = 60_000

/** The server refused because the account sends too much. */
export function isTooFrequent(err: unknown): boolean {
  const text = err instanceof Error ? `${err.message} ${String((err as { details?: unknown }).details ?? '')}` : String(err)
  return /too\s*frequent|频繁|頻繁/i.test(text)
}

export class OutboundQueue {
  private readonly minGapMs: number
  private readonly perMinute: number
  private readonly switchPause: readonly [number, number]
  private readonly backoffMs: number
  private readonly now: () => number
  private readonly sleep: (ms: number) => Promise<void>
  private readonly random: () => number
  private tail: Promise<unknown> = Promise.resolve()
  private readonly lastTo = new Map<string, number>()
  private lastTarget: string | undefined
  private lastAt = -Infinity
  /** start times of the sends in the last minute */
  private readonly window: number[] = []
  private backoffUntil = -Infinity
  private closed = false
  private pending = 0

  constructor(opts: QueueOptions = {}) {
    this.minGapMs = opts.minGapMs ?? DEFAULT_QUEUE.minGapMs
    this.perMinute = Math.max(1, opts.perMinute ?? DEFAULT_QUEUE.perMinute)
    this.switchPause = opts.switchPauseMs ?? DEFAULT_QUEUE.switchPauseMs
    this.backoffMs = opts.backoffMs ?? DEFAULT_QUEUE.backoffMs
    this.now = opts.now ?? Date.now
    this.sleep = opts.sleep ?? ((ms) => new Promise((res) => setTimeout(res, ms)))
    this.random = opts.random ?? Math.random
  }

  /** messages waiting or being sent */
  get size(): number {
    return this.pending
  }

  /** When sends are refused because of a "too frequent" back-off (epoch ms), or undefined. */
  get backingOffUntil(): number | undefined {
    return this.backoffUntil > this.now() ? this.backoffUntil : undefined
  }

  /** Run `send` for `target` (a room or contact id) when the limits allow; sends run one at a time, in call order. */
  run<T>(target: string, send: () => Promise<T>): Promise<T> {
    this.pending++
    const result = this.tail.then(() => this.runNow(target, send))
    this.tail = result.catch(() => undefined)
    return result.finally(() => {
      this.pending--
    })
  }

  /** Refuse what is still queued (at stop): the outbox retries it later. */
  close(): void {
    this.closed = true
  }

  /** Accept sends again (after a restart). */
  open(): void {
    this.closed = false
  }

  private async runNow<T>(target: string, send: () => Promise<T>): Promise<T> {
    if (this.closed) throw new AdapterError('wechat: the adapter has stopped', 'network', 5_000)
    this.refuseWhileBackingOff()
    const wait = this.delayFor(target)
    if (wait > 0) await this.sleep(wait)
    if (this.closed) throw new AdapterError('wechat: the adapter has stopped', 'network', 5_000)
    this.refuseWhileBackingOff()
    const at = this.now()
    this.window.push(at)
    this.lastTo.set(target, at)
    this.lastTarget = target
    this.lastAt = at
    try {
      return await send()
    } catch (err) {
      if (isTooFrequent(err)) {
        this.backoffUntil = this.now() + this.backoffMs
        throw new AdapterError(`wechat: sending too frequently, backing off: ${(err as Error)?.message ?? err}`, 'rate_limited', this.backoffMs)
      }
      throw err
    }
  }

  private refuseWhileBackingOff(): void {
    const left = this.backoffUntil - this.now()
    if (left > 0) throw new AdapterError('wechat: backing off after a "too frequent" error', 'rate_limited', left)
  }

  /** How long to wait before sending to `target` now. */
  private delayFor(target: string): number {
    const now = this.now()
    while (this.window.length > 0 && this.window[0]! <= now - WINDOW_MS) this.window.shift()
    let until = now
    // the same room: a minimum gap
    const last = this.lastTo.get(target)
    if (last !== undefined) until = Math.max(until, last + this.minGapMs)
    // another room than the last one: a random, human-like pause after the last send
    if (this.lastTarget !== undefined && this.lastTarget !== target) {
      const [lo, hi] = this.switchPause
      until = Math.max(until, this.lastAt + lo + Math.round(this.random() * Math.max(0, hi - lo)))
    }
    // the per-minute cap over all rooms
    if (this.window.length >= this.perMinute) {
      until = Math.max(until, this.window[this.window.length - this.perMinute]! + WINDOW_MS)
    }
    // forget rooms not written to for a while
    if (this.lastTo.size > 1000) {
      for (const [k, v] of this.lastTo) if (v < now - WINDOW_MS) this.lastTo.delete(k)
    }
    return until - now
  }
}
