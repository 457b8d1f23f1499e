// Telegram's limits under fake timers: ≤ 20 messages a minute per group, ~1 a second per chat, ~30 a second
// overall, and nothing to a chat before a 429's retry_after has passed.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { TelegramAdapter } from '../../adapters/telegram/index.ts'
import { OutboundLimiter } from '../../adapters/telegram/limiter.ts'
import { AdapterError } from '../../src/core/adapter.ts'
import { FakeBotApi, fakeBot, GROUP, tooManyRequests } from './fixtures/telegram/fake-bot-api.ts'

const G = String(GROUP.id)

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-11-23T00:00:00Z') })
})
afterEach(() => {
  vi.useRealTimers()
})

function adapterWithFake() {
  const fake = new FakeBotApi()
  const adapter = new TelegramAdapter({ token: 'x', mode: { kind: 'manual' }, bot: fakeBot(fake) })
  return { fake, adapter }
}

describe('telegram outbound limiter', () => {
  it('spreads a burst of 50 sends to one group to at most 20 per minute, one per second, in order', async () => {
    const { fake, adapter } = adapterWithFake()
    const start = Date.now()
    const sends = Array.from({ length: 50 }, (_, i) => adapter.send(G, { text: `通知 ${i + 1}` }))
    await vi.advanceTimersByTimeAsync(59_000)
    expect(fake.of('sendMessage')).toHaveLength(20)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(fake.of('sendMessage')).toHaveLength(40)
    await vi.advanceTimersByTimeAsync(120_000)
    await Promise.all(sends)
    const calls = fake.of('sendMessage')
    expect(calls.map((c) => c.payload.text)).toEqual(Array.from({ length: 50 }, (_, i) => `通知 ${i + 1}`))
    const at = calls.map((c) => c.at - start)
    for (let i = 0; i + 20 < at.length; i++) expect(at[i + 20]! - at[i]!, `send ${i + 21}`).toBeGreaterThanOrEqual(60_000)
    for (let i = 0; i + 1 < at.length; i++) expect(at[i + 1]! - at[i]!).toBeGreaterThanOrEqual(1000)
    // and no slower than needed: 20 at once (1/s), then the next 20 a minute later, then the last 10
    expect(at[19]).toBe(19_000)
    expect(at[20]).toBe(60_000)
    expect(at[49]).toBe(129_000)
  })

  it('keeps to about 30 messages a second over all chats, and one a second per private chat', async () => {
    const { fake, adapter } = adapterWithFake()
    const start = Date.now()
    const sends = Array.from({ length: 90 }, (_, i) => adapter.send(String(100000 + (i % 45)), { text: `m${i}` }))
    await vi.advanceTimersByTimeAsync(10_000)
    await Promise.all(sends)
    const at = fake.of('sendMessage').map((c) => c.at - start)
    expect(at).toHaveLength(90)
    for (let i = 0; i + 30 < at.length; i++) expect(at[i + 30]! - at[i]!).toBeGreaterThanOrEqual(1000)
    const byChat = new Map<string, number[]>()
    for (const c of fake.of('sendMessage')) byChat.set(String(c.payload.chat_id), [...(byChat.get(String(c.payload.chat_id)) ?? []), c.at])
    for (const times of byChat.values()) expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1000)
  })

  it('after a 429 sends nothing to that chat before retry_after; other chats go on', async () => {
    const { fake, adapter } = adapterWithFake()
    fake.answer('sendMessage', tooManyRequests(30), { chatId: GROUP.id })
    const first = adapter.send(G, { text: 'a' }).catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(0)
    const err = await first
    expect(err).toBeInstanceOf(AdapterError)
    expect(err).toMatchObject({ code: 'rate_limited', retryAfterMs: 30_000 })
    const t429 = fake.calls[0]!.at
    // the outbox retries later, but even an immediate retry (or an admin check) waits for the block
    const again = adapter.send(G, { text: 'b' })
    const admin = adapter.isChatAdmin(G, '111111111')
    await adapter.send('222222222', { text: 'elsewhere' })
    await vi.advanceTimersByTimeAsync(29_000)
    expect(fake.calls.map((c) => [c.method, c.payload.chat_id])).toEqual([
      ['sendMessage', GROUP.id],
      ['sendMessage', 222222222],
    ])
    await vi.advanceTimersByTimeAsync(1_500)
    await again
    await admin
    const later = fake.calls.filter((c) => c.payload.chat_id === GROUP.id).slice(1)
    expect(later.map((c) => c.method).sort()).toEqual(['getChatMember', 'sendMessage'])
    for (const c of later) expect(c.at - t429).toBeGreaterThanOrEqual(30_000)
  })

  it('waits out a short retry_after inside the call (auto-retry) and then succeeds', async () => {
    const { fake, adapter } = adapterWithFake()
    fake.answer('sendMessage', tooManyRequests(3), { chatId: GROUP.id })
    const sent = adapter.send(G, { text: '公告' })
    await vi.advanceTimersByTimeAsync(2_900)
    expect(fake.of('sendMessage')).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(200)
    await sent
    const [a, b] = fake.of('sendMessage')
    expect(b!.payload.text).toBe('公告')
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(3_000)
  })

  it('a failed send does not stop the ones queued behind it', async () => {
    const limiter = new OutboundLimiter({ perChatIntervalMs: 0 })
    const order: string[] = []
    const a = limiter.schedule('-1', async () => {
      order.push('a')
      throw new Error('boom')
    })
    const b = limiter.schedule('-1', async () => void order.push('b'))
    await expect(a).rejects.toThrow('boom')
    await b
    expect(order).toEqual(['a', 'b'])
  })

  it('uses an injected clock and sleep', async () => {
    let now = 0
    const slept: number[] = []
    const limiter = new OutboundLimiter({
      now: () => now,
      sleep: async (ms) => {
        slept.push(ms)
        now += ms
      },
      groupPerWindow: 2,
      groupWindowMs: 10_000,
      perChatIntervalMs: 100,
    })
    for (let i = 0; i < 5; i++) await limiter.schedule('-5', async () => undefined)
    expect(slept).toEqual([100, 9_900, 100, 9_900])
    limiter.block('-5', 5_000)
    expect(limiter.waitFor('-5')).toBe(5_000)
  })
})
