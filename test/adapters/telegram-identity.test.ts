// Identity on Telegram (issue 12, item 10): the real grammY Bot fed realistic updates, the real App on a real
// database. /appoint @alice resolves by the `mention` entity's username, a `text_mention` by user id, a reply
// by the quoted message's author — never by a first name that anyone can set to "alice".
import { and, eq } from 'drizzle-orm'
import type { Message, MessageEntity, Update } from 'grammy/types'
import { afterEach, describe, expect, it } from 'vitest'
import { mentionsOf, normalizeMessage } from '../../adapters/telegram/normalize.ts'
import { members, roles, tickets } from '../../db/schema.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { ROSTER_HEADER } from '../helpers/fixtures.ts'
import { BOSS, BOT_INFO, GROUP, textUpdate } from './fixtures/telegram/fake-bot-api.ts'
import { boundGroup, type Rig, rig as telegramRig, stopRigs } from './fixtures/telegram/rig.ts'

const dbs = useTestDatabases()

type TgUser = { id: number; is_bot: false; first_name: string; last_name?: string; username?: string; language_code?: string }
// the real @alice, and an impostor whose first name is "alice"
const ALICE: TgUser = { id: 444444444, is_bot: false, first_name: 'Alice', last_name: 'Wong', username: 'alice', language_code: 'en' }
const IMPOSTOR: TgUser = { id: 555555555, is_bot: false, first_name: 'alice' }
// two users without a username, both called 赵六
const ZHAO1: TgUser = { id: 666666666, is_bot: false, first_name: '赵六' }
const ZHAO2: TgUser = { id: 777777777, is_bot: false, first_name: '\u202E赵六' }

afterEach(stopRigs)

/** 幸福里 set up by the group's creator; everyone then says something, so the bot knows them. */
async function rig(): Promise<Rig> {
  const r = await telegramRig(dbs)
  await boundGroup(r, `${ROSTER_HEADER}3,2,201,89.50,owner_occupied,王秀英\n`)
  for (const u of [ALICE, IMPOSTOR, ZHAO1, ZHAO2]) await r.feed(textUpdate(u, '/help'))
  r.fake.clear()
  r.seen.length = 0
  return r
}

/** `text` from `from`, with the entities Telegram would attach (the bot_command one is added by textUpdate). */
function withEntities(from: TgUser, text: string, entities: MessageEntity[], extra: Partial<Message> = {}): Update {
  const u = textUpdate(from, text)
  const m = u.message as Message
  m.entities = [...(m.entities ?? []), ...entities]
  Object.assign(m, extra)
  return u
}

const at = (text: string, part: string) => ({ offset: text.indexOf(part), length: part.length })

async function roleOfUser(r: Rig, user: { id: number }) {
  const [row] = await r.db.db
    .select({ role: roles.role })
    .from(roles)
    .innerJoin(members, eq(roles.memberId, members.id))
    .where(and(eq(members.platform, 'telegram'), eq(members.platformUserId, String(user.id))))
  return row?.role
}

const lastReply = (r: Rig) => String(r.fake.of('sendMessage').at(-1)?.payload.text ?? '')

describe('telegram: /appoint resolves the person by platform identity', () => {
  it('/appoint @alice with a mention entity appoints @alice, not the user whose first name is alice', async () => {
    const r = await rig()
    const text = '/appoint @alice committee'
    await r.feed(withEntities(BOSS, text, [{ type: 'mention', ...at(text, '@alice') }]))
    expect(await roleOfUser(r, IMPOSTOR)).toBeUndefined()
    expect(await roleOfUser(r, ALICE)).toBe('committee')
    expect(lastReply(r)).toContain('已任命 A* 为委员')
    expect(r.seen[0]!.mentions).toEqual([{ username: 'alice', text: '@alice' }])
    // the handle is kept on the member, lowercased, from her own messages
    const [stored] = await r.db.db.select().from(members).where(eq(members.platformUserId, String(ALICE.id)))
    expect(stored!.username).toBe('alice')
  })

  it('a typed @handle is a username even when the client sent no entity', async () => {
    const r = await rig()
    await r.feed(textUpdate(BOSS, '任命 @alice 收费员'))
    expect(lastReply(r)).toContain('已任命 A* 为收费员')
    expect(await roleOfUser(r, IMPOSTOR)).toBeUndefined()
    // and a handle no member holds is nobody, however many first names read the same
    await r.feed(textUpdate(BOSS, '任命 @alice_w 收费员'))
    expect(lastReply(r)).toContain('没有找到成员「@alice_w」')
  })

  it('a text_mention (a user without a username) resolves by user id; a bare namesake is refused with candidates', async () => {
    const r = await rig()
    const bare = '/appoint 赵六 committee'
    await r.feed(textUpdate(BOSS, bare))
    expect(lastReply(r)).toMatch(/有 2 位成员叫「赵六」：赵\*（…6666）、赵\*（…7777）/)
    expect(await roleOfUser(r, ZHAO1)).toBeUndefined()
    expect(await roleOfUser(r, ZHAO2)).toBeUndefined()

    const text = '/appoint 赵六 committee'
    await r.feed(withEntities(BOSS, text, [{ type: 'text_mention', ...at(text, '赵六'), user: ZHAO2 }]))
    expect(r.seen.at(-1)!.mentions).toEqual([{ userId: String(ZHAO2.id), name: '赵六', text: '赵六' }])
    expect(lastReply(r)).toContain('已任命 赵*（…7777） 为委员')
    expect(await roleOfUser(r, ZHAO2)).toBe('committee')
    expect(await roleOfUser(r, ZHAO1)).toBeUndefined()
  })

  it('/appoint committee as a reply to someone’s message appoints its author; /dismiss likewise', async () => {
    const r = await rig()
    const quoted = { message_id: 321, date: 1795399100, chat: GROUP, from: IMPOSTOR, text: '我来当收费员' }
    await r.feed(withEntities(BOSS, '/appoint committee', [], { reply_to_message: quoted as never }))
    expect(lastReply(r)).toContain('已任命 a* 为委员')
    expect(await roleOfUser(r, IMPOSTOR)).toBe('committee')
    await r.feed(withEntities(BOSS, '/dismiss', [], { reply_to_message: quoted as never }))
    expect(lastReply(r)).toContain('已免去 a* 的委员职务')
    expect(await roleOfUser(r, IMPOSTOR)).toBeUndefined()
  })
})

describe('telegram: whose quote is it', () => {
  it('a reply to a bot’s message or to a post made as the chat credits nobody but the sender', async () => {
    const r = await rig()
    const fromBot = { message_id: 900, date: 1795399100, chat: GROUP, from: { id: BOT_INFO.id, is_bot: true, first_name: '邻里', username: BOT_INFO.username }, text: '楼道灯不亮' }
    await r.feed(withEntities(ALICE, '报修', [], { reply_to_message: fromBot as never }))
    expect(r.seen[0]!.replyTo).toEqual({ id: '900', text: '楼道灯不亮' })
    const asChat = { message_id: 901, date: 1795399100, chat: GROUP, sender_chat: GROUP, from: { id: 1087968824, is_bot: true, first_name: 'Group' }, text: '北门路灯坏了' }
    await r.feed(withEntities(ALICE, '报修', [], { reply_to_message: asChat as never }))
    const rows = await r.db.db
      .select({ reporter: members.platformUserId })
      .from(tickets)
      .innerJoin(members, eq(tickets.reporterMemberId, members.id))
    expect(rows).toEqual([{ reporter: String(ALICE.id) }, { reporter: String(ALICE.id) }])
    // a real member's message is credited to them
    const fromZhao = { message_id: 902, date: 1795399100, chat: GROUP, from: ZHAO1, text: '单元门关不上' }
    await r.feed(withEntities(ALICE, '报修', [], { reply_to_message: fromZhao as never }))
    expect(lastReply(r)).toContain('报修人：赵*')
  })
})

describe('telegram: mentionsOf and names', () => {
  it('reads mention and text_mention entities and unmarked handles, and cleans names', () => {
    const text = '任命 @Alice 和 王芳 以及 @bob_smith，邮件 a@example.com'
    const entities: MessageEntity[] = [
      { type: 'mention', ...at(text, '@Alice') },
      { type: 'text_mention', ...at(text, '王芳'), user: { id: 1234567, is_bot: false, first_name: '王\u200B芳\u202E' } },
    ]
    expect(mentionsOf({ text, entities })).toEqual([
      { username: 'alice', text: '@Alice' },
      { userId: '1234567', name: '王芳', text: '王芳' },
      { username: 'bob_smith', text: '@bob_smith' },
    ])
    const m = normalizeMessage(textUpdate(ZHAO2, '帮助').message as Message, { me: BOT_INFO })!
    expect(m.sender).toEqual({ id: String(ZHAO2.id), name: '赵六', isBot: false, username: null })
  })
})
