// Fees and the ledger through the real pipeline: every command and refusal, replies and rows.
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compounds, feeSchedules, ledgerEntries, ledgerReceipts, members, tickets } from '../../db/schema.ts'
import { createCompound } from '../../db/compounds.ts'
import { householdBalance } from '../../db/ledger-sums.ts'
import { verifyCompoundLedger } from '../../db/ledger-check.ts'
import { feeForArea, formatMoney } from '../../src/domain/money.ts'
import { billMonth } from '../../src/services/fees.ts'
import { importRoster, parseRoster } from '../../src/cli/roster.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { ROSTER, townWorld } from '../helpers/fixtures.ts'
import { groupTexts, privateTo, type World } from '../helpers/world.ts'

const dbs = useTestDatabases()

interface Setup {
  w: World
  compoundId: number
  hh: Record<string, number>
}

/**
 * 幸福里 with three households; boss = head, cc = committee (老李), col = collector (小赵),
 * u1 = resident verified for 3-2-201 (张三), u2 = resident pending for 3-2-202 (李四), u3 = unbound.
 */
async function setUp(): Promise<Setup> {
  return townWorld(dbs, {
    roster: ROSTER,
    people: [
      { id: 'cc', name: '老李', role: 'committee' },
      { id: 'col', name: '小赵', role: 'collector' },
      { id: 'u1', name: '张三', rooms: ['3-2-201'] },
      { id: 'u2', name: '李四', rooms: ['3-2-202'], relation: 'tenant', status: 'pending' },
      { id: 'u3', name: '王五' },
    ],
  })
}

const count = async (w: World, table: typeof ledgerEntries | typeof feeSchedules | typeof ledgerReceipts) =>
  (await w.db.db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n

describe('收费标准 / feerule', () => {
  it('lists nothing, sets schedules in every basis, lists them; only the head may set, anyone may list', async () => {
    const { w } = await setUp()
    await w.says('boss', '收费标准').then((r) => r.expectReply('还没有收费标准'))
    await w.says('boss', '收费标准 物业费 0.80 每平米每月').then((r) => r.expectReply('已设置收费标准：物业费 ¥0.80 每平米每月，从 2026-11 起'))
    await w.says('boss', '收费标准 垃圾清运费 5元 每户每月 起始 2026-12').then((r) => r.expectReply('垃圾清运费 ¥5.00 每户每月，从 2026-12 起'))
    await w.says('boss', '收费标准 电梯自筹 1084 每户一次').then((r) => r.expectReply('已设置一次性收费：电梯自筹 每户 ¥1,084.00，2026-11 出账'))
    await w.says('boss', '/feerule parking 30 per_household_month start 2027-01').then((r) => r.expectReply('¥30.00'))
    const list = await w.says('boss', '收费标准')
    list.expectReply('收费标准：')
    expect(list.text).toContain('• 物业费 ¥0.80 每平米每月，2026-11 起')
    expect(list.text).toContain('• 电梯自筹 ¥1,084.00 每户一次，2026-11 出账')
    expect(list.text).toContain('• parking ¥30.00 每户每月，2027-01 起')
    const rows = await w.db.db.select().from(feeSchedules)
    expect(rows.map((r) => [r.name, r.basis, r.rateFen, r.startMonth])).toEqual([
      ['物业费', 'per_m2_month', 80n, '2026-11'],
      ['垃圾清运费', 'per_household_month', 500n, '2026-12'],
      ['电梯自筹', 'one_off', 108400n, '2026-11'],
      ['parking', 'per_household_month', 3000n, '2027-01'],
    ])
    await w.says('cc', '收费标准 物业费 1 每户每月').then((r) => r.expectReply('只有主任可以这样做'))
    await w.says('cc', '收费标准').then((r) => r.expectReply('• 物业费 ¥0.80 每平米每月，2026-11 起，每月月底到期'))
    await w.says('u3', '收费标准').then((r) => r.expectReply('• 电梯自筹 ¥1,084.00 每户一次，2026-11 出账，2026-11-30 到期'))
    expect(await count(w, feeSchedules)).toBe(4)
  })

  it('refuses bad input with the usage line and writes nothing', async () => {
    const { w } = await setUp()
    await w.says('boss', '收费标准 物业费 0.80').then((r) => r.expectReply(/计费方式只能是[\s\S]*用法：收费标准/))
    await w.says('boss', '收费标准 物业费 abc 每平米每月').then((r) => r.expectReply('「abc」不是金额'))
    await w.says('boss', '收费标准 物业费 -1 每平米每月').then((r) => r.expectReply('不能是负数'))
    await w.says('boss', '收费标准 物业费 0.805 每平米每月').then((r) => r.expectReply('最多到分'))
    await w.says('boss', '收费标准 0.80 每平米每月').then((r) => r.expectReply('请写上收费名称'))
    await w.says('boss', '收费标准 物业费 0.80 每平米每月 起始 2026-10').then((r) => r.expectReply('起始月份 2026-10 已经过去'))
    await w.says('boss', '收费标准 物业费 0.80 每平米每月 起始 下个月').then((r) => r.expectReply('看不懂起始月份「下个月」'))
    await w.says('boss', '收费标准 物业费 0.80 每平米每月 多余的话').then((r) => r.expectReply('格式不对'))
    expect(await count(w, feeSchedules)).toBe(0)
  })

  it('a new rate ends the old one before it; months already billed cannot be re-rated', async () => {
    const { w, compoundId } = await setUp()
    await w.says('boss', '收费标准 物业费 0.80 每平米每月')
    await billMonth(w.db.db, compoundId, '2026-11', w.clock.now())
    await w.says('boss', '收费标准 物业费 0.90 每平米每月').then((r) => r.expectReply('「物业费」已按原标准出账到 2026-11，新标准最早从 2026-12 起'))
    await w.says('boss', '收费标准 物业费 0.90 每平米每月 起始 12月').then((r) => r.expectReply('原标准（¥0.80 每平米每月）到 2026-11 为止'))
    const rows = await w.db.db.select().from(feeSchedules).orderBy(feeSchedules.id)
    expect(rows.map((r) => [r.rateFen, r.startMonth, r.endMonth])).toEqual([
      [80n, '2026-11', '2026-11'],
      [90n, '2026-12', null],
    ])
    // twice for the same one-off is refused
    await w.says('boss', '收费标准 自筹 1084 每户一次')
    await w.says('boss', '收费标准 自筹 1084 每户一次').then((r) => r.expectReply('不能重复设置'))
  })
})

describe('billing', () => {
  it('bills every household (vacant too) once per month, per m² rounded half-up; one-offs once ever', async () => {
    const { w, compoundId, hh } = await setUp()
    await w.says('boss', '收费标准 物业费 0.85 每平米每月')
    await w.says('boss', '收费标准 垃圾费 5 每户每月')
    await w.says('boss', '收费标准 自筹 1084 每户一次')
    await w.says('boss', '收费标准 停车 30 每户每月 起始 2027-01')
    const first = await billMonth(w.db.db, compoundId, '2026-11', w.clock.now())
    expect(first).toMatchObject({ charged: 9, alreadyBilled: 0, households: 3, schedules: 3 })
    const again = await billMonth(w.db.db, compoundId, '2026-11', w.clock.now())
    expect(again).toMatchObject({ charged: 0, alreadyBilled: 9 })
    const dec = await billMonth(w.db.db, compoundId, '2026-12', w.clock.now())
    expect(dec).toMatchObject({ charged: 6, alreadyBilled: 3 }) // the one-off is not billed again
    expect(await count(w, ledgerEntries)).toBe(15)
    // 89.50 m² × ¥0.85 = ¥76.075 → ¥76.08
    expect(feeForArea(85n, 8950n)).toBe(7608n)
    const b = await householdBalance(w.db.db, compoundId, hh['3-2-201']!)
    expect(b.billedFen).toBe(2n * (7608n + 500n) + 108400n)
    const vacant = await householdBalance(w.db.db, compoundId, hh['5-101']!)
    expect(vacant.billedFen).toBe(2n * (5100n + 500n) + 108400n)
    expect(await verifyCompoundLedger(w.db.db, compoundId)).toMatchObject({ ok: true, count: 15 })
    const keys = (await w.db.db.select({ k: ledgerEntries.billingKey }).from(ledgerEntries)).map((r) => r.k)
    expect(keys).toContain(`fee:1:${hh['3-2-201']}:2026-11`)
    expect(keys).toContain(`fee:3:${hh['3-2-201']}:once`)
  })

  it('billing runs in parallel still bill once', async () => {
    const { w, compoundId } = await setUp()
    await w.says('boss', '收费标准 物业费 0.80 每平米每月')
    const other = await dbs.reopen(w.db)
    const rs = await Promise.all([
      billMonth(w.db.db, compoundId, '2026-11', w.clock.now()),
      billMonth(other.db, compoundId, '2026-11', w.clock.now()),
    ])
    expect(rs[0].charged + rs[1].charged).toBe(3)
    expect(await count(w, ledgerEntries)).toBe(3)
  })
})

describe('查费 / fee', () => {
  it('a verified resident gets billed, paid and owed privately; the group sees only the acknowledgement', async () => {
    const { w, compoundId } = await setUp()
    await w.says('boss', '收费标准 物业费 0.80 每平米每月')
    await billMonth(w.db.db, compoundId, '2026-11', w.clock.now())
    await w.says('col', '缴费 3-2-201 50')
    const r = await w.says('u1', '查费')
    expect(groupTexts(r)).toEqual(['@张* 已私信回复你。'])
    const [dm] = privateTo(r, 'u1')
    expect(dm).toContain('3-2-201 费用（截至 2026-11-23）')
    expect(dm).toContain('已出账：¥71.60')
    expect(dm).toContain('已缴：¥50.00')
    // November's bill is due at the end of November: owed, but not in arrears yet
    expect(dm).toContain('逾期：无\n待缴（未到期）：¥21.60（2026-11-30 到期）')
    expect(dm).toMatch(/最近缴费：\n• 2026-11-23 ¥50.00（流水 #4）/)
    // same with the room given, and in a private chat
    await w.says('u1', '查费 3栋2单元201').then((x) => expect(privateTo(x, 'u1')[0]).toContain('待缴（未到期）：¥21.60'))
    const dm2 = await w.says('u1', '查费', { private: true })
    expect(dm2.replies).toEqual([{ user: 'u1', text: expect.stringContaining('待缴（未到期）：¥21.60') }])
    // once the due day has passed, the unpaid part is overdue
    w.clock.set('2026-12-01T02:00:00Z')
    await w.says('u1', '查费').then((x) => expect(privateTo(x, 'u1')[0]).toContain('逾期：¥21.60（最早一笔 2026-11-30 到期）'))
  })

  it('refuses pending, unbound, and other households, without any amount', async () => {
    const { w } = await setUp()
    await w.says('u2', '查费').then((r) => r.expectReply('还在等待委员会认证'))
    await w.says('u2', '查费 3-2-202').then((r) => r.expectReply('还在等待委员会认证'))
    await w.says('u3', '查费').then((r) => r.expectReply('你还没有绑定房屋'))
    const other = await w.says('u1', '查费 3-2-202')
    other.expectReply('只能查询自己家的费用：3-2-202')
    expect(other.text).not.toContain('¥')
    await w.says('u1', '查费 9-9-909').then((r) => r.expectReply('没有找到房号 9-9-909'))
  })

  it('the committee may query any room; someone unreachable privately is told how to open a chat', async () => {
    const { w } = await setUp()
    const r = await w.says('cc', '查费 5-101')
    expect(privateTo(r, 'cc')[0]).toContain('5-101 费用')
    expect(privateTo(r, 'cc')[0]).toContain('已结清')
    w.adapter.unreachable.add('u1')
    const r2 = await w.says('u1', '查费')
    expect(r2.replies).toHaveLength(1)
    expect(r2.replies[0]).toMatchObject({ chat: 'g1' })
    expect(r2.text).toContain('我无法私信你')
    expect(r2.text).not.toContain('¥')
  })
})

describe('缴费 / pay', () => {
  it('records privately with serial and new balance; the group sees only that it was recorded', async () => {
    const { w, compoundId, hh } = await setUp()
    await w.says('boss', '收费标准 物业费 0.80 每平米每月')
    await billMonth(w.db.db, compoundId, '2026-11', w.clock.now())
    const r = await w.says('col', '缴费 3-2-201 1084 元 十一月到明年')
    expect(groupTexts(r)).toEqual(['@小* 已登记，回执已私信给你。'])
    const [dm] = privateTo(r, 'col')
    expect(dm).toContain('已登记 3-2-201 缴费 ¥1,084.00（流水 #4）')
    expect(dm).toContain('已结清，预缴余额 ¥1,012.40')
    const [row] = await w.db.db.select().from(ledgerEntries).where(eq(ledgerEntries.serial, 4))
    expect(row).toMatchObject({ kind: 'payment', amountFen: 108400n, householdId: hh['3-2-201'], note: '十一月到明年' })
    // the committee too, in many ways of writing money and rooms
    await w.says('cc', '缴费 3栋2单元202 一百二十元').then((x) => expect(privateTo(x, 'cc')[0]).toContain('¥120.00'))
    await w.says('cc', '繳費 ３－２－２０２ ￥１２０．５').then((x) => expect(privateTo(x, 'cc')[0]).toContain('¥120.50'))
    await w.says('cc', '/pay 5-101 60').then((x) => expect(privateTo(x, 'cc')[0]).toContain('5-101'))
    expect(await count(w, ledgerEntries)).toBe(7)
  })

  it('a short public notice only when the compound allows it', async () => {
    const { w, compoundId } = await setUp()
    await w.db.db.update(compounds).set({ settings: { publicPaymentNotice: true } }).where(eq(compounds.id, compoundId))
    const r = await w.says('col', '缴费 3-2-201 100')
    expect(groupTexts(r)).toContain('3-2-201 已缴费。')
    expect(groupTexts(r).join('\n')).not.toContain('¥')
  })

  it('refuses residents, bad rooms and non-money amounts: one clear reply, nothing written', async () => {
    const { w } = await setUp()
    // another compound's room
    const other = await createCompound(w.db.db, { name: '别的小区' })
    await importRoster(w.db.db, other.id, parseRoster('building,unit,room,area_m2\n7,1,701,50\n'), w.clock.now())
    const cases: [string, string, RegExp | string][] = [
      ['u1', '缴费 3-2-201 100', '只有收费员可以这样做'],
      ['col', '缴费 9-9-909 100', '没有找到房号 9-9-909'],
      ['col', '缴费 7-1-701 100', '没有找到房号 7-1-701'],
      ['col', '缴费 3-2-201 abc', '「abc」不是金额'],
      ['col', '缴费 3-2-201 -100', '不能是负数'],
      ['col', '缴费 3-2-201 0', '不能为零'],
      ['col', '缴费 3-2-201 1.234', '最多到分'],
      ['col', '缴费 3-2-201 1000001', '超过上限 ¥1,000,000.00'],
      ['col', '缴费 3-2-201', /请写上金额[\s\S]*用法：缴费 <房号> <金额> \[备注\]/],
      ['col', '缴费', '请写上房号'],
    ]
    for (const [who, text, expected] of cases) {
      const r = await w.says(who, text)
      r.expectReply(expected)
      expect(r.replies, text).toHaveLength(1)
    }
    expect(await count(w, ledgerEntries)).toBe(0)
  })

  it('the maximum is configurable per compound', async () => {
    const { w, compoundId } = await setUp()
    await w.db.db.update(compounds).set({ settings: { maxAmountFen: '500000' } }).where(eq(compounds.id, compoundId))
    await w.says('col', '缴费 3-2-201 5001').then((r) => r.expectReply('超过上限 ¥5,000.00'))
    await w.says('col', '缴费 3-2-201 5000').then((r) => expect(privateTo(r, 'col')[0]).toContain('¥5,000.00'))
  })

  it('20 parallel payments for one household: 20 entries, chain intact, balance right', async () => {
    const { w, compoundId, hh } = await setUp()
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => w.deliver(w.message('col', `缴费 3-2-201 ${i + 1}`))))
    for (const r of rs) expect(r.outcome).toMatchObject({ status: 'handled' })
    expect(rs.filter((r) => r.outcome.status === 'handled' && !r.outcome.error)).toHaveLength(20)
    const rows = await w.db.db.select().from(ledgerEntries).orderBy(ledgerEntries.serial)
    expect(rows.map((r) => r.serial)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect(await verifyCompoundLedger(w.db.db, compoundId)).toMatchObject({ ok: true, count: 20 })
    expect((await householdBalance(w.db.db, compoundId, hh['3-2-201']!)).paidFen).toBe(21000n) // 1+…+20 元
  })
})

describe('支出 / expense, 收入 / income', () => {
  it('records an expense with its category, ticket, payee and the receipt sent with it', async () => {
    const { w, compoundId } = await setUp()
    const [cc] = await w.db.db.select().from(members).where(eq(members.platformUserId, 'cc'))
    await w.db.db.insert(tickets).values({ compoundId, no: 12, reporterMemberId: cc!.id, description: '楼道灯不亮' })
    const r = await w.says('cc', '支出 120 换楼道灯 #12 收款人 张师傅', { images: ['/tmp/receipt-1.jpg'] })
    r.expectReply('已登记支出 ¥120.00：换楼道灯（维修，流水 #1）')
    r.expectReply('收款方：张师傅')
    r.expectReply('关联报修单 #12')
    r.expectReply('已附收据照片')
    const [row] = await w.db.db.select().from(ledgerEntries)
    expect(row).toMatchObject({ kind: 'expense', amountFen: 12000n, category: 'repair', counterparty: '张师傅', receiptRef: '/tmp/receipt-1.jpg', note: '换楼道灯' })
    expect(row!.ticketId).not.toBeNull()
    await w.says('cc', '支出 300 楼道保洁 十一月').then((x) => x.expectReply('（保洁，流水 #2）'))
    await w.says('boss', '/expense 45.5 printing notices').then((x) => x.expectReply('¥45.50：printing notices（办公公示，流水 #3）'))
  })

  it('a photo within 2 minutes becomes the receipt; later, or from someone else, it does not', async () => {
    const { w } = await setUp()
    await w.says('cc', '支出 300 保洁费').then((r) => r.expectReply('请在 2 分钟内发送照片'))
    w.clock.advance(60_000)
    await w.says('u1', '', { images: ['/tmp/other.jpg'] }).then((r) => r.expectNoReply())
    await w.says('cc', '', { images: ['/tmp/r1.jpg'] }).then((r) => r.expectReply('已把收据照片附到支出流水 #1（¥300.00，保洁费）'))
    // a second photo finds no expense without a receipt
    await w.says('cc', '', { images: ['/tmp/r2.jpg'] }).then((r) => r.expectNoReply())
    await w.says('cc', '支出 50 买扫把')
    w.clock.advance(121_000)
    await w.says('cc', '', { images: ['/tmp/late.jpg'] }).then((r) => r.expectNoReply())
    const receipts = await w.db.db.select().from(ledgerReceipts)
    expect(receipts.map((r) => r.fileRef)).toEqual(['/tmp/r1.jpg'])
    expect(await verifyCompoundLedger(w.db.db, receipts[0]!.compoundId)).toMatchObject({ ok: true, count: 2 })
  })

  it('refusals: role, unknown ticket, no reason, not money', async () => {
    const { w } = await setUp()
    await w.says('col', '支出 100 保洁').then((r) => r.expectReply('只有委员可以这样做'))
    await w.says('u1', '收入 100 广告').then((r) => r.expectReply('只有委员可以这样做'))
    await w.says('cc', '支出 100 修灯 #99').then((r) => r.expectReply('没有报修单 #99'))
    await w.says('cc', '支出 100').then((r) => r.expectReply('请写上支出事由'))
    await w.says('cc', '支出 一百块钱吧 保洁').then((r) => r.expectReply('不是金额'))
    await w.says('cc', '收入 800').then((r) => r.expectReply('请写上收入事由'))
    await w.says('cc', '收入 0 广告').then((r) => r.expectReply('不能为零'))
    expect(await count(w, ledgerEntries)).toBe(0)
  })

  it('records income by category', async () => {
    const { w } = await setUp()
    await w.says('cc', '收入 800 十一月停车租金').then((r) => r.expectReply('已登记收入 ¥800.00：十一月停车租金（停车租金，流水 #1）'))
    await w.says('cc', '收入 1,200 电梯广告 付款人 某传媒').then((r) => r.expectReply('（广告，流水 #2）'))
    const rows = await w.db.db.select().from(ledgerEntries).orderBy(ledgerEntries.serial)
    expect(rows.map((r) => [r.kind, r.category, r.counterparty])).toEqual([
      ['income', 'parking', null],
      ['income', 'advertising', '某传媒'],
    ])
  })
})

describe('冲正 / reverse', () => {
  it('reverses an expense publicly and a payment privately; twice, a reversal or unknown are refused', async () => {
    const { w, compoundId, hh } = await setUp()
    await w.says('col', '缴费 3-2-201 100')
    await w.says('cc', '支出 300 保洁')
    const pub = await w.says('cc', '冲正 #2 金额录错')
    pub.expectReply('已冲正流水 #2（支出 ¥300.00），冲正流水 #3。原因：金额录错')
    const priv = await w.says('cc', '冲正 1 重复登记')
    expect(groupTexts(priv)).toEqual(['@老* 已冲正流水 #1（冲正流水 #4），详情已私信给你。'])
    expect(privateTo(priv, 'cc')[0]).toContain('已冲正流水 #1（3-2-201 缴费 ¥100.00）')
    expect((await householdBalance(w.db.db, compoundId, hh['3-2-201']!)).paidFen).toBe(0n)
    await w.says('cc', '冲正 1 再来一次').then((r) => r.expectReply('流水 #1 已经冲正过了（冲正流水 #4）'))
    await w.says('cc', '冲正 4 撤销冲正').then((r) => r.expectReply('流水 #4 本身是冲正记录，不能再冲正'))
    await w.says('cc', '冲正 99 不存在').then((r) => r.expectReply('没有流水 #99'))
    await w.says('cc', '冲正 2').then((r) => r.expectReply('请写上冲正原因'))
    await w.says('cc', '冲正 abc').then((r) => r.expectReply('请写上要冲正的流水号'))
    await w.says('col', '冲正 2 错了').then((r) => r.expectReply('只有委员可以这样做'))
    expect(await count(w, ledgerEntries)).toBe(4)
    const [rev] = await w.db.db.select().from(ledgerEntries).where(eq(ledgerEntries.serial, 4))
    expect(rev).toMatchObject({ kind: 'reversal', reversesSerial: 1, amountFen: 10000n, householdId: hh['3-2-201'], note: '重复登记' })
    expect(await verifyCompoundLedger(w.db.db, compoundId)).toMatchObject({ ok: true, count: 4 })
  })
})

describe('账目 / ledger', () => {
  it('shows the period’s fees, income, expenses by category and balance, with no household in it', async () => {
    const { w, compoundId } = await setUp()
    await w.says('boss', '收费标准 物业费 0.80 每平米每月')
    await billMonth(w.db.db, compoundId, '2026-11', w.clock.now())
    await w.says('col', '缴费 3-2-201 71.60')
    await w.says('col', '缴费 3-2-202 60')
    await w.says('cc', '收入 800 停车租金')
    await w.says('cc', '支出 300 楼道保洁')
    await w.says('cc', '支出 120 换灯泡')
    await w.says('cc', '支出 20 打印公示')
    await w.says('cc', '冲正 9 录错')
    const r = await w.says('u3', '账目')
    expect(r.replies).toHaveLength(1)
    expect(r.replies[0]!.chat).toBe('g1')
    const text = r.text
    expect(text).toContain('幸福里 账目：2026年11月（2026-11-01 至 2026-11-30）')
    expect(text).toContain('期初结余：¥0.00')
    expect(text).toContain('收缴费用：¥131.60（2 户）')
    expect(text).toContain('其他收入：¥800.00\n  · 停车租金 ¥800.00')
    expect(text).toContain('支出：¥420.00\n  · 保洁 ¥300.00\n  · 维修 ¥120.00')
    expect(text).not.toContain('办公公示')
    expect(text).toContain('期末结余：¥511.60')
    expect(text).toMatch(/链头 [0-9a-f]{12}（共 10 条/)
    expect(text).not.toMatch(/3-2-20|5-101/)
    // week and year; last month is empty but carries no balance
    await w.says('u3', '账目 本周').then((x) => x.expectReply('2026年第48周（2026-11-23 至 2026-11-29）'))
    await w.says('u3', '账目 今年').then((x) => x.expectReply('期末结余：¥511.60'))
    await w.says('u3', '账目 上月').then((x) => x.expectReply(/2026年10月[\s\S]*期末结余：¥0.00/))
    await w.says('u3', '/ledger week').then((x) => x.expectReply('2026年第48周'))
    await w.says('u3', '账目 2026-11').then((x) => x.expectReply('期末结余：¥511.60'))
    await w.says('u3', '账目 明天').then((x) => x.expectReply('看不懂期间「明天」'))
    // next month the opening balance is this month's closing
    w.clock.set('2026-12-02T02:00:00Z')
    await w.says('u3', '账目').then((x) => x.expectReply('期初结余：¥511.60'))
  })
})

describe('欠费 / arrears', () => {
  it('lists households with overdue bills, longest overdue first, privately to collectors and the committee; refused to residents', async () => {
    const { w, compoundId } = await setUp()
    w.clock.set('2026-10-01T02:00:00Z')
    await w.says('boss', '收费标准 物业费 1 每户每月')
    await billMonth(w.db.db, compoundId, '2026-10', w.clock.now())
    w.clock.set('2026-11-01T02:00:00Z')
    await billMonth(w.db.db, compoundId, '2026-11', w.clock.now())
    await w.says('col', '缴费 3-2-201 1')
    await w.says('col', '缴费 5-101 2')
    // on 1 November October is overdue (its bills fell due at the end of October), November is not yet due
    const nov = privateTo(await w.says('cc', '欠费'), 'cc')[0]
    expect(nov).toBe(
      ['逾期欠费 1 户，共 ¥1.00（只计已到期的账单，逾期最早的在前）：', '• 3-2-202 欠 ¥1.00（最早一笔 2026-10-31 到期）', '尚未到期的账单：2 户，共 ¥2.00（不计入欠费）。'].join('\n'),
    )
    w.clock.set('2026-12-01T02:00:00Z')
    const r = await w.says('cc', '欠费')
    expect(groupTexts(r)).toEqual(['@老* 已私信回复你。'])
    const [dm] = privateTo(r, 'cc')
    expect(dm).toBe(
      ['逾期欠费 2 户，共 ¥3.00（只计已到期的账单，逾期最早的在前）：', '• 3-2-202 欠 ¥2.00（最早一笔 2026-10-31 到期）', '• 3-2-201 欠 ¥1.00（最早一笔 2026-11-30 到期）'].join(
        '\n',
      ),
    )
    await w.says('cc', '欠费 3栋').then((x) => expect(privateTo(x, 'cc')[0]).toContain('3-2-202'))
    await w.says('cc', '欠费 5栋').then((x) => expect(privateTo(x, 'cc')[0]).toBe('5 栋目前没有欠费的住户。'))
    await w.says('cc', '欠费 8栋').then((x) => x.expectReply('没有 8 栋'))
    await w.says('u1', '欠费').then((x) => x.expectReply('只有收费员可以这样做'))
    // collectors chase payments: they get the list too
    await w.says('col', '欠费').then((x) => expect(privateTo(x, 'col')[0]).toBe(dm))
  })

  it('says when nobody owes', async () => {
    const { w } = await setUp()
    await w.says('cc', '欠费').then((x) => expect(privateTo(x, 'cc')[0]).toBe('目前没有欠费的住户。'))
  })
})

describe('核验 / verifyledger', () => {
  it('prints the head and count; after tampering names the first bad entry', async () => {
    const { w } = await setUp()
    await w.says('u3', '核验').then((r) => r.expectReply('账本还没有记录'))
    for (const n of [100, 200, 300, 400]) await w.says('col', `缴费 3-2-201 ${n}`)
    const [last] = await w.db.db.select().from(ledgerEntries).where(eq(ledgerEntries.serial, 4))
    await w.says('u3', '核验').then((r) => r.expectReply(`账本校验通过：共 4 条，链头 ${last!.hash.slice(0, 12)}。`))
    await w.says('u3', '核验 #2').then((r) => r.expectReply(/流水 #2（缴费，2026-11-23）在链上，哈希 [0-9a-f]{12}/))
    await w.says('u3', '核验 99').then((r) => r.expectReply('没有流水 #99'))
    await w.says('u3', '核验 abc').then((r) => r.expectReply('流水号要写数字'))
    await w.says('u3', '/verifyledger').then((r) => r.expectReply('共 4 条'))
    await w.db.db.execute(sql`ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_append_only`)
    await w.db.db.execute(sql`UPDATE ledger_entries SET amount_fen = 1 WHERE serial = 3`)
    await w.db.db.execute(sql`ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_append_only`)
    await w.says('u3', '核验').then((r) => r.expectReply('账本校验失败：流水 #3 的内容与它的哈希不符（记录被改动过）。此前 2 条正常'))
  })

  it('a deleted entry is named by the one after the hole', async () => {
    const { w } = await setUp()
    for (const n of [100, 200, 300]) await w.says('col', `缴费 3-2-201 ${n}`)
    await w.db.db.execute(sql`ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_append_only`)
    await w.db.db.execute(sql`DELETE FROM ledger_entries WHERE serial = 2`)
    await w.db.db.execute(sql`ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_append_only`)
    await w.says('u3', '核验').then((r) => r.expectReply('流水 #3 之前缺少记录'))
  })
})

describe('languages', () => {
  it('answers in zh-TW and en with the same amounts', async () => {
    const { w, compoundId } = await setUp()
    await w.db.db.update(compounds).set({ language: 'en' }).where(eq(compounds.id, compoundId))
    const r = await w.says('col', '/pay 3-2-201 1084')
    expect(privateTo(r, 'col')[0]).toContain('Recorded a payment of ¥1,084.00 for 3-2-201 (entry #1).')
    await w.says('u1', '/fee').then((x) => expect(privateTo(x, 'u1')[0]).toContain('Paid: ¥1,084.00'))
    await w.db.db.update(compounds).set({ language: 'zh-TW' }).where(eq(compounds.id, compoundId))
    await w.says('u1', '查費').then((x) => expect(privateTo(x, 'u1')[0]).toContain('已繳：¥1,084.00'))
    await w.says('cc', '沖正 1 錄錯').then((x) => expect(privateTo(x, 'cc')[0]).toContain('已沖正流水 #1'))
    await w.says('u3', '核驗').then((x) => x.expectReply('帳本校驗通過：共 2 筆'))
    await w.says('u3', '賬目 本週').then((x) => x.expectReply('2026年第48週'))
    await w.says('cc', '欠費').then((x) => expect(privateTo(x, 'cc')[0]).toBe('目前沒有欠費的住戶。'))
  })

  it('help lists the money commands by role', async () => {
    const { w } = await setUp()
    const resident = await w.says('u1', '帮助')
    expect(resident.text).toContain('查费 [房号]')
    expect(resident.text).toContain('账目 [本周|本月|今年]')
    expect(resident.text).toContain('核验 [流水号]')
    expect(resident.text).toContain('收费标准')
    expect(resident.text).not.toContain('缴费')
    expect(resident.text).not.toContain('欠费 [楼栋]')
    const collector = await w.says('col', '帮助')
    expect(collector.text).toContain('缴费 <房号> <金额> [备注]')
    expect(collector.text).not.toContain('支出 <金额>')
    expect(collector.text).toContain('欠费 [楼栋]')
    const head = await w.says('boss', '帮助')
    expect(head.text).toContain('收费标准')
    expect(head.text).toContain('欠费 [楼栋]')
    expect(formatMoney(108400n)).toBe('¥1,084.00')
  })
})
