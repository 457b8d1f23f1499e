// Repair tickets through the real pipeline: every command, every allowed and refused transition,
// numbering under concurrent reports, photos, reply-to tickets, overdue, and the ledger seam.
import { asc, eq, inArray, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compounds, ledgerEntries, outbox, ticketEvents, ticketPhotos, tickets } from '../../db/schema.ts'
import { ticketsInPeriod, openTicketsSummary } from '../../db/ticket-queries.ts'
import { nextStatus, TICKET_ACTIONS, TICKET_STATUSES, type TicketAction, type TicketStatus } from '../../src/domain/repair-status.ts'
import { t } from '../../src/i18n/index.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { memberId, townWorld } from '../helpers/fixtures.ts'
import { world, type World } from '../helpers/world.ts'

const dbs = useTestDatabases()

const ROSTER = `building,unit,room,area_m2,occupancy,owner_name
3,2,201,89.50,owner_occupied,王秀英
3,2,202,75.00,rented,李建国
3,1,201,75.00,rented,
5,,101,60.00,vacant,
`

/**
 * 幸福里: head 老王 (boss), committee member 陈委员 (c1), residents 张三 (u1, verified 3-2-201) and
 * 李四 (u2), and 李师傅 (w1), a member who has spoken in the group.
 */
async function setUp(): Promise<{ w: World; compoundId: number }> {
  const { w, compoundId } = await townWorld(dbs, { roster: ROSTER })
  await w.says('c1', '帮助', { name: '陈委员' })
  await w.says('boss', '任命 @陈委员 委员').then((r) => r.expectReply('已任命 陈* 为委员'))
  await w.says('u1', '绑定 3-2-201', { name: '张三' }).then((r) => r.expectReply('已申请绑定'))
  const list = await w.says('boss', '认证')
  await w.says('boss', `认证 ${/序号 (\d+)/.exec(list.text)![1]}`).then((r) => r.expectReply('已认证'))
  await w.says('u2', '帮助', { name: '李四' })
  await w.says('w1', '帮助', { name: '李师傅' })
  return { w, compoundId }
}

const rows = {
  tickets: (w: World) => w.db.db.select().from(tickets).orderBy(asc(tickets.compoundId), asc(tickets.no)),
  events: (w: World) => w.db.db.select().from(ticketEvents).orderBy(asc(ticketEvents.id)),
  photos: (w: World) => w.db.db.select().from(ticketPhotos).orderBy(asc(ticketPhotos.id)),
  ledger: (w: World) => w.db.db.select().from(ledgerEntries).orderBy(asc(ledgerEntries.id)),
}

async function ticketNo(w: World, no: number, compoundId?: number) {
  const all = await rows.tickets(w)
  return all.find((x) => x.no === no && (compoundId === undefined || x.compoundId === compoundId))!
}

/** Everything that a refused command must not have changed. */
async function snapshot(w: World) {
  return JSON.stringify(
    { tickets: await rows.tickets(w), events: await rows.events(w), photos: await rows.photos(w), ledger: await rows.ledger(w) },
    (_k, v) => (typeof v === 'bigint' ? v.toString() : v),
  )
}

describe('报修: opening a ticket', () => {
  it('opens a ticket with category, place, timestamps from the clock and a created event', async () => {
    const { w, compoundId } = await setUp()
    w.clock.set('2026-11-23T02:00:00Z')
    const r = await w.says('u1', '报修 3栋2单元楼道灯不亮')
    r.expectReply('已登记报修 #1（照明，3-2 楼道），委员会会尽快派单。查看进度：报修 #1')
    expect(r.replies).toHaveLength(1)
    const [tk] = await rows.tickets(w)
    expect(tk).toMatchObject({
      compoundId,
      no: 1,
      reporterMemberId: await memberId(w, 'u1'),
      householdId: null,
      place: '3-2 楼道',
      description: '楼道灯不亮',
      category: 'lighting',
      urgent: false,
      status: 'open',
      assigneeMemberId: null,
      assigneeName: null,
      costFen: null,
      originPlatform: 'console',
      originChatId: 'g1',
    })
    expect(tk!.createdAt.toISOString()).toBe('2026-11-23T02:00:00.000Z')
    expect(tk!.updatedAt.toISOString()).toBe('2026-11-23T02:00:00.000Z')
    const [ev] = await rows.events(w)
    expect(ev).toMatchObject({ ticketId: tk!.id, action: 'created', fromStatus: null, toStatus: 'open', actorMemberId: tk!.reporterMemberId })
    expect(ev!.at.toISOString()).toBe('2026-11-23T02:00:00.000Z')
  })

  it('works with the description attached to the keyword, a room of the roster, and a free-text place', async () => {
    const { w } = await setUp()
    await w.says('u1', '报修楼道灯不亮').then((r) => r.expectReply('已登记报修 #1（照明）'))
    await w.says('u2', '报修 厨房下水道堵了 3-2-202').then((r) => r.expectReply('已登记报修 #2（下水道，3-2-202）'))
    await w.says('u2', '报修 3栋2单元202 门锁坏了').then((r) => r.expectReply('已登记报修 #3（门禁门锁，3-2-202）'))
    await w.says('u2', '报修 路灯不亮 北门').then((r) => r.expectReply('已登记报修 #4（照明，北门）'))
    await w.says('u2', '报修 大树倒了 位置：小区花园东侧').then((r) => r.expectReply('已登记报修 #5（绿化，小区花园东侧）'))
    // 3-5 is not in the roster and is a short form: kept as a place, not refused
    await w.says('u2', '报修 垃圾没人清 3-5').then((r) => r.expectReply('已登记报修 #6（卫生，3-5）'))
    const all = await rows.tickets(w)
    expect(all.map((x) => [x.no, x.householdId !== null, x.place, x.description])).toEqual([
      [1, false, null, '楼道灯不亮'],
      [2, true, null, '厨房下水道堵了'],
      [3, true, null, '门锁坏了'],
      [4, false, '北门', '路灯不亮'],
      [5, false, '小区花园东侧', '大树倒了'],
      [6, false, '3-5', '垃圾没人清'],
    ])
  })

  it('an urgent ticket is announced privately to each committee member and the head', async () => {
    const { w } = await setUp()
    const r = await w.says('u1', '报修 3-2-201 厨房水管漏水，水流到楼下了')
    r.expectReply('已登记紧急报修 #1（水管，3-2-201），已通知委员会。查看进度：报修 #1')
    const dms = r.replies.filter((x) => x.user)
    expect(dms.map((x) => x.user).sort()).toEqual(['boss', 'c1'])
    for (const dm of dms) expect(dm.text).toContain('紧急报修 #1（水管，3-2-201）：厨房水管漏水')
    expect((await rows.tickets(w))[0]!.urgent).toBe(true)

    // reported by a committee member: the others are told, not the reporter; an unreachable member is skipped
    w.adapter.unreachable.add('boss')
    const r2 = await w.says('c1', '报修 电梯困人了！2号楼')
    r2.expectReply('已登记紧急报修 #2（电梯，2栋）')
    expect(r2.replies.filter((x) => x.user)).toEqual([])
  })

  it('attaches the photos sent with it', async () => {
    const { w } = await setUp()
    const r = await w.says('u1', '报修 楼道灯坏了 5号楼', { images: ['/photos/a.jpg', '/photos/b.jpg'] })
    r.expectReply('已登记报修 #1（照明，5栋）').expectReply('已附照片 2 张')
    const photos = await rows.photos(w)
    expect(photos.map((p) => [p.fileRef, p.platform])).toEqual([
      ['/photos/a.jpg', 'console'],
      ['/photos/b.jpg', 'console'],
    ])
    expect(photos[0]!.addedAt.toISOString()).toBe(w.clock.now().toISOString())
  })

  it('refuses bad input with one clear reply and writes nothing', async () => {
    const { w } = await setUp()
    const before = await snapshot(w)
    const cases: [string, RegExp | string][] = [
      ['报修', '请写上要修什么'],
      ['报修 灯', '描述太短'],
      ['报修 ！', '描述太短'],
      [`报修 ${'灯'.repeat(501)}`, '描述太长（最多 500 字）'],
      ['报修 3-2-201', '请写上要修什么'],
      ['报修 9-9-909 楼道灯坏了', '没有找到房号 9-9-909'],
      ['报修 楼道灯坏了 3-201', /房号 3-201 不唯一/],
      ['报修了吗', '请直接写要修什么'],
    ]
    for (const [text, expected] of cases) {
      const r = await w.says('u1', text)
      expect(r.replies, text).toHaveLength(1)
      r.expectReply(expected)
    }
    expect(await snapshot(w)).toBe(before)
  })

  it('accepts exactly 500 characters and 2 characters', async () => {
    const { w } = await setUp()
    await w.says('u1', `报修 ${'灯'.repeat(500)}`).then((r) => r.expectReply('已登记报修 #1'))
    await w.says('u1', '报修 漏雨').then((r) => r.expectReply('已登记报修 #2'))
  })

  it('handles a redelivered report once', async () => {
    const { w } = await setUp()
    await w.says('u1', '报修 楼道灯不亮', { id: 'same' }).then((r) => r.expectReply('#1'))
    const again = await w.says('u1', '报修 楼道灯不亮', { id: 'same' })
    again.expectNoReply()
    expect(again.outcome.status).toBe('duplicate')
    expect(await rows.tickets(w)).toHaveLength(1)
  })
})

describe('ticket numbers', () => {
  it('numbers concurrent reports 1..n with no gaps and no duplicates', async () => {
    const { w } = await setUp()
    const n = 24
    const said = await Promise.all(
      Array.from({ length: n }, (_, i) => w.deliver(w.message(`r${i}`, `报修 楼道灯不亮 第${i}个`, { name: `住户${i}` }))),
    )
    // replies of concurrent messages interleave in the adapter: read each message's own reply from its outbox rows
    const replied: number[] = []
    for (const s of said) {
      expect(s.outcome).toMatchObject({ status: 'handled', error: undefined })
      const ids = s.outcome.status === 'handled' ? s.outcome.outboxIds : []
      const out = await w.db.db.select().from(outbox).where(inArray(outbox.id, ids))
      expect(out).toHaveLength(1)
      replied.push(Number(/已登记报修 #(\d+)/.exec(out[0]!.text)?.[1]))
    }
    expect([...replied].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1))
    const all = await rows.tickets(w)
    expect(all.map((x) => x.no)).toEqual(Array.from({ length: n }, (_, i) => i + 1))
    // each reporter got the number of their own ticket
    for (let i = 0; i < n; i++) {
      const tk = all.find((x) => x.description === `楼道灯不亮 第${i}个`)!
      expect(tk.no).toBe(replied[i])
    }
  })

  it('numbers per compound, and a ticket of another compound is unknown here', async () => {
    const { w } = await setUp()
    await w.says('x1', '开通 隔壁小区', { admin: true, chat: 'g2', name: '隔壁主任' }).then((r) => r.expectReply('已开通'))
    await w.says('x2', '报修 隔壁的灯坏了', { chat: 'g2', name: '隔壁住户' }).then((r) => r.expectReply('已登记报修 #1'))
    await w.says('x2', '报修 隔壁的门坏了', { chat: 'g2' }).then((r) => r.expectReply('已登记报修 #2'))
    await w.says('u1', '报修 楼道灯不亮').then((r) => r.expectReply('已登记报修 #1'))
    await w.says('u1', '报修 #2').then((r) => r.expectReply('没有报修单 #2'))
    await w.says('u1', '报修 1').then((r) => r.expectReply('报修 #1【待派单】'))
    await w.says('u1', '报修＃２').then((r) => r.expectReply('没有报修单 #2'))
    const before = await snapshot(w)
    await w.says('boss', '派单 #2 王师傅').then((r) => r.expectReply('没有报修单 #2'))
    await w.says('boss', '完工 #2').then((r) => r.expectReply('没有报修单 #2'))
    await w.says('boss', '关闭 #2 重复').then((r) => r.expectReply('没有报修单 #2'))
    expect(await snapshot(w)).toBe(before)
  })
})

describe('status machine through the commands', () => {
  const command: Record<TicketAction, (no: number) => string> = {
    assign: (no) => `派单 #${no} 赵师傅`,
    progress: (no) => `进度 #${no} 材料已买`,
    done: (no) => `完工 #${no}`,
    confirm: (no) => `确认 #${no}`,
    reopen: (no) => `驳回 #${no} 还是不亮`,
    reject: (no) => `关闭 #${no} 重复报修`,
  }
  const pathTo: Record<TicketStatus, TicketAction[]> = {
    open: [],
    assigned: ['assign'],
    in_progress: ['assign', 'progress'],
    done: ['assign', 'progress', 'done'],
    confirmed: ['assign', 'done', 'confirm'],
    reopened: ['assign', 'done', 'reopen'],
    rejected: ['reject'],
  }
  const pathCommand: Record<TicketAction, (no: number) => string> = { ...command, assign: (no) => `派单 #${no} 王师傅` }

  it('allows exactly the transitions of the machine, records who and when, and refuses the rest naming the status', async () => {
    const { w } = await setUp()
    const boss = await memberId(w, 'boss')
    let checked = 0
    for (const from of TICKET_STATUSES) {
      for (const action of TICKET_ACTIONS) {
        const r = await w.says('u1', `报修 楼道灯不亮 ${from} ${action}`)
        const no = Number(/#(\d+)/.exec(r.text)![1])
        for (const step of pathTo[from]) await w.says('boss', pathCommand[step](no)).then((x) => expect(x.outcome).toMatchObject({ error: undefined }))
        expect((await ticketNo(w, no)).status, `${from} set up`).toBe(from)
        w.clock.advance(60_000)
        const before = await snapshot(w)
        const eventsBefore = (await rows.events(w)).length
        const res = await w.says('boss', command[action](no))
        const to = nextStatus(from, action)
        const tk = await ticketNo(w, no)
        if (to) {
          expect(res.outcome, `${from} --${action}--> ${to}: ${res.text}`).toMatchObject({ status: 'handled', error: undefined })
          expect(tk.status).toBe(to)
          expect(tk.updatedAt.toISOString()).toBe(w.clock.now().toISOString())
          const events = await rows.events(w)
          expect(events).toHaveLength(eventsBefore + 1)
          expect(events.at(-1)).toMatchObject({ ticketId: tk.id, actorMemberId: boss, action, fromStatus: from, toStatus: to })
          expect(events.at(-1)!.at.toISOString()).toBe(w.clock.now().toISOString())
        } else {
          expect(res.outcome, `${from} --${action}--> refused`).toMatchObject({ status: 'handled', error: 'user' })
          res.expectReply(`报修 #${no} 现在是「${t('zh-CN', `repairs.status.${from}`)}」，不能${t('zh-CN', `repairs.action.${action}`)}。`)
          expect(await snapshot(w)).toBe(before)
        }
        checked++
      }
    }
    expect(checked).toBe(TICKET_STATUSES.length * TICKET_ACTIONS.length)
  })

  it('sets done_at on 完工 and closed_at on 确认 and 关闭; a reopen clears done_at and keeps the assignee', async () => {
    const { w } = await setUp()
    await w.says('u1', '报修 楼道灯不亮')
    await w.says('boss', '派单 #1 王师傅')
    w.clock.advance(3_600_000)
    await w.says('boss', '完工 #1')
    expect((await ticketNo(w, 1)).doneAt!.toISOString()).toBe(w.clock.now().toISOString())
    await w.says('u1', '驳回 #1 还是不亮').then((r) => r.expectReply('报修 #1 已驳回，重新处理。原因：还是不亮'))
    const reopened = await ticketNo(w, 1)
    expect(reopened).toMatchObject({ status: 'reopened', doneAt: null, assigneeName: '王师傅' })
    await w.says('boss', '完工 #1 换了镇流器').then((r) => r.expectReply('报修 #1 已完工'))
    w.clock.advance(60_000)
    await w.says('u1', '确认 #1').then((r) => r.expectReply('报修 #1 已确认修好，完结'))
    expect((await ticketNo(w, 1)).closedAt!.toISOString()).toBe(w.clock.now().toISOString())
    await w.says('u1', '报修 楼道灯又不亮')
    await w.says('c1', '关闭 #2 重复，同 #1').then((r) => r.expectReply('报修 #2 已关闭：重复，同 #1'))
    expect((await ticketNo(w, 2)).closedAt!.toISOString()).toBe(w.clock.now().toISOString())
  })
})

describe('permissions', () => {
  it('progress and done: only the committee or the assignee', async () => {
    const { w } = await setUp()
    await w.says('u1', '报修 楼道灯不亮')
    await w.says('boss', '派单 #1 @李师傅').then((r) => r.expectReply('报修 #1 已派给 李*'))
    const before = await snapshot(w)
    await w.says('u2', '进度 #1 我看了一下').then((r) => r.expectReply('只有委员或被派单的人可以记录进度报修 #1'))
    await w.says('u1', '完工 #1').then((r) => r.expectReply('只有委员或被派单的人可以完工报修 #1'))
    expect(await snapshot(w)).toBe(before)
    await w.says('w1', '进度 #1 明天上午来换灯泡').then((r) => r.expectReply('报修 #1 进度已记录（维修中）：明天上午来换灯泡'))
    await w.says('w1', '完工 #1').then((r) => r.expectReply('报修 #1 已完工'))
    await w.says('u1', '报修 路灯不亮 北门')
    await w.says('boss', '派单 #2 王师傅')
    await w.says('c1', '进度 #2 王师傅说下午到').then((r) => r.expectReply('进度已记录'))
    await w.says('c1', '完工 #2').then((r) => r.expectReply('报修 #2 已完工'))
  })

  it('confirm and reopen: only the reporter or the committee', async () => {
    const { w } = await setUp()
    for (let i = 0; i < 3; i++) {
      await w.says('u1', `报修 楼道灯不亮 ${i}`)
      await w.says('boss', `派单 #${i + 1} 王师傅`)
      await w.says('boss', `完工 #${i + 1}`)
    }
    const before = await snapshot(w)
    await w.says('u2', '确认 #1').then((r) => r.expectReply('只有报修人或委员可以确认报修 #1'))
    await w.says('w1', '驳回 #1 没修好').then((r) => r.expectReply('只有报修人或委员可以驳回报修 #1'))
    expect(await snapshot(w)).toBe(before)
    await w.says('u1', '确认 #1').then((r) => r.expectReply('报修 #1 已确认修好'))
    await w.says('c1', '确认 #2').then((r) => r.expectReply('报修 #2 已确认修好'))
    await w.says('c1', '驳回 #3 住户说还是不亮').then((r) => r.expectReply('报修 #3 已驳回'))
  })

  it('assign, reject and category are for the committee', async () => {
    const { w } = await setUp()
    await w.says('u1', '报修 楼道灯不亮')
    const before = await snapshot(w)
    await w.says('u1', '派单 #1 王师傅').then((r) => r.expectReply('只有委员可以这样做'))
    await w.says('u1', '关闭 #1 不修了').then((r) => r.expectReply('只有委员可以这样做'))
    await w.says('u2', '分类 #1 电路').then((r) => r.expectReply('只有委员可以这样做'))
    expect(await snapshot(w)).toBe(before)
    const residentHelp = await w.says('u2', '帮助')
    expect(residentHelp.text).toContain('报修列表')
    expect(residentHelp.text).not.toContain('派单 #')
    expect((await w.says('c1', '帮助')).text).toContain('派单 #<编号> <@成员或姓名>')
  })
})

describe('派单', () => {
  it('assigns a member (told privately), a free-text name, and refuses an unknown @member', async () => {
    const { w } = await setUp()
    await w.says('u1', '报修 楼道灯不亮 3栋2单元')
    await w.says('u1', '报修 北门路灯不亮')
    const r = await w.says('boss', '派单 #1 @李师傅')
    r.expectReply('报修 #1 已派给 李*。修好后发送：完工 #1')
    expect(r.replies.find((x) => x.user === 'w1')?.text).toContain('你被派单报修 #1（照明，3-2）：楼道灯不亮')
    expect(await ticketNo(w, 1)).toMatchObject({ assigneeMemberId: await memberId(w, 'w1'), assigneeName: null, status: 'assigned' })
    // a plain name that is a member is that member
    await w.says('boss', '派单 #2 李师傅').then((x) => x.expectReply('已派给 李*'))
    expect((await ticketNo(w, 2)).assigneeMemberId).toBe(await memberId(w, 'w1'))
    // re-assign to a free-text repairer
    // the group never sees a phone number (docs/DEVELOPING.md, privacy); the ticket keeps what was typed
    await w.says('boss', '派单 #2 王师傅 13800000000').then((x) => x.expectReply('报修 #2 已派给 王*'))
    expect(await ticketNo(w, 2)).toMatchObject({ assigneeMemberId: null, assigneeName: '王师傅 13800000000' })

    const before = await snapshot(w)
    await w.says('boss', '派单 #1 @不存在的人').then((x) => x.expectReply('没有找到成员「不存在的人」'))
    await w.says('boss', '派单 #1').then((x) => x.expectReply('请写上派给谁'))
    await w.says('boss', '派单 王师傅').then((x) => x.expectReply('请写上报修单编号'))
    await w.says('boss', `派单 #1 ${'王'.repeat(31)}`).then((x) => x.expectReply('姓名太长'))
    await w.says('boss', '派单 #1 李师傅').then((x) => x.expectReply('报修 #1 已经派给 李*'))
    await w.says('boss', '派单 #7 王师傅').then((x) => x.expectReply('没有报修单 #7'))
    expect(await snapshot(w)).toBe(before)
  })
})

describe('完工 with a cost', () => {
  it('from an assignee who is not committee: a claim the committee approves into a ledger expense linked to the ticket', async () => {
    const { w, compoundId } = await setUp()
    await w.says('u1', '报修 楼道灯不亮')
    await w.says('boss', '派单 #1 @李师傅')
    const r = await w.says('w1', '完工 #1 换了灯泡 费用 120.50 元')
    r.expectReply('报修 #1 已完工（费用 ¥120.50 待委员会批准，尚未记账）。请 张* 确认：确认 #1')
    expect(r.replies.find((x) => x.user === 'u1')?.text).toContain('你报修的 #1（楼道灯不亮）已完工')
    expect(await rows.ledger(w)).toEqual([])
    const done = (await rows.events(w)).find((e) => e.action === 'done')!
    expect(done).toMatchObject({ action: 'done', note: '换了灯泡' })
    await w.says('c1', '批准 #1').then((x) => x.expectReply('已批准报修 #1 的费用 ¥120.50（李* 申请），已记入账目，流水号 1。'))
    const tk = await ticketNo(w, 1)
    const [entry] = await rows.ledger(w)
    expect(entry).toMatchObject({
      compoundId,
      serial: 1,
      kind: 'expense',
      amountFen: 12050n,
      category: 'repair',
      counterparty: '李师傅',
      ticketId: tk.id,
      householdId: null,
      recordedBy: await memberId(w, 'c1'),
    })
    expect(entry!.recordedAt.toISOString()).toBe(w.clock.now().toISOString())

    // reopened and finished again with a further cost: a new claim; approving a second cost on the ticket is
    // held as a suspected duplicate until the approver confirms; the shown cost is the ledger's sum
    await w.says('u1', '驳回 #1 又坏了')
    await w.says('w1', '完工 #1 cost 30').then((x) => x.expectReply('（费用 ¥30.00 待委员会批准，尚未记账）'))
    await w.says('c1', '批准 #1').then((x) => x.expectReply('确认重复 1'))
    await w.says('c1', '确认重复 1').then((x) => x.expectReply('流水号 2'))
    expect((await rows.ledger(w)).map((e) => e.amountFen)).toEqual([12050n, 3000n])
    await w.says('u2', '报修 #1').then((x) => x.expectReply('费用：¥150.50'))
  })

  it('from the committee: booked at once as a ledger expense linked to the ticket, in the same transaction', async () => {
    const { w } = await setUp()
    await w.says('u1', '报修 楼道灯不亮')
    await w.says('boss', '派单 #1 @李师傅')
    const r = await w.says('c1', '完工 #1 换了灯泡 费用 120.50 元')
    r.expectReply('报修 #1 已完工（费用 ¥120.50，已记入账目，流水号 1）。请 张* 确认：确认 #1')
    const [entry] = await rows.ledger(w)
    expect(entry).toMatchObject({ kind: 'expense', amountFen: 12050n, counterparty: '李师傅', ticketId: (await ticketNo(w, 1)).id })
    const done = (await rows.events(w)).at(-1)!
    expect(done).toMatchObject({ action: 'done', note: '¥120.50 换了灯泡' })
  })

  it('refuses a cost that is not money: one reply, nothing written', async () => {
    const { w } = await setUp()
    await w.says('u1', '报修 楼道灯不亮')
    await w.says('boss', '派单 #1 王师傅')
    const before = await snapshot(w)
    const cases: [string, string][] = [
      ['完工 #1 费用', '「费用」后面请写金额'],
      ['完工 #1 费用 一些钱', '看不懂费用金额'],
      ['完工 #1 费用 -20', '费用不能是负数'],
      ['完工 #1 费用 0', '费用不能是 0'],
      ['完工 #1 费用 12.345', '费用最多到分'],
      ['完工 #1 费用 99999999', '费用太大了'],
      ['完工', '请写上报修单编号'],
    ]
    for (const [text, expected] of cases) {
      const r = await w.says('boss', text)
      expect(r.replies, text).toHaveLength(1)
      r.expectReply(expected)
    }
    expect(await snapshot(w)).toBe(before)
    expect((await ticketNo(w, 1)).status).toBe('assigned')
  })
})

describe('progress, reopen, reject and category input', () => {
  it('needs a note, a reason, a known category', async () => {
    const { w } = await setUp()
    await w.says('u1', '报修 楼道灯不亮')
    await w.says('boss', '派单 #1 王师傅')
    const before = await snapshot(w)
    await w.says('boss', '进度 #1').then((r) => r.expectReply('请写上进度说明'))
    await w.says('boss', `进度 #1 ${'修'.repeat(201)}`).then((r) => r.expectReply('说明太长'))
    await w.says('boss', '关闭 #1').then((r) => r.expectReply('请写上关闭原因'))
    await w.says('u1', '驳回 #1').then((r) => r.expectReply('请写上原因'))
    await w.says('boss', '分类 #1').then((r) => r.expectReply('类别可以是'))
    await w.says('boss', '分类 #1 飞机').then((r) => r.expectReply('类别可以是'))
    await w.says('boss', '分类 #1 照明').then((r) => r.expectReply('报修 #1 已经是：照明'))
    await w.says('boss', '确认').then((r) => r.expectReply('请写上报修单编号'))
    expect(await snapshot(w)).toBe(before)
  })

  it('分类 corrects the category and urgency, records it, and tells the committee when it becomes urgent', async () => {
    const { w } = await setUp()
    await w.says('u1', '报修 楼下有个坑')
    expect((await ticketNo(w, 1)).category).toBe('other')
    await w.says('c1', '分类 #1 下水道').then((r) => r.expectReply('报修 #1 已改为：下水道。'))
    const r = await w.says('c1', '分类 #1 紧急')
    r.expectReply('报修 #1 已改为：下水道，紧急。')
    expect(r.replies.filter((x) => x.user).map((x) => x.user)).toEqual(['boss'])
    expect(await ticketNo(w, 1)).toMatchObject({ category: 'drainage', urgent: true })
    const evs = (await rows.events(w)).filter((e) => e.action === 'category' || e.action === 'urgency')
    expect(evs.map((e) => [e.action, e.note, e.fromStatus, e.toStatus])).toEqual([
      ['category', 'other>drainage', null, null],
      ['urgency', 'true', null, null],
    ])
    const show = await w.says('u1', '报修 #1')
    show.expectReply('陈* 改类别：其他 → 下水道').expectReply('陈* 标为紧急')
  })
})

describe('报修 #<n>, 报修列表, 我的报修', () => {
  it('shows one ticket with where, who, cost, photos and its history in local time', async () => {
    const { w } = await setUp()
    w.clock.set('2026-11-23T02:00:00Z') // 10:00 in Shanghai
    await w.says('u1', '报修 楼道灯不亮 3栋2单元', { images: ['/p/1.jpg'] })
    w.clock.set('2026-11-23T03:30:00Z')
    await w.says('boss', '派单 #1 王师傅')
    w.clock.set('2026-11-24T01:05:00Z')
    await w.says('c1', '完工 #1 费用 35')
    const r = await w.says('u2', '报修 #1')
    expect(r.text).toBe(
      [
        '报修 #1【已完工待确认】',
        '楼道灯不亮',
        '类别：照明',
        '位置：3-2',
        '报修人：张*',
        '派给：王*',
        '费用：¥35.00',
        '照片：1 张',
        '记录：',
        '11-23 10:00 张* 登记',
        '11-23 11:30 老* 派单给 王*',
        '11-24 09:05 陈* 完工：¥35.00',
      ].join('\n'),
    )
    // the group is not told where the reporter lives (the ticket is about the stairwell); a private chat is
    await w.says('boss', '报修 #1', { private: true }).then((x) => x.expectReply('报修人：张三（3-2-201）').expectReply('派给：王师傅'))
  })

  it('lists open tickets oldest first, marks overdue ones, and counts those awaiting confirmation', async () => {
    const { w, compoundId } = await setUp()
    await w.db.db.update(compounds).set({ settings: { overdueDays: 3 } }).where(eq(compounds.id, compoundId))
    w.clock.set('2026-11-20T02:00:00Z')
    await w.says('u1', '报修 楼道灯不亮 3栋2单元')
    w.clock.set('2026-11-22T02:00:00Z')
    await w.says('u2', '报修 3-2-202 水管漏水')
    await w.says('boss', '派单 #2 @李师傅')
    await w.says('u2', '报修 门禁坏了 北门')
    await w.says('boss', '派单 #3 王师傅')
    await w.says('boss', '完工 #3')
    await w.says('u2', '报修 垃圾堆着没人收')
    await w.says('boss', '关闭 #4 不属于报修')
    w.clock.set('2026-11-24T17:00:00Z') // 11-25 01:00 in Shanghai: #1 is 5 local days old
    const r = await w.says('u2', '报修列表')
    expect(r.text).toBe(
      [
        '未完成的报修（2 单，最早的在前）：',
        '#1【待派单】照明｜3-2：楼道灯不亮 ⚠超期 2 天',
        '#2【已派单】紧急·水管｜3-2-202：水管漏水（李*）',
        '另有 1 单已完工，等报修人确认。',
        '查看一单：报修 #编号',
      ].join('\n'),
    )
    const mine = await w.says('u2', '我的报修')
    expect(mine.text).toBe(
      [
        '你的报修（未完结 2 单）：',
        '#2【已派单】紧急·水管｜3-2-202：水管漏水（李*）',
        '#3【已完工待确认】门禁门锁｜北门：门禁坏了（王*） → 修好了请发：确认 #3',
        '已完结 1 单。',
      ].join('\n'),
    )
    await w.says('w1', '我的报修').then((x) => x.expectReply('你没有未完结的报修'))
  })

  it('says so when there is nothing open', async () => {
    const { w } = await setUp()
    await w.says('u1', '报修列表').then((r) => r.expectReply('目前没有未完成的报修'))
  })
})

describe('reply-to-message tickets', () => {
  it('opens a ticket from the quoted message, with its photo, crediting its author', async () => {
    const { w } = await setUp()
    const r = await w.says('boss', '报修', {
      replyTo: { id: 'q1', text: '5号楼门口的路灯坏了好几天了', sender: { id: 'u9', name: '老李' }, images: [{ ref: '/p/lamp.jpg' }] },
    })
    r.expectReply('已登记报修 #1（照明，5栋 门口），委员会会尽快派单。').expectReply('报修人：老*。').expectReply('已附照片 1 张')
    const tk = await ticketNo(w, 1)
    expect(tk).toMatchObject({ description: '门口的路灯坏了好几天了', place: '5栋 门口', reporterMemberId: await memberId(w, 'u9') })
    const [ev] = await rows.events(w)
    expect(ev).toMatchObject({ action: 'created', actorMemberId: await memberId(w, 'boss') })
    expect((await rows.photos(w)).map((p) => p.fileRef)).toEqual(['/p/lamp.jpg'])
    await w.says('u1', '报修 #1').then((x) => x.expectReply('报修人：老*').expectReply('老* 代 老* 登记'))
    // the credited author may confirm it
    await w.says('boss', '派单 #1 王师傅')
    await w.says('boss', '完工 #1')
    await w.says('u9', '确认 #1', { name: '老李' }).then((x) => x.expectReply('报修 #1 已确认修好'))
  })

  it('takes the place from the words after 报修 and a photo-only quoted message', async () => {
    const { w } = await setUp()
    await w.says('u1', '报修 3-2-202', { replyTo: { id: 'q2', text: '楼上漏水到我家了', sender: { id: 'u2', name: '李四' } } })
      .then((r) => r.expectReply('已登记紧急报修 #1（水管，3-2-202）'))
    await w.says('u1', '报修 单元门关不上', { replyTo: { id: 'q3', images: [{ ref: '/p/door.jpg' }], sender: { id: 'u2', name: '李四' } } })
      .then((r) => r.expectReply('已登记报修 #2（门禁门锁）').expectReply('报修人：李*'))
    const all = await rows.tickets(w)
    expect(all.map((x) => [x.description, x.reporterMemberId])).toEqual([
      ['楼上漏水到我家了', await memberId(w, 'u2')],
      ['单元门关不上', await memberId(w, 'u2')],
    ])
    // replying to an empty quote is an ordinary 报修
    await w.says('u1', '报修', { replyTo: { id: 'q4' } }).then((r) => r.expectReply('请写上要修什么'))
  })
})

describe('photos sent after 报修', () => {
  it('attaches a photo from the reporter within 2 minutes, and not after, nor from someone else', async () => {
    const { w } = await setUp()
    await w.says('u1', '报修 楼道灯不亮')
    w.clock.advance(60_000)
    const other = await w.says('u2', '', { images: ['/p/other.jpg'] })
    other.expectNoReply()
    expect(other.outcome.status).toBe('ignored')
    const r = await w.says('u1', '', { images: ['/p/late1.jpg'] })
    r.expectReply('已为报修 #1 附上照片 1 张')
    w.clock.advance(59_000) // 1:59 after the report
    await w.says('u1', '看这里', { images: ['/p/late2.jpg', '/p/late3.jpg'] }).then((x) => x.expectReply('已为报修 #1 附上照片 2 张'))
    w.clock.advance(2_000) // 2:01
    const tooLate = await w.says('u1', '', { images: ['/p/tooLate.jpg'] })
    tooLate.expectNoReply()
    expect(tooLate.outcome.status).toBe('ignored')
    expect((await rows.photos(w)).map((p) => p.fileRef)).toEqual(['/p/late1.jpg', '/p/late2.jpg', '/p/late3.jpg'])
    const photoEvents = (await rows.events(w)).filter((e) => e.action === 'photo')
    expect(photoEvents.map((e) => e.note)).toEqual(['1', '2'])
    // the same photo message redelivered is attached once
    await w.says('u1', '报修 路灯不亮 北门')
    await w.says('u1', '', { images: ['/p/dup.jpg'], id: 'photo-dup' }).then((x) => x.expectReply('#2'))
    const dup = await w.says('u1', '', { images: ['/p/dup.jpg'], id: 'photo-dup' })
    dup.expectNoReply()
    expect((await rows.photos(w)).filter((p) => p.fileRef === '/p/dup.jpg')).toHaveLength(1)
  })

  it('does not attach in another chat of the compound', async () => {
    const { w } = await setUp()
    await w.says('boss', '开通 幸福里', { admin: true, chat: 'g2' }).then((r) => r.expectReply('本群已加入「幸福里」'))
    await w.says('u1', '报修 楼道灯不亮')
    await w.says('u1', '', { images: ['/p/x.jpg'], chat: 'g2' }).then((r) => r.expectNoReply())
    expect(await rows.photos(w)).toHaveLength(0)
  })
})

describe('overdue and the disclosure counts', () => {
  it('counts opened, done and overdue per period in the compound time zone', async () => {
    const { w, compoundId } = await setUp()
    // #1 and #2 on Monday 2026-11-16 (Shanghai), #2 done on Wednesday, #3 reported on the 22nd late evening
    w.clock.set('2026-11-16T01:00:00Z')
    await w.says('u1', '报修 楼道灯不亮')
    await w.says('u1', '报修 路灯不亮 北门')
    w.clock.set('2026-11-18T01:00:00Z')
    await w.says('boss', '派单 #2 王师傅')
    await w.says('boss', '完工 #2')
    w.clock.set('2026-11-22T15:30:00Z') // 11-22 23:30 Shanghai
    await w.says('u1', '报修 电梯异响')
    const week = (from: string, to: string) => ticketsInPeriod(w.db.db, compoundId, new Date(from), new Date(to))
    // week of 11-16 (Shanghai): Monday 00:00 +08:00 .. next Monday
    expect(await week('2026-11-15T16:00:00Z', '2026-11-22T16:00:00Z')).toEqual({ opened: 3, done: 1, overdue: 0, open: 2 })
    // next week: #1 is overdue from 11-24 00:00 Shanghai (reported 11-16 + 7 days)
    expect(await week('2026-11-22T16:00:00Z', '2026-11-29T16:00:00Z')).toEqual({ opened: 0, done: 0, overdue: 2, open: 2 })
    // as of a moment inside the week: 11-23 23:59 Shanghai, #1 is not overdue yet
    expect(await ticketsInPeriod(w.db.db, compoundId, new Date('2026-11-22T16:00:00Z'), new Date('2026-11-29T16:00:00Z'), new Date('2026-11-23T15:59:00Z'))).toEqual({
      opened: 0,
      done: 0,
      overdue: 0,
      open: 2,
    })
    expect(await openTicketsSummary(w.db.db, compoundId, new Date('2026-11-23T16:00:00Z'))).toEqual({ open: 2, overdue: 1 })
    // a past period keeps its counts after later changes
    w.clock.set('2026-12-01T01:00:00Z')
    await w.says('boss', '派单 #1 王师傅')
    await w.says('boss', '完工 #1')
    expect(await week('2026-11-22T16:00:00Z', '2026-11-29T16:00:00Z')).toEqual({ opened: 0, done: 0, overdue: 2, open: 2 })
    expect(await openTicketsSummary(w.db.db, compoundId, w.clock.now())).toEqual({ open: 1, overdue: 1 })
  })

  it('marks overdue by calendar days in the compound time zone, not UTC', async () => {
    const { w, compoundId } = await setUp()
    await w.db.db.update(compounds).set({ settings: { overdueDays: 1 } }).where(eq(compounds.id, compoundId))
    w.clock.set('2026-11-23T15:30:00Z') // 11-23 23:30 Shanghai
    await w.says('u1', '报修 楼道灯不亮')
    w.clock.set('2026-11-24T15:59:00Z') // 11-24 23:59 Shanghai: one local day, not overdue
    await w.says('u1', '报修列表').then((r) => expect(r.text).not.toContain('超期'))
    w.clock.set('2026-11-24T16:00:00Z') // 11-25 00:00 Shanghai (still 11-24 in UTC)
    await w.says('u1', '报修列表').then((r) => r.expectReply('⚠超期 1 天'))
    await w.says('u1', '报修 #1').then((r) => r.expectReply('⚠ 已超期 1 天（期限 1 天）'))
    await w.db.db.update(compounds).set({ timeZone: 'UTC' }).where(eq(compounds.id, compoundId))
    await w.says('u1', '报修列表').then((r) => expect(r.text).not.toContain('超期'))
  })
})

describe('traditional Chinese and English compounds', () => {
  it('reports, assigns, completes and confirms in zh-TW', async () => {
    const w = await world(dbs)
    await w.says('a', '開通 臺北社區', { admin: true, name: '林主任' }).then((r) => r.expectReply('已開通「臺北社區」'))
    await w.says('r', '報修 樓道燈不亮 3棟2單元', { name: '陳先生' }).then((r) => r.expectReply('已登記報修 #1（照明，3-2），委員會會儘快派單。查看進度：報修 #1'))
    await w.says('a', '派單 #1 王師傅').then((r) => r.expectReply('報修 #1 已派給 王*'))
    await w.says('a', '進度 #1 明天換').then((r) => r.expectReply('報修 #1 進度已記錄'))
    await w.says('a', '完工 #1 費用 80').then((r) => r.expectReply('報修 #1 已完工（費用 ¥80.00，已記入帳目，流水號 1）'))
    await w.says('r', '確認 #1').then((r) => r.expectReply('報修 #1 已確認修好'))
    await w.says('r', '報修 水管漏水').then((r) => r.expectReply('已登記緊急報修 #2'))
    await w.says('r', '駁回 #2 沒修好').then((r) => r.expectReply('報修 #2 現在是「待派單」，不能駁回。下一步：派單 #2 姓名'))
    await w.says('a', '報修列表').then((r) => r.expectReply('#2【待派單】緊急·水管：水管漏水'))
    await w.says('r', '我的報修').then((r) => r.expectReply('你的報修（未完結 1 單）'))
    await w.says('a', '分類 #2 下水道').then((r) => r.expectReply('報修 #2 已改為：下水道'))
    await w.says('a', '關閉 #2 重複').then((r) => r.expectReply('報修 #2 已關閉：重複'))
  })

  it('reports, assigns, completes and confirms in English', async () => {
    const w = await world(dbs)
    await w.says('a', '/setup Maple Court', { admin: true, name: 'Ann' }).then((r) => r.expectReply('Set up "Maple Court"'))
    await w.says('r', '/repair stair light broken', { name: 'Bob' }).then((r) =>
      r.expectReply('Repair ticket #1 opened (lighting); the committee will assign it soon. Follow it: /repair #1'),
    )
    await w.says('a', '/assign #1 Mr Wang').then((r) => r.expectReply('Ticket #1 assigned to M*'))
    await w.says('a', '/progress #1 bulb bought').then((r) => r.expectReply('Progress on ticket #1 noted'))
    await w.says('a', '/done #1 cost 45.50').then((r) => r.expectReply('Ticket #1 is done (cost ¥45.50, booked in the ledger as entry 1). B*, please confirm'))
    await w.says('r', '/confirm #1').then((r) => r.expectReply('Ticket #1 confirmed fixed and closed'))
    await w.says('r', '/repair #1').then((r) => r.expectReply('Repair #1 [confirmed fixed]').expectReply('A* assigned it to M*'))
    await w.says('r', '/repair water pipe leak in the basement').then((r) => r.expectReply('Urgent repair ticket #2 opened (water)'))
    await w.says('r', '/confirm #2').then((r) => r.expectReply('Ticket #2 is waiting to be assigned: confirming is not possible now.'))
    await w.says('a', '/reject #2 duplicate of #1').then((r) => r.expectReply('Ticket #2 closed: duplicate of #1.'))
    await w.says('r', '/repairs').then((r) => r.expectReply('No open repair tickets'))
    await w.says('r', '/myrepairs').then((r) => r.expectReply('You have no open repair tickets'))
    await w.says('r', '/repair x').then((r) => r.expectReply('The description is too short').expectReply('Usage: /repair <description>'))
    await w.says('a', '/done #1 cost abc').then((r) => r.expectReply('Ticket #1 is confirmed fixed'))
  })
})

describe('history is append-only', () => {
  it('refuses to change or delete a ticket event', async () => {
    const { w } = await setUp()
    await w.says('u1', '报修 楼道灯不亮')
    await expect(w.db.db.execute(sql`UPDATE ticket_events SET note = 'x'`)).rejects.toThrow()
    await expect(w.db.db.execute(sql`DELETE FROM ticket_events`)).rejects.toThrow()
    expect(await rows.events(w)).toHaveLength(1)
  })
})
