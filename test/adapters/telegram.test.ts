// The Telegram adapter end to end: the real grammY Bot (botInfo given, a fake Bot API behind a transformer),
// bot.handleUpdate fed realistic update JSON, the real App (pipeline, commands, outbox) on a real database.
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { eq, sql } from 'drizzle-orm'
import { InputFile } from 'grammy'
import type { Update } from 'grammy/types'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createTelegramAdapter, TelegramAdapter } from '../../adapters/telegram/index.ts'
import { slashName } from '../../adapters/telegram/menu.ts'
import type { IncomingMessage } from '../../src/core/messages.ts'
import { commands } from '../../commands/index.ts'
import { commandEntries } from '../../src/pipeline/command.ts'
import { upsertMember } from '../../db/members.ts'
import { chats, compounds, householdBindings, households, inbox, members, outbox, roles } from '../../db/schema.ts'
import { App } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { t } from '../../src/i18n/index.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { query } from '../helpers/fixtures.ts'
import { TestClock } from '../helpers/world.ts'
import {
  BOSS,
  BOT_INFO,
  cannotInitiate,
  FakeBotApi,
  fakeBot,
  fixture,
  GROUP,
  textUpdate,
  tooManyRequests,
  upgraded,
  ZHANG,
} from './fixtures/telegram/fake-bot-api.ts'
import { boundGroup as boundGroupWith, type Rig, rig as telegramRig, stopRigs, stoppers } from './fixtures/telegram/rig.ts'

const dbs = useTestDatabases()

const ROSTER = `building,unit,room,area_m2,occupancy,owner_name
3,2,201,89.50,owner_occupied,王秀英
3,2,202,75.00,rented,李建国
`
const G = String(GROUP.id)
const zh = (key: string, params?: Record<string, string | number>) => t('zh-CN', key, params)

const rig = (opts?: Parameters<typeof telegramRig>[1]) => telegramRig(dbs, opts)
const boundGroup = (r: Rig, chat?: Parameters<typeof boundGroupWith>[2]) => boundGroupWith(r, ROSTER, chat)

afterEach(stopRigs)

const inboxRows = (r: Rig) => r.db.db.select().from(inbox).orderBy(inbox.id)

const hasPolls = commands.some((c) => c.name === 'poll') && commands.some((c) => c.name === 'vote')

/**
 * A bound group where the head launched a simple residents poll (张三 and the head verified residents, the
 * poll's voters frozen at launch): the launch post and its keyboard; API calls cleared.
 */
async function launchedPoll(r: Rig, launchText = '发起投票 换电梯 选项 同意/反对 规则 简单 全体住户') {
  const c = await boundGroup(r)
  for (const [who, room] of [[ZHANG, '3-2-201'], [BOSS, '3-2-202']] as const) {
    const m = await upsertMember(r.db.db, 'telegram', String(who.id), who.first_name)
    const [h] = await r.db.db.select().from(households).where(eq(households.code, room))
    await r.db.db.insert(householdBindings).values({ compoundId: c.id, memberId: m.id, householdId: h!.id, relation: 'owner', status: 'verified' })
  }
  await r.feed(textUpdate(BOSS, launchText))
  const launch = r.fake.of('sendMessage').find((c) => c.payload.reply_markup)!
  const keyboard = launch.payload.reply_markup.inline_keyboard as { text: string; callback_data: string }[][]
  r.fake.clear()
  return { launch, keyboard }
}

describe('telegram adapter: start', () => {
  it('publishes the "/" menu: English names, zh-CN descriptions by default and English for en', async () => {
    const r = await rig()
    const calls = r.fake.of('setMyCommands')
    expect(calls).toHaveLength(2)
    expect(calls[0]!.payload.language_code).toBeUndefined()
    expect(calls[0]!.payload.commands).toContainEqual({ command: 'help', description: zh('cmd.help.summary') })
    expect(calls[0]!.payload.commands).toContainEqual({ command: 'bind', description: zh('cmd.bind.summary') })
    expect(calls[1]!.payload).toMatchObject({ language_code: 'en' })
    expect(calls[1]!.payload.commands).toContainEqual({ command: 'setup', description: t('en', 'cmd.setup.summary') })
    const names = (calls[0]!.payload.commands as { command: string }[]).map((c) => c.command)
    expect(names).toEqual(commands.filter((c) => !c.hidden).map((c) => slashName(c)))
  })

  it('keeps running when setMyCommands fails', async () => {
    const fake = new FakeBotApi()
    fake.answer('setMyCommands', { ok: false, error_code: 400, description: 'Bad Request: BOT_COMMAND_INVALID' }, { times: 2 })
    const adapter = new TelegramAdapter({ token: 'x', mode: { kind: 'manual' }, bot: fakeBot(fake), commands: commandEntries(commands) })
    const handled: IncomingMessage[] = []
    await adapter.start(async (m) => void handled.push(m))
    await adapter.commandsPublished
    await adapter.bot.handleUpdate(textUpdate(ZHANG, '/help'))
    await adapter.idle()
    expect(handled.map((m) => m.text)).toEqual(['/help'])
    await adapter.stop()
  })
})

describe('telegram adapter: messages through the pipeline', () => {
  it('answers a slash command in a supergroup and records the inbox row under the chat id + message id', async () => {
    const r = await rig()
    r.fake.clear()
    const u = textUpdate(ZHANG, '/help')
    await r.feed(u)
    const sent = r.fake.summary()
    expect(sent).toHaveLength(1)
    expect(sent[0]![0]).toBe('sendMessage')
    expect(sent[0]![1]).toBe(GROUP.id)
    expect(sent[0]![2]).toMatch(new RegExp(`^${t('en', 'help.title')}`))
    expect(sent[0]![2]).toContain(t('en', 'help.notSetUp'))
    expect(r.fake.calls[0]!.payload.link_preview_options).toEqual({ is_disabled: true })
    const rows = await inboxRows(r)
    expect(rows.map((x) => [x.platform, x.chatId, x.messageId])).toEqual([['telegram', G, String(u.message!.message_id)]])
    expect(r.seen[0]).toMatchObject({
      platform: 'telegram',
      chat: { id: G, kind: 'group', title: GROUP.title },
      sender: { id: String(ZHANG.id), name: '张 三', isBot: false },
      botNames: [BOT_INFO.username],
    })
  })

  it('answers /cmd@thisbot and ignores /cmd@otherbot', async () => {
    const r = await rig()
    r.fake.clear()
    await r.feed(textUpdate(ZHANG, '/help@otherbot'))
    await r.feed(textUpdate(ZHANG, '/bind@otherbot 3-2-201'))
    await r.feed(textUpdate(ZHANG, '/repair@otherbot 楼道灯坏了'))
    expect(r.fake.calls).toEqual([])
    expect(await inboxRows(r)).toEqual([])
    await r.feed(textUpdate(ZHANG, `/help@${BOT_INFO.username}`))
    expect(r.fake.summary().map(([m, c]) => [m, c])).toEqual([['sendMessage', GROUP.id]])
    expect(await inboxRows(r)).toHaveLength(1)
  })

  it.runIf(commands.some((c) => c.name === 'repair'))('opens a repair ticket with /repair@thisbot', async () => {
    const r = await rig()
    await boundGroup(r)
    await r.feed(textUpdate(ZHANG, `/repair@${BOT_INFO.username} 3号楼2单元楼道灯不亮`))
    const sent = r.fake.summary()
    expect(sent.map(([m, c]) => [m, c])).toContainEqual(['sendMessage', GROUP.id])
    expect(await query(r.db, sql`SELECT count(*)::int AS n FROM tickets`)).toEqual([{ n: 1 }])
  })

  it.runIf(commands.some((c) => c.name === 'repair'))(
    'answers in the forum topic a command came from (the topic is no quote), and in General once the topic is gone',
    async () => {
      const r = await rig()
      await boundGroup(r)
      const inTopic = (text: string) => {
        const u = textUpdate(ZHANG, text)
        Object.assign(u.message!, {
          is_topic_message: true,
          message_thread_id: 77,
          reply_to_message: { message_id: 77, date: 1795399000, chat: GROUP, from: BOSS, forum_topic_created: { name: '报修', icon_color: 7322096 } },
        })
        return u
      }
      await r.feed(inTopic('报修 3号楼楼道灯不亮'))
      expect(r.seen[0]).toMatchObject({ chat: { id: G, kind: 'group', replyTarget: `${G}/77` } })
      expect(r.seen[0]!.replyTo).toBeUndefined()
      const [ticket] = await query<{ description: string }>(r.db, sql`SELECT description FROM tickets`)
      expect(ticket!.description).toContain('楼道灯不亮')
      const replies = r.fake.of('sendMessage')
      expect(replies.length).toBeGreaterThan(0)
      for (const c of replies) expect(c.payload).toMatchObject({ chat_id: GROUP.id, message_thread_id: 77 })

      // the topic was deleted meanwhile: the answer goes to General rather than nowhere
      r.fake.clear()
      r.fake.answer('sendMessage', { ok: false, error_code: 400, description: 'Bad Request: message thread not found' }, { chatId: GROUP.id })
      await r.feed(inTopic('/help'))
      const sent = r.fake.of('sendMessage')
      expect(sent.length).toBeGreaterThanOrEqual(2)
      expect(sent[0]!.payload.message_thread_id).toBe(77)
      for (const c of sent.slice(1)) expect(c.payload.chat_id).toBe(GROUP.id)
      for (const c of sent.slice(1)) expect(c.payload.message_thread_id).toBeUndefined()
      expect(sent[1]!.payload.text).toBe(sent[0]!.payload.text)
      expect(await query(r.db, sql`SELECT count(*)::int AS n FROM outbox WHERE status <> 'sent'`)).toEqual([{ n: 0 }])
    },
  )

  it('sets up a compound with a Chinese keyword from the group creator (getChatMember), refuses a plain member', async () => {
    const r = await rig()
    r.fake.clear()
    await r.feed(textUpdate(ZHANG, '开通 幸福里'))
    expect(r.fake.summary()).toEqual([
      ['getChatMember', GROUP.id, undefined],
      ['sendMessage', GROUP.id, zh('common.notChatAdmin')],
    ])
    expect(await r.db.db.select().from(compounds)).toEqual([])
    r.fake.clear()
    r.fake.setMember(GROUP.id, BOSS.id, 'creator')
    await r.feed(textUpdate(BOSS, '开通 幸福里'))
    expect(r.fake.summary()).toEqual([
      ['getChatMember', GROUP.id, undefined],
      ['sendMessage', GROUP.id, zh('setup.created', { name: '幸福里' })],
    ])
    expect(r.fake.calls[0]!.payload.user_id).toBe(BOSS.id)
    const [c] = await r.db.db.select().from(compounds)
    expect(c!.name).toBe('幸福里')
    const [chat] = await r.db.db.select().from(chats)
    expect(chat).toMatchObject({ platform: 'telegram', platformChatId: G, title: GROUP.title, compoundId: c!.id })
    const [head] = await r.db.db.select({ role: roles.role, user: members.platformUserId }).from(roles).innerJoin(members, eq(roles.memberId, members.id))
    expect(head).toEqual({ role: 'head', user: String(BOSS.id) })
  })

  it('binds a room from a photo caption and attaches the largest photo size', async () => {
    const r = await rig()
    await boundGroup(r)
    await r.feed(fixture('photo-with-caption'))
    expect(r.fake.summary()).toEqual([['sendMessage', GROUP.id, zh('bind.requested', { room: '3-2-202', relation: zh('relation.tenant') })]])
    expect(r.seen[0]!.images).toEqual([{ ref: 'AgACAgUAAxkBAAIBN2V-large', mime: 'image/jpeg' }])
    expect(r.seen[0]!.text).toBe('绑定 3-2-202 租户')
    const rows = await r.db.db
      .select({ code: households.code, relation: householdBindings.relation, status: householdBindings.status })
      .from(householdBindings)
      .innerJoin(households, eq(householdBindings.householdId, households.id))
    expect(rows).toEqual([{ code: '3-2-202', relation: 'tenant', status: 'pending' }])
  })

  it('passes a reply-to-message on with the quoted text, sender and photo', async () => {
    const r = await rig()
    await boundGroup(r)
    await r.feed(fixture('reply-to-bot'))
    expect(r.seen[0]!.replyTo).toEqual({
      id: '329',
      text: '楼道灯坏了',
      sender: { id: '333333333', name: '李 四' },
      images: [{ ref: 'AgACAgUAAxkBAAIBQWV-x', mime: 'image/jpeg' }],
    })
    expect(r.fake.summary()).toHaveLength(1)
    expect(r.fake.summary()[0]![2]).toContain(zh('help.title'))
  })

  it('treats an anonymous admin (sender_chat = the chat) as a chat admin without asking Telegram', async () => {
    const r = await rig()
    r.fake.clear()
    await r.feed(fixture('anonymous-admin'))
    expect(r.fake.summary()).toEqual([['sendMessage', GROUP.id, zh('setup.created', { name: '幸福里' })]])
    const [head] = await r.db.db
      .select({ role: roles.role, user: members.platformUserId, name: members.displayName })
      .from(roles)
      .innerJoin(members, eq(roles.memberId, members.id))
    expect(head).toEqual({ role: 'head', user: G, name: '物业老李' })
    expect(r.seen[0]).toMatchObject({ senderIsAdmin: true, sender: { id: G, name: '物业老李' } })
    expect(r.seen[0]!.sender.isBot).toBeUndefined()
    // the anonymous admin is not a person: nothing is ever sent "privately" to the group id
    expect(await r.adapter.sendPrivate(G, { text: 'x' })).toBe('unreachable')
    expect(r.fake.of('sendMessage')).toHaveLength(1)
  })

  it('moves the compound binding when the group becomes a supergroup', async () => {
    const r = await rig()
    const oldChat = { id: -4012345678, type: 'group' as const, title: '幸福里邻居群' }
    await boundGroup(r, oldChat)
    await r.feed(fixture('migrate-to-chat'))
    expect(r.fake.calls).toEqual([])
    expect((await r.db.db.select().from(chats)).map((c) => c.platformChatId)).toEqual(['-1004012345678'])
    // the service message in the new supergroup arrives too: nothing changes, nothing is sent
    await r.feed(fixture('migrate-from-chat'))
    expect((await r.db.db.select().from(chats)).map((c) => c.platformChatId)).toEqual(['-1004012345678'])
    expect(r.seen).toEqual([])
    expect(r.fake.calls).toEqual([])
    // the new supergroup is the compound's group now
    await r.feed(textUpdate(ZHANG, '绑定 3-2-201 业主', { id: -1004012345678, type: 'supergroup', title: '幸福里邻居群' }))
    expect(r.fake.summary()).toEqual([['sendMessage', -1004012345678, zh('bind.requested', { room: '3-2-201', relation: zh('relation.owner') })]])
  })

  it('re-keys and resends when a send fails with 400 migrate_to_chat_id', async () => {
    const r = await rig()
    const oldChat = { id: -4099, type: 'group' as const, title: '老群' }
    await boundGroup(r, oldChat)
    r.fake.answer('sendMessage', upgraded(-1004099), { chatId: -4099 })
    await r.adapter.send('-4099', { text: '公告' })
    expect(r.fake.summary()).toEqual([
      ['sendMessage', -4099, '公告'],
      ['sendMessage', -1004099, '公告'],
    ])
    expect((await r.db.db.select().from(chats)).map((c) => c.platformChatId)).toEqual(['-1004099'])
  })

  it('turns a button press into the presser’s command, answers the callback, and dedupes a redelivery', async () => {
    const r = await rig()
    await boundGroup(r)
    const press = fixture('callback-query')
    await r.feed(press)
    expect(r.fake.summary()).toEqual([
      ['answerCallbackQuery', undefined, zh('telegram.buttonReceived')],
      ['sendMessage', GROUP.id, zh('bind.requested', { room: '3-2-201', relation: zh('relation.owner') })],
    ])
    expect(r.fake.calls[0]!.payload.callback_query_id).toBe('4382719038127364512')
    expect(r.seen[0]).toMatchObject({ id: 'cb:4382719038127364512', chat: { id: G, kind: 'group' }, sender: { id: String(ZHANG.id) }, text: '/bind 3-2-201 业主' })
    expect((await inboxRows(r)).map((x) => x.messageId)).toContain('cb:4382719038127364512')
    r.fake.clear()
    await r.feed(press)
    expect(r.fake.summary()).toEqual([['answerCallbackQuery', undefined, zh('telegram.buttonReceived')]])
    expect(await r.db.db.select().from(householdBindings)).toHaveLength(1)
  })

  it.runIf(hasPolls)(
    'launches a poll with one button per option; a press votes privately and the group sees the ack',
    async () => {
      const r = await rig()
      const { launch, keyboard } = await launchedPoll(r)
      expect(launch.payload.chat_id).toBe(GROUP.id)
      expect(keyboard.map((row) => row[0]!.callback_data)).toEqual(['/vote 1 1', '/vote 1 2'])
      const press = fixture('callback-query')
      press.update_id += 1
      press.callback_query!.id = '4382719038127364999'
      press.callback_query!.data = keyboard[0]![0]!.callback_data
      await r.feed(press)
      const calls = r.fake.summary().map(([m, c]) => [m, c])
      expect(calls).toEqual([
        ['answerCallbackQuery', undefined],
        ['sendMessage', ZHANG.id],
        ['sendMessage', GROUP.id],
        ['editMessageText', GROUP.id],
      ])
      expect(await query(r.db, sql`SELECT count(*)::int AS n FROM ballots`)).toEqual([{ n: 1 }])
    },
  )

  it.runIf(hasPolls)(
    'a button vote edits the launch post to show the tally so far, at most once per 10 s, the latest tally last',
    async () => {
      const sleeps: { ms: number; go: () => void }[] = []
      let now = Date.parse('2026-11-23T02:00:00Z')
      const r = await rig({ adapter: { now: () => now, edits: { sleep: (ms) => new Promise<void>((go) => sleeps.push({ ms, go })) } } })
      const { launch, keyboard } = await launchedPoll(r)
      let n = 0
      const press = (from: typeof ZHANG | typeof BOSS, option: number): Update => {
        const u = fixture('callback-query')
        u.update_id += ++n
        const q = u.callback_query!
        q.id = `43827190381273650${n}`
        q.from = { ...from }
        q.data = keyboard[option - 1]![0]!.callback_data
        q.message = { ...q.message!, message_id: 9101, text: launch.payload.text, reply_markup: launch.payload.reply_markup } as never
        return u
      }
      const edits = () => r.fake.of('editMessageText')
      const option = (i: number, persons: number) => zh('poll.results.optionPersons', { n: i, option: i === 1 ? '同意' : '反对', persons })

      await r.feed(press(ZHANG, 1))
      // the first edit goes out at once: the launch post as it was, the tally under it, the buttons kept
      expect(edits()).toHaveLength(1)
      const first = edits()[0]!.payload
      expect(first).toMatchObject({ chat_id: GROUP.id, message_id: 9101, reply_markup: { inline_keyboard: keyboard } })
      expect(first.text.startsWith(`${launch.payload.text}\n\n`)).toBe(true)
      expect(first.text).toContain(zh('poll.live.header', { at: '2026-11-23 10:00' }))
      expect(first.text).toContain(option(1, 1))
      expect(first.text).toContain(option(2, 0))

      // within 10 s: nothing at once, one trailing edit is scheduled for the rest of the interval
      now += 3_000
      await r.feed(press(BOSS, 2))
      now += 1_000
      await r.feed(press(ZHANG, 2)) // changes the vote
      expect(edits()).toHaveLength(1)
      expect(sleeps.map((s) => s.ms)).toEqual([7_000])
      expect(await query(r.db, sql`SELECT count(*)::int AS n FROM ballots`)).toEqual([{ n: 3 }])

      now += 6_000
      sleeps[0]!.go()
      for (let i = 0; i < 200 && edits().length < 2; i++) await new Promise((res) => setTimeout(res, 5))
      expect(edits()).toHaveLength(2)
      const trailing = edits()[1]!.payload
      expect(trailing).toMatchObject({ chat_id: GROUP.id, message_id: 9101, reply_markup: { inline_keyboard: keyboard } })
      expect(trailing.text).toContain(option(1, 0))
      expect(trailing.text).toContain(option(2, 2))
      expect(trailing.text).toContain(zh('poll.live.header', { at: '2026-11-23 10:00' }))

      // another press 10 s after the trailing edit goes out at once again
      now += 10_000
      await r.feed(press(BOSS, 1))
      expect(edits()).toHaveLength(3)
      expect(edits()[2]!.payload.text).toContain(option(1, 1))
      expect(sleeps).toHaveLength(1)
    },
  )

  it.runIf(hasPolls)(
    'a secret poll: the edited launch post shows participation only, no per-option figure, until it closes',
    async () => {
      const r = await rig()
      const { launch, keyboard } = await launchedPoll(r, '发起投票 换电梯 选项 同意/反对 规则 一般 不记名 截止 12月10日')
      const press = fixture('callback-query')
      press.update_id += 5
      press.callback_query!.id = '4382719038127365555'
      press.callback_query!.data = keyboard[1]![0]!.callback_data
      press.callback_query!.message = { ...press.callback_query!.message!, message_id: 9102, text: launch.payload.text } as never
      await r.feed(press)
      const edits = r.fake.of('editMessageText')
      expect(edits).toHaveLength(1)
      const text = edits[0]!.payload.text as string
      const tally = text.slice(launch.payload.text.length)
      expect(tally).toContain(zh('poll.results.votedHouseholds', { households: 1, total: 2 }))
      expect(tally).toContain(zh('poll.results.secretOpen'))
      // neither option appears with a figure, nor the leading outcome: the press must not tell which was taken
      expect(tally).not.toMatch(/同意|反对/)
      expect(tally).not.toMatch(/^\d+\. /m)
    },
  )

  it.runIf(hasPolls)(
    'a typed vote edits nothing, and a failed edit (message not modified) does not touch the vote',
    async () => {
      const r = await rig()
      await launchedPoll(r)
      await r.feed(textUpdate(ZHANG, '投票 #1 1'))
      expect(r.fake.of('editMessageText')).toEqual([])
      r.fake.answer('editMessageText', { ok: false, error_code: 400, description: 'Bad Request: message is not modified' })
      const u = fixture('callback-query')
      u.update_id += 77
      u.callback_query!.id = '4382719038127365077'
      u.callback_query!.data = '/vote 1 2'
      await r.feed(u)
      expect(r.fake.of('editMessageText')).toHaveLength(1)
      expect(r.fake.of('sendMessage').map((c) => c.payload.chat_id)).toEqual([ZHANG.id, GROUP.id, ZHANG.id, GROUP.id])
      expect(await query(r.db, sql`SELECT count(*)::int AS n FROM ballots`)).toEqual([{ n: 2 }])
    },
  )

  it('ignores edited messages and messages from other bots', async () => {
    const r = await rig()
    r.fake.clear()
    await r.feed(fixture('edited-message'))
    await r.feed(textUpdate({ id: 5550001, is_bot: true, first_name: 'OtherBot' }, '/help'))
    await r.feed(textUpdate({ id: 5550001, is_bot: true, first_name: 'OtherBot' }, '帮助'))
    expect(r.fake.calls).toEqual([])
    expect(await inboxRows(r)).toEqual([])
    expect(r.seen.filter((m) => !m.sender.isBot)).toEqual([])
  })

  it('notes in 帮助 that only slash commands are seen when privacy mode is on and the bot is no admin', async () => {
    const r = await rig({ botInfo: { ...BOT_INFO, can_read_all_group_messages: false } })
    r.fake.clear()
    await r.feed(textUpdate(ZHANG, '/help'))
    expect(r.fake.summary()).toEqual([
      ['getChatMember', GROUP.id, undefined],
      ['sendMessage', GROUP.id, expect.stringContaining(t('en', 'telegram.privacyModeOn'))],
    ])
    expect(r.fake.calls[0]!.payload.user_id).toBe(BOT_INFO.id)
    // a group where the bot is an admin sees everything: no note
    const other = { id: -1005550000, type: 'supergroup' as const, title: '另一群' }
    r.fake.setMember(other.id, BOT_INFO.id, 'administrator')
    r.fake.clear()
    await r.feed(textUpdate(ZHANG, '/help', other))
    expect(r.fake.of('sendMessage')[0]!.payload.text).not.toContain(t('en', 'telegram.privacyModeOn'))
  })
})

describe('telegram adapter: private messages', () => {
  it('reports a 403 private send as unreachable; the group gets the fallback with the t.me deep link', async () => {
    const r = await rig()
    await boundGroup(r)
    const { id } = (await r.db.db.insert(outbox).values({
      platform: 'telegram',
      targetKind: 'user',
      targetId: String(ZHANG.id),
      text: '你的投票已记录',
      groupChatId: G,
      groupAckText: '已私信',
      groupFallbackText: '无法私信你',
    }).returning({ id: outbox.id }))[0]!
    r.fake.answer('sendMessage', cannotInitiate, { chatId: ZHANG.id })
    await r.app.dispatcher.flush()
    expect(r.fake.summary()).toEqual([
      ['sendMessage', ZHANG.id, '你的投票已记录'],
      ['sendMessage', GROUP.id, `无法私信你\nhttps://t.me/${BOT_INFO.username}?start=dm`],
    ])
    const [row] = await r.db.db.select().from(outbox).where(eq(outbox.id, id))
    expect(row!.status).toBe('sent')
    expect(r.adapter.privateChatHint(String(ZHANG.id))).toBe('https://t.me/linli_test_bot?start=dm')
  })

  it('completes the deep link: /start dm in private acknowledges and runs no command; /start alone is help', async () => {
    const r = await rig()
    r.fake.clear()
    await r.feed(textUpdate(ZHANG, '/start dm', { id: ZHANG.id, type: 'private' }))
    expect(r.fake.summary()).toEqual([['sendMessage', ZHANG.id, zh('telegram.privateChatOpened')]])
    expect(await inboxRows(r)).toEqual([])
    r.fake.clear()
    await r.feed(textUpdate({ ...ZHANG, language_code: 'en' }, '/start', { id: ZHANG.id, type: 'private' }))
    expect(r.fake.summary()).toEqual([['sendMessage', ZHANG.id, expect.stringContaining(t('en', 'help.title'))]])
    expect(r.seen[0]!.chat).toEqual({ id: String(ZHANG.id), kind: 'private' })
  })

  it('sends privately when the user has started the bot', async () => {
    const r = await rig()
    r.fake.clear()
    expect(await r.adapter.sendPrivate(String(ZHANG.id), { text: '你好' })).toBe('sent')
    expect(r.fake.summary()).toEqual([['sendMessage', ZHANG.id, '你好']])
  })
})

describe('telegram adapter: rate limits and errors through the outbox', () => {
  it('a 429 longer than auto-retry waits goes back to the outbox with retry_after and blocks the chat', async () => {
    const r = await rig()
    await boundGroup(r)
    const { id } = (await r.db.db.insert(outbox).values({ platform: 'telegram', targetKind: 'chat', targetId: G, text: '公告' }).returning({ id: outbox.id }))[0]!
    r.fake.answer('sendMessage', tooManyRequests(30), { chatId: GROUP.id })
    await r.app.dispatcher.flush()
    expect(r.fake.summary()).toEqual([['sendMessage', GROUP.id, '公告']])
    const [row] = await r.db.db.select().from(outbox).where(eq(outbox.id, id))
    expect(row!.status).toBe('pending')
    expect(row!.lastError).toContain('429')
    expect(await query(r.db, sql`SELECT next_attempt_at > now() + interval '25 seconds' AS later FROM outbox WHERE id = ${id}`)).toEqual([
      { later: true },
    ])
    expect(r.adapter.limiter.blockedFor(G)).toBeGreaterThan(25_000)
  })

  it('maps a 403 in a group to a permanent failure (bot removed)', async () => {
    const r = await rig()
    await boundGroup(r)
    const { id } = (await r.db.db.insert(outbox).values({ platform: 'telegram', targetKind: 'chat', targetId: G, text: '公告' }).returning({ id: outbox.id }))[0]!
    r.fake.answer('sendMessage', { ok: false, error_code: 403, description: 'Forbidden: bot was kicked from the supergroup chat' }, { chatId: GROUP.id })
    await r.app.dispatcher.flush()
    const [row] = await r.db.db.select().from(outbox).where(eq(outbox.id, id))
    expect(row!.status).toBe('failed')
  })
})

describe('telegram adapter: outgoing shapes', () => {
  it('splits long text at 4096 characters on line boundaries', async () => {
    const r = await rig()
    r.fake.clear()
    const lines = Array.from({ length: 300 }, (_, i) => `${String(i).padStart(3, '0')} ${'住'.repeat(30)}`)
    const text = lines.join('\n')
    await r.adapter.send(G, { text })
    const parts = r.fake.of('sendMessage').map((c) => c.payload.text as string)
    expect(parts).toHaveLength(3)
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(4096)
    expect(parts.join('\n')).toBe(text)
    for (const p of parts) expect(p.endsWith('住')).toBe(true)
  })

  it('sends a photo with its caption (≤ 1024), the rest as text, and the buttons on the last message', async () => {
    const r = await rig()
    r.fake.clear()
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    const caption = Array.from({ length: 60 }, (_, i) => `第${i + 1}行 收支明细 ${'款'.repeat(20)}`).join('\n')
    const buttons = [[{ text: '1. 同意', data: '/vote 3 1' }], [{ text: '太长', data: `/vote 3 ${'9'.repeat(80)}` }], [{ text: '2. 反对', data: '/vote 3 2' }]]
    await r.adapter.send(G, { text: caption, image: { png, caption }, buttons })
    const calls = r.fake.calls
    expect(calls.map((c) => c.method)).toEqual(['sendPhoto', 'sendMessage'])
    expect(calls[0]!.payload.photo).toBeInstanceOf(InputFile)
    expect((calls[0]!.payload.caption as string).length).toBeLessThanOrEqual(1024)
    expect(`${calls[0]!.payload.caption}\n${calls[1]!.payload.text}`).toBe(caption)
    expect(calls[0]!.payload.reply_markup).toBeUndefined()
    expect(calls[1]!.payload.reply_markup).toEqual({
      inline_keyboard: [[{ text: '1. 同意', callback_data: '/vote 3 1' }], [{ text: '2. 反对', callback_data: '/vote 3 2' }]],
    })
  })
})

describe('telegram adapter: admin check', () => {
  it('asks getChatMember once per minute per chat and user', async () => {
    let now = 1_000_000
    const fake = new FakeBotApi()
    const adapter = new TelegramAdapter({ token: 'x', mode: { kind: 'manual' }, bot: fakeBot(fake), now: () => now })
    fake.setMember(GROUP.id, BOSS.id, 'administrator')
    expect(await adapter.isChatAdmin(G, String(BOSS.id))).toBe(true)
    expect(await adapter.isChatAdmin(G, String(ZHANG.id))).toBe(false)
    now += 30_000
    expect(await adapter.isChatAdmin(G, String(BOSS.id))).toBe(true)
    expect(fake.of('getChatMember')).toHaveLength(2)
    fake.setMember(GROUP.id, BOSS.id, 'member')
    now += 31_000
    expect(await adapter.isChatAdmin(G, String(BOSS.id))).toBe(false)
    expect(fake.of('getChatMember')).toHaveLength(3)
    // private chats have no admins; the anonymous admin is the chat itself
    expect(await adapter.isChatAdmin(String(ZHANG.id), String(ZHANG.id))).toBe(false)
    expect(await adapter.isChatAdmin(G, G)).toBe(true)
    expect(fake.of('getChatMember')).toHaveLength(3)
  })
})

describe('telegram adapter: webhook mode', () => {
  const post = (port: number, path: string, body: unknown, secret?: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const data = JSON.stringify(body)
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path,
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(secret !== undefined ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
        },
        (res) => {
          let text = ''
          res.on('data', (c: Buffer) => (text += c.toString()))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
        },
      )
      req.on('error', reject)
      req.end(data)
    })

  it('registers the webhook with its secret and processes only requests carrying it', async () => {
    const fake = new FakeBotApi()
    const secret = 'Zq3-secret_token-0123456789'
    const adapter = new TelegramAdapter({
      token: 'x',
      bot: fakeBot(fake),
      mode: { kind: 'webhook', url: 'https://bot.example.org/tg/hook', path: '/tg/hook', secret, port: 0, host: '127.0.0.1' },
    })
    const handled: IncomingMessage[] = []
    await adapter.start(async (m) => void handled.push(m))
    stoppers.push(() => adapter.stop())
    expect(fake.of('setWebhook')[0]!.payload).toMatchObject({
      url: 'https://bot.example.org/tg/hook',
      secret_token: secret,
      allowed_updates: ['message', 'callback_query'],
    })
    const port = adapter.webhookAddress()!.port
    const update = textUpdate(ZHANG, '/help')
    expect((await post(port, '/tg/hook', update)).status).toBe(401)
    expect((await post(port, '/tg/hook', update, 'wrong')).status).toBe(401)
    expect((await post(port, '/tg/hook', update, `${secret}x`)).status).toBe(401)
    expect(handled).toEqual([])
    expect((await post(port, '/elsewhere', update, secret)).status).toBe(404)
    expect((await post(port, '/tg/hook', update, secret)).status).toBe(200)
    expect(handled.map((m) => [m.chat.id, m.text])).toEqual([[G, '/help']])
    expect((await post(port, '/tg/hook', 'not an update', secret)).status).toBe(400)
    await adapter.stop()
    stoppers.pop()
    await expect(post(port, '/tg/hook', update, secret)).rejects.toThrow()
  })
})

describe('telegram adapter: long polling', () => {
  it('starts in the background, handles polled updates and stops gracefully', async () => {
    const fake = new FakeBotApi()
    fake.updateBatches.push([textUpdate(ZHANG, '/help'), fixture('edited-message')])
    // the handler lets the next update in after 10 ms; stop() still waits for the slow one
    const adapter = new TelegramAdapter({ token: 'x', bot: fakeBot(fake), mode: { kind: 'polling' }, handlerWaitMs: 10 })
    const handled: string[] = []
    let release!: () => void
    const slow = new Promise<void>((res) => (release = res))
    await adapter.start(async (m) => {
      await slow // an update still being handled when stop() is called
      handled.push(m.text)
    })
    expect(fake.of('deleteWebhook')).toHaveLength(1)
    await new Promise((res) => setTimeout(res, 60))
    const stopping = adapter.stop()
    await new Promise((res) => setTimeout(res, 20))
    expect(handled).toEqual([])
    release()
    await stopping
    expect(handled).toEqual(['/help'])
    const polls = fake.of('getUpdates')
    expect(polls[0]!.payload.allowed_updates).toEqual(['message', 'callback_query'])
    // the last call confirms the handled updates
    const last = (fixture('edited-message').update_id as number) + 1
    expect(polls.at(-1)!.payload.offset).toBe(last)
  })
})

describe('telegram adapter: over HTTP to a Bot API server at TELEGRAM_API_ROOT', () => {
  it('is built by the factory, polls, answers, uploads a photo as multipart and re-keys through the database', async () => {
    const token = '7000000001:AAF-http-test'
    const seen: Array<{ method: string; contentType: string; body: string }> = []
    const batches: unknown[][] = [[textUpdate(ZHANG, '/help')]]
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const method = (req.url ?? '').split('/').pop()!
        const body = Buffer.concat(chunks).toString('latin1')
        expect(req.url).toBe(`/bot${token}/${method}`)
        seen.push({ method, contentType: req.headers['content-type'] ?? '', body })
        const reply = (result: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, result }))
        if (method === 'getMe') return reply(BOT_INFO)
        if (method === 'getUpdates') {
          const batch = batches.shift()
          if (batch) return reply(batch)
          return void setTimeout(() => reply([]), 30)
        }
        if (method === 'sendMessage' || method === 'sendPhoto') {
          const chatId = method === 'sendMessage' ? (JSON.parse(body) as { chat_id: number }).chat_id : GROUP.id
          if (chatId === -4077) {
            return res.writeHead(400, { 'content-type': 'application/json' }).end(
              JSON.stringify({ ok: false, error_code: 400, description: 'Bad Request: group chat was upgraded to a supergroup chat', parameters: { migrate_to_chat_id: -1004077 } }),
            )
          }
          return reply({ message_id: 1, date: 1795399200, chat: { id: chatId, type: 'supergroup', title: 'x' } })
        }
        return reply(true)
      })
    })
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res))
    const port = (server.address() as AddressInfo).port
    const db = await dbs.fresh()
    try {
      const config = loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: `http://127.0.0.1:${port}` } as NodeJS.ProcessEnv)
      const adapter = (await createTelegramAdapter(config, { database: db }))!
      const app = new App({ database: db, config, clock: new TestClock(), adapters: [adapter] })
      await adapter.start(async (m) => void (await app.handle(m)))
      for (let i = 0; i < 100 && !seen.some((s) => s.method === 'sendMessage'); i++) await new Promise((r) => setTimeout(r, 20))
      const reply = seen.find((s) => s.method === 'sendMessage')!
      expect(JSON.parse(reply.body)).toMatchObject({ chat_id: GROUP.id, text: expect.stringContaining(t('en', 'help.title')) })
      await adapter.send(G, { text: '收据', image: { png: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), caption: '收据' } })
      const photo = seen.find((s) => s.method === 'sendPhoto')!
      expect(photo.contentType).toMatch(/^multipart\/form-data/)
      expect(photo.body).toContain('filename=image.png')
      expect(photo.body).toContain('\x89PNG')
      // a bound group that was upgraded: the send is retried at the new id and the chat re-keyed in the database
      const [c] = await db.db.insert(compounds).values({ name: '幸福里' }).returning()
      await db.db.insert(chats).values({ compoundId: c!.id, platform: 'telegram', platformChatId: '-4077' })
      await adapter.send('-4077', { text: '公告' })
      expect((await db.db.select().from(chats)).map((x) => x.platformChatId)).toEqual(['-1004077'])
      await adapter.stop()
      expect(seen.map((s) => s.method)).toEqual(expect.arrayContaining(['getMe', 'deleteWebhook', 'getUpdates', 'setMyCommands']))
      expect(seen.filter((s) => s.method === 'sendMessage').map((s) => JSON.parse(s.body).chat_id)).toEqual([GROUP.id, -4077, -1004077])
    } finally {
      server.closeAllConnections()
      await new Promise((res) => server.close(res))
    }
  })
})
