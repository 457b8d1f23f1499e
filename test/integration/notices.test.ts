// Issue 17 item 4: notices with acknowledgement (通知 / 收到). A committee notice goes to every chat of the
// compound with a 收到 button; each member acknowledges once, counted per household through their verified
// bindings; the committee asks who has not (per building, privately); one reminder goes to the groups after
// noticeReminderHours with a count only — never in quiet hours, never twice. Through the real pipeline and tick.
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { compounds, noticeAcks, notices } from '../../db/schema.ts'
import { runDue } from '../../src/scheduler/tick.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { bindMember, ROSTER_HEADER, townWorld } from '../helpers/fixtures.ts'
import { groupTexts, privateTo, TestClock, type World } from '../helpers/world.ts'

const dbs = useTestDatabases()

const ROOMS = ['1-1-101', '1-1-102', '1-1-201', '2-1-101', '2-1-102', '2-1-201']
const SIX = ROSTER_HEADER + ROOMS.map((r, i) => `${r.replaceAll('-', ',')},80.00,owner_occupied,${i === 3 ? '赵大海' : ''}`).join('\n')

/** 幸福里 in g1 and g2; owners o0…o5, a verified tenant of 1-1-102, committee cc. Friday 2026-11-20 10:00 Shanghai. */
async function setUp(opts: { language?: string; settings?: Record<string, unknown>; at?: string } = {}) {
  const town = await townWorld(dbs, {
    clock: new TestClock(new Date(opts.at ?? '2026-11-20T02:00:00Z')),
    roster: SIX,
    language: opts.language,
    chats: [{ id: 'g2' }],
    settings: { disclosure: { weekly: false, monthly: false, yearly: false }, ...opts.settings },
    people: [{ id: 'cc', name: '老李', role: 'committee' }],
  })
  for (let i = 0; i < 6; i++) await bindMember(town.w, town.compoundId, `o${i}`, [ROOMS[i]!])
  await bindMember(town.w, town.compoundId, 'tenant', [ROOMS[1]!], 'tenant')
  return town
}

async function delivered(w: World) {
  const from = w.adapter.sent.length
  await w.app.dispatcher.flush()
  return w.adapter.sent.slice(from)
}

const tick = (w: World) => runDue(w.db.db, w.clock.now(), { instance: 'test' })

describe('notices: 通知, 收到, 未读', () => {
  it('posts a numbered notice to every chat with a 收到 button', async () => {
    const { w } = await setUp()
    const r = await w.says('cc', '通知 明天上午9点到12点停水，请提前储水。')
    expect(r.replies.map((x) => x.chat)).toEqual(['g1', 'g2'])
    expect(groupTexts(r)[0]).toBe('【通知 #1】\n明天上午9点到12点停水，请提前储水。\n\n回复「收到」确认。')
    expect(r.replies[0]!.buttons).toEqual([[{ text: '收到', data: '/ack 1' }]])
    await w.says('cc', '通知：周六大扫除', { private: true }).then((x) => x.expectReply('通知 #2 已发到小区的群'))
    const rows = await w.db.db.select().from(notices).orderBy(notices.no)
    expect(rows.map((n) => [n.no, n.text])).toEqual([
      [1, '明天上午9点到12点停水，请提前储水。'],
      [2, '周六大扫除'],
    ])
    expect(rows[0]!.remindAt).toEqual(new Date('2026-11-22T02:00:00Z')) // 48 hours later by default
  })

  it('refuses residents and an empty notice, writing nothing; a resident\'s 通知：… in the group is chatter', async () => {
    const { w } = await setUp()
    await w.says('o0', '通知 明天停水', { private: true }).then((r) => r.expectReply('只有委员可以这样做'))
    await w.says('o0', '@邻里 通知 明天停水', { mentionsBot: true }).then((r) => r.expectReply('只有委员可以这样做'))
    // relaying the water company's notice to the neighbours is not a command the bot should refuse in public
    await w.says('o0', '通知：明天上午停水').then((r) => r.expectNoReply())
    await w.says('o0', '意见：楼道太脏了').then((r) => r.expectNoReply())
    await w.says('o0', '意见 #1', { private: true }).then((r) => r.expectReply('只有委员可以这样做'))
    await w.says('cc', '通知').then((r) => r.expectReply('请写上通知内容'))
    await w.says('cc', '通知 #1 未读').then((r) => r.expectReply('没有通知 #1。'))
    expect(await w.db.db.select().from(notices)).toEqual([])
  })

  it('收到: once per member, privately; again is a friendly no-op; the quoted, the named or the latest notice', async () => {
    const { w } = await setUp()
    await w.says('cc', '通知 明天停水')
    await w.says('cc', '通知 周六大扫除')
    const a = await w.says('o0', '收到')
    expect(privateTo(a, 'o0')).toEqual(['已确认收到通知 #2（1-1-101）。'])
    expect(groupTexts(a)).toEqual([])
    await w.says('o0', '收到').then((r) => r.expectReply('你已经确认过通知 #2 了'))
    // the button (Telegram feeds back /ack <n>), a number, a quote of the post
    await w.says('o0', '/ack 1').then((r) => r.expectReply('已确认收到通知 #1'))
    await w.says('o1', '收到 #1').then((r) => r.expectReply('已确认收到通知 #1（1-1-102）'))
    await w.says('o2', '收到', { replyTo: { id: 'x', text: '【通知 #1】\n明天停水\n\n回复「收到」确认。' } }).then((r) => r.expectReply('通知 #1'))
    await w.says('o3', '收到 #9').then((r) => r.expectReply('没有通知 #9。'))
    await w.says('drifter', '收到').then((r) => r.expectReply('不计入住户统计'))
    const acks = await w.db.db.select().from(noticeAcks)
    expect(acks).toHaveLength(5)
  })

  it('a bare 收到 with no recent notice is chat: no answer, nothing written', async () => {
    const { w } = await setUp()
    await w.says('o0', '收到').then((r) => r.expectNoReply())
    await w.says('cc', '通知 明天停水')
    w.clock.set('2026-12-10T02:00:00Z') // 20 days on: past the window
    await w.says('o1', '收到').then((r) => r.expectNoReply())
    expect(await w.db.db.select().from(noticeAcks)).toEqual([])
  })

  it('通知 #n 未读: privately, per building, households through any verified binding (a tenant counts)', async () => {
    const { w } = await setUp()
    await w.says('cc', '通知 明天停水')
    await w.says('o0', '收到')
    await w.says('tenant', '收到') // 1-1-102 through its tenant
    await w.says('o4', '收到')
    await w.says('drifter', '收到')
    await w.says('o0', '通知 #1 未读', { private: true }).then((r) => r.expectReply('只有委员可以这样做'))
    await w.says('cc', '通知 #1 已读').then((r) => r.expectReply('后面只能写「未读」'))
    const r = await w.says('cc', '通知 #1 未读')
    // asked in the group: the group hears only that the answer went privately (as 查费, 楼栋)
    expect(groupTexts(r)).toEqual(['@老* 已私信回复你。'])
    expect(privateTo(r, 'cc')).toEqual([
      [
        '通知 #1（2026-11-20 10:00）：3/6 户已确认，3 户未确认。',
        '1 栋：1 户未确认 — 1-1-201',
        '2 栋：2 户未确认 — 2-1-101、2-1-201',
        '另有 1 人确认了，但还没有认证房号，未计入住户。',
      ].join('\n'),
    ])
    // a member the bot cannot message privately is told in the group how to get it, without the rooms
    w.adapter.unreachable.add('cc')
    const lost = await w.says('cc', '通知 #1 未读')
    expect(lost.replies).toEqual([{ chat: 'g1', text: '@老* 我无法私信你，请先私聊我（加我为好友或点开我的头像发一条消息），再发一次。' }])
  })

  it('one reminder after 48 hours with a count only, then never again', async () => {
    const { w } = await setUp()
    await w.says('cc', '通知 明天停水')
    await w.says('o0', '收到')
    await delivered(w)
    w.clock.set('2026-11-21T02:00:00Z')
    await tick(w)
    expect((await delivered(w)).filter((s) => s.chat)).toEqual([])
    w.clock.set('2026-11-22T02:05:00Z')
    expect((await tick(w)).noticeReminders).toBe(1)
    const sent = (await delivered(w)).filter((s) => s.chat && s.text.includes('通知提醒'))
    expect(sent.map((s) => s.chat)).toEqual(['g1', 'g2'])
    expect(sent[0]!.text).toBe('【通知提醒】通知 #1（2026-11-20 10:00）还有 5 户没有确认收到，请看到的住户回复「收到」：\n明天停水')
    expect(sent[0]!.text).not.toMatch(/\d-\d-\d{3}/)
    const [n] = await w.db.db.select().from(notices)
    expect(n!.remindedAt).toEqual(new Date('2026-11-22T02:05:00Z'))
    w.clock.set('2026-11-23T02:05:00Z')
    expect((await tick(w)).noticeReminders).toBe(0)
    expect((await delivered(w)).filter((s) => s.text.includes('通知提醒'))).toEqual([])
  })

  it('never in quiet hours: the reminder waits until they end; owner names are scrubbed from the group', async () => {
    // posted Friday 23:00 in Shanghai: due Sunday 23:00, inside the default quiet hours 21:00–08:00
    const { w } = await setUp({ at: '2026-11-20T15:00:00Z' })
    await w.says('cc', '通知 赵大海家门口的水管周日维修')
    await delivered(w)
    w.clock.set('2026-11-22T15:00:00Z')
    expect((await tick(w)).noticeReminders).toBe(0)
    w.clock.set('2026-11-22T22:30:00Z') // 06:30 local
    expect((await tick(w)).noticeReminders).toBe(0)
    expect((await delivered(w)).filter((s) => s.text.includes('通知提醒'))).toEqual([])
    w.clock.set('2026-11-23T00:01:00Z') // 08:01 local
    expect((await tick(w)).noticeReminders).toBe(1)
    const sent = (await delivered(w)).filter((s) => s.text.includes('通知提醒'))
    expect(sent).toHaveLength(2)
    expect(sent[0]!.text).toContain('还有 6 户没有确认收到')
    expect(sent[0]!.text).toContain('赵*家门口')
  })

  it('no reminder when everyone confirmed, or when the setting is 0', async () => {
    const { w } = await setUp()
    await w.says('cc', '通知 明天停水')
    for (let i = 0; i < 6; i++) await w.says(`o${i}`, '收到')
    w.clock.set('2026-11-22T03:00:00Z')
    expect((await tick(w)).noticeReminders).toBe(0)
    const [n] = await w.db.db.select().from(notices)
    expect(n!.remindedAt).not.toBeNull()

    const off = await setUp({ settings: { noticeReminderHours: 0 } })
    await off.w.says('cc', '通知 明天停水')
    const [m] = await off.w.db.db.select().from(notices)
    expect(m!.remindAt).toBeNull()
    await off.w.db.db.update(compounds).set({ settings: { noticeReminderHours: 1 } }).where(eq(compounds.id, off.compoundId))
    off.w.clock.set('2026-12-01T03:00:00Z')
    expect((await tick(off.w)).noticeReminders).toBe(0)
  })

  it('speaks zh-TW and English', async () => {
    const tw = await setUp({ language: 'zh-TW' })
    await tw.w.says('cc', '通知 明天停水').then((r) => r.expectReply('回覆「收到」確認'))
    await tw.w.says('o0', '收到').then((r) => r.expectReply('已確認收到通知 #1'))
    const en = await setUp({ language: 'en' })
    await en.w.says('cc', '/notice no water tomorrow').then((r) => r.expectReply('[Notice #1]'))
    await en.w.says('o0', 'received').then((r) => r.expectReply('Confirmed: you received notice #1'))
    await en.w.says('cc', '/notice 1 unread').then((r) => r.expectReply('1/6 households confirmed'))
  })
})
