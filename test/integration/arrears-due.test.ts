// Issue 12 item 1: a charge has a due date, a household is in arrears only for charges past due, and a
// disclosure shows the arrears as of the end of its period. Reproduced through the scheduler (which bills the
// new month and posts last month's 公示 in the same tick, the case that printed the next month's bills as
// arrears), 查费 (逾期 apart from 待缴（未到期）), 欠费 and 收费标准 … 截止 <n>日.
// Item 4 (second half): the collector may 查费 any household and read 欠费; every resident may read 收费标准.
import { eq, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { arrearsOf, householdDues } from '../../db/ledger-sums.ts'
import { compounds, feeSchedules, households, ledgerEntries, outbox } from '../../db/schema.ts'
import { periodFromKey } from '../../src/domain/calendar.ts'
import { renderSummary } from '../../src/render/summary.ts'
import { type DisclosureData, gatherDisclosure } from '../../src/disclosure/build.ts'
import { billMonth } from '../../src/services/fees.ts'
import { runDue } from '../../src/scheduler/tick.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { townWorld } from '../helpers/fixtures.ts'
import { privateTo, TestClock, type World } from '../helpers/world.ts'

const dbs = useTestDatabases()

const ROSTER = `building,unit,room,area_m2,occupancy,owner_name
1,1,101,75.00,owner_occupied,王秀英
1,1,102,89.50,owner_occupied,李建国
2,,101,60.00,rented,张伟
2,,102,60.00,vacant,
`

const render = (d: DisclosureData) => ({ parts: renderSummary(d.summary), chart: null })

/**
 * 幸福里 (Asia/Shanghai) created in January, four households at ¥100 a month (due at the end of the month billed);
 * boss = head, col = collector (小赵), u1 = resident verified for 1-1-102 (张三), u3 = resident with no binding.
 */
async function setUp(start = '2026-03-01T01:00:00Z'): Promise<{ w: World; compoundId: number; hh: Record<string, number> }> {
  return townWorld(dbs, {
    clock: new TestClock(new Date(start)),
    head: { id: 'boss', name: '王主任' },
    createdAt: '2026-01-01T00:00:00Z',
    roster: ROSTER,
    people: [
      { id: 'col', name: '小赵', role: 'collector' },
      { id: 'u1', name: '张三', rooms: ['1-1-102'] },
      { id: 'u3', name: '王五' },
    ],
  })
}

/** The monthly disclosure texts of `month` in the outbox, per chat. */
async function monthlyPosts(w: World, month: string): Promise<string[]> {
  const rows = await w.db.db
    .select()
    .from(outbox)
    .where(sql`${outbox.dedupeKey} LIKE ${`disclosure:%:month:${month}:%`}`)
    .orderBy(outbox.id)
  return rows.map((r) => r.text)
}

describe('due dates and arrears (issue 12 item 1)', () => {
  it('March billed on 03-01 and April on 04-01: the March 公示, on time and as a 补发, shows only March’s unpaid past-due charges', async () => {
    const { w, compoundId } = await setUp()
    await w.says('boss', '收费标准 物业费 100 每户每月').then((r) => r.expectReply('每月月底到期'))
    // the scheduler bills March on 1 March (09:05 local); the charges carry their due date: the end of March
    expect((await runDue(w.db.db, new Date('2026-03-01T01:05:00Z'), { instance: 't', render })).billed).toEqual([
      { compoundId, month: '2026-03', charged: 4 },
    ])
    const charges = await w.db.db.select().from(ledgerEntries).where(eq(ledgerEntries.kind, 'charge'))
    expect(new Set(charges.map((c) => c.dueAt?.toISOString()))).toEqual(new Set(['2026-03-31T16:00:00.000Z']))
    // in March: 1-1-101 pays in full, 1-1-102 pays 40; 2-101 and 2-102 pay nothing
    w.clock.set('2026-03-10T02:00:00Z')
    await w.says('col', '缴费 1-1-101 100').then((r) => r.expectReply('¥100.00'))
    await w.says('col', '缴费 1-1-102 40').then((r) => r.expectReply('¥40.00'))
    // before the due date nobody is in arrears, whatever is unpaid
    await w.says('boss', '欠费').then((r) => expect(privateTo(r, 'boss')[0]).toContain('目前没有欠费的住户。'))

    // 1 April 09:05 local: one tick bills April and then posts March's 公示
    const tick = await runDue(w.db.db, new Date('2026-04-01T01:05:00Z'), { instance: 't', render })
    expect(tick.billed).toEqual([{ compoundId, month: '2026-04', charged: 4 }])
    expect(tick.disclosures.filter((d) => d.kind === 'month')).toEqual([{ compoundId, kind: 'month', period: '2026-03', chats: 1, late: false }])
    const [march] = await monthlyPosts(w, '2026-03')
    // as of the end of March: 1-1-102 owes 60, 2-101 and 2-102 owe 100 each. Not April's bills (not due, and not March's).
    expect(march).toContain('欠费（截至 2026-03-31，已到期未缴）：3 户，共 ¥260.00')

    // 2-101 pays on 1 April: it settles March (the oldest due charge first), but March's figures do not change
    w.clock.set('2026-04-01T03:00:00Z')
    await w.says('col', '缴费 2-101 100').then((r) => r.expectReply('¥100.00'))

    // 查费 on 2 April: April's bill is not yet due; March's unpaid part is overdue
    w.clock.set('2026-04-02T02:00:00Z')
    const fee = privateTo(await w.says('u1', '查费'), 'u1')[0]!
    expect(fee).toContain('1-1-102 费用（截至 2026-04-02）')
    expect(fee).toContain('已出账：¥200.00')
    expect(fee).toContain('已缴：¥40.00')
    expect(fee).toContain('逾期：¥60.00（最早一笔 2026-03-31 到期）')
    expect(fee).toContain('待缴（未到期）：¥100.00（2026-04-30 到期）')
    // 1-1-101 has only April's bill, not yet due: nothing overdue
    const paidUp = privateTo(await w.says('boss', '查费 1-1-101'), 'boss')[0]!
    expect(paidUp).toContain('逾期：无')
    expect(paidUp).toContain('待缴（未到期）：¥100.00（2026-04-30 到期）')

    // the same figures from the query module, at that instant
    const [c] = await w.db.db.select().from(compounds)
    const dues = await householdDues(w.db.db, c!, (await w.db.db.select().from(households).where(eq(households.code, '1-1-102')))[0]!.id, w.clock.now())
    expect(dues).toMatchObject({ billedFen: 20000n, paidFen: 4000n, owedFen: 16000n, overdueFen: 6000n, pendingFen: 10000n, prepaidFen: 0n })
    const now = await arrearsOf(w.db.db, c!, w.clock.now())
    // the same due date: the larger amount first
    expect(now.map((a) => [a.code, a.owedFen])).toEqual([['2-102', 10000n], ['1-1-102', 6000n]])
    // and as of the end of March (the disclosure's instant): 2-101 still owed then
    const endOfMarch = periodFromKey('2026-03', 'Asia/Shanghai')!.to
    expect((await arrearsOf(w.db.db, c!, endOfMarch)).map((a) => [a.code, a.owedFen])).toEqual([
      ['2-101', 10000n],
      ['2-102', 10000n],
      ['1-1-102', 6000n],
    ])

    // a 补发 of March posted on 10 April (after April was billed and 2-101 paid) shows March's arrears, not today's
    const late = await gatherDisclosure(w.db.db, c!, periodFromKey('2026-03', 'Asia/Shanghai')!, { now: new Date('2026-04-10T02:00:00Z'), late: true })
    const text = renderSummary(late.summary).join('\n')
    expect(text).toContain('补发')
    expect(text).toContain('欠费（截至 2026-03-31，已到期未缴）：3 户，共 ¥260.00')
    // and February (nothing billed yet then) shows none
    const feb = await gatherDisclosure(w.db.db, c!, periodFromKey('2026-02', 'Asia/Shanghai')!, { now: new Date('2026-04-10T02:00:00Z'), late: true })
    expect(renderSummary(feb.summary).join('\n')).toContain('欠费（截至 2026-02-28）：无')
    // an on-demand 公示 of April while it runs: as of now, April's bills are not yet due
    const onDemand = await w.says('boss', '公示 本月')
    expect(onDemand.text).toContain('欠费（截至 2026-04-02，已到期未缴）：2 户，共 ¥160.00')
  })

  it('收费标准 … 截止 15日: charges fall due on the 15th (clamped to the month), in every language; bad days are refused', async () => {
    const { w, compoundId } = await setUp('2026-02-01T01:00:00Z')
    await w.says('boss', '收费标准 物业费 100 每户每月 截止 15日').then((r) =>
      r.expectReply('已设置收费标准：物业费 ¥100.00 每户每月，从 2026-02 起，每月出账，每月 15 日到期。'),
    )
    await w.says('boss', '收费标准 电梯自筹 1084 每户一次 截止20号').then((r) => r.expectReply('已设置一次性收费：电梯自筹 每户 ¥1,084.00，2026-02 出账，2026-02-20 到期。'))
    await w.says('boss', '收费标准 停车管理费 10 每户每月 截止 31日 起始 2026-03').then((r) => r.expectReply('每月 31 日到期（小月为月底）'))
    await billMonth(w.db.db, compoundId, '2026-02', w.clock.now())
    const dues = (await w.db.db.select().from(ledgerEntries).orderBy(ledgerEntries.serial)).map((e) => [e.note, e.dueAt?.toISOString()])
    expect(dues[0]).toEqual(['物业费 2026-02', '2026-02-15T16:00:00.000Z'])
    expect(dues.at(-1)).toEqual(['电梯自筹', '2026-02-20T16:00:00.000Z'])
    // the 31st in a 30-day month is its last day
    await billMonth(w.db.db, compoundId, '2026-04', new Date('2026-04-01T01:00:00Z'))
    const april = await w.db.db.select().from(ledgerEntries).where(sql`${ledgerEntries.note} = '停车管理费 2026-04'`)
    expect(april[0]!.dueAt!.toISOString()).toBe('2026-04-30T16:00:00.000Z')

    // on the 15th (local) the fee is not yet overdue; on the 16th it is
    w.clock.set('2026-02-15T15:59:00Z')
    const before = privateTo(await w.says('u1', '查费'), 'u1')[0]!
    expect(before).toContain('逾期：无')
    expect(before).toContain('待缴（未到期）：¥1,184.00（2026-02-15 到期）')
    w.clock.set('2026-02-15T16:00:00Z')
    const after = privateTo(await w.says('u1', '查费'), 'u1')[0]!
    expect(after).toContain('逾期：¥100.00（最早一笔 2026-02-15 到期）')
    expect(after).toContain('待缴（未到期）：¥1,084.00（2026-02-20 到期）')

    // every resident reads the list with each schedule's due day; only the head sets
    const list = await w.says('u3', '收费标准')
    list.expectReply('收费标准：')
    expect(list.text).toContain('• 物业费 ¥100.00 每户每月，2026-02 起，每月 15 日到期')
    expect(list.text).toContain('• 电梯自筹 ¥1,084.00 每户一次，2026-02 出账，2026-02-20 到期')
    expect(list.text).toContain('• 停车管理费 ¥10.00 每户每月，2026-03 起，每月 31 日到期（小月为月底）')
    await w.says('u3', '收费标准 物业费 1 每户每月').then((r) => r.expectReply('只有主任可以这样做'))
    await w.says('col', '收费标准 物业费 1 每户每月 截止 5日').then((r) => r.expectReply('只有主任可以这样做'))

    // bad due days: one clear reply with the usage line, nothing written
    const count = async () => (await w.db.db.select({ n: sql<number>`count(*)::int` }).from(feeSchedules))[0]!.n
    const n = await count()
    for (const bad of ['截止 32日', '截止 0日', '截止 明天', '截止']) {
      await w.says('boss', `收费标准 垃圾费 5 每户每月 起始 2026-05 ${bad}`).then((r) => r.expectReply(/看不懂截止日[\s\S]*用法：收费标准/))
    }
    expect(await count()).toBe(n)
    // a due day already past in the start month is refused (every household would be in arrears at once)
    w.clock.set('2026-02-16T02:00:00Z')
    await w.says('boss', '收费标准 垃圾费 5 每户每月 截止 15日').then((r) =>
      r.expectReply('2026-02 的账单 2026-02-15 就到期了，这一天已经过去。请改为 起始 2026-03，或选更晚的截止日。'),
    )
    expect(await count()).toBe(n)
    // 截止 月底 is the default, said explicitly
    await w.says('boss', '收费标准 垃圾费 5 每户每月 截止 月底').then((r) => r.expectReply('每月月底到期'))

    // zh-TW and English
    await w.db.db.update(compounds).set({ language: 'zh-TW' }).where(eq(compounds.id, compoundId))
    await w.says('boss', '收費標準 清潔費 8 每戶每月 起始 2026-06 截止 10日').then((r) => r.expectReply('每月 10 日到期'))
    await w.says('u1', '查費').then((r) => expect(privateTo(r, 'u1')[0]).toContain('逾期：¥100.00（最早一筆 2026-02-15 到期）'))
    await w.db.db.update(compounds).set({ language: 'en' }).where(eq(compounds.id, compoundId))
    await w.says('boss', '/feerule security 9 per_household_month start 2026-07 due 5').then((r) => r.expectReply('due on day 5 of each month'))
    await w.says('boss', '/feerule security2 9 per_household_month due 40').then((r) => r.expectReply('I cannot read the due day "40"'))
    const en = privateTo(await w.says('u1', '/fee'), 'u1')[0]!
    expect(en).toContain('Overdue: ¥100.00 (earliest due 2026-02-15)')
    expect(en).toContain('Not yet due: ¥1,084.00 (due 2026-02-20)')
  })
})

describe('who may read what (issue 12 item 4, second half)', () => {
  it('the collector may 查费 any household and read 欠费 privately; a resident may not', async () => {
    const { w, compoundId } = await setUp('2026-03-01T01:00:00Z')
    await w.says('boss', '收费标准 物业费 100 每户每月')
    await billMonth(w.db.db, compoundId, '2026-03', w.clock.now())
    w.clock.set('2026-04-02T02:00:00Z')
    await billMonth(w.db.db, compoundId, '2026-04', new Date('2026-04-01T01:00:00Z'))
    await w.says('col', '缴费 2-101 150')

    // the group sees only that an answer went privately (however the name is shown there), never an amount
    const groupAck = (r: { replies: { chat?: string; text: string }[] }) => {
      const texts = r.replies.filter((x) => x.chat).map((x) => x.text)
      expect(texts).toHaveLength(1)
      expect(texts[0]).toMatch(/^@\S+ 已私信回复你。$/)
    }
    const fee = await w.says('col', '查费 2-102')
    groupAck(fee)
    expect(privateTo(fee, 'col')[0]).toContain('2-102 费用（截至 2026-04-02）')
    expect(privateTo(fee, 'col')[0]).toContain('逾期：¥100.00（最早一笔 2026-03-31 到期）')

    const arrears = await w.says('col', '欠费')
    groupAck(arrears)
    expect(privateTo(arrears, 'col')[0]).toBe(
      [
        '逾期欠费 3 户，共 ¥300.00（只计已到期的账单，逾期最早的在前）：',
        '• 1-1-101 欠 ¥100.00（最早一笔 2026-03-31 到期）',
        '• 1-1-102 欠 ¥100.00（最早一笔 2026-03-31 到期）',
        '• 2-102 欠 ¥100.00（最早一笔 2026-03-31 到期）',
        '尚未到期的账单：4 户，共 ¥350.00（不计入欠费）。',
      ].join('\n'),
    )
    await w.says('col', '欠费 2栋').then((r) => expect(privateTo(r, 'col')[0]).toContain('• 2-102 欠 ¥100.00'))
    // residents: only their own household, and no 欠费
    await w.says('u1', '查费 2-102').then((r) => r.expectReply('只能查询自己家的费用：2-102'))
    await w.says('u1', '欠费').then((r) => r.expectReply('只有收费员可以这样做'))
    await w.says('u3', '/arrears').then((r) => r.expectReply('只有收费员可以这样做'))
  })
})
