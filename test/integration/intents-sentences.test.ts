// Issue 14's reproduction, in zh-CN, zh-TW and English compounds: every sentence the bot used to ignore now
// gets an answer or an offer through the real pipeline, and the loose command forms work. Also the optional
// LLM reader, against a local OpenAI-compatible endpoint: addressed messages only, the rules as fallback.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { asc } from 'drizzle-orm'
import { afterEach, describe, expect, it } from 'vitest'
import { ballots, ledgerEntries, tickets } from '../../db/schema.ts'
import { App } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { type Lang, t } from '../../src/i18n/index.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { ROSTER, townWorld } from '../helpers/fixtures.ts'
import { RecordingAdapter } from '../helpers/recording-adapter.ts'
import { groupTexts, privateTo } from '../helpers/world.ts'

const dbs = useTestDatabases()

interface Sentences {
  launch: string
  fee: string
  repair: string
  repairCommand: string
  yes: string
  paid: string
  paidCommand: string
  voteByNumberWord: string
  voteBySynonym: string
  ledger: string
}

const SENTENCES: Record<Lang, Sentences> = {
  'zh-CN': {
    launch: '发起投票 换电梯 选项 同意/反对 规则 简单',
    fee: '@邻里 查一下我家物业费',
    repair: '@邻里 我要报修，厨房漏水',
    repairCommand: '报修 厨房漏水',
    yes: '是',
    paid: '@邻里 交了 300',
    paidCommand: '缴费 房号 300',
    voteByNumberWord: '投票 #2 一',
    voteBySynonym: '投票 #2 赞成',
    ledger: '账目 3月',
  },
  'zh-TW': {
    launch: '發起投票 換電梯 選項 同意/反對 規則 簡單',
    fee: '@鄰里 查一下我家物業費',
    repair: '@鄰里 我要報修，廚房漏水',
    repairCommand: '報修 廚房漏水',
    yes: '好',
    paid: '@鄰里 交了 300',
    paidCommand: '繳費 房號 300',
    voteByNumberWord: '投票 #2 一',
    voteBySynonym: '投票 #2 贊成',
    ledger: '賬目 3月',
  },
  en: {
    launch: '/poll New lift options Agree/Against rule simple',
    fee: '@Linli how much do I owe?',
    repair: '@Linli I want to report a repair: the kitchen is leaking',
    repairCommand: '/repair the kitchen is leaking',
    yes: 'yes',
    paid: '@Linli paid 300',
    paidCommand: '/pay ROOM 300',
    voteByNumberWord: '/vote #2 A',
    voteBySynonym: '/vote #2 in favour',
    ledger: '/ledger in March',
  },
}

describe.each(Object.keys(SENTENCES) as Lang[])('issue 14’s sentences in a %s compound', (lang) => {
  const s = SENTENCES[lang]
  const tr = (key: string, params?: Record<string, string | number>) => t(lang, key, params)

  it('each gets an answer or an offer, and the offers are done on 是', async () => {
    const { w } = await townWorld(dbs, {
      roster: ROSTER,
      language: lang,
      people: [
        { id: 'u1', name: '张三', rooms: ['3-2-201'] },
        { id: 'cc', name: '李会计', role: 'collector' },
      ],
    })
    await w.says('boss', s.launch).then((r) => r.expectReply('#1'))
    await w.says('boss', s.launch).then((r) => r.expectReply('#2'))

    // a fee question: answered privately, the group told so
    const fee = await w.says('u1', s.fee)
    expect(privateTo(fee, 'u1')[0]).toContain('3-2-201')
    expect(groupTexts(fee)).toHaveLength(1)

    // a repair: offered, done on 是
    const offer = await w.says('u1', s.repair)
    expect(groupTexts(offer)).toEqual([tr('intent.offer', { what: tr('intent.what.repair'), command: s.repairCommand, minutes: 10 })])
    await w.says('u1', s.yes).then((r) => r.expectReply('#1'))
    expect((await w.db.db.select().from(tickets)).map((tk) => tk.description)).toEqual([s.repairCommand.replace(/^\S+ /, '')])

    // a collector's payment: the exact line to send, nothing booked
    const paid = await w.says('cc', s.paid)
    expect(groupTexts(paid)).toEqual([`${tr('intent.payCommand', { command: s.paidCommand })}\n${tr('intent.payRoom', { placeholder: s.paidCommand.split(' ')[1]! })}`])
    // a resident's: where payments are recorded
    await w.says('u1', s.paid).then((r) => expect(groupTexts(r)).toEqual([tr('intent.payResident')]))

    // the loose vote forms: option 1 by a number word or letter, then by a synonym of its text
    const first = await w.says('u1', s.voteByNumberWord)
    expect(privateTo(first, 'u1')[0]).toContain('#2')
    const again = await w.says('u1', s.voteBySynonym)
    expect(privateTo(again, 'u1')[0]).toContain('#2')
    const cast = await w.db.db.select().from(ballots).orderBy(asc(ballots.id))
    expect(cast.map((b) => b.options)).toEqual([[0], [0]])

    // a month without a year: the latest March
    await w.says('u1', s.ledger).then((r) => r.expectReply(tr('ledger.periodMonth', { year: 2026, month: 3 })))
  })

  it('says what it can do when it does not understand, and nothing to chatter', async () => {
    const { w } = await townWorld(dbs, { roster: ROSTER, language: lang })
    const at = lang === 'en' ? '@Linli' : lang === 'zh-TW' ? '@鄰里' : '@邻里'
    await w.says('u9', `${at} 今天天气真好`).then((r) => expect(groupTexts(r)).toEqual([tr('intent.notUnderstood')]))
    await w.says('u9', '今天天气真好').then((r) => r.expectNoReply())
  })
})

describe('the optional LLM reader', () => {
  let server: Server | undefined
  afterEach(() => new Promise<void>((res) => (server ? server.close(() => res()) : res())))

  /** An OpenAI-compatible endpoint answering `answer` (or failing with `status`), recording what it was sent. */
  async function endpoint(answer: object, status = 200) {
    const seen: { auth?: string; body: { model: string; messages: { role: string; content: string }[] } }[] = []
    server = createServer((req, res) => {
      let body = ''
      req.on('data', (d: Buffer) => (body += d.toString('utf8')))
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, body: JSON.parse(body) })
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ choices: [{ message: { content: JSON.stringify(answer) } }] }))
      })
    })
    await new Promise<void>((res) => server!.listen(0, '127.0.0.1', () => res()))
    return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/v1`, seen }
  }

  async function appWith(url: string) {
    const { w } = await townWorld(dbs, { roster: ROSTER, people: [{ id: 'u1', name: '张三', rooms: ['3-2-201'] }] })
    const adapter = new RecordingAdapter('console')
    const config = loadConfig({ LINLI_BOT_NAME: '邻里', LINLI_LLM_URL: url, LINLI_LLM_MODEL: 'local-test', LINLI_LLM_KEY: 'sk-test' } as NodeJS.ProcessEnv)
    const app = new App({ database: w.db, config, clock: w.clock, adapters: [adapter] })
    const say = async (text: string) => {
      const before = adapter.sent.length
      await app.handle(w.message('u1', text))
      return adapter.sent.slice(before)
    }
    return { say, db: w.db }
  }

  it('reads addressed messages through the endpoint; the answer runs through the same rules', async () => {
    const llm = await endpoint({ intent: 'fee', slots: {} })
    const { say } = await appWith(llm.url)
    const replies = await say('@邻里 我那个钱的事儿咋样了')
    expect(replies.find((r) => r.user === 'u1')?.text).toContain('3-2-201')
    expect(llm.seen).toHaveLength(1)
    expect(llm.seen[0]).toMatchObject({ auth: 'Bearer sk-test', body: { model: 'local-test' } })
    expect(llm.seen[0]!.body.messages.at(-1)!.content).toBe('我那个钱的事儿咋样了')
    // group chatter never goes there, nor a long text (a forwarded notice is no request)
    await say('今天天气真好')
    // (not starting with 通知, which is the committee's notice command since issue 17)
    const long = await say(`@邻里 ${'明天上午停水检修，请提前储水。'.repeat(30)}`)
    expect(long.map((r) => r.text)).toEqual([t('zh-CN', 'intent.notUnderstood')])
    expect(llm.seen).toHaveLength(1)
  })

  it('never writes on the model’s word: a payment is only shown, a repair only offered', async () => {
    const pay = await endpoint({ intent: 'payment', slots: { amount: 300, room: '3-2-201' } })
    const { say, db } = await appWith(pay.url)
    expect((await say('@邻里 那笔钱收好了')).map((r) => r.text)).toEqual([t('zh-CN', 'intent.payResident')])
    expect(await db.db.select().from(ledgerEntries)).toEqual([])
    await new Promise<void>((res) => server!.close(() => res()))
    const repair = await endpoint({ intent: 'repair', slots: {} })
    const second = await appWith(repair.url)
    const offer = await second.say('@邻里 楼下那个灯又不亮了')
    expect(offer[0]!.text).toContain('报修 楼下那个灯又不亮了')
    expect(await second.db.db.select().from(tickets)).toEqual([])
  })

  it('falls back to the local rules when the endpoint fails', async () => {
    const llm = await endpoint({}, 500)
    const { say } = await appWith(llm.url)
    const replies = await say('@邻里 我要报修，厨房漏水')
    expect(replies[0]!.text).toContain('报修 厨房漏水')
    expect(llm.seen).toHaveLength(1)
  })
})
