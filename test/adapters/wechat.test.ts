// The WeChat adapter on the real wechaty runtime: wechaty-puppet-mock (and once through a real
// PuppetServer over gRPC), wired to a real App on a test database with the real commands.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { and, eq } from 'drizzle-orm'
import { FileBox } from 'file-box'
import { ScanStatus, types } from 'wechaty'
import { PuppetMock, mock } from 'wechaty-puppet-mock'
import { PuppetServer, PuppetService } from 'wechaty-puppet-service'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { WechatAdapter, type WechatAdapterOptions, type WechatTrace } from '../../adapters/wechat/adapter.ts'
import { createWechatAdapter } from '../../adapters/wechat/index.ts'
import { imageExtension, parseQuote, stripLeadingMention } from '../../adapters/wechat/normalize.ts'
import { OutboundQueue } from '../../adapters/wechat/queue.ts'
import { databaseStore, type WechatStore } from '../../adapters/wechat/store.ts'
import { AdapterError } from '../../src/core/adapter.ts'
import type { IncomingMessage } from '../../src/core/messages.ts'
import type { Database } from '../../db/client.ts'
import { chats, compounds, greetings, householdBindings, members, outbox, roles, ticketPhotos, tickets } from '../../db/schema.ts'
import { App } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { importRoster, parseRoster } from '../../src/cli/roster.ts'
import { createTestDatabases, type TestDatabases } from '../helpers/db.ts'

const SP = '\u2005'
const ROSTER = `building,unit,room,area_m2,occupancy,owner_name
3,2,201,89.50,owner_occupied,王秀英
3,2,202,75.00,rented,李建国
`
// a 1×1 PNG
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='

let dbs: TestDatabases
const dataDir = mkdtempSync(join(tmpdir(), 'linli-wechat-'))
// PuppetService keeps a LevelDB payload cache under ~/.wechaty/<token>; tests give it a home of its own
const puppetHome = mkdtempSync(join(tmpdir(), 'linli-wechat-home-'))
const cleanups: Array<() => Promise<unknown>> = []

beforeAll(async () => {
  dbs = await createTestDatabases()
})
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {})
})
afterAll(async () => {
  await dbs.close()
  rmSync(dataDir, { recursive: true, force: true })
  rmSync(puppetHome, { recursive: true, force: true })
})

/** A PuppetService whose payload cache lives in `puppetHome` (it reads os.homedir() once, in its constructor). */
function puppetService(endpoint: string, token: string): PuppetService {
  const home = process.env.HOME
  process.env.HOME = puppetHome
  try {
    return new PuppetService({ endpoint, token })
  } finally {
    process.env.HOME = home
  }
}

/**
 * PuppetService opens its LevelDB cache on login and closes it only on logout, not on stop; close it
 * before the test ends so no open is still in flight when the next test runs.
 */
async function closePayloadStore(service: PuppetService): Promise<void> {
  const store = (service as unknown as { _payloadStore?: { stop(): Promise<void> } })._payloadStore
  await store?.stop()
}

async function until<T>(probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, ms = 8_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = await probe()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 15))
  }
}

type Payload = { id: string; talkerId?: string; roomId?: string; listenerId?: string; text?: string; type: number }

/** A mock WeChat world: the bot account, a room owner, two residents, an owner-less room. */
function mockWorld() {
  const mocker = new mock.Mocker()
  const puppet = new PuppetMock({ mocker })
  const botUser = mocker.createContact({ name: '邻里' })
  const owner = mocker.createContact({ name: '老王' })
  const alice = mocker.createContact({ name: '张三' })
  const bob = mocker.createContact({ name: '李四' })
  const stranger = mocker.createContact({ name: '路人', friend: false })
  const room = mocker.createRoom({
    topic: '幸福里业主群',
    ownerId: owner.id,
    adminIdList: [],
    memberIdList: [botUser.id, owner.id, alice.id, bob.id],
  })
  const orphan = mocker.createRoom({ topic: '无主群', ownerId: undefined, adminIdList: [], memberIdList: [botUser.id, alice.id] })
  /** everything said on the mock, in order */
  const log: Payload[] = []
  puppet.on('message', ({ messageId }) => {
    const p = mocker.cacheMessagePayload.get(messageId) as Payload | undefined
    if (p) log.push(p)
  })
  const botSaid = (where?: { room?: string; to?: string }) =>
    log.filter(
      (p) =>
        p.talkerId === botUser.id &&
        (!where?.room || p.roomId === where.room) &&
        (!where?.to || p.listenerId === where.to),
    )
  return { mocker, puppet, botUser, owner, alice, bob, stranger, room, orphan, log, botSaid }
}

interface Harness extends ReturnType<typeof mockWorld> {
  db: Database
  app: App
  adapter: WechatAdapter
  handled: IncomingMessage[]
  traces: WechatTrace[]
  clock: { t: number }
  /** the trace of the next message event whose text (after normalization) or id matches */
  traced(match: (t: WechatTrace) => boolean, what: string): Promise<WechatTrace>
  /** what the bot said in the room after `from` messages */
  repliesIn(room: string, from: number): Payload[]
}

async function harness(
  opts: {
    world?: ReturnType<typeof mockWorld>
    puppet?: WechatAdapterOptions['puppet']
    store?: (db: Database) => WechatStore
    /** the first n messages come back 'failed', as App.handle reports a database outage */
    failures?: number
  } = {},
): Promise<Harness> {
  const w = opts.world ?? mockWorld()
  const db = await dbs.fresh()
  const handled: IncomingMessage[] = []
  const traces: WechatTrace[] = []
  const clock = { t: Date.now() }
  const adapter = new WechatAdapter({
    puppet: opts.puppet ?? w.puppet,
    dataDir,
    botNames: ['邻里', 'linli'],
    store: opts.store ? opts.store(db) : databaseStore(db),
    queue: { minGapMs: 0, switchPauseMs: [0, 0] },
    now: () => clock.t,
    printQr: () => {},
    onTrace: (t) => traces.push(t),
  })
  const config = loadConfig({ LINLI_BOT_NAME: '邻里', LINLI_DATA_DIR: dataDir } as NodeJS.ProcessEnv)
  const app = new App({ database: db, config, adapters: [adapter] })
  let failures = opts.failures ?? 0
  await adapter.start(async (m) => {
    handled.push(m)
    if (failures > 0) {
      failures--
      return { status: 'failed' as const }
    }
    return app.handle(m)
  })
  cleanups.push(() => adapter.stop())
  const loggedIn = new Promise((res) => adapter.bot.once('login', res))
  w.mocker.login(w.botUser)
  await loggedIn
  const traced = (match: (t: WechatTrace) => boolean, what: string) => until(() => traces.find(match), what)
  const repliesIn = (room: string, from: number) => w.log.slice(from).filter((p) => p.talkerId === w.botUser.id && p.roomId === room)
  return { ...w, db, app, adapter, handled, traces, clock, traced, repliesIn }
}

/** Say `text` in `room` as `who` and wait until the adapter has dealt with it. */
async function say(h: Harness, who: mock.ContactMock, text: string, opts: { room?: mock.RoomMock; mention?: boolean; private?: boolean } = {}) {
  const before = h.traces.length
  const start = h.log.length
  const conversation = opts.private ? h.botUser : (opts.room ?? h.room)
  who.say(text, opts.mention ? [h.botUser] : []).to(conversation)
  const id = h.log[start]!.id
  const trace = await h.traced((t) => t.id === id && h.traces.indexOf(t) >= before, `"${text}"`)
  return { id, trace, from: start }
}

async function setUpCompound(h: Harness) {
  const r = await say(h, h.owner, `@邻里${SP}开通 幸福里`, { mention: true })
  expect(h.repliesIn(h.room.id, r.from).map((p) => p.text).join('\n')).toContain('已开通「幸福里」')
  const [c] = await h.db.db.select().from(compounds)
  await importRoster(h.db.db, c!.id, parseRoster(ROSTER), new Date())
  return c!
}

describe('wechat adapter on wechaty-puppet-mock with the real app', () => {
  it('answers a room command and an @mention with U+2005; reads quotes; ignores its own and non-text messages', async () => {
    const h = await harness()
    const plain = await say(h, h.alice, '帮助')
    expect(plain.trace.result).toBe('handled')
    expect(h.repliesIn(h.room.id, plain.from).at(-1)?.text).toContain('开通 小区名')

    const mentioned = await say(h, h.bob, `@邻里${SP}帮助 绑定`, { mention: true })
    const m = h.handled.find((x) => x.id === mentioned.id)!
    expect(m).toMatchObject({
      platform: 'wechat',
      chat: { id: h.room.id, kind: 'group', title: '幸福里业主群' },
      sender: { id: h.bob.id, name: '李四' },
      text: '帮助 绑定',
      mentionsBot: true,
      images: [],
    })
    expect(m.botNames).toContain('邻里')
    expect(h.room.id.endsWith('@chatroom')).toBe(true)
    expect(h.repliesIn(h.room.id, mentioned.from).map((p) => p.text).join('\n')).toContain('绑定')

    // WeChat's 「…」 quote format is split off: its text is kept, its name is no identity (anyone can type it)
    const quoted = await say(h, h.bob, `「老王：楼道灯坏了」\n- - - - - - - - - - - - - - -\n@邻里${SP}帮助 报修`, { mention: true })
    const q = h.handled.find((x) => x.id === quoted.id)!
    expect(q.text).toBe('帮助 报修')
    expect(q.mentionsBot).toBe(true)
    expect(q.replyTo).toEqual({ id: '', text: '楼道灯坏了' })

    // the bot's own messages and non-text, non-image messages are not handled
    const own = await say(h, h.botUser, '帮助')
    expect(own.trace.result).toBe('self')
    const start = h.log.length
    h.alice.say(FileBox.fromBase64('aGVsbG8=', 'notes.txt')).to(h.room)
    const id = h.log[start]!.id
    expect((await h.traced((t) => t.id === id, 'the attachment')).result).toBe('type')
    expect(h.handled.map((x) => x.id)).not.toContain(own.id)
    expect(h.handled.map((x) => x.id)).not.toContain(id)
    expect(h.repliesIn(h.room.id, own.from)).toHaveLength(1) // only the bot's own message
  })

  it('开通 by the room owner binds the room; anyone else and owner-less rooms are refused', async () => {
    const h = await harness()
    const refused = await say(h, h.alice, '开通 别的小区')
    expect(h.repliesIn(h.room.id, refused.from).at(-1)?.text).toContain('只有群主或群管理员可以开通')
    expect(await h.db.db.select().from(compounds)).toHaveLength(0)

    const c = await setUpCompound(h)
    expect(c.name).toBe('幸福里')
    const [chat] = await h.db.db.select().from(chats)
    expect(chat).toMatchObject({ platform: 'wechat', platformChatId: h.room.id, title: '幸福里业主群', compoundId: c.id })
    const [head] = await h.db.db
      .select({ role: roles.role, userId: members.platformUserId })
      .from(roles)
      .innerJoin(members, eq(roles.memberId, members.id))
    expect(head).toEqual({ role: 'head', userId: h.owner.id })

    expect(await h.adapter.isChatAdmin(h.room.id, h.owner.id)).toBe(true)
    expect(await h.adapter.isChatAdmin(h.room.id, h.alice.id)).toBe(false)
    const managed = h.mocker.createRoom({ topic: '有管理员的群', ownerId: h.owner.id, adminIdList: [h.bob.id], memberIdList: [h.botUser.id, h.owner.id, h.bob.id] })
    expect(await h.adapter.isChatAdmin(managed.id, h.bob.id)).toBe(true)
    // the puppet cannot tell the owner: not an admin
    expect(await h.adapter.isChatAdmin(h.orphan.id, h.alice.id)).toBe(false)
    const orphan = await say(h, h.alice, '开通 无主小区', { room: h.orphan })
    expect(h.repliesIn(h.orphan.id, orphan.from).at(-1)?.text).toContain('只有群主或群管理员可以开通')
    expect(await h.db.db.select().from(compounds)).toHaveLength(1)
  })

  it('answers a private query privately and reports a non-contact as unreachable', async () => {
    const h = await harness()
    const r = await say(h, h.alice, '帮助', { private: true })
    const m = h.handled.find((x) => x.id === r.id)!
    expect(m.chat).toEqual({ id: h.alice.id, kind: 'private' })
    const dm = await until(() => h.botSaid({ to: h.alice.id }).at(-1), 'the private reply')
    expect(dm.text).toContain('帮助')
    expect(dm.roomId).toBeUndefined()

    expect(await h.adapter.sendPrivate(h.stranger.id, { text: '你好' })).toBe('unreachable')
    expect(await h.adapter.sendPrivate('no-such-contact', { text: '你好' })).toBe('unreachable')
    expect(h.botSaid({ to: h.stranger.id })).toHaveLength(0)
    expect(await h.adapter.sendPrivate(h.bob.id, { text: '你好' })).toBe('sent')
    expect(h.botSaid({ to: h.bob.id }).map((p) => p.text)).toEqual(['你好'])

    // a picture goes after its text; an unknown room is a retryable failure
    await h.adapter.send(h.room.id, { text: '本月公示', image: { png: Buffer.from(PNG_BASE64, 'base64') } })
    expect(h.botSaid({ room: h.room.id }).slice(-2).map((p) => [p.type, p.text])).toEqual([
      [types.Message.Text, '本月公示'],
      [types.Message.Image, undefined],
    ])
    await expect(h.adapter.send('nope@chatroom', { text: 'x' })).rejects.toMatchObject({ name: 'AdapterError', code: 'unknown' })
  })

  it('saves a photo through FileBox under the data directory and attaches it to the sender’s new ticket', async () => {
    const h = await harness()
    await setUpCompound(h)
    // photos from rooms not bound to a compound are not kept
    const before = h.log.length
    h.alice.say(FileBox.fromBase64(PNG_BASE64, 'cat.png')).to(h.orphan)
    const catId = h.log[before]!.id
    expect((await h.traced((t) => t.id === catId, 'the unbound photo')).result).toBe('image-unbound')
    expect(existsSync(join(dataDir, 'wechat-images', `${catId}.png`))).toBe(false)

    const report = await say(h, h.alice, '报修 3栋楼道灯不亮')
    expect(h.repliesIn(h.room.id, report.from).at(-1)?.text).toContain('已登记报修 #1')
    const start = h.log.length
    h.alice.say(FileBox.fromBase64(PNG_BASE64, 'broken-lamp.png')).to(h.room)
    const id = h.log[start]!.id
    expect(h.log[start]!.type).toBe(types.Message.Image)
    await h.traced((t) => t.id === id, 'the photo')
    const m = h.handled.find((x) => x.id === id)!
    expect(m.text).toBe('')
    expect(m.images).toHaveLength(1)
    const ref = m.images[0]!.ref
    expect(ref).toBe(join(dataDir, 'wechat-images', `${id}.png`))
    expect(existsSync(ref)).toBe(true)
    expect(readFileSync(ref).equals(Buffer.from(PNG_BASE64, 'base64'))).toBe(true)
    await until(() => h.repliesIn(h.room.id, start).some((p) => p.text?.includes('已为报修 #1 附上照片 1 张')), 'the photo reply')
    const photos = await h.db.db.select().from(ticketPhotos)
    expect(photos.map((p) => [p.platform, p.fileRef])).toEqual([['wechat', ref]])
  })



  it('drops a message re-emitted under the same id, and the same text under a new id within 3 s', async () => {
    const h = await harness()
    await setUpCompound(h)
    // the same id twice (a reconnect re-emits it)
    h.mocker.MessageMock.create({
      id: 'redelivered-1',
      talkerId: h.alice.id,
      roomId: h.room.id,
      text: '绑定 3-2-201 业主',
      timestamp: Date.now(),
      type: types.Message.Text,
      mentionIdList: [],
    } as never)
    const from = h.log.length
    h.puppet.emit('message', { messageId: 'redelivered-1' })
    h.puppet.emit('message', { messageId: 'redelivered-1' })
    await h.traced((t) => t.id === 'redelivered-1' && t.result === 'handled', 'the first delivery')
    await h.traced((t) => t.id === 'redelivered-1' && t.result === 'duplicate', 'the second delivery')
    await h.adapter.whenIdle()
    expect(h.repliesIn(h.room.id, from).filter((p) => p.text?.includes('已申请绑定 3-2-201'))).toHaveLength(1)

    // the same text from the same talker in the same room within 3 s under a new id
    const first = await say(h, h.bob, '绑定 3-2-202 租户')
    h.clock.t += 2_000
    const again = await say(h, h.bob, '绑定 3-2-202 租户')
    expect(first.trace.result).toBe('handled')
    expect(again.trace.result).toBe('redelivery')
    expect(await h.db.db.select().from(householdBindings)).toHaveLength(2)
    expect(h.repliesIn(h.room.id, first.from).filter((p) => p.text?.includes('已申请绑定 3-2-202'))).toHaveLength(1)
    // later it is a new message again (and the pipeline answers it)
    h.clock.t += 3_500
    const later = await say(h, h.bob, '绑定 3-2-202 租户')
    expect(later.trace.result).toBe('handled')
    expect(h.repliesIn(h.room.id, later.from).at(-1)?.text).toContain('你已申请绑定 3-2-202')
    expect(await h.db.db.select().from(householdBindings)).toHaveLength(2)
  })


  it('handles a redelivery of a message whose handling failed (database down), under the same id or at once again', async () => {
    const h = await harness({ failures: 2 })
    const msg = (id: string) =>
      h.mocker.MessageMock.create({
        id,
        talkerId: h.alice.id,
        roomId: h.room.id,
        text: '@邻里\u2005帮助',
        timestamp: Date.now(),
        type: types.Message.Text,
        mentionIdList: [h.botUser.id],
      } as never)
    msg('after-outage-1')
    h.puppet.emit('message', { messageId: 'after-outage-1' })
    await h.traced((t) => t.id === 'after-outage-1' && t.result === 'failed', 'the failed delivery')
    // the same text under a new id within 3 s: not taken for a re-emit of the failed one
    const retyped = await say(h, h.alice, '@邻里\u2005帮助', { mention: true })
    expect(retyped.trace.result).toBe('failed')
    // the database is back: the re-emitted message is handled and answered once
    const from = h.log.length
    h.puppet.emit('message', { messageId: 'after-outage-1' })
    await h.traced((t) => t.id === 'after-outage-1' && t.result === 'handled', 'the redelivery')
    await h.adapter.whenIdle()
    await until(() => h.repliesIn(h.room.id, from).some((p) => p.text?.includes('开通 小区名')), 'the answer')
    expect(h.handled.filter((m) => m.id === 'after-outage-1')).toHaveLength(2)
    expect(h.traces.filter((t) => t.result === 'duplicate' || t.result === 'redelivery')).toEqual([])
  })
  it('greets new members of a bound room once, in the compound’s language; records topic changes', async () => {
    const h = await harness()
    const newbie = h.mocker.createContact({ name: '新来的' })
    const other = h.mocker.createContact({ name: '王五' })
    // a room not bound to a compound: no greeting
    const joinedOrphan = new Promise((res) => h.adapter.bot.once('room-join', res))
    h.orphan.add(newbie).by(h.alice)
    await joinedOrphan
    await h.adapter.whenIdle()

    await setUpCompound(h)
    const from = h.log.length
    h.room.add(newbie).by(h.owner)
    const greeting = await until(() => h.repliesIn(h.room.id, from).find((p) => p.text?.includes('欢迎')), 'the greeting')
    expect(greeting.text).toContain('新来的')
    expect(greeting.text).toContain('绑定 房号')
    // joins again with someone new: only the new one is greeted
    h.room.remove(newbie).by(h.owner)
    const from2 = h.log.length
    h.room.add(newbie, other).by(h.owner)
    const second = await until(() => h.repliesIn(h.room.id, from2).find((p) => p.text?.includes('欢迎')), 'the second greeting')
    expect(second.text).toContain('王五')
    expect(second.text).not.toContain('新来的')
    expect(await h.db.db.select().from(greetings)).toHaveLength(2)
    expect(h.botSaid({ room: h.orphan.id })).toHaveLength(0)

    h.room.topic('幸福里一期业主群').by(h.owner)
    await until(async () => (await h.db.db.select().from(chats))[0]?.title === '幸福里一期业主群', 'the new title')
  })

  it('tells heads on other platforms when the account logs out', async () => {
    const h = await harness()
    const c = await setUpCompound(h)
    const [tg] = await h.db.db.insert(members).values({ platform: 'telegram', platformUserId: 'tg-1', displayName: 'Head' }).returning()
    await h.db.db.insert(roles).values({ compoundId: c.id, memberId: tg!.id, role: 'head' })
    const loggedOut = new Promise((res) => h.adapter.bot.once('logout', res))
    await h.puppet.logout('kicked')
    await loggedOut
    const rows = await until(async () => {
      const r = await h.db.db.select().from(outbox).where(and(eq(outbox.platform, 'telegram'), eq(outbox.targetId, 'tg-1')))
      return r.length > 0 && r
    }, 'the notice')
    expect(rows).toHaveLength(1)
    expect(rows[0]!.text).toContain('掉线')
    expect(h.adapter.loggedIn).toBe(false)
    await expect(h.adapter.send(h.room.id, { text: 'x' })).rejects.toMatchObject({ code: 'network' })
  })
})

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer()
    s.once('error', rej)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => res(port))
    })
  })
}

describe('wechat adapter through a real PuppetServer (gRPC, insecure_ token)', () => {
  it('answers a room @mention and binds the room with 开通 over the puppet service', async () => {
    const w = mockWorld()
    const port = await freePort()
    const token = `insecure_linli-test-${process.pid}-${Date.now()}`
    const endpoint = `127.0.0.1:${port}`
    const server = new PuppetServer({ endpoint, puppet: w.puppet, token })
    await server.start()
    const service = puppetService(endpoint, token)
    cleanups.push(async () => {
      await closePayloadStore(service)
      await server.stop()
    })
    const h = await harness({ world: w, puppet: service })
    const r = await say(h, h.alice, `@邻里${SP}帮助`, { mention: true })
    expect(r.trace.result).toBe('handled')
    const m = h.handled.find((x) => x.id === r.id)!
    expect(m).toMatchObject({ text: '帮助', mentionsBot: true, chat: { id: w.room.id, kind: 'group' } })
    await until(() => h.repliesIn(w.room.id, r.from).some((p) => p.text?.includes('开通 小区名')), 'the reply over gRPC')
    await setUpCompound(h)
    expect((await h.db.db.select().from(chats))[0]?.platformChatId).toBe(w.room.id)
  })
})

describe('reconnecting when the puppet service is down at start', () => {
  it('keeps retrying and logs in once the service is up', async () => {
    const w = mockWorld()
    const port = await freePort()
    const token = `insecure_linli-retry-${process.pid}-${Date.now()}`
    const endpoint = `127.0.0.1:${port}`
    const errors: unknown[] = []
    const service = puppetService(endpoint, token)
    const adapter = new WechatAdapter({
      puppet: service,
      dataDir,
      reconnectDelayMs: [300, 600],
      listRoomsOnLogin: false,
      printQr: () => {},
    })
    adapter.bot.on('error', (e) => {
      errors.push(e)
    })
    const server = new PuppetServer({ endpoint, puppet: w.puppet, token })
    cleanups.push(async () => {
      await closePayloadStore(service)
      await server.stop()
    })
    cleanups.push(() => adapter.stop())
    await adapter.start(async () => {}) // does not throw although nothing listens
    await until(() => errors.length > 0, 'a connection error')
    await server.start()
    w.mocker.login(w.botUser)
    await until(() => adapter.loggedIn, 'the login after reconnecting', 30_000)
  })
})

describe('login QR code', () => {
  it('prints the QR code and its URL when the puppet asks for a scan', async () => {
    const w = mockWorld()
    const printed: string[] = []
    const adapter = new WechatAdapter({ puppet: w.puppet, dataDir, printQr: (s) => printed.push(s), listRoomsOnLogin: false })
    cleanups.push(() => adapter.stop())
    await adapter.start(async () => {})
    w.mocker.scan('https://login.weixin.qq.com/l/abc123', ScanStatus.Waiting)
    const out = await until(() => printed[0], 'the QR code')
    expect(out).toContain(`https://wechaty.js.org/qrcode/${encodeURIComponent('https://login.weixin.qq.com/l/abc123')}`)
  })
})

describe('factory', () => {
  it('returns null without a puppet-service token and an unstarted adapter with one', async () => {
    expect(await createWechatAdapter(loadConfig({} as NodeJS.ProcessEnv))).toBeNull()
    const a = await createWechatAdapter(
      loadConfig({ WECHATY_PUPPET_SERVICE_TOKEN: 'insecure_factory_test', WECHATY_PUPPET_SERVICE_ENDPOINT: '127.0.0.1:1' } as NodeJS.ProcessEnv),
    )
    expect(a?.platform).toBe('wechat')
    expect(a).toBeInstanceOf(WechatAdapter)
    // not logged in: sends are retryable network errors, not losses
    await expect(a!.send('x@chatroom', { text: 'hi' })).rejects.toMatchObject({ code: 'network' })
    expect(await a!.isChatAdmin('x@chatroom', 'u')).toBe(false)
  })
})

describe('wechat identity: mentions from the puppet, quotes that are only text', () => {
  /** A bound room with two residents both called 王芳; the owner is head. */
  async function twins() {
    const h = await harness()
    const wang1 = h.mocker.createContact({ name: '王芳' })
    const wang2 = h.mocker.createContact({ name: '\u202E王芳\u200B' })
    const room = h.mocker.createRoom({
      topic: '幸福里二群',
      ownerId: h.owner.id,
      adminIdList: [],
      memberIdList: [h.botUser.id, h.owner.id, h.alice.id, wang1.id, wang2.id],
    })
    const r = await say(h, h.owner, `@邻里${SP}开通 幸福里`, { mention: true, room })
    expect(h.repliesIn(room.id, r.from).map((p) => p.text).join('\n')).toContain('已开通「幸福里」')
    await say(h, wang1, '帮助', { room })
    await say(h, wang2, '帮助', { room })
    return { h, room, wang1, wang2 }
  }

  /** Say `text` mentioning `mentions` (the puppet's mention id list) and wait for the bot's answer. */
  async function sayMentioning(h: Harness, room: mock.RoomMock, who: mock.ContactMock, text: string, mentions: mock.ContactMock[]) {
    const before = h.traces.length
    const start = h.log.length
    who.say(text, mentions).to(room)
    const id = h.log[start]!.id
    await h.traced((t) => t.id === id && h.traces.indexOf(t) >= before, `"${text}"`)
    return h.repliesIn(room.id, start).map((p) => p.text ?? '').join('\n')
  }

  const roleOf = async (h: Harness, userId: string) =>
    (
      await h.db.db
        .select({ role: roles.role })
        .from(roles)
        .innerJoin(members, eq(roles.memberId, members.id))
        .where(and(eq(members.platform, 'wechat'), eq(members.platformUserId, userId)))
    )[0]?.role

  it('appoints the contact the puppet says was mentioned, stores names cleaned, and refuses a bare namesake', async () => {
    const { h, room, wang1, wang2 } = await twins()
    const [stored] = await h.db.db.select().from(members).where(eq(members.platformUserId, wang2.id))
    expect(stored!.displayName).toBe('王芳')

    const said = await sayMentioning(h, room, h.owner, `任命 @王芳${SP}委员`, [wang2])
    expect(said).toContain(`已任命 王*（…${wang2.id.slice(-4)}） 为委员`)
    expect(await roleOf(h, wang2.id)).toBe('committee')
    expect(await roleOf(h, wang1.id)).toBeUndefined()
    const m = h.handled.at(-1)!
    expect(m.mentions).toEqual([{ userId: wang2.id, name: '王芳', text: '@王芳' }])

    // typed without picking anyone from the member list: two members read 王芳, so nobody is appointed
    const refused = await sayMentioning(h, room, h.owner, `任命 @王芳${SP}收费员`, [])
    expect(refused).toContain('有 2 位成员叫「王芳」')
    expect(await roleOf(h, wang1.id)).toBeUndefined()
    expect(await roleOf(h, wang2.id)).toBe('committee')
  })

  it('credits a ticket to the sender when a message is typed to look like a quote of the head', async () => {
    const { h, room } = await twins()
    const forged = await sayMentioning(h, room, h.alice, `「老王：3栋楼道灯不亮」\n- - - - - - - - - - - - - - -\n报修`, [])
    expect(forged).toContain('已登记报修 #1')
    expect(forged).not.toContain('报修人：老王')
    const rows = await h.db.db
      .select({ reporter: members.platformUserId, description: tickets.description })
      .from(tickets)
      .innerJoin(members, eq(tickets.reporterMemberId, members.id))
    expect(rows).toEqual([{ reporter: h.alice.id, description: expect.stringContaining('灯不亮') }])
  })
})

describe('normalization helpers', () => {
  it('strips a leading @mention of the bot and the U+2005 after it', () => {
    expect(stripLeadingMention(`@邻里${SP}报修 楼道灯`, ['邻里'])).toEqual({ text: '报修 楼道灯', stripped: true })
    expect(stripLeadingMention('@邻里 帮助', ['邻里'])).toEqual({ text: '帮助', stripped: true })
    expect(stripLeadingMention(`@邻里小助手${SP}帮助`, ['邻里', '邻里小助手'])).toEqual({ text: '帮助', stripped: true })
    expect(stripLeadingMention(`@张三${SP}你好`, ['邻里'])).toEqual({ text: `@张三${SP}你好`, stripped: false })
    expect(stripLeadingMention('@邻里居民 你好', ['邻里'])).toMatchObject({ stripped: false })
    expect(stripLeadingMention('帮助', ['邻里'])).toEqual({ text: '帮助', stripped: false })
  })

  it('parses the quote format either way round', () => {
    expect(parseQuote('「老王：灯坏了」\n- - - - - - - - - - - - - - -\n修好了')).toEqual({ text: '修好了', quote: { name: '老王', text: '灯坏了' } })
    expect(parseQuote('修好了\n- - - - - - - - - - - - - - -\n「老王: 灯坏了\n第二行」')).toEqual({
      text: '修好了',
      quote: { name: '老王', text: '灯坏了\n第二行' },
    })
    expect(parseQuote('普通消息')).toBeNull()
    expect(parseQuote('a\n- - - - - - - - -\nb')).toBeNull()
  })

  it('picks a safe image extension', () => {
    expect(imageExtension('a.JPEG', undefined)).toBe('jpg')
    expect(imageExtension('x', 'image/png')).toBe('png')
    expect(imageExtension(undefined, undefined)).toBe('jpg')
    expect(imageExtension('../../etc/passwd', undefined)).toBe('jpg')
  })
})

describe('outbound queue (fake timers)', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  function recorder(q: OutboundQueue) {
    const sent: { to: string; at: number }[] = []
    const send = (to: string) => q.run(to, async () => void sent.push({ to, at: Date.now() }))
    return { sent, send }
  }

  it('keeps ≥1 s between messages to one room and pauses 1–3 s when switching rooms', async () => {
    vi.useFakeTimers({ now: 0 })
    const q = new OutboundQueue({ random: () => 0.5 })
    const { sent, send } = recorder(q)
    const all = Promise.all([send('a'), send('a'), send('b'), send('b'), send('a')])
    await vi.runAllTimersAsync()
    await all
    expect(sent.map((s) => [s.to, s.at])).toEqual([
      ['a', 0],
      ['a', 1_000],
      ['b', 3_000], // 1 s + 0.5 × 2 s after the last send
      ['b', 4_000],
      ['a', 6_000],
    ])
  })

  it('sends at most 40 a minute overall', async () => {
    vi.useFakeTimers({ now: 0 })
    const q = new OutboundQueue({ minGapMs: 100, switchPauseMs: [0, 0] })
    const { sent, send } = recorder(q)
    const all = Promise.all(Array.from({ length: 45 }, (_, i) => send(`room${i % 3}`)))
    await vi.runAllTimersAsync()
    await all
    expect(sent).toHaveLength(45)
    for (let i = 40; i < sent.length; i++) expect(sent[i]!.at - sent[i - 40]!.at).toBeGreaterThanOrEqual(60_000)
    expect(sent.filter((s) => s.at < 60_000)).toHaveLength(40)
  })

  it('backs off 10 minutes after a "too frequent" error, with retryAfterMs for the outbox', async () => {
    vi.useFakeTimers({ now: 0 })
    const q = new OutboundQueue({ minGapMs: 0, switchPauseMs: [0, 0] })
    const err = await q.run('a', () => Promise.reject(new Error('操作过于频繁，请稍后再试'))).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AdapterError)
    expect(err).toMatchObject({ code: 'rate_limited', retryAfterMs: 600_000 })
    const send = vi.fn(async () => 'ok')
    await vi.advanceTimersByTimeAsync(599_000)
    await expect(q.run('b', send)).rejects.toMatchObject({ code: 'rate_limited', retryAfterMs: 1_000 })
    expect(send).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1_000)
    await expect(q.run('b', send)).resolves.toBe('ok')
    // an English "too frequent" counts too; other errors pass through untouched
    await expect(q.run('c', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    await expect(q.run('c', () => Promise.reject(new Error('send too frequent')))).rejects.toMatchObject({ code: 'rate_limited' })
  })
})
