// Plain-language offers on Telegram (issue 14): a resident @mentions the bot with a repair in their own words,
// the offer comes with 是 / 不用 buttons, and only that resident's press does it (the pressed offer then loses
// its buttons); anyone else's press does nothing but stop the button's spinner.
import type { Update } from 'grammy/types'
import { afterEach, describe, expect, it } from 'vitest'
import { intentOffers, tickets } from '../../db/schema.ts'
import { t } from '../../src/i18n/index.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { BOSS, BOT_INFO, fixture, GROUP, ZHANG } from './fixtures/telegram/fake-bot-api.ts'
import { boundGroup, type Rig, rig, stopRigs } from './fixtures/telegram/rig.ts'

const dbs = useTestDatabases()
afterEach(stopRigs)

const ROSTER = 'building,unit,room,area_m2,occupancy,owner_name\n3,2,201,89.50,owner_occupied,王秀英\n'
const zh = (key: string, params?: Record<string, string | number>) => t('zh-CN', key, params)
const LI = { id: 333333333, is_bot: false as const, first_name: '李', last_name: '四', language_code: 'zh-hans' }

let updateId = 880200000
let messageId = 700

/** A group message that @mentions the bot, with the mention entity Telegram adds. */
function mentionUpdate(from: typeof ZHANG, text: string): Update {
  const at = `@${BOT_INFO.username}`
  return {
    update_id: ++updateId,
    message: {
      message_id: ++messageId,
      from,
      chat: GROUP,
      date: 1795399200 + messageId,
      text: `${at} ${text}`,
      entities: [{ type: 'mention', offset: 0, length: at.length }],
    },
  } as Update
}

/** A press of `data` on the bot's message `messageId`, by `from`. */
function press(from: { id: number; is_bot: false; first_name: string; last_name?: string; language_code?: string }, data: string, onMessage: number): Update {
  const u = fixture('callback-query')
  u.update_id = ++updateId
  u.callback_query!.id = `intent-press-${updateId}`
  u.callback_query!.from = from
  u.callback_query!.data = data
  u.callback_query!.message = { ...u.callback_query!.message!, message_id: onMessage, text: 'offer' } as never
  return u
}

async function offered(r: Rig) {
  await r.feed(mentionUpdate(ZHANG, '我要报修，厨房漏水'))
  const sent = r.fake.of('sendMessage')
  expect(sent).toHaveLength(1)
  const offer = sent[0]!
  expect(offer.payload.text).toBe(zh('intent.offer', { what: zh('intent.what.repair'), command: '报修 厨房漏水', minutes: 10 }))
  const keyboard = offer.payload.reply_markup.inline_keyboard as { text: string; callback_data: string }[][]
  expect(keyboard[0]!.map((b) => b.text)).toEqual([zh('intent.button.yes'), zh('intent.button.no')])
  r.fake.clear()
  return { yes: keyboard[0]![0]!.callback_data, no: keyboard[0]![1]!.callback_data }
}

describe('Telegram: a plain-language offer and its buttons', () => {
  it('the offer’s 是 button does it for the person it was made to, and only for them', async () => {
    const r = await rig(dbs)
    await boundGroup(r, ROSTER)
    const { yes } = await offered(r)
    const offerMessage = 9001 // the fake Bot API numbers the bot's messages from 9001
    // someone else presses 是: the spinner stops, nothing else happens
    await r.feed(press(LI, yes, offerMessage))
    expect(r.fake.summary()).toEqual([['answerCallbackQuery', undefined, zh('telegram.buttonReceived')]])
    expect(await r.db.db.select().from(tickets)).toEqual([])
    r.fake.clear()
    // the reporter presses it: the ticket, and the offer loses its buttons
    await r.feed(press(ZHANG, yes, offerMessage))
    const calls = r.fake.summary()
    expect(calls[0]).toEqual(['answerCallbackQuery', undefined, zh('telegram.buttonReceived')])
    expect(calls.find(([m]) => m === 'sendMessage')?.[2]).toContain('已登记紧急报修 #1（水管）')
    const edit = r.fake.of('editMessageText')[0]!
    expect(edit.payload).toMatchObject({ chat_id: GROUP.id, message_id: offerMessage, text: zh('intent.answered.accepted', { command: '报修 厨房漏水' }) })
    expect(edit.payload.reply_markup).toBeUndefined()
    const [tk] = await r.db.db.select().from(tickets)
    expect(tk!.description).toBe('厨房漏水')
    // pressing again does nothing more
    r.fake.clear()
    await r.feed(press(ZHANG, yes, offerMessage))
    expect(r.fake.summary()).toEqual([['answerCallbackQuery', undefined, zh('telegram.buttonReceived')]])
    expect(await r.db.db.select().from(tickets)).toHaveLength(1)
  })

  it('不用 declines; a reply of 是 to the bot (addressed) also answers; the head’s press is no one’s', async () => {
    const r = await rig(dbs)
    await boundGroup(r, ROSTER)
    const first = await offered(r)
    await r.feed(press(BOSS, first.no, 9001))
    expect(r.fake.of('sendMessage')).toHaveLength(0)
    await r.feed(press(ZHANG, first.no, 9001))
    expect(r.fake.of('sendMessage').map((c) => c.payload.text)).toEqual([zh('intent.declined')])
    r.fake.clear()
    await offered(r)
    // a reply to the offer: Telegram marks it addressed to the bot
    await r.feed({
      update_id: ++updateId,
      message: {
        message_id: ++messageId,
        from: ZHANG,
        chat: GROUP,
        date: 1795399900,
        text: '是',
        reply_to_message: { message_id: 9003, from: { id: BOT_INFO.id, is_bot: true, first_name: '邻里', username: BOT_INFO.username }, chat: GROUP, date: 1795399800, text: 'offer' },
      },
    } as Update)
    expect(r.fake.of('sendMessage')[0]!.payload.text).toContain('已登记紧急报修 #1')
    expect((await r.db.db.select().from(intentOffers)).map((o) => o.outcome)).toEqual(['declined', 'accepted'])
  })
})
