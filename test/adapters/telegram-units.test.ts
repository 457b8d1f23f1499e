// The Telegram adapter's pure parts: normalization, outgoing shapes, error mapping, configuration, menu.
import { GrammyError, HttpError } from 'grammy'
import type { Message } from 'grammy/types'
import { describe, expect, it } from 'vitest'
import { migratedTo, toAdapterError, topicGone } from '../../adapters/telegram/errors.ts'
import { createTelegramAdapter, telegramMode } from '../../adapters/telegram/index.ts'
import { botCommands, slashName } from '../../adapters/telegram/menu.ts'
import { chatKind, langOf, mentionsBot, normalizeCallback, normalizeMessage, startPayload, topicOf } from '../../adapters/telegram/normalize.ts'
import { inlineKeyboard, MAX_CAPTION, planOutgoing, splitTarget, splitText } from '../../adapters/telegram/outgoing.ts'
import { secretMatches } from '../../adapters/telegram/webhook.ts'
import { commands } from '../../commands/index.ts'
import { commandEntries } from '../../src/pipeline/command.ts'
import { loadConfig } from '../../src/config.ts'
import { BOT_INFO, fixture, GROUP, ZHANG } from './fixtures/telegram/fake-bot-api.ts'

const msg = (m: Partial<Message> & Record<string, unknown>): Message =>
  ({ message_id: 1, date: 1795399200, chat: GROUP, from: ZHANG, ...m }) as Message

const apiError = (error_code: number, description: string, parameters: Record<string, number> = {}) =>
  new GrammyError(`Call to 'sendMessage' failed!`, { ok: false, error_code, description, parameters }, 'sendMessage', {})

describe('normalizeMessage', () => {
  it('skips channel posts, service messages and automatic forwards', () => {
    expect(normalizeMessage(msg({ chat: { id: -1002, type: 'channel', title: 'c' }, text: '帮助' }), { me: BOT_INFO })).toBeNull()
    expect(normalizeMessage(msg({ new_chat_members: [ZHANG] }), { me: BOT_INFO })).toBeNull()
    expect(normalizeMessage(msg({ text: '帮助', is_automatic_forward: true }), { me: BOT_INFO })).toBeNull()
    expect(chatKind({ type: 'group' })).toBe('group')
    expect(chatKind({ type: 'private' })).toBe('private')
  })

  it('reads a private chat with the user id as chat id and the date as sentAt', () => {
    const m = normalizeMessage(msg({ chat: { id: ZHANG.id, type: 'private', first_name: '张' }, text: '帮助' }), { me: BOT_INFO })
    expect(m).toMatchObject({ chat: { id: String(ZHANG.id), kind: 'private' }, id: '1', sentAt: new Date(1795399200 * 1000) })
  })

  it('attaches an image sent as a file', () => {
    const m = normalizeMessage(
      msg({ document: { file_id: 'BQACAgUAAxk-doc', file_unique_id: 'u', mime_type: 'image/png', file_name: 'a.png' }, caption: '报修 灯坏了' }),
      { me: BOT_INFO },
    )
    expect(m?.images).toEqual([{ ref: 'BQACAgUAAxk-doc', mime: 'image/png' }])
  })

  it('sees a mention of the bot, a text mention, /cmd@bot and a reply to the bot', () => {
    const at = `@${BOT_INFO.username}`
    expect(mentionsBot(msg({ text: `${at} 帮助`, entities: [{ type: 'mention', offset: 0, length: at.length }] }), BOT_INFO)).toBe(true)
    expect(mentionsBot(msg({ text: '邻里 帮助', entities: [{ type: 'text_mention', offset: 0, length: 2, user: { id: BOT_INFO.id, is_bot: true, first_name: '邻里' } }] }), BOT_INFO)).toBe(true)
    expect(mentionsBot(msg({ text: `/help${at}`, entities: [{ type: 'bot_command', offset: 0, length: 5 + at.length }] }), BOT_INFO)).toBe(true)
    expect(mentionsBot(msg({ text: '好', reply_to_message: msg({ from: { id: BOT_INFO.id, is_bot: true, first_name: '邻里' }, text: 'x' }) as never }), BOT_INFO)).toBe(true)
    expect(mentionsBot(msg({ text: '@someone 帮助', entities: [{ type: 'mention', offset: 0, length: 8 }] }), BOT_INFO)).toBe(false)
  })

  it('marks bots, and takes a user speaking as a channel as that channel', () => {
    expect(normalizeMessage(msg({ from: { id: 9, is_bot: true, first_name: 'b' }, text: '帮助' }), { me: BOT_INFO })?.sender.isBot).toBe(true)
    const asChannel = normalizeMessage(
      msg({ from: { id: 136817688, is_bot: true, first_name: 'Channel' }, sender_chat: { id: -1003, type: 'channel', title: '幸福里公告' }, text: '帮助' }),
      { me: BOT_INFO },
    )
    expect(asChannel?.sender).toEqual({ id: '-1003', name: '幸福里公告' })
    expect(asChannel?.senderIsAdmin).toBeUndefined()
  })

  it('reads the anonymous admin fixture as an admin speaking as the chat', () => {
    const m = normalizeMessage(fixture('anonymous-admin').message!, { me: BOT_INFO })
    expect(m).toMatchObject({ sender: { id: String(GROUP.id), name: '物业老李' }, senderIsAdmin: true, text: '开通 幸福里' })
  })
})

describe('normalizeCallback and /start', () => {
  it('turns a press into the presser’s message in the message’s chat', () => {
    const q = fixture('callback-query').callback_query!
    const now = new Date('2026-11-23T02:00:00Z')
    expect(normalizeCallback(q, BOT_INFO, now)).toEqual({
      platform: 'telegram',
      id: 'cb:4382719038127364512',
      chat: { id: String(GROUP.id), kind: 'group', title: GROUP.title },
      // the presser's @handle, as Telegram gives it (members.username follows it)
      sender: { id: String(ZHANG.id), name: '张 三', isBot: false, username: 'zhangsan_3201' },
      text: '/bind 3-2-201 业主',
      mentionsBot: true,
      images: [],
      sentAt: now,
      botNames: [BOT_INFO.username],
      // the message carrying the button, which a command may update (a poll's tally)
      origin: { messageId: '320' },
    })
    // pressed in a forum topic: the answers go there
    const inTopic = { ...q, message: { ...q.message!, is_topic_message: true as const, message_thread_id: 77 } }
    expect(normalizeCallback(inTopic, BOT_INFO, now)?.chat).toEqual({ id: String(GROUP.id), kind: 'group', title: GROUP.title, replyTarget: `${GROUP.id}/77` })
    expect(normalizeCallback({ ...q, data: undefined }, BOT_INFO, now)).toBeNull()
    expect(normalizeCallback({ ...q, message: undefined, inline_message_id: 'x' }, BOT_INFO, now)).toBeNull()
  })

  it('finds the deep-link payload only in private chats and only for this bot', () => {
    const priv = { id: ZHANG.id, type: 'private' as const, first_name: '张' }
    expect(startPayload(msg({ chat: priv, text: '/start dm' }), BOT_INFO)).toBe('dm')
    expect(startPayload(msg({ chat: priv, text: `/start@${BOT_INFO.username} dm` }), BOT_INFO)).toBe('dm')
    expect(startPayload(msg({ chat: priv, text: '/start@otherbot dm' }), BOT_INFO)).toBeNull()
    expect(startPayload(msg({ chat: priv, text: '/start' }), BOT_INFO)).toBeNull()
    expect(startPayload(msg({ text: '/start dm' }), BOT_INFO)).toBeNull()
  })

  it('maps Telegram language tags to the bot’s languages', () => {
    expect(langOf('en')).toBe('en')
    expect(langOf('en-GB')).toBe('en')
    expect(langOf('zh-hant')).toBe('zh-TW')
    expect(langOf('zh-TW')).toBe('zh-TW')
    expect(langOf('zh-hans')).toBe('zh-CN')
    expect(langOf(undefined)).toBe('zh-CN')
  })
})

describe('outgoing', () => {
  it('splits on line ends, hard-splits an over-long line without breaking a surrogate pair', () => {
    expect(splitText('a\nb', 3)).toEqual(['a\nb'])
    expect(splitText('ab\ncd\nef', 5)).toEqual(['ab\ncd', 'ef'])
    const long = '😀'.repeat(5) // 10 UTF-16 units
    const parts = splitText(long, 3)
    expect(parts.join('')).toBe(long)
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(3)
    expect(parts.every((p) => !/[\uD800-\uDBFF]$/.test(p))).toBe(true)
    expect(splitText('')).toEqual([])
  })

  it('drops buttons whose data is over 64 bytes (UTF-8) and empty rows', () => {
    const dropped: string[] = []
    const kb = inlineKeyboard(
      [[{ text: 'ok', data: '/vote 1 1' }], [{ text: 'zh', data: `/vote 1 ${'同'.repeat(20)}` }]],
      (b) => dropped.push(b.text),
    )
    expect(kb).toEqual({ inline_keyboard: [[{ text: 'ok', callback_data: '/vote 1 1' }]] })
    expect(dropped).toEqual(['zh'])
    expect(inlineKeyboard([[{ text: 'x', data: 'y'.repeat(65) }]])).toBeUndefined()
  })

  it('plans a photo with a short caption as one call, an empty text as none', () => {
    const png = new Uint8Array([1])
    expect(planOutgoing({ text: '收据', image: { png, caption: '收据' } })).toEqual([{ kind: 'photo', png, caption: '收据' }])
    expect(planOutgoing({ text: '' })).toEqual([])
    const caption = 'x'.repeat(MAX_CAPTION + 10)
    const parts = planOutgoing({ text: caption, image: { png, caption } })
    expect(parts.map((p) => p.kind)).toEqual(['photo', 'text'])
  })
})

describe('errors', () => {
  it('maps Bot API errors to adapter errors', () => {
    expect(toAdapterError(apiError(429, 'Too Many Requests: retry after 7', { retry_after: 7 }))).toMatchObject({ code: 'rate_limited', retryAfterMs: 7000 })
    expect(toAdapterError(apiError(401, 'Unauthorized')).code).toBe('auth')
    expect(toAdapterError(apiError(403, 'Forbidden: bot was blocked by the user')).code).toBe('permission')
    expect(toAdapterError(apiError(400, 'Bad Request: chat not found')).code).toBe('not_found')
    expect(toAdapterError(apiError(400, 'Bad Request: not enough rights to send photos to the chat')).code).toBe('permission')
    expect(toAdapterError(apiError(400, 'Bad Request: message text is empty')).code).toBe('unknown')
    expect(toAdapterError(apiError(502, 'Bad Gateway')).code).toBe('network')
    expect(toAdapterError(new HttpError('Network request failed', new Error('ECONNRESET'))).code).toBe('network')
    const migrated = apiError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: -1009 })
    expect(migratedTo(migrated)).toBe('-1009')
    expect(migratedTo(apiError(400, 'Bad Request: chat not found'))).toBeUndefined()
    expect(toAdapterError(migrated).cause).toBe(migrated)
  })
})

describe('configuration', () => {
  const config = (env: Record<string, string>) => loadConfig(env as NodeJS.ProcessEnv)

  it('is off without a token and polls without a webhook URL', async () => {
    expect(await createTelegramAdapter(config({}))).toBeNull()
    expect(telegramMode(config({ TELEGRAM_BOT_TOKEN: '1:x' }))).toEqual({ kind: 'polling' })
    const adapter = await createTelegramAdapter(config({ TELEGRAM_BOT_TOKEN: '1:x', TELEGRAM_API_ROOT: 'http://127.0.0.1:8081' }))
    expect(adapter?.platform).toBe('telegram')
  })

  it('takes the webhook path from the URL and the port from PORT; checks the secret', () => {
    const mode = telegramMode(
      config({ TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/hooks/tg?x=1', TELEGRAM_WEBHOOK_SECRET: 'abc_DEF-123', PORT: '8443' }),
    )
    expect(mode).toEqual({ kind: 'webhook', url: 'https://bot.example.org/hooks/tg?x=1', path: '/hooks/tg', secret: 'abc_DEF-123', port: 8443 })
    expect(() => telegramMode(config({ TELEGRAM_WEBHOOK_URL: 'https://x.org/h', TELEGRAM_WEBHOOK_SECRET: 'has space' }))).toThrow(/SECRET/)
    expect(() => telegramMode(config({ TELEGRAM_WEBHOOK_URL: 'http://x.org/h' }))).toThrow(/https/)
    expect(telegramMode(config({ TELEGRAM_WEBHOOK_URL: 'http://bot:8080/h', TELEGRAM_API_ROOT: 'http://api:8081' })).kind).toBe('webhook')
    // without TELEGRAM_WEBHOOK_SECRET a random one is made for this run
    const a = telegramMode(config({ TELEGRAM_WEBHOOK_URL: 'https://x.org/h' }))
    const b = telegramMode(config({ TELEGRAM_WEBHOOK_URL: 'https://x.org/h' }))
    expect(a.kind === 'webhook' && b.kind === 'webhook' && a.secret !== b.secret && a.secret.length >= 32).toBe(true)
  })

  it('compares the webhook secret exactly', () => {
    expect(secretMatches('s3cret', 's3cret')).toBe(true)
    expect(secretMatches(['s3cret'], 's3cret')).toBe(true)
    expect(secretMatches('s3cre', 's3cret')).toBe(false)
    expect(secretMatches('s3cret ', 's3cret')).toBe(false)
    expect(secretMatches(undefined, 's3cret')).toBe(false)
  })
})

describe('menu', () => {
  it('lists every visible command once under a valid Telegram command name', () => {
    const list = botCommands(commandEntries(commands), 'zh-CN')
    expect(list.length).toBe(commands.filter((c) => !c.hidden).length)
    for (const c of list) {
      expect(c.command).toMatch(/^[a-z0-9_]{1,32}$/)
      expect(c.description.length).toBeGreaterThan(0)
      expect(c.description.length).toBeLessThanOrEqual(256)
    }
    for (const cmd of commands) expect(cmd.keywords.en.map((k) => k.toLowerCase())).toContain(slashName(cmd))
  })
})

describe('forum topics', () => {
  it('addresses a topic as <chat>/<topic> and reads it back; other targets are chats', () => {
    const chat = { id: -1001987654321, type: 'supergroup' as const, title: 'x', is_forum: true as const }
    expect(topicOf({ chat, is_topic_message: true, message_thread_id: 77 })).toEqual({ replyTarget: '-1001987654321/77' })
    // a reply thread outside a forum topic, or General: the chat itself
    expect(topicOf({ chat, message_thread_id: 12 })).toEqual({})
    expect(topicOf({ chat })).toEqual({})
    expect(splitTarget('-1001987654321/77')).toEqual({ chatId: '-1001987654321', topic: 77 })
    expect(splitTarget('-1001987654321')).toEqual({ chatId: '-1001987654321' })
    expect(splitTarget('222222222')).toEqual({ chatId: '222222222' })
    expect(splitTarget('@channel/1')).toEqual({ chatId: '@channel/1' })
  })

  it('tells a closed or deleted topic from other 400s', () => {
    const err = (description: string) => new GrammyError('x', { ok: false, error_code: 400, description }, 'sendMessage', {})
    expect(topicGone(err('Bad Request: message thread not found'))).toBe(true)
    expect(topicGone(err('Bad Request: TOPIC_CLOSED'))).toBe(true)
    expect(topicGone(err('Bad Request: chat not found'))).toBe(false)
    expect(topicGone(new Error('message thread not found'))).toBe(false)
  })
})
