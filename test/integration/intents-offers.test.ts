// Plain-language offers through the real pipeline (issue 14, docs/INTENTS.md): a write understood from a
// resident's words is offered and done only on the same person's 是 in the same chat within 10 minutes; an
// unaddressed repair report gets one short offer an hour, unless the compound turned it off; chatter costs
// no database statement.
import { asc, eq, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { compounds, intentOffers, tickets } from '../../db/schema.ts'
import { t } from '../../src/i18n/index.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { query, ROSTER, townWorld } from '../helpers/fixtures.ts'
import { groupTexts, privateTo, type World } from '../helpers/world.ts'

const dbs = useTestDatabases()
const zh = (key: string, params?: Record<string, string | number>) => t('zh-CN', key, params)
const MINUTE = 60_000

const people = [
  { id: 'u1', name: '张三', rooms: ['3-2-201'] },
  { id: 'u2', name: '李四', rooms: ['3-2-202'] },
]
const setUp = (opts: Parameters<typeof townWorld>[1] = {}) => townWorld(dbs, { roster: ROSTER, people, ...opts })
const ticketRows = (w: World) => w.db.db.select().from(tickets).orderBy(asc(tickets.no))
const offerRows = (w: World) => w.db.db.select().from(intentOffers).orderBy(asc(intentOffers.id))

describe('an addressed write is offered, and done on the same person’s 是', () => {
  it('offer → 是 by the same person → the ticket, reported by them; the offer is answered once', async () => {
    const { w } = await setUp()
    const offer = await w.says('u1', '@邻里 我要报修，厨房漏水')
    expect(groupTexts(offer)).toEqual([zh('intent.offer', { what: zh('intent.what.repair'), command: '报修 厨房漏水', minutes: 10 })])
    expect(offer.replies[0]!.buttons?.[0]?.map((b) => b.text)).toEqual([zh('intent.button.yes'), zh('intent.button.no')])
    expect(await ticketRows(w)).toEqual([])
    const done = await w.says('u1', '是')
    done.expectReply('已登记紧急报修 #1（水管）')
    const [tk] = await ticketRows(w)
    expect(tk).toMatchObject({ no: 1, description: '厨房漏水', reporterMemberId: (await memberOf(w, 'u1')) })
    expect((await offerRows(w)).map((o) => [o.source, o.intent, o.command, o.outcome])).toEqual([['addressed', 'repair', '报修 厨房漏水', 'accepted']])
    // nothing is left to confirm: the next 是 is chatter again
    await w.says('u1', '是').then((r) => r.expectNoReply())
    expect(await ticketRows(w)).toHaveLength(1)
  })

  it('是 by another person does nothing, and the offer still waits for its owner', async () => {
    const { w } = await setUp()
    await w.says('u1', '@邻里 楼道灯坏了，帮我报修一下')
    await w.says('u2', '是').then((r) => r.expectNoReply())
    await w.says('u2', '@邻里 是').then((r) => expect(r.text).not.toContain('已登记'))
    expect(await ticketRows(w)).toEqual([])
    await w.says('u1', '好的').then((r) => r.expectReply('已登记报修 #1'))
  })

  it('after 10 minutes the offer has expired: the 是 is told so, once, and nothing is written', async () => {
    const { w } = await setUp()
    await w.says('u1', '@邻里 3栋楼道灯不亮了')
    w.clock.advance(10 * MINUTE + 1000)
    await w.says('u1', '是').then((r) => expect(groupTexts(r)).toEqual([zh('intent.expired', { minutes: 10 })]))
    await w.says('u1', '是').then((r) => r.expectNoReply())
    expect(await ticketRows(w)).toEqual([])
    expect((await offerRows(w)).map((o) => o.outcome)).toEqual(['expired'])
  })

  it('不用 declines; a newer offer replaces an older one; an answer from another chat does not count', async () => {
    const { w } = await setUp()
    await w.says('u1', '@邻里 楼道灯坏了')
    await w.says('u1', '不用了').then((r) => expect(groupTexts(r)).toEqual([zh('intent.declined')]))
    await w.says('u1', '@邻里 楼道灯坏了')
    await w.says('u1', '@邻里 单元门锁坏了，要修')
    // the same person, privately: that is not the chat the offer was made in
    await w.says('u1', '是', { private: true }).then((r) => expect(r.text).not.toContain('已登记'))
    await w.says('u1', '是').then((r) => r.expectReply('已登记报修 #1（门禁门锁）'))
    expect((await offerRows(w)).map((o) => o.outcome)).toEqual(['declined', 'superseded', 'accepted'])
    expect((await ticketRows(w)).map((tk) => tk.description)).toEqual(['单元门锁坏了，要修'])
  })

  it('a redelivered 是 books once', async () => {
    const { w } = await setUp()
    await w.says('u1', '@邻里 楼道灯坏了')
    const first = await w.says('u1', '是', { id: 'yes-1' })
    first.expectReply('已登记报修 #1')
    const again = await w.says('u1', '是', { id: 'yes-1' })
    again.expectNoReply()
    expect(await ticketRows(w)).toHaveLength(1)
  })

  it('a private offer is answered privately', async () => {
    const { w } = await setUp()
    const offer = await w.says('u1', '我要报修，厨房漏水', { private: true })
    expect(privateTo(offer, 'u1')[0]).toContain('报修 厨房漏水')
    const done = await w.says('u1', '好', { private: true })
    expect(privateTo(done, 'u1')[0]).toContain('已登记紧急报修 #1')
  })

  it('is refused up front when the person may not run the command, and nothing is offered', async () => {
    // a private chat of someone no compound knows: 报修 needs a compound
    const { w } = await setUp()
    const r = await w.says('stranger', '我要报修，厨房漏水', { private: true })
    expect(privateTo(r, 'stranger')).toEqual([zh('common.noCompoundPrivate')])
    expect(await offerRows(w)).toEqual([])
  })

  it('the database keeps an answered offer as it is: no second answer, no edit, no delete', async () => {
    const { w } = await setUp()
    await w.says('u1', '@邻里 楼道灯坏了')
    await w.says('u1', '是')
    const [o] = await offerRows(w)
    await expect(query(w.db, sql`UPDATE intent_offers SET outcome = 'declined' WHERE id = ${o!.id}`)).rejects.toThrow()
    await expect(query(w.db, sql`DELETE FROM intent_offers WHERE id = ${o!.id}`)).rejects.toThrow()
    await w.says('u1', '@邻里 楼道灯又坏了')
    const open = (await offerRows(w))[1]!
    await expect(query(w.db, sql`UPDATE intent_offers SET command = '缴费 3-2-201 1' WHERE id = ${open.id}`)).rejects.toThrow()
    await expect(query(w.db, sql`UPDATE intent_offers SET outcome = 'accepted' WHERE id = ${open.id}`)).rejects.toThrow() // no answered_at
  })
})

describe('an unaddressed repair report in the group', () => {
  it('gets one short offer, at most once an hour per person; 是 opens the ticket', async () => {
    const { w } = await setUp()
    const offer = await w.says('u1', '3栋楼道灯又坏了')
    expect(groupTexts(offer)).toEqual([zh('intent.groupRepairOffer')])
    await w.says('u1', '二单元下水道堵了好几天').then((r) => r.expectNoReply())
    // someone else's report is their own
    await w.says('u2', '二单元下水道堵了好几天').then((r) => expect(groupTexts(r)).toEqual([zh('intent.groupRepairOffer')]))
    await w.says('u1', '是').then((r) => r.expectReply('已登记报修 #1（照明，3栋 楼道）'))
    w.clock.advance(61 * MINUTE)
    await w.says('u1', '5栋门口的路灯坏了').then((r) => expect(groupTexts(r)).toEqual([zh('intent.groupRepairOffer')]))
    expect((await ticketRows(w)).map((tk) => [tk.description, tk.place])).toEqual([['楼道灯又坏了', '3栋 楼道']])
  })

  it('never for chatter, questions or reports already made', async () => {
    const { w } = await setUp()
    for (const s of ['今天天气不错', '楼道灯是不是坏了？', '楼道灯修好了，谢谢王师傅', '我家电视坏了', '明天停水通知', '哈哈哈', '好'] as const) {
      await w.says('u1', s).then((r) => r.expectNoReply())
    }
    expect(await offerRows(w)).toEqual([])
  })

  it('is off when the compound turns groupRepairOffers off; an addressed report is still offered', async () => {
    const { w, compoundId } = await setUp()
    await w.db.db.update(compounds).set({ settings: { groupRepairOffers: false } }).where(eq(compounds.id, compoundId))
    await w.says('u1', '3栋楼道灯又坏了').then((r) => r.expectNoReply())
    await w.says('u1', '@邻里 3栋楼道灯又坏了').then((r) => r.expectReply('报修 3栋楼道灯又坏了'))
  })

  it('is not made in a group that is not set up', async () => {
    const { w } = await setUp()
    await w.says('u1', '3栋楼道灯又坏了', { chat: 'elsewhere' }).then((r) => r.expectNoReply())
  })
})

describe('cost', () => {
  it('chatter that is not addressed and not repair-like costs no database statement', async () => {
    const seen: string[] = []
    let recording = false
    const db = await dbs.fresh({ onQuery: (q) => recording && seen.push(q) })
    const { w } = await setUp({ db })
    // the first yes-like word after a start loads the open offers, once
    recording = true
    await w.says('u2', '好').then((r) => r.expectNoReply())
    expect(seen.filter((q) => /intent_offers/.test(q))).toHaveLength(1)
    seen.length = 0
    // not 收到: since issue 17 it acknowledges the compound's latest notice (commands/ack.ts), so it reads the
    // database like any command (and says nothing when there is no notice: see test/integration/notices.test.ts)
    const chatter = [
      '今天天气不错', '好', '好的', '是', '是的', '👍', '收到了', '谢谢大家', '哈哈哈哈', '[捂脸]', '晚上一起散步吗', '@张三 明天见',
      'ok', 'thanks!', '楼下的花开了', '快递到了', '今天停车位好紧张', '３栋的朋友好', '…', '我觉得可以', '大家注意安全', '电梯今天好挤',
      'x'.repeat(5000),
    ]
    for (const s of chatter) await w.says('u2', s).then((r) => r.expectNoReply())
    recording = false
    expect(seen).toEqual([])
  })
})

async function memberOf(w: World, user: string): Promise<number> {
  const rows = await query<{ id: number }>(w.db, sql`SELECT id FROM members WHERE platform_user_id = ${user}`)
  return rows[0]!.id
}
