// The pure pieces of plain language in the pipeline: what counts as an answer to an offer or as addressing the
// bot, the loose choice reader the 投票 command shares, the in-process offer hints, and the LLM settings.
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.ts'
import { readChoice, readPeriod } from '../../src/intents/index.ts'
import { OfferHints } from '../../src/pipeline/offer-hints.ts'
import { answerOf, opensWithMention } from '../../src/pipeline/plain.ts'

const BOT = ['邻里', '鄰里', 'Linli', 'linli_test_bot']

describe('answerOf', () => {
  it.each([
    ['是', { kind: 'yes' }],
    ['好的', { kind: 'yes' }],
    ['@邻里 是', { kind: 'yes' }],
    ['👍', { kind: 'yes' }],
    ['yes', { kind: 'yes' }],
    ['不用了', { kind: 'no' }],
    ['offer:12:yes', { kind: 'yes', offerId: 12 }],
    ['offer:7:no', { kind: 'no', offerId: 7 }],
  ])('%s', (text, answer) => {
    expect(answerOf(text, BOT)).toEqual(answer)
  })

  it.each(['是的，不过明天再说吧', '好久不见', '3栋楼道灯坏了', 'offer:x:yes', `是${' '.repeat(60)}`])('not an answer: %s', (text) => {
    expect(answerOf(text, BOT)).toBeNull()
  })
})

describe('opensWithMention', () => {
  it.each(['@邻里 查一下', '@Linli how much', '＠邻里 查一下', '@linli_test_bot hi', '@邻里', '@邻里，你好'])('addressed: %s', (text) => {
    expect(opensWithMention(text, BOT)).toBe(true)
  })
  it.each(['邻里 查一下', '@邻里小助手 查一下', '@Linlifan hi', '大家好 @邻里', '@张三 是'])('not addressed: %s', (text) => {
    expect(opensWithMention(text, BOT)).toBe(false)
  })
})

describe('readChoice (投票 loose forms)', () => {
  const stance = ['同意', '反对', '弃权']
  it.each([
    ['一', stance, 0],
    ['二', stance, 1],
    ['A', stance, 0],
    ['b', stance, 1],
    ['第三个', stance, 2],
    ['赞成', stance, 0],
    ['支持', stance, 0],
    ['不同意', stance, 1],
    ['贊成', stance, 0],
    ['the first one', ['Agree', 'Against'], 0],
    ['in favour', ['Agree', 'Against'], 0],
  ] as const)('%s → option %i', (input, options, index) => {
    expect(readChoice(input, options)).toBe(index)
  })

  it('is null when it names nothing sure', () => {
    expect(readChoice('四', stance)).toBeNull() // out of range
    expect(readChoice('不是', ['是', '否'])).toBeNull() // no option's words are searched for inside the text
    expect(readChoice('支持', ['支持甲方案', '支持乙方案'])).toBeNull() // two options take that stance
    expect(readChoice('赞成', ['白色', '灰色'])).toBeNull()
  })

  it('periods: the latest month that has begun', () => {
    const now = new Date('2026-11-23T02:00:00Z')
    expect(readPeriod('3月', now, 'Asia/Shanghai')).toBe('2026-03')
    expect(readPeriod('12月', now, 'Asia/Shanghai')).toBe('2025-12')
    expect(readPeriod('下周', now, 'Asia/Shanghai')).toBeNull()
  })
})

describe('OfferHints', () => {
  const msg = (user: string, chat = 'g1') => ({ platform: 'console' as const, chat: { id: chat, kind: 'group' as const }, sender: { id: user, name: user } })
  const at = (iso: string) => new Date(iso)

  it('loads the open offers once, and answers from memory after that', async () => {
    let loads = 0
    const hints = new OfferHints(async () => {
      loads++
      return [{ platform: 'console', chatId: 'g1', userId: 'u1', expiresAt: at('2026-11-23T02:10:00Z') }]
    }, 10 * 60_000)
    expect(await hints.mayHave(msg('u1'), at('2026-11-23T02:05:00Z'))).toBe(true)
    expect(await hints.mayHave(msg('u2'), at('2026-11-23T02:05:00Z'))).toBe(false)
    expect(await hints.mayHave(msg('u1', 'g2'), at('2026-11-23T02:05:00Z'))).toBe(false)
    // within the grace after expiry a late 是 is still looked at (to be told it expired), then no more
    expect(await hints.mayHave(msg('u1'), at('2026-11-23T02:15:00Z'))).toBe(true)
    expect(await hints.mayHave(msg('u1'), at('2026-11-23T02:21:00Z'))).toBe(false)
    hints.add({ platform: 'console', chatId: 'g1', userId: 'u2', expiresAt: at('2026-11-23T02:30:00Z') })
    expect(await hints.mayHave(msg('u2'), at('2026-11-23T02:21:00Z'))).toBe(true)
    hints.forget(msg('u2'))
    expect(await hints.mayHave(msg('u2'), at('2026-11-23T02:21:00Z'))).toBe(false)
    expect(loads).toBe(1)
  })

  it('reads a yes-word as chatter while the database is away, and tries again next time', async () => {
    let fail = true
    const hints = new OfferHints(async () => {
      if (fail) throw new Error('connection refused')
      return [{ platform: 'console', chatId: 'g1', userId: 'u1', expiresAt: at('2026-11-23T02:10:00Z') }]
    }, 0)
    expect(await hints.mayHave(msg('u1'), at('2026-11-23T02:00:00Z'))).toBe(false)
    fail = false
    expect(await hints.mayHave(msg('u1'), at('2026-11-23T02:00:00Z'))).toBe(true)
  })
})

describe('LLM settings', () => {
  const env = (e: Record<string, string>) => loadConfig({ LINLI_BOT_NAME: '邻里', ...e } as NodeJS.ProcessEnv)
  it('are optional, and an empty URL is none', () => {
    expect(env({}).LINLI_LLM_URL).toBeUndefined()
    expect(env({ LINLI_LLM_URL: '' }).LINLI_LLM_URL).toBeUndefined()
    expect(env({ LINLI_LLM_URL: 'https://llm.example/v1', LINLI_LLM_MODEL: 'qwen', LINLI_LLM_KEY: 'k', LINLI_LLM_TIMEOUT_MS: '2500' })).toMatchObject({
      LINLI_LLM_URL: 'https://llm.example/v1',
      LINLI_LLM_MODEL: 'qwen',
      LINLI_LLM_KEY: 'k',
      LINLI_LLM_TIMEOUT_MS: 2500,
    })
  })
  it('refuse a URL that is not http(s) at start', () => {
    expect(() => env({ LINLI_LLM_URL: 'llm.example/v1' })).toThrow(/LINLI_LLM_URL/)
    expect(() => env({ LINLI_LLM_URL: 'ftp://llm.example' })).toThrow(/LINLI_LLM_URL/)
    expect(() => env({ LINLI_LLM_TIMEOUT_MS: '-1' })).toThrow(/LINLI_LLM_TIMEOUT_MS/)
  })
})
