// The optional LLM reader against a local OpenAI-compatible server: what it sends, how the answer is
// checked, that the confirmation rule holds whatever the model says, and the fallback to the local rules.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { llmConfigFromEnv, llmReader, localReader, intentReader } from '../../src/intents/llm.ts'
import type { IntentContext } from '../../src/intents/types.ts'

type Reply = { status?: number; content?: string; raw?: string; hang?: boolean }
let next: Reply = {}
const seen: { url: string; auth?: string; body: { model: string; messages: { role: string; content: string }[] } }[] = []
let server: Server
let base = ''

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let data = ''
    req.on('data', (c: Buffer) => (data += c.toString()))
    req.on('end', () => {
      seen.push({ url: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(data) })
      const r = next
      if (r.hang) return // never answers: the reader must time out
      res.writeHead(r.status ?? 200, { 'content-type': 'application/json' })
      res.end(r.raw ?? JSON.stringify({ choices: [{ message: { role: 'assistant', content: r.content ?? '{"intent":"none"}' } }] }))
    })
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((ok) => server.close(ok))
})
beforeEach(() => {
  seen.length = 0
  next = {}
})

const ctx: IntentContext = {
  lang: 'zh-CN',
  botNames: ['邻里'],
  polls: [{ no: 2, options: ['同意', '反对', '弃权'] }],
  now: new Date('2026-11-15T02:00:00Z'),
  timeZone: 'Asia/Shanghai',
}
const answer = (o: unknown) => ({ content: JSON.stringify(o) })

describe('llmReader', () => {
  it('sends the message without the mention to <url>/chat/completions, with the model and the key', async () => {
    next = answer({ intent: 'fee', slots: {} })
    const r = await llmReader({ url: base, model: 'qwen-test', key: 'sk-test' }).read('@邻里 俺家的钱缴齐了没得', ctx)
    expect(seen).toHaveLength(1)
    expect(seen[0]!.url).toBe('/v1/chat/completions')
    expect(seen[0]!.auth).toBe('Bearer sk-test')
    expect(seen[0]!.body.model).toBe('qwen-test')
    expect(seen[0]!.body.messages.at(-1)).toEqual({ role: 'user', content: '俺家的钱缴齐了没得' })
    expect(r).toMatchObject({ intent: 'fee', action: 'run', command: '查费', source: 'llm' })
  })

  it('accepts the full endpoint URL too, and no key', async () => {
    next = answer({ intent: 'help', slots: { topic: 'vote' } })
    const r = await llmReader({ url: `${base}/chat/completions/`, model: 'm' }).read('教我投个票', ctx)
    expect(seen[0]!.url).toBe('/v1/chat/completions')
    expect(seen[0]!.auth).toBeUndefined()
    expect(r.command).toBe('帮助 投票')
  })

  it('a vote the model found is offered, not run; its slots are checked against the poll', async () => {
    next = answer({ intent: 'vote', slots: { poll: '2', option: 1 } })
    const r = await llmReader({ url: base, model: 'm' }).read('二号那个我举双手', ctx)
    expect(r).toMatchObject({ intent: 'vote', action: 'offer', command: '投票 #2 1', writes: true, source: 'llm' })
    next = answer({ intent: 'vote', slots: { poll: 2, option: 9 } })
    const bad = await llmReader({ url: base, model: 'm' }).read('二号那个选第九个', ctx)
    expect(bad).toMatchObject({ intent: 'vote', command: null, missing: ['option'] })
  })

  it('money from the model is only shown, the amount re-read by parseMoney, the room by the room grammar', async () => {
    next = answer({ intent: 'payment', slots: { amount: '三百', room: '三栋二单元201' } })
    const r = await llmReader({ url: base, model: 'm' }).read('老王家那三百收了', ctx)
    expect(r).toMatchObject({ intent: 'payment', action: 'show', command: '缴费 3-2-201 300' })
    next = answer({ intent: 'payment', slots: { amount: 'lots', room: 'the blue house' } })
    const odd = await llmReader({ url: base, model: 'm' }).read('收了 3-2-201 的 300', ctx)
    expect(odd).toMatchObject({ action: 'show', command: '缴费 3-2-201 300' }) // both re-read from the text
  })

  it('a repair keeps the resident’s words and the place read from them, whatever the model says', async () => {
    next = answer({ intent: 'repair', slots: { room: 'nowhere' } })
    const r = await llmReader({ url: base, model: 'm' }).read('@邻里 二单元那个下水道又不行了', ctx)
    expect(r).toMatchObject({ intent: 'repair', action: 'offer', source: 'llm' })
    expect(r.slots).toMatchObject({ unit: '2', thing: '下水道', description: '二单元那个下水道又不行了' })
    expect(r.command).toBe('报修 二单元那个下水道又不行了 位置 2单元')
  })

  it('a ledger period the model gives is read by the period reader', async () => {
    next = answer({ intent: 'ledger', slots: { period: '上个月' } })
    expect((await llmReader({ url: base, model: 'm' }).read('钱都去哪了', ctx)).command).toBe('账目 上月')
  })

  it('falls back to the local rules on an HTTP error, a non-JSON answer or an unknown intent', async () => {
    const reader = llmReader({ url: base, model: 'm' })
    for (const reply of [{ status: 500 }, { content: 'I think it is a fee question' }, answer({ intent: 'weather' }), { raw: 'not json' }]) {
      next = reply
      const r = await reader.read('@邻里 我家还欠多少钱', ctx)
      expect(r, JSON.stringify(reply)).toMatchObject({ intent: 'fee', command: '查费', source: 'rules' })
    }
  })

  it('a fenced JSON answer is read', async () => {
    next = { content: '```json\n{"intent":"status","slots":{"ticket":12}}\n```' }
    expect(await llmReader({ url: base, model: 'm' }).read('十二号单子咋样', ctx)).toMatchObject({ command: '报修 #12', action: 'run', source: 'llm' })
  })

  it('when the model finds nothing but the rules do, the rules win', async () => {
    next = answer({ intent: 'none' })
    expect(await llmReader({ url: base, model: 'm' }).read('@邻里 账目 3月', ctx)).toMatchObject({ command: '账目 2026-03', source: 'rules' })
  })

  it('times out and falls back to the rules', async () => {
    next = { hang: true }
    const t0 = Date.now()
    const r = await llmReader({ url: base, model: 'm', timeoutMs: 150 }).read('@邻里 3栋楼道灯又坏了', ctx)
    expect(Date.now() - t0).toBeLessThan(2000)
    expect(r).toMatchObject({ intent: 'repair', action: 'offer', source: 'rules' })
  })

  it('an unreachable endpoint falls back to the rules', async () => {
    const r = await llmReader({ url: 'http://127.0.0.1:1/v1', model: 'm', timeoutMs: 500 }).read('@邻里 投票 #2 赞成', ctx)
    expect(r).toMatchObject({ command: '投票 #2 1', action: 'offer', source: 'rules' })
  })
})

describe('configuration', () => {
  it('is off without both the URL and the model', () => {
    expect(llmConfigFromEnv({})).toBeNull()
    expect(llmConfigFromEnv({ LINLI_LLM_URL: 'http://x/v1' })).toBeNull()
    expect(llmConfigFromEnv({ LINLI_LLM_MODEL: 'm' })).toBeNull()
    expect(intentReader(null)).toBe(localReader)
  })

  it('reads the URL, model, key and an optional timeout', () => {
    expect(llmConfigFromEnv({ LINLI_LLM_URL: ' http://x/v1 ', LINLI_LLM_MODEL: 'm', LINLI_LLM_KEY: 'k', LINLI_LLM_TIMEOUT_MS: '2500' })).toEqual({
      url: 'http://x/v1',
      model: 'm',
      key: 'k',
      timeoutMs: 2500,
    })
    expect(llmConfigFromEnv({ LINLI_LLM_URL: 'http://x', LINLI_LLM_MODEL: 'm', LINLI_LLM_TIMEOUT_MS: 'soon' })?.timeoutMs).toBeUndefined()
  })

  it('the local reader is the rules', async () => {
    expect(await localReader.read('@邻里 交了 300', ctx)).toMatchObject({ action: 'show', command: '缴费 房号 300', source: 'rules' })
  })
})
