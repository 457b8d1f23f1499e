// Issue 17 on the platforms: a notice's 收到 button pressed on Telegram acknowledges it, and the committee's CSV of
// an opinion round reaches them as a document — Telegram sendDocument through the real grammY Bot (recorded API
// calls), WeChat a FileBox through wechaty-puppet-mock, the console sandbox a file under data/out named in the
// JSON line's "file" field.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { eq } from 'drizzle-orm'
import { FileBox } from 'file-box'
import { InputFile } from 'grammy'
import { types } from 'wechaty'
import { mock, PuppetMock } from 'wechaty-puppet-mock'
import { afterEach, describe, expect, it } from 'vitest'
import { ConsoleAdapter } from '../../adapters/console/index.ts'
import { WechatAdapter } from '../../adapters/wechat/adapter.ts'
import { upsertMember } from '../../db/members.ts'
import { ballots, householdBindings, households, noticeAcks } from '../../db/schema.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { BOSS, fixture, GROUP, textUpdate, ZHANG } from './fixtures/telegram/fake-bot-api.ts'
import { boundGroup, rig, stopRigs } from './fixtures/telegram/rig.ts'

const dbs = useTestDatabases()
const ROSTER = 'building,unit,room,area_m2,occupancy,owner_name\n3,2,201,89.50,owner_occupied,王秀英\n3,2,202,75.00,rented,李建国\n'
const CSV = new TextEncoder().encode('\uFEFF房号,表态\r\n3-2-201,同意\r\n')

afterEach(stopRigs)

describe('telegram', () => {
  it('a press of a notice’s 收到 button acknowledges it; the committee’s opinion list comes with the CSV as a document', async () => {
    const r = await rig(dbs)
    const c = await boundGroup(r, ROSTER)
    const zhang = await upsertMember(r.db.db, 'telegram', String(ZHANG.id), '张三')
    const [h] = await r.db.db.select().from(households).where(eq(households.code, '3-2-201'))
    await r.db.db.insert(householdBindings).values({ compoundId: c.id, memberId: zhang.id, householdId: h!.id, relation: 'owner', status: 'verified' })

    await r.feed(textUpdate(BOSS, '通知 明天上午停水'))
    const post = r.fake.of('sendMessage').find((x) => x.payload.reply_markup)!
    expect(post.payload.text).toContain('【通知 #1】')
    expect(post.payload.reply_markup).toEqual({ inline_keyboard: [[{ text: '收到', callback_data: '/ack 1' }]] })
    r.fake.clear()
    const press = fixture('callback-query')
    press.callback_query!.data = '/ack 1'
    await r.feed(press)
    expect(r.fake.summary().map(([m, chat]) => [m, chat])).toEqual([
      ['answerCallbackQuery', undefined],
      ['sendMessage', ZHANG.id],
    ])
    expect(r.fake.of('sendMessage')[0]!.payload.text).toBe('已确认收到通知 #1（3-2-201）。')
    expect(await r.db.db.select().from(noticeAcks)).toHaveLength(1)

    await r.feed(textUpdate(BOSS, '征求意见 外墙翻新方案'))
    await r.feed(textUpdate(ZHANG, '签字 #1 同意 但要保证质量'))
    r.fake.clear()
    await r.feed(textUpdate(BOSS, '意见 #1'))
    const calls = r.fake.calls.filter((x) => x.method.startsWith('send'))
    expect(calls.map((x) => [x.method, x.payload.chat_id])).toEqual([
      ['sendMessage', BOSS.id],
      ['sendDocument', BOSS.id],
      ['sendMessage', GROUP.id], // asked in the group: it hears that the answer went privately, nothing of it
    ])
    expect(calls[0]!.payload.text).toContain('3-2-201　同意')
    expect(calls[2]!.payload.text).toMatch(/已私信回复你。$/)
    const doc = calls[1]!.payload.document as InputFile
    expect(doc).toBeInstanceOf(InputFile)
    expect(doc.filename).toBe('opinion-1.csv')
  })

  it('a press of an opinion round’s 同意 button signs and edits the launch post to the counts so far, no room or name', async () => {
    const r = await rig(dbs)
    const c = await boundGroup(r, ROSTER)
    for (const [who, room] of [[ZHANG, '3-2-201'], [BOSS, '3-2-202']] as const) {
      const m = await upsertMember(r.db.db, 'telegram', String(who.id), who.first_name)
      const [h] = await r.db.db.select().from(households).where(eq(households.code, room))
      await r.db.db.insert(householdBindings).values({ compoundId: c.id, memberId: m.id, householdId: h!.id, relation: 'owner', status: 'verified' })
    }
    await r.feed(textUpdate(BOSS, '征求意见 外墙翻新方案'))
    const launch = r.fake.of('sendMessage').find((x) => x.payload.reply_markup)!
    const keyboard = launch.payload.reply_markup.inline_keyboard as { text: string; callback_data: string }[][]
    expect(keyboard).toEqual([[{ text: '同意', callback_data: '/sign 1 agree' }, { text: '不同意', callback_data: '/sign 1 disagree' }]])
    r.fake.clear()
    const press = fixture('callback-query')
    press.callback_query!.data = keyboard[0]![0]!.callback_data
    press.callback_query!.message = { ...press.callback_query!.message!, message_id: 9103, text: launch.payload.text, reply_markup: launch.payload.reply_markup } as never
    await r.feed(press)
    expect(r.fake.summary().map(([m, chat]) => [m, chat])).toEqual([
      ['answerCallbackQuery', undefined],
      ['sendMessage', ZHANG.id],
      ['sendMessage', GROUP.id],
      ['editMessageText', GROUP.id],
    ])
    expect(r.fake.of('sendMessage')[1]!.payload.text).toBe('已收到一份签字（征求意见 #1）。')
    const edit = r.fake.of('editMessageText')[0]!.payload
    // the pressed post itself, its buttons kept, the launch text as it was and the counts under it
    expect(edit).toMatchObject({ chat_id: GROUP.id, message_id: 9103, reply_markup: { inline_keyboard: keyboard } })
    expect(edit.text.startsWith(`${launch.payload.text}\n\n`)).toBe(true)
    const counts = (edit.text as string).slice(launch.payload.text.length)
    expect(counts).toContain('同意：1 户 / 89.50 m²\n不同意：0 户')
    expect(counts).toContain('未签字：1 户 / 75.00 m²')
    expect(counts).not.toMatch(/3-2-20|张|王|李/)
    expect(await r.db.db.select().from(ballots)).toHaveLength(1)
  })

  it('sends a document after the text and keeps the buttons on the text', async () => {
    const r = await rig(dbs)
    r.fake.clear()
    await r.adapter.send(String(GROUP.id), { text: '名单', file: { bytes: CSV, name: 'opinion-3.csv' }, buttons: [[{ text: '收到', data: '/ack 3' }]] })
    expect(r.fake.calls.map((x) => x.method)).toEqual(['sendMessage', 'sendDocument'])
    expect(r.fake.calls[0]!.payload.reply_markup).toBeDefined()
    expect(r.fake.calls[1]!.payload.reply_markup).toBeUndefined()
  })
})

describe('wechat', () => {
  it('sends the document as a file after its text, through wechaty-puppet-mock', async () => {
    const mocker = new mock.Mocker()
    const puppet = new PuppetMock({ mocker })
    const botUser = mocker.createContact({ name: '邻里' })
    const head = mocker.createContact({ name: '老王' })
    const room = mocker.createRoom({ topic: '幸福里业主群', ownerId: head.id, adminIdList: [], memberIdList: [botUser.id, head.id] })
    const said: { id: string; talkerId?: string; listenerId?: string; type: number; text?: string }[] = []
    puppet.on('message', ({ messageId }) => {
      const p = mocker.cacheMessagePayload.get(messageId) as (typeof said)[number] | undefined
      if (p) said.push(p)
    })
    const db = await dbs.fresh()
    const { databaseStore } = await import('../../adapters/wechat/store.ts')
    const adapter = new WechatAdapter({
      puppet,
      dataDir: mkdtempSync(join(tmpdir(), 'linli-wechat-doc-')),
      botNames: ['邻里'],
      store: databaseStore(db),
      queue: { minGapMs: 0, switchPauseMs: [0, 0] },
      printQr: () => {},
    })
    await adapter.start(async () => ({ status: 'ignored' as const }))
    try {
      const loggedIn = new Promise((res) => adapter.bot.once('login', res))
      mocker.login(botUser)
      await loggedIn
      expect(await adapter.sendPrivate(head.id, { text: '征求意见 #3 签字名单', file: { bytes: CSV, name: 'opinion-3.csv' } })).toBe('sent')
      await adapter.send(room.id, { text: '群里的文件', file: { bytes: CSV, name: 'opinion-3.csv' } })
      const mine = said.filter((p) => p.talkerId === botUser.id)
      expect(mine.map((p) => [p.listenerId ? 'private' : 'room', p.type === types.Message.Text ? p.text : 'file'])).toEqual([
        ['private', '征求意见 #3 签字名单'],
        ['private', 'file'],
        ['room', '群里的文件'],
        ['room', 'file'],
      ])
      // the puppet got the file itself: its name and bytes
      const box = FileBox.fromJSON(mocker.cacheFileBoxPayload.get(mine[1]!.id)!)
      expect(box.name).toBe('opinion-3.csv')
      expect(await box.toBuffer()).toEqual(Buffer.from(CSV))
    } finally {
      await adapter.stop()
    }
  })
})

describe('console sandbox', () => {
  it('writes the document under data/out and names it in the JSON line, other fields unchanged', async () => {
    const data = mkdtempSync(join(tmpdir(), 'linli-console-doc-'))
    const output = new PassThrough()
    let written = ''
    output.on('data', (c: Buffer) => (written += c.toString('utf8')))
    const adapter = new ConsoleAdapter({ mode: 'jsonl', input: new PassThrough(), output, imageDir: join(data, 'images'), fileDir: join(data, 'out'), botName: '邻里' })
    await adapter.sendPrivate('u1', { text: '签字名单', file: { bytes: CSV, name: 'opinion-3.csv' } })
    await adapter.send('g1', { text: '只有文字' })
    const [line, plain] = written.trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>)
    expect(Object.keys(line!)).toEqual(['user', 'text', 'file'])
    expect(line!.text).toBe('签字名单')
    const file = line!.file!
    expect(file.startsWith(join(data, 'out'))).toBe(true)
    expect(file.endsWith('opinion-3.csv')).toBe(true)
    expect(existsSync(file)).toBe(true)
    expect(readFileSync(file)).toEqual(Buffer.from(CSV))
    expect(plain).toEqual({ chat: 'g1', text: '只有文字' })
  })
})
