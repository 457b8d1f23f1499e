// The disclosure from real data: a week of payments, income, a repair with its cost, a reversed expense
// and a poll, gathered from the database and posted; 公示 / disclose on demand (committee only, does not
// use up the scheduled slot); privacy against the roster and member names.
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseDisclosurePeriod } from '../../db/disclosure.ts'
import { compounds, disclosures, outbox } from '../../db/schema.ts'
import { periodFromKey } from '../../src/domain/calendar.ts'
import { renderSummary } from '../../src/render/summary.ts'
import { gatherDisclosure } from '../../src/disclosure/build.ts'
import { pngSize } from '../../src/disclosure/chart.ts'
import { runDue } from '../../src/scheduler/tick.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { townWorld } from '../helpers/fixtures.ts'
import { TestClock, type World } from '../helpers/world.ts'

const dbs = useTestDatabases()

const ROSTER = `building,unit,room,area_m2,occupancy,owner_name
1,1,101,75.00,owner_occupied,王秀英
1,1,102,89.50,owner_occupied,李建国
2,,101,60.00,rented,张伟
`

async function setUp(language = 'zh-CN'): Promise<{ w: World; compoundId: number }> {
  const { w, compoundId } = await townWorld(dbs, {
    clock: new TestClock(new Date('2026-11-16T02:00:00Z')),
    head: { id: 'boss', name: '王主任' },
    language,
    createdAt: '2026-11-01T00:00:00Z',
    settings: { disclosure: { monthly: false, yearly: false } },
    chats: [{ id: 'g2' }],
    roster: ROSTER,
    people: [{ id: 'cc', name: '老李', role: 'committee' }],
  })
  w.message('u1', '', { name: '赵小明' }) // a resident: a member once they speak
  return { w, compoundId }
}

describe('a week of data, disclosed', () => {
  it('itemises every expense and income with reversals, counts repairs and polls, and masks names and phones', async () => {
    const { w, compoundId } = await setUp()
    const say = async (who: string, text: string, re: RegExp | string) => (await w.says(who, text)).expectReply(re)
    await say('boss', '缴费 1-1-101 300', '¥300.00')
    await say('boss', '缴费 1-1-102 300', '¥300.00')
    await say('boss', '收入 600 地下车位租金 付款方 李建国', '¥600.00')
    w.clock.set('2026-11-17T03:00:00Z')
    await say('u1', '报修 楼道灯不亮 1-1-101', '#1')
    await say('boss', '派单 #1 老李', '#1')
    w.clock.set('2026-11-18T03:00:00Z')
    await say('boss', '完工 #1 费用 265.50', '#1')
    await say('boss', '支出 80 楼道保洁 联系 13812345678', '¥80.00')
    const serial = Number(/流水 #(\d+)/.exec(w.adapter.sent.at(-1)!.text)![1])
    await say('boss', `冲正 ${serial} 重复登记`, '冲正')
    await say('boss', '发起投票 路灯颜色 选项 暖光/白光 截止 11-20 18:00', '【投票 #1】')
    w.clock.set('2026-11-19T03:00:00Z')
    await say('boss', '结束投票 #1', '已结束')

    const week = periodFromKey('2026-W47', 'Asia/Shanghai')!
    const [c] = await w.db.db.select().from(compounds)
    const data = await gatherDisclosure(w.db.db, c!, week, { now: new Date('2026-11-23T01:05:00Z') })
    const [text, ...more] = renderSummary(data.summary)
    expect(more).toEqual([])
    const lines = text!.split('\n')
    expect(lines[0]).toBe('【幸福里 公示】2026年第47周（2026-11-16 至 2026-11-22）')
    expect(lines).toContain('收缴费用：¥600.00（2 户）')
    expect(lines).toContain('其他收入：¥600.00（1 笔）')
    expect(text).toMatch(/ {2}· 11-16 停车租金 ¥600\.00 地下车位租金（付款方：李\*）/)
    expect(lines).toContain('支出：¥265.50（3 笔）')
    expect(text).toMatch(/ {2}· 11-18 维修 ¥265\.50 .*\[报修 #1\]/)
    expect(text).toMatch(new RegExp(` {2}· 11-18 \\S+ ¥80\\.00 楼道保洁 联系 \\*\\*\\*`))
    expect(text).toMatch(new RegExp(` {2}· 11-18 \\S+ -¥80\\.00 冲正流水 #${serial} 重复登记`))
    expect(lines).toContain('期初结余：¥0.00')
    expect(lines).toContain('期末结余：¥934.50')
    expect(lines).toContain('新报修 1 件，完工 1 件；未修 0 件，其中超期 0 件')
    expect(lines).toContain('  · #1 路灯颜色：结果：无人投票。')
    // the assignee's display name is a member's name too
    expect(text).toMatch(/ {2}· 11-18 维修 ¥265\.50 #1 楼道灯不亮 \[报修 #1\]（收款方：老\*）/)
    expect(text).toMatch(/账本链头 [0-9a-f]{12}（共 \d+ 条；发送「核验」可校验）/)
    expect(text).not.toMatch(/李建国|13812345678|赵小明|王秀英/)
    // the chart model: fees and parking in, repairs and cleaning out; the balance from the compound's first
    // week (created on 1 November, in W44), not 12 weeks of zeros
    expect(data.chart.categories).toEqual(expect.arrayContaining(['收缴费用', '停车租金', '维修']))
    expect(data.chart.trendLabels).toEqual(['W44', 'W45', 'W46', 'W47'])
    expect(data.chart.labels.trend).toBe('近 4 期期末结余')
    expect(data.chart.trend.at(-1)).toBe(934.5)
    expect(data.summary.arrears.count).toBe(0)
    void compoundId
  })
})

describe('公示 / disclose on demand', () => {
  it('the committee posts the current week so far, with the chart, to every chat; the scheduled post still follows', async () => {
    const { w } = await setUp()
    await w.says('u1', '公示').then((r) => r.expectReply('委员'))
    await w.says('cc', '公示 下周').then((r) => r.expectReply('看不懂期间「下周」'))
    w.clock.set('2026-11-18T02:05:00Z')
    // a past period is 账目's: the reply gives the command, nothing is posted or recorded
    for (const [asked, command] of [['上个月', '账目 2026-10'], ['去年', '账目 2025'], ['上周', '账目 2026-W46']]) {
      const past = await w.says('cc', `公示 ${asked}`)
      expect(past.replies.map((x) => x.text)).toEqual([expect.stringContaining(`\n${command}`)])
    }
    // something happens this week: an empty week is recorded, not posted, by the scheduler
    await w.says('u1', '报修 楼道灯不亮').then((x) => x.expectReply('#1'))
    const r = await w.says('cc', '公示')
    const byChat = (chat: string) => r.replies.filter((x) => x.chat === chat)
    for (const chat of ['g1', 'g2']) {
      const [text, image] = byChat(chat)
      expect(text!.text.split('\n').slice(0, 2)).toEqual(['【幸福里 公示】2026年第47周（2026-11-16 至 2026-11-22）', '（截至 2026-11-18 10:05，本期尚未结束）'])
      expect(image!.text).toBe('幸福里 2026年第47周 收支图')
      expect(pngSize(image!.image!)).toEqual({ width: 1920, height: 1440 })
    }
    // recorded for the chain head it showed (核验 checks it), under a key that is not the scheduled period's
    expect((await w.db.db.select().from(disclosures)).map((d) => [d.chatId > 0, parseDisclosurePeriod(d.period)])).toEqual([
      [true, { key: '2026-W47', onDemand: true }],
      [true, { key: '2026-W47', onDemand: true }],
    ])
    // the scheduled weekly post still goes out on Monday
    const tick = await runDue(w.db.db, new Date('2026-11-23T01:05:00Z'), {
      instance: 't',
      render: (d) => ({ parts: renderSummary(d.summary), chart: null }),
    })
    expect(tick.disclosures.map((d) => [d.period, d.chats])).toEqual([['2026-W47', 2]])
    await w.app.dispatcher.flush()
    const month = await w.says('boss', '公示 本月')
    expect(month.replies.filter((x) => x.chat === 'g1')[0]!.text).toMatch(/^【幸福里 公示】2026年11月（2026-11-01 至 2026-11-30）/)
    // a private 公示 posts to the groups and says so
    const priv = await w.says('boss', '公示 今年', { private: true })
    expect(priv.replies.find((x) => x.user === 'boss')!.text).toBe('已把2026年度公示发到本小区的各个群。')
    expect(priv.replies.filter((x) => x.chat).length).toBe(4)
    const rows = await w.db.db.select({ n: sql<number>`count(*)::int` }).from(outbox)
    expect(rows[0]!.n).toBeGreaterThan(0)
  })

  it('speaks traditional Chinese and English', async () => {
    const tw = await setUp('zh-TW')
    const a = await tw.w.says('cc', '公示 本週')
    expect(a.replies[0]!.text).toMatch(/^【幸福里 公示】2026年第47週（2026-11-16 至 2026-11-22）\n（截至 2026-11-16 10:00，本期尚未結束）\n一、收支\n期初結餘：¥0\.00/)
    const en = await setUp('en')
    const b = await en.w.says('cc', '/disclose month')
    expect(b.replies[0]!.text).toMatch(/^\[幸福里 disclosure\] 2026-11 \(2026-11-01 to 2026-11-30\)\n\(As of 2026-11-16 10:00; the period is not over yet\)/)
    expect(b.replies.at(-1)!.text).toBe('幸福里 2026-11: income and expenses')
  })
})
