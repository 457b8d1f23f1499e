// Issue 12 item 2: a repair cost from anyone who is not committee is a claim (on the ticket, not in the
// ledger) until the committee approves it; above the compound's limit the head must; 完工/驳回 loops book
// nothing. Through the real pipeline on a real database.
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { compounds } from '../../db/schema.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { groupTexts, privateTo, privateUsers } from '../helpers/world.ts'
import { moneyWorld, rows, snapshot } from './money-world.ts'

const dbs = useTestDatabases()

describe('完工 with a cost by an assignee who is not committee', () => {
  it('books nothing: the cost is a pending claim, the committee is told privately, the group sees it awaits approval', async () => {
    const { w, id } = await moneyWorld(dbs)
    await w.says('u1', '报修 楼道灯不亮')
    await w.says('boss', '派单 #1 @李师傅').then((r) => r.expectReply('已派给'))
    const r = await w.says('w1', '完工 #1 费用 5000 换了灯泡')
    expect(groupTexts(r)).toEqual([expect.stringContaining('报修 #1 已完工（费用 ¥5,000.00 待委员会批准，尚未记账）')])
    expect(await rows.ledger(w)).toEqual([])
    const claims = await rows.claims(w)
    expect(claims).toHaveLength(1)
    expect(claims[0]).toMatchObject({ status: 'pending', amountFen: 500000n, payee: '李师傅', note: '换了灯泡', claimedBy: await id('w1') })
    expect(claims[0]!.claimedAt.toISOString()).toBe(w.clock.now().toISOString())
    // the committee (head included) privately, with how to decide; the reporter as before; not the claimant
    expect(privateUsers(r)).toEqual(['boss', 'c2', 'cc', 'u1'])
    expect(privateTo(r, 'cc')[0]).toBe('报修 #1（楼道灯不亮）：李师傅 申请费用 ¥5,000.00（换了灯泡）。批准请发：批准 #1；不批准请发：拒绝 #1 原因')
    expect((await rows.tickets(w))[0]!.status).toBe('done')

    const show = await w.says('u2', '报修 #1')
    show.expectReply('待批准：¥5,000.00（李* 申请；批准 #1 / 拒绝 #1 原因）')
    expect(show.text).not.toMatch(/^费用：/m)
    show.expectReply('李* 申请费用：¥5,000.00 换了灯泡')
  })

  it('批准 books the claim as an expense linked to the ticket, paid to the assignee, recorded by the approver', async () => {
    const { w, id, compoundId } = await moneyWorld(dbs)
    await w.says('u1', '报修 楼道灯不亮')
    await w.says('boss', '派单 #1 @李师傅')
    await w.says('w1', '完工 #1 费用 120.50 元 换了灯泡')
    w.clock.advance(60_000)
    const r = await w.says('cc', '批准 #1')
    expect(groupTexts(r)).toEqual(['已批准报修 #1 的费用 ¥120.50（李* 申请），已记入账目，流水号 1。'])
    expect(privateTo(r, 'w1')).toEqual(['你为报修 #1 申请的费用 ¥120.50 已由 老李 批准，已记入账目（流水号 1）。'])
    const [ticket] = await rows.tickets(w)
    const [entry, ...more] = await rows.ledger(w)
    expect(more).toEqual([])
    expect(entry).toMatchObject({
      compoundId,
      serial: 1,
      kind: 'expense',
      amountFen: 12050n,
      category: 'repair',
      counterparty: '李师傅',
      ticketId: ticket!.id,
      recordedBy: await id('cc'),
    })
    expect((await rows.claims(w))[0]).toMatchObject({ status: 'approved', decidedBy: await id('cc'), ledgerSerial: 1 })
    const show = await w.says('u2', '报修 #1')
    show.expectReply('费用：¥120.50').expectReply('老* 批准费用：¥120.50 (#1)')
    expect(show.text).not.toContain('待批准')
    // decided once: nothing left to approve, nothing booked twice
    const before = await snapshot(w)
    await w.says('boss', '批准 #1').then((x) => x.expectReply('报修 #1 没有待批准的费用。'))
    expect(await snapshot(w)).toBe(before)
  })

  it('拒绝 books nothing, keeps the reason on the claim and in the history, and tells the claimant', async () => {
    const { w, id } = await moneyWorld(dbs)
    await w.says('u1', '报修 楼道灯不亮')
    await w.says('boss', '派单 #1 @李师傅')
    await w.says('w1', '完工 #1 费用 800')
    const r = await w.says('cc', '拒绝 #1 报价太高，灯泡二十元')
    expect(groupTexts(r)).toEqual(['报修 #1 的费用 ¥800.00（李* 申请）未获批准：报价太高，灯泡二十元'])
    expect(privateTo(r, 'w1')).toEqual(['你为报修 #1 申请的费用 ¥800.00 未获批准（老李）：报价太高，灯泡二十元'])
    expect(await rows.ledger(w)).toEqual([])
    expect((await rows.claims(w))[0]).toMatchObject({ status: 'rejected', decidedBy: await id('cc'), decisionNote: '报价太高，灯泡二十元' })
    await w.says('u2', '报修 #1').then((x) => x.expectReply('老* 不批准费用：¥800.00 报价太高，灯泡二十元'))
    await w.says('boss', '批准 #1').then((x) => x.expectReply('报修 #1 没有待批准的费用。'))
    await w.says('boss', '不批准 #1 重复').then((x) => x.expectReply('报修 #1 没有待批准的费用。'))
    expect(await rows.ledger(w)).toEqual([])
  })

  it('only the committee decides, nobody approves their own claim, and every refusal writes nothing', async () => {
    const { w, compoundId, id } = await moneyWorld(dbs)
    await w.says('u1', '报修 楼道灯不亮')
    await w.says('boss', '派单 #1 @李师傅')
    await w.says('w1', '完工 #1 费用 300')
    const before = await snapshot(w)
    await w.says('w1', '批准 #1').then((r) => r.expectReply('只有委员可以这样做'))
    await w.says('u1', '批准 #1').then((r) => r.expectReply('只有委员可以这样做'))
    await w.says('col', '批准 #1').then((r) => r.expectReply('只有委员可以这样做'))
    await w.says('u1', '拒绝 #1 太贵').then((r) => r.expectReply('只有委员可以这样做'))
    await w.says('cc', '批准').then((r) => r.expectReply('请写上报修单编号'))
    await w.says('cc', '批准 #9').then((r) => r.expectReply('没有报修单 #9'))
    await w.says('cc', '拒绝 #1').then((r) => r.expectReply('请写上不批准的原因'))
    expect(await snapshot(w)).toBe(before)
    // the claimant is made committee later: still not their own approver
    const { setRole } = await import('../../db/compounds.ts')
    await setRole(w.db.db, { compoundId, memberId: await id('w1'), role: 'committee' })
    await w.says('w1', '批准 #1').then((r) => r.expectReply('不能批准自己申请的费用（报修 #1，¥300.00），请其他委员批准。'))
    expect(await snapshot(w)).toBe(before)
  })
})

describe('the approval limit', () => {
  it('a claim above ¥5,000 goes to the head only; a committee member cannot approve it, the head can', async () => {
    const { w } = await moneyWorld(dbs)
    await w.says('u1', '报修 水泵坏了')
    await w.says('boss', '派单 #1 @李师傅')
    const r = await w.says('w1', '完工 #1 费用 6000')
    r.expectReply('报修 #1 已完工（费用 ¥6,000.00 超过 ¥5,000.00，待主任批准，尚未记账）')
    expect(privateUsers(r)).toEqual(['boss', 'u1'])
    expect(privateTo(r, 'boss')[0]).toContain('超过 ¥5,000.00，需要主任批准：批准 #1')
    const before = await snapshot(w)
    await w.says('cc', '批准 #1').then((x) => x.expectReply('报修 #1 的费用 ¥6,000.00 超过 ¥5,000.00，需要主任批准。'))
    expect(await snapshot(w)).toBe(before)
    await w.says('boss', '批准 #1').then((x) => x.expectReply('已批准报修 #1 的费用 ¥6,000.00'))
    expect((await rows.ledger(w)).map((e) => e.amountFen)).toEqual([600000n])
  })

  it('a committee member books up to the limit; above it their cost is a claim for the head; the head books any amount', async () => {
    const { w, compoundId } = await moneyWorld(dbs)
    for (const [no, d] of ['楼道灯不亮', '水管漏水', '门锁坏了', '路灯不亮'].entries()) {
      await w.says('u1', `报修 ${d}`)
      await w.says('boss', `派单 #${no + 1} 王师傅`)
    }
    await w.says('cc', '完工 #1 费用 5000').then((r) => r.expectReply('报修 #1 已完工（费用 ¥5,000.00，已记入账目，流水号 1）'))
    const r = await w.says('cc', '完工 #2 费用 5000.01')
    r.expectReply('报修 #2 已完工（费用 ¥5,000.01 超过 ¥5,000.00，待主任批准，尚未记账）')
    expect(privateUsers(r)).toEqual(['boss', 'u1'])
    await w.says('boss', '完工 #3 费用 8000').then((x) => x.expectReply('（费用 ¥8,000.00，已记入账目，流水号 2）'))
    // the limit is a compound setting
    await w.db.db.update(compounds).set({ settings: { costApprovalLimitFen: '10000' } }).where(eq(compounds.id, compoundId))
    await w.says('cc', '完工 #4 费用 150').then((x) => x.expectReply('（费用 ¥150.00 超过 ¥100.00，待主任批准，尚未记账）'))
    expect((await rows.ledger(w)).map((e) => e.amountFen)).toEqual([500000n, 800000n])
    expect((await rows.claims(w)).map((c) => [c.amountFen, c.status])).toEqual([
      [500001n, 'pending'],
      [15000n, 'pending'],
    ])
  })
})

describe('the 完工/驳回 loop', () => {
  it('a reporter who is also the assignee books nothing however often they loop, and only the newest claim is pending', async () => {
    const { w, id } = await moneyWorld(dbs)
    await w.says('u1', '报修 单元门坏了')
    await w.says('boss', '派单 #1 @张三')
    for (let i = 0; i < 3; i++) {
      const r = await w.says('u1', '完工 #1 费用 1000000')
      r.expectReply('（费用 ¥1,000,000.00 超过 ¥5,000.00，待主任批准，尚未记账）')
      if (i > 0) r.expectReply('之前待批准的费用 ¥1,000,000.00 已作废，以这次为准。')
      await w.says('u1', '驳回 #1 还是坏的').then((x) => x.expectReply('已驳回'))
    }
    expect(await rows.ledger(w)).toEqual([])
    const claims = await rows.claims(w)
    expect(claims.map((c) => c.status)).toEqual(['withdrawn', 'withdrawn', 'pending'])
    expect(claims.every((c) => c.claimedBy)).toBe(true)
    expect(claims[0]!.decidedBy).toBe(await id('u1'))
    const show = await w.says('u2', '报修 #1')
    expect(show.text.match(/待批准：/g)).toHaveLength(1)
    expect(show.text).not.toMatch(/^费用：/m)
    await w.says('u2', '报修列表').then((x) => x.expectReply(/#1【.+】.*待批准 ¥1,000,000\.00/))
  })
})

describe('in other languages', () => {
  it('English and traditional Chinese keywords and replies', async () => {
    const { w } = await moneyWorld(dbs)
    await w.says('u1', '报修 楼道灯不亮')
    await w.says('u1', '报修 水管漏水')
    await w.says('boss', '派单 #1 @李师傅')
    await w.says('boss', '派单 #2 @李师傅')
    await w.says('w1', '/done #1 cost 50').then((r) => r.expectReply('报修 #1 已完工（费用 ¥50.00 待委员会批准，尚未记账）'))
    await w.says('w1', '完工 #2 費用 70').then((r) => r.expectReply('待委员会批准'))
    await w.says('cc', '/approve #1').then((r) => r.expectReply('已批准报修 #1 的费用 ¥50.00'))
    await w.says('cc', '/decline #2').then((r) => r.expectReply('请写上不批准的原因'))
    await w.says('cc', '拒絕 #2 太貴').then((r) => r.expectReply('未获批准：太貴'))
    const { t } = await import('../../src/i18n/index.ts')
    expect(t('en', 'claims.pending', { amount: '¥50.00' })).toBe(' (cost ¥50.00 awaits the committee’s approval; not booked yet)')
    expect(t('zh-TW', 'claims.needsHead', { no: 1, amount: '¥6,000.00', limit: '¥5,000.00' })).toBe('報修 #1 的費用 ¥6,000.00 超過 ¥5,000.00，需要主任批准。')
  })
})
