// Issue 12 item 3: the same payment (household, amount) twice within 10 minutes, or a second cost linked
// to a ticket, is held until the recorder confirms it (确认重复 <流水号>, or the Telegram button); a
// ticket's shown cost is the sum of the ledger entries linked to it. Through the real pipeline.
import { describe, expect, it } from 'vitest'
import { useTestDatabases } from '../helpers/db.ts'
import { groupTexts, privateTo } from '../helpers/world.ts'
import { ledgerCount, moneyWorld, rows, snapshot } from './money-world.ts'

const dbs = useTestDatabases()
const MIN = 60_000

describe('the same payment twice within 10 minutes', () => {
  it('is held, names the earlier entry, and is booked once when the same person confirms', async () => {
    const { w, hh, id } = await moneyWorld(dbs)
    w.clock.set('2026-11-23T02:00:00Z') // 10:00 in Shanghai
    await w.says('col', '缴费 3-2-201 100')
    w.clock.advance(5 * MIN)
    const r = await w.says('col', '缴费 3-2-201 100 十二月')
    expect(privateTo(r, 'col')).toEqual([
      [
        '没有记账：3-2-201 缴费 ¥100.00 疑似重复。10 分钟内已登记过同一户同样金额：流水 #1（11-23 10:00，小赵 登记）。',
        '如果确实是另一笔，请在 10 分钟内发送：确认重复 1',
      ].join('\n'),
    ])
    expect(groupTexts(r)).toEqual(['@小* 这笔缴费疑似重复，没有记账，已私信说明。'])
    // on Telegram the hold carries a button whose data is the command
    expect(r.replies.find((x) => x.user === 'col')!.buttons).toEqual([[{ text: '确认重复 1', data: '/confirmdup 1' }]])
    // the payer's receipt goes out only for what is booked
    expect(privateTo(r, 'u1')).toEqual([])
    expect(await ledgerCount(w)).toBe(1)

    // only the person who was asked may confirm
    const before = await snapshot(w)
    await w.says('cc', '确认重复 1').then((x) => x.expectReply('没有等你确认的重复记录（流水 #1）'))
    await w.says('col', '确认重复').then((x) => x.expectReply('请写上回复里给出的流水号'))
    await w.says('col', '确认重复 2').then((x) => x.expectReply('没有等你确认的重复记录（流水 #2）'))
    expect(await snapshot(w)).toBe(before)

    const ok = await w.says('col', '确认重复 1')
    expect(privateTo(ok, 'col')[0]).toMatch(/^已确认不是重复，记账如下：\n已登记 3-2-201 缴费 ¥100\.00（流水 #2）。/)
    const ledger = await rows.ledger(w)
    expect(ledger.map((e) => [e.serial, e.kind, e.householdId, e.amountFen, e.note, e.recordedBy])).toEqual([
      [1, 'payment', hh['3-2-201'], 10000n, null, await id('col')],
      [2, 'payment', hh['3-2-201'], 10000n, '十二月', await id('col')],
    ])
    expect(ledger[1]!.recordedAt.toISOString()).toBe(w.clock.now().toISOString())
    // once
    await w.says('col', '确认重复 1').then((x) => x.expectReply('对流水 #1 的重复确认已经用过了，不会再记一次。'))
    expect(await ledgerCount(w)).toBe(2)
  })

  it('is held whoever recorded the first one, and the button press (/confirmdup) books it', async () => {
    const { w } = await moneyWorld(dbs)
    await w.says('col', '缴费 3-2-202 60')
    w.clock.advance(9 * MIN)
    const r = await w.says('cc', '/pay 3-2-202 60')
    expect(privateTo(r, 'cc')[0]).toContain('流水 #1（11-23 10:00，小赵 登记）')
    expect(await ledgerCount(w)).toBe(1)
    const press = await w.says('cc', '/confirmdup 1')
    expect(privateTo(press, 'cc')[0]).toContain('已登记 3-2-202 缴费 ¥60.00（流水 #2）')
    expect(await ledgerCount(w)).toBe(2)
  })

  it('is not flagged after 10 minutes, for another amount or household, or when the earlier one was reversed', async () => {
    const { w } = await moneyWorld(dbs)
    await w.says('col', '缴费 3-2-201 100')
    w.clock.advance(10 * MIN + 1000)
    await w.says('col', '缴费 3-2-201 100').then((r) => expect(privateTo(r, 'col')[0]).toContain('（流水 #2）'))
    await w.says('col', '缴费 3-2-201 100.01').then((r) => expect(privateTo(r, 'col')[0]).toContain('（流水 #3）'))
    await w.says('col', '缴费 3-2-202 100').then((r) => expect(privateTo(r, 'col')[0]).toContain('（流水 #4）'))
    await w.says('cc', '冲正 4 房号写错了')
    await w.says('col', '缴费 3-2-202 100').then((r) => expect(privateTo(r, 'col')[0]).toContain('（流水 #6）'))
    expect(await ledgerCount(w)).toBe(6)
    expect(await rows.confirmations(w)).toEqual([])
  })

  it('a hold expires after 10 minutes and books nothing; repeating the command does not queue a second booking', async () => {
    const { w } = await moneyWorld(dbs)
    await w.says('col', '缴费 3-2-201 100')
    await w.says('col', '缴费 3-2-201 100').then((r) => r.expectReply('疑似重复'))
    await w.says('col', '缴费 3-2-201 100').then((r) => r.expectReply('疑似重复'))
    expect(await rows.confirmations(w)).toHaveLength(1)
    w.clock.advance(10 * MIN + 1000)
    await w.says('col', '确认重复 1').then((r) => r.expectReply('对流水 #1 的重复确认已超过 10 分钟，已作废。'))
    expect(await ledgerCount(w)).toBe(1)
  })

  it('the group learns how to confirm when the recorder cannot be written to privately', async () => {
    const { w } = await moneyWorld(dbs)
    await w.says('col', '缴费 3-2-201 100')
    w.adapter.unreachable.add('col')
    const r = await w.says('col', '缴费 3-2-201 100')
    expect(groupTexts(r)).toEqual(['@小* 这笔缴费与流水 #1 疑似重复，没有记账。如果确实是另一笔，请在 10 分钟内发送：确认重复 1'])
  })
})

describe('a second cost linked to a ticket', () => {
  it('支出 … #n is held when the ticket already has a booked cost; 确认重复 books it; the shown cost is the ledger sum', async () => {
    const { w } = await moneyWorld(dbs)
    w.clock.set('2026-11-23T02:00:00Z')
    await w.says('u1', '报修 楼道灯不亮')
    await w.says('boss', '派单 #1 王师傅')
    await w.says('boss', '完工 #1 费用 35').then((r) => r.expectReply('（费用 ¥35.00，已记入账目，流水号 1）'))
    w.clock.advance(3 * MIN)
    const r = await w.says('cc', '支出 50 换灯泡 #1', { images: ['/p/receipt.jpg'] })
    expect(groupTexts(r)).toEqual([
      [
        '费用 ¥50.00 没有记账：报修 #1 已有记账的费用——流水 #1（¥35.00，11-23 10:00，老* 登记），疑似重复。',
        '如果确实是另一笔，请在 10 分钟内发送：确认重复 1',
      ].join('\n'),
    ])
    expect(r.replies[0]!.buttons).toEqual([[{ text: '确认重复 1', data: '/confirmdup 1' }]])
    expect(await ledgerCount(w)).toBe(1)
    await w.says('boss', '确认重复 1').then((x) => x.expectReply('没有等你确认的重复记录'))

    const ok = await w.says('cc', '确认重复 1')
    ok.expectReply('已确认不是重复，记账如下：\n已登记支出 ¥50.00：换灯泡（维修，流水 #2）。').expectReply('关联报修单 #1。').expectReply('已附收据照片。')
    const [ticket] = await rows.tickets(w)
    const ledger = await rows.ledger(w)
    expect(ledger.map((e) => [e.serial, e.kind, e.amountFen, e.ticketId, e.receiptRef])).toEqual([
      [1, 'expense', 3500n, ticket!.id, null],
      [2, 'expense', 5000n, ticket!.id, '/p/receipt.jpg'],
    ])
    const shown = async () => /^费用：(.+)$/m.exec((await w.says('u2', '报修 #1')).text)?.[1]
    expect(await shown()).toBe('¥85.00')
    await w.says('u2', '报修 #1').then((x) => x.expectReply('老* 记入费用：¥50.00 (#2) 换灯泡'))
    // net of reversals: the shown cost follows the ledger, whoever reverses what
    await w.says('cc', '冲正 2 重复登记')
    expect(await shown()).toBe('¥35.00')
    await w.says('cc', '冲正 1 记错了')
    expect(await shown()).toBeUndefined()
    // with no booked cost left, a cost linked to the ticket is booked at once
    await w.says('cc', '支出 40 换灯泡 #1').then((x) => x.expectReply('已登记支出 ¥40.00'))
    expect(await shown()).toBe('¥40.00')
    await w.says('u1', '我的报修').then((x) => x.expectReply(/#1【已完工待确认】.* 费用 ¥40\.00/))
  })

  it('完工 again with a cost by the committee after 驳回 is held; the ticket is still done', async () => {
    const { w } = await moneyWorld(dbs)
    await w.says('u1', '报修 楼道灯不亮')
    await w.says('boss', '派单 #1 王师傅')
    await w.says('cc', '完工 #1 费用 35')
    await w.says('u1', '驳回 #1 又坏了')
    const r = await w.says('cc', '完工 #1 费用 35 又换了一次')
    r.expectReply('报修 #1 已完工。请 张* 确认').expectReply('费用 ¥35.00 没有记账：报修 #1 已有记账的费用——流水 #1').expectReply('确认重复 1')
    expect((await rows.tickets(w))[0]!.status).toBe('done')
    expect(await ledgerCount(w)).toBe(1)
    await w.says('cc', '确认重复 1').then((x) => x.expectReply('已记入报修 #1 的费用 ¥35.00，流水号 2。'))
    const ledger = await rows.ledger(w)
    expect(ledger.map((e) => [e.amountFen, e.ticketId, e.counterparty, e.category])).toEqual([
      [3500n, ledger[0]!.ticketId, '王师傅', 'repair'],
      [3500n, ledger[0]!.ticketId, '王师傅', 'repair'],
    ])
    await w.says('u2', '报修 #1').then((x) => x.expectReply('费用：¥70.00'))
  })

  it('approving a claim on a ticket that already has a booked cost is held until the approver confirms', async () => {
    const { w } = await moneyWorld(dbs)
    await w.says('u1', '报修 楼道灯不亮')
    await w.says('boss', '派单 #1 @李师傅')
    await w.says('cc', '支出 20 灯泡 #1')
    await w.says('w1', '完工 #1 费用 80 人工')
    const r = await w.says('c2', '批准 #1')
    r.expectReply('费用 ¥80.00 没有记账：报修 #1 已有记账的费用——流水 #1（¥20.00').expectReply('确认重复 1')
    expect(await ledgerCount(w)).toBe(1)
    expect((await rows.claims(w))[0]!.status).toBe('pending')
    await w.says('cc', '确认重复 1').then((x) => x.expectReply('没有等你确认的重复记录'))
    const ok = await w.says('c2', '确认重复 1')
    ok.expectReply('已确认不是重复，记账如下：\n已批准报修 #1 的费用 ¥80.00（李* 申请），已记入账目，流水号 2。')
    expect(privateTo(ok, 'w1')).toEqual(['你为报修 #1 申请的费用 ¥80.00 已由 陈委员 批准，已记入账目（流水号 2）。'])
    expect((await rows.claims(w))[0]).toMatchObject({ status: 'approved', ledgerSerial: 2 })
    await w.says('u2', '报修 #1').then((x) => x.expectReply('费用：¥100.00'))
  })

  it('a held claim approval decided meanwhile books nothing', async () => {
    const { w } = await moneyWorld(dbs)
    await w.says('u1', '报修 楼道灯不亮')
    await w.says('boss', '派单 #1 @李师傅')
    await w.says('cc', '支出 20 灯泡 #1')
    await w.says('w1', '完工 #1 费用 80')
    await w.says('c2', '批准 #1').then((x) => x.expectReply('确认重复 1'))
    await w.says('cc', '拒绝 #1 已经付过了').then((x) => x.expectReply('未获批准'))
    await w.says('c2', '确认重复 1').then((x) => x.expectReply('报修 #1 的这笔费用申请已经处理过了，没有再记账。'))
    expect(await ledgerCount(w)).toBe(1)
  })
})
