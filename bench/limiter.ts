// Benchmark 4: how long 10,000 group posts take to go out within the platforms' limits, computed by running
// the real outbound limiters (adapters/telegram/limiter.ts, adapters/wechat/queue.ts) on a virtual clock:
// `sleep(ms)` parks the caller on a timer heap and the driver jumps the clock to the next timer once every
// promise chain has settled, so hours of sending take a second or two. The outbox's batching is modelled with
// its own grouping function (lanesOf from src/outbox/dispatcher.ts): batches of 50 rows, lanes concurrent.
import { OutboundLimiter } from '../adapters/telegram/limiter.ts'
import { OutboundQueue } from '../adapters/wechat/queue.ts'
import type { OutboxRow } from '../db/outbox.ts'
import { lanesOf } from '../src/outbox/dispatcher.ts'
import { rng } from './pipeline.ts'

export class VirtualClock {
  now = 0
  private seq = 0
  private heap: { at: number; seq: number; resolve: () => void }[] = []

  readonly sleep = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => this.push({ at: this.now + Math.max(0, ms), seq: this.seq++, resolve }))

  /** Run `work` to completion in virtual time; returns its result and the virtual time it took. */
  async drive<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
    const start = this.now
    let done = false
    let failed: unknown
    let result: T | undefined
    work().then(
      (r) => {
        done = true
        result = r
      },
      (e: unknown) => {
        done = true
        failed = e ?? new Error('failed')
      },
    )
    for (;;) {
      // every microtask chain settles before a setImmediate callback runs
      await new Promise<void>((r) => setImmediate(r))
      if (done) break
      const first = this.heap[0]
      if (!first) throw new Error('virtual clock: nothing scheduled but the work is not done')
      this.now = first.at
      while (this.heap[0] && this.heap[0].at === first.at) this.pop()!.resolve()
    }
    if (failed !== undefined) throw failed
    return { result: result as T, ms: this.now - start }
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a]!
    const y = this.heap[b]!
    return x.at < y.at || (x.at === y.at && x.seq < y.seq)
  }

  private swap(a: number, b: number): void {
    const t = this.heap[a]!
    this.heap[a] = this.heap[b]!
    this.heap[b] = t
  }

  private push(item: { at: number; seq: number; resolve: () => void }): void {
    this.heap.push(item)
    for (let i = this.heap.length - 1; i > 0; ) {
      const p = (i - 1) >> 1
      if (!this.less(i, p)) break
      this.swap(i, p)
      i = p
    }
  }

  private pop() {
    const top = this.heap[0]
    const last = this.heap.pop()
    if (this.heap.length > 0 && last) {
      this.heap[0] = last
      for (let i = 0; ; ) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < this.heap.length && this.less(l, m)) m = l
        if (r < this.heap.length && this.less(r, m)) m = r
        if (m === i) break
        this.swap(i, m)
        i = m
      }
    }
    return top
  }
}

export interface Post {
  chat: string
}

/** `groups` × `perGroup` posts, in the order the outbox holds them: a group's posts one after another. */
export function posts(groups: number, perGroup: number, chatId: (g: number) => string): Post[] {
  const out: Post[] = []
  for (let g = 0; g < groups; g++) for (let k = 0; k < perGroup; k++) out.push({ chat: chatId(g) })
  return out
}

/** The same posts, interleaved (one per group in turn). */
export function interleaved(list: Post[]): Post[] {
  const by = new Map<string, Post[]>()
  for (const p of list) by.set(p.chat, [...(by.get(p.chat) ?? []), p])
  const queues = [...by.values()]
  const out: Post[] = []
  for (let k = 0; out.length < list.length; k++) for (const q of queues) if (q[k]) out.push(q[k]!)
  return out
}

export type DeliveryMode = 'all-at-once' | 'outbox' | 'sequential'

/**
 * Feed `list` to `send` as the outbox would: all at once (the limiter alone), in claimed batches of 50 with
 * concurrent lanes (src/outbox/dispatcher.ts; `oneAtATime` for an adapter that sends one at a time), or one
 * row after another (the dispatcher before lanes).
 */
async function deliver(list: Post[], mode: DeliveryMode, send: (chat: string) => Promise<void>, platform: string, oneAtATime = false) {
  if (mode === 'all-at-once') {
    await Promise.all(list.map((p) => send(p.chat)))
    return
  }
  for (let i = 0; i < list.length; i += 50) {
    const batch = list.slice(i, i + 50)
    if (mode === 'sequential') {
      for (const p of batch) await send(p.chat)
      continue
    }
    const rows = batch.map((p, k) => ({ id: i + k, platform, target_kind: 'chat', target_id: p.chat, group_chat_id: null }) as unknown as OutboxRow)
    const lanes = lanesOf(rows, oneAtATime ? new Set([platform]) : new Set())
    await Promise.all(lanes.map(async (lane) => {
      for (const r of lane) await send(r.target_id)
    }))
  }
}

export interface DrainResult {
  minutes: number
  sends: number
  /** the schedule checked against the platform's limits */
  withinLimits: boolean
  worst: string
}

/** Telegram: 30 messages/s overall, 20/min and 1/s per group (DEFAULT_LIMITS), one bot. */
export async function drainTelegram(list: Post[], mode: DeliveryMode, apiMs: number): Promise<DrainResult> {
  const clock = new VirtualClock()
  const limiter = new OutboundLimiter({ now: () => clock.now, sleep: clock.sleep })
  const starts: { chat: string; at: number }[] = []
  const send = (chat: string) =>
    limiter.schedule(chat, async () => {
      starts.push({ chat, at: clock.now })
      if (apiMs > 0) await clock.sleep(apiMs)
    })
  const { ms } = await clock.drive(() => deliver(list, mode, send, 'telegram'))
  // check: ≤ 30 in any 1 s, ≤ 20 per group in any 60 s, ≥ 1 s between two to one group
  const times = starts.map((s) => s.at).sort((a, b) => a - b)
  let maxPerSecond = 0
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= 1000) j++
    maxPerSecond = Math.max(maxPerSecond, i - j + 1)
  }
  const byChat = new Map<string, number[]>()
  for (const s of starts) byChat.set(s.chat, [...(byChat.get(s.chat) ?? []), s.at])
  let maxPerMinute = 0
  let minGap = Infinity
  for (const t of byChat.values()) {
    t.sort((a, b) => a - b)
    for (let i = 0, j = 0; i < t.length; i++) {
      while (t[i]! - t[j]! >= 60_000) j++
      maxPerMinute = Math.max(maxPerMinute, i - j + 1)
      if (i > 0) minGap = Math.min(minGap, t[i]! - t[i - 1]!)
    }
  }
  const ok = maxPerSecond <= 30 && maxPerMinute <= 20 && minGap >= 1000
  return {
    minutes: ms / 60_000,
    sends: starts.length,
    withinLimits: ok,
    worst: `max ${maxPerSecond}/s overall, max ${maxPerMinute}/min per group, min gap per group ${Number.isFinite(minGap) ? `${(minGap / 1000).toFixed(1)} s` : 'n/a'}`,
  }
}

/** WeChat, one account: ≥ 1 s between two messages to a room, 40/min overall, 1–3 s pause on a room switch. */
export async function drainWechat(list: Post[], mode: DeliveryMode, sendMs: number): Promise<DrainResult> {
  const clock = new VirtualClock()
  const queue = new OutboundQueue({ now: () => clock.now, sleep: clock.sleep, random: rng(42) })
  const starts: { chat: string; at: number }[] = []
  const send = (chat: string) =>
    queue.run(chat, async () => {
      starts.push({ chat, at: clock.now })
      if (sendMs > 0) await clock.sleep(sendMs)
    })
  const { ms } = await clock.drive(() => deliver(list, mode, send, 'wechat', true))
  let maxPerMinute = 0
  let minSwitch = Infinity
  let minSameRoom = Infinity
  const last = new Map<string, number>()
  for (let i = 0, j = 0; i < starts.length; i++) {
    const s = starts[i]!
    while (s.at - starts[j]!.at >= 60_000) j++
    maxPerMinute = Math.max(maxPerMinute, i - j + 1)
    const prev = starts[i - 1]
    if (prev && prev.chat !== s.chat) minSwitch = Math.min(minSwitch, s.at - prev.at)
    const before = last.get(s.chat)
    if (before !== undefined) minSameRoom = Math.min(minSameRoom, s.at - before)
    last.set(s.chat, s.at)
  }
  const ok = maxPerMinute <= 40 && minSwitch >= 1000 && minSameRoom >= 1000
  const f = (v: number) => (Number.isFinite(v) ? `${(v / 1000).toFixed(1)} s` : 'n/a')
  return {
    minutes: ms / 60_000,
    sends: starts.length,
    withinLimits: ok,
    worst: `max ${maxPerMinute}/min, min room switch ${f(minSwitch)}, min gap per room ${f(minSameRoom)}`,
  }
}

export interface LimiterRow {
  platform: 'Telegram' | 'WeChat'
  layout: string
  mode: string
  result: DrainResult
}

/** Every scenario of the table: 10,000 posts as 10,000 groups × 1 and 2,000 groups × 5. */
export async function benchLimiters(): Promise<LimiterRow[]> {
  const out: LimiterRow[] = []
  const tg = (g: number) => `-100${2_000_000 + g}`
  const wx = (g: number) => `${30_000_000 + g}@chatroom`
  const layouts = [
    { name: '10,000 groups × 1 post', groups: 10_000, per: 1 },
    { name: '2,000 groups × 5 posts', groups: 2_000, per: 5 },
  ]
  for (const l of layouts) {
    const list = posts(l.groups, l.per, tg)
    out.push({ platform: 'Telegram', layout: l.name, mode: 'limiter alone (all queued at once)', result: await drainTelegram(list, 'all-at-once', 0) })
    out.push({ platform: 'Telegram', layout: l.name, mode: 'outbox: batches of 50, chats in parallel, 100 ms per API call', result: await drainTelegram(list, 'outbox', 100) })
    out.push({ platform: 'Telegram', layout: l.name, mode: 'outbox one row at a time (before this change), 100 ms per API call', result: await drainTelegram(list, 'sequential', 100) })
  }
  for (const l of layouts) {
    const list = posts(l.groups, l.per, wx)
    out.push({ platform: 'WeChat', layout: `${l.name} (a room's posts together)`, mode: 'one account, queue alone', result: await drainWechat(list, 'all-at-once', 0) })
    out.push({ platform: 'WeChat', layout: `${l.name} (a room's posts together)`, mode: 'one account, via the outbox, 300 ms per send', result: await drainWechat(list, 'outbox', 300) })
    if (l.per > 1) {
      out.push({ platform: 'WeChat', layout: `${l.name} (interleaved)`, mode: 'one account, queue alone', result: await drainWechat(interleaved(list), 'all-at-once', 0) })
    }
  }
  return out
}
