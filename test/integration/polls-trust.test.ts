// Issue 12 "Trust core", votes: secret ballots that do not leak while open (6), an electorate frozen at
// launch (7), owner headcount from the roster's owner names (8), 人 for persons and 户 for households (9),
// and removing a roster row (8). Through the real pipeline on a real database.
import { and, eq, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { setRole } from '../../db/compounds.ts'
import { upsertMember } from '../../db/members.ts'
import { ballots, compounds, householdBindings, households, ledgerEntries, pollElectorate, polls } from '../../db/schema.ts'
import { remindOpenPolls } from '../../src/services/polls.ts'
import { importRoster, parseRoster } from '../../src/cli/roster.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { bindMember, ROSTER_HEADER as HEADER, townWorld } from '../helpers/fixtures.ts'
import { type World, world } from '../helpers/world.ts'

const dbs = useTestDatabases()

/** Six households of 100 m², each with its own owner. */
const SIX = HEADER + ['1,1,101', '1,1,102', '1,1,201', '1,1,202', '1,2,101', '1,2,102'].map((r, i) => `${r},100.00,owner_occupied,业主${i + 1}`).join('\n')
/** Ten households of uneven areas (total 1000.00 m²), ten owners. */
const UNEVEN_ROWS = [
  '3,2,201,89.50', '3,2,202,75.00', '3,2,301,120.25', '3,2,302,60.00', '5,,101,155.25',
  '5,,102,100.00', '5,,201,100.00', '5,,202,100.00', '6,1,101,100.00', '6,1,102,100.00',
]
const UNEVEN = HEADER + UNEVEN_ROWS.map((r, i) => `${r},owner_occupied,户主${i + 1}`).join('\n')

/** A compound opened by 老王 in the test chat, with `roster` (CSV) imported unless null. */
const compoundWith = (roster: string | null, language?: string) => townWorld(dbs, { roster, language })

const groupTexts = (w: World) => w.adapter.sent.filter((s) => s.chat !== undefined).map((s) => s.text)
/** a line that gives one option's figure: "1. 同意：2 户 / …", "2. Against: 1 households …" */
const OPTION_FIGURE = /^\d+\. .*[：:].*\d/m

describe('secret ballots show participation only until they close (item 6)', () => {
  it('结果 while open: no per-option figure, no leader, nothing that moves when a vote changes; totals at close', async () => {
    const { w, compoundId } = await compoundWith(UNEVEN)
    await bindMember(w, compoundId, 'a', ['3-2-201'])
    await bindMember(w, compoundId, 'b', ['3-2-202'])
    await bindMember(w, compoundId, 'c', ['5-101'])
    await w.says('boss', '发起投票 更换物业 规则 一般 不记名').then((r) => r.expectReply('【投票 #1】更换物业'))
    await w.says('a', '投票 #1 1')
    await w.says('b', '投票 #1 2')
    await w.says('c', '投票 #1 反对')
    const open = await w.says('a', '结果 #1')
    open.expectReply('【投票 #1 统计】更换物业')
    expect(open.text).not.toMatch(OPTION_FIGURE)
    expect(open.text).not.toMatch(/「同意」|(同意|反对|弃权)：/)
    expect(open.text).not.toMatch(/领先|通过条件/)
    // participation is what the group may see: households, area and owners that took part, and what is missing
    expect(open.text).toContain('已投票：3 / 10 户')
    expect(open.text).toContain('参与面积：319.75 / 1000.00 m²')
    expect(open.text).toContain('参与业主：3 / 10 人')
    expect(open.text).toContain('各选项票数在投票结束后公布')
    // watching the tally after a changed vote tells nothing
    await w.says('b', '投票 #1 同意')
    const again = await w.says('c', '结果 #1')
    expect(again.text).toBe(open.text)

    const closed = await w.says('boss', '结束投票 #1')
    closed.expectReply('【投票 #1 已结束】更换物业')
    expect(closed.text).toContain('1. 同意：2 户 / 164.50 m²，业主 2 人')
    expect(closed.text).toContain('2. 反对：1 户 / 155.25 m²，业主 1 人')
    expect(closed.text).not.toMatch(/3-2-|5-101/)
    const after = await w.says('a', '结果 #1')
    expect(after.text).toContain('1. 同意：2 户 / 164.50 m²')
  })

  it('en and zh-TW: the open tally of a secret poll has no option lines', async () => {
    for (const [lang, launch, vote, results, note] of [
      ['en', '/poll Paint the gate options red/green secret', '/vote 1 2', '/results 1', 'per-option counts are published when the poll closes'],
      ['zh-TW', '發起投票 大門顏色 選項 紅/綠 不記名', '投票 #1 2', '結果 #1', '各選項票數在投票結束後公布'],
    ] as const) {
      const { w, compoundId } = await compoundWith(SIX, lang)
      await bindMember(w, compoundId, 'o1', ['1-1-101'])
      await w.says('boss', launch)
      await w.says('o1', vote)
      const r = await w.says('o1', results)
      expect(r.text, lang).not.toMatch(OPTION_FIGURE)
      expect(r.text, lang).not.toMatch(/green|綠|Leading|領先/)
      expect(r.text, lang).toContain(note)
    }
  })

  it('reminders and the disclosure of a period with an open secret poll carry no per-option figure', async () => {
    const { w, compoundId } = await compoundWith(SIX)
    await bindMember(w, compoundId, 'o1', ['1-1-101'])
    await bindMember(w, compoundId, 'o2', ['1-1-102'])
    await w.says('boss', '发起投票 选保洁公司 选项 甲公司/乙公司 不记名')
    await w.says('o1', '投票 #1 甲公司')
    await w.says('o2', '投票 #1 乙公司')
    const before = w.adapter.sent.length
    await remindOpenPolls(w.db, w.clock.now())
    await w.app.dispatcher.flush()
    await w.says('boss', '公示 本周')
    const sent = w.adapter.sent.slice(before)
    expect(sent.some((s) => s.text.includes('【投票 #1 提醒】'))).toBe(true)
    expect(sent.some((s) => s.text.includes('#1 选保洁公司'))).toBe(true)
    for (const s of sent) {
      expect(s.text).not.toMatch(/甲公司|乙公司/)
      expect(s.text).not.toMatch(OPTION_FIGURE)
    }
  })
})

describe('the electorate is frozen at launch (item 7)', () => {
  it('a vote cast at 75.00 m² still counts 75.00 m² after a roster re-import; a later household cannot vote', async () => {
    const { w, compoundId } = await compoundWith(UNEVEN)
    await bindMember(w, compoundId, 'b', ['3-2-202'])
    await w.says('boss', '发起投票 修屋顶 规则 一般')
    await w.says('b', '投票 #1 1')
    const r1 = await w.says('b', '结果 #1')
    expect(r1.text).toContain('1. 同意：1 户 / 75.00 m²，业主 1 人')

    // the roster is re-imported: 3-2-202 now says 2500.00 m², and a new household appears
    const reimport = HEADER + [...UNEVEN_ROWS.map((r, i) => `${r.replace('3,2,202,75.00', '3,2,202,2500.00')},owner_occupied,户主${i + 1}`), '9,9,901,100.00,owner_occupied,新业主'].join('\n')
    expect(await importRoster(w.db.db, compoundId, parseRoster(reimport), w.clock.now())).toEqual({ inserted: 1, updated: 10 })
    const r2 = await w.says('b', '结果 #1')
    expect(r2.text).toContain('1. 同意：1 户 / 75.00 m²，业主 1 人')
    expect(r2.text).toContain('参与面积：75.00 / 1000.00 m²')
    expect(r2.text).toContain('已投票：1 / 10 户')
    expect(r2.text).not.toContain('2500.00')
    // and it says which roster it used
    expect(r1.text).toContain('按发起时名册：10 户 / 1000.00 m²，业主 10 人')
    expect(r2.text).toContain('按发起时名册：10 户 / 1000.00 m²，业主 10 人')

    // a household added after the launch is not in this poll's electorate: a clear refusal, nothing written
    await bindMember(w, compoundId, 'newcomer', ['9-9-901'])
    await w.says('newcomer', '投票 #1 1').then((r) => r.expectReply('9-9-901 在投票 #1 发起后才加入名册，不能参加这次投票'))
    expect(await w.db.db.select().from(ballots)).toHaveLength(1)
    // changing the vote keeps the frozen weight
    await w.says('b', '投票 #1 2')
    expect((await w.says('b', '结果 #1')).text).toContain('2. 反对：1 户 / 75.00 m²')

    // a poll launched now uses the roster as it is now
    await w.says('boss', '发起投票 换门禁 规则 一般')
    await w.says('newcomer', '投票 #2 1').then((r) => r.expectReply('已收到 9-9-901 的投票（#2）。'))
    await w.says('b', '投票 #2 1')
    const r3 = await w.says('b', '结果 #2')
    expect(r3.text).toContain('按发起时名册：11 户 / 3525.00 m²，业主 11 人')
    expect(r3.text).toContain('1. 同意：2 户 / 2600.00 m²')

    // the result of #1 at close says which roster it used, with the frozen figures
    const closed = await w.says('boss', '结束投票 #1')
    expect(closed.text).toContain('按发起时名册：10 户 / 1000.00 m²，业主 10 人')
    expect(closed.text).toContain('2. 反对：1 户 / 75.00 m²')
    const [p1] = await w.db.db.select().from(polls).where(eq(polls.no, 1))
    expect((p1!.result as { tally: { totalAreaCentiM2: string } }).tally.totalAreaCentiM2).toBe('100000')
  })

  it('a re-import updates areas and owner names for later polls; a CSV without the owner_name column keeps the names', async () => {
    const { w, compoundId } = await compoundWith(SIX)
    // only areas: the owner names (the headcount of every later poll) must not be erased
    await importRoster(w.db.db, compoundId, parseRoster('building,unit,room,area_m2\n1,1,101,120.00\n'), w.clock.now())
    const [h] = await w.db.db.select().from(households).where(eq(households.code, '1-1-101'))
    expect(h).toMatchObject({ areaCentiM2: 12000n, ownerName: '业主1', occupancy: 'owner_occupied' })
    // the update is stamped by the injected clock, not the machine's
    expect(h!.updatedAt).toEqual(w.clock.now())
    // the same owner now named on two rows: one person in polls launched from now on
    await importRoster(w.db.db, compoundId, parseRoster(`${HEADER}1,1,102,100.00,rented,业主1\n`), w.clock.now())
    await w.says('boss', '发起投票 大门颜色 选项 红/绿 规则 一般')
    expect((await w.says('boss', '结果 #1')).text).toContain('按发起时名册：6 户 / 620.00 m²，业主 5 人')
  })

  it('an owner of a flat in the electorate and one added later votes for the first, and is told about the second', async () => {
    const { w, compoundId } = await compoundWith(SIX)
    await w.says('boss', '发起投票 大门颜色 选项 红/绿')
    await importRoster(w.db.db, compoundId, parseRoster(`${HEADER}9,9,901,80.00,owner_occupied,业主1\n`), w.clock.now())
    await bindMember(w, compoundId, 'o1', ['1-1-101', '9-9-901'])
    await w.says('o1', '投票 #1 1').then((r) => r.expectReply('已收到 1-1-101 的投票'))
    expect(w.adapter.sent.filter((s) => s.user === 'o1').at(-1)!.text).toContain('9-9-901 在投票 #1 发起后才加入名册，未计入这次投票。')
    expect((await w.db.db.select().from(ballots)).map((b) => b.voterKey)).toHaveLength(1)
  })

  it('a poll launched before electorates were frozen (no rows) keeps the live count it had', async () => {
    const { w, compoundId } = await compoundWith(SIX)
    // as such a poll was stored: no poll_electorate rows
    await w.db.db.insert(polls).values([
      { compoundId, no: 1, title: '旧投票', options: ['红', '绿'], rule: 'simple', electorate: 'owners', deadline: new Date('2026-12-01T00:00:00Z'), createdAt: w.clock.now() },
      { compoundId, no: 2, title: '旧活动', options: ['甲', '乙'], rule: 'simple', electorate: 'residents', deadline: new Date('2026-12-01T00:00:00Z'), createdAt: w.clock.now() },
    ])
    await importRoster(w.db.db, compoundId, parseRoster(`${HEADER}9,9,901,80.00,owner_occupied,新业主\n`), w.clock.now())
    await bindMember(w, compoundId, 'late', ['9-9-901'])
    await w.says('late', '投票 #1 1').then((r) => r.expectReply('已收到 9-9-901 的投票（#1）。'))
    await w.says('visitor', '投票 #2 1', { name: '路人' }).then((r) => r.expectReply('已收到 路* 的投票（#2）。'))
    const r1 = await w.says('boss', '结果 #1')
    expect(r1.text).toContain('按当前名册：7 户 / 680.00 m²')
    expect(r1.text).toContain('1. 红：1 户 / 80.00 m²')
    expect((await w.says('boss', '结果 #2')).text).toContain('已投票：1 人')
    await w.says('boss', '结束投票 #1').then((r) => r.expectReply('【投票 #1 已结束】旧投票'))
  })

  it('the electorate rows are written at launch and the database refuses to change them', async () => {
    const { w } = await compoundWith(SIX)
    await w.says('boss', '发起投票 大门颜色 选项 红/绿')
    const rows = await w.db.db.select().from(pollElectorate).orderBy(pollElectorate.householdId)
    expect(rows).toHaveLength(6)
    expect(rows[0]).toMatchObject({ code: '1-1-101', areaCentiM2: 10000n, ownerKeys: ['o:业主1'] })
    expect(rows.every((r) => r.voterKey === `h:${r.householdId}`)).toBe(true)
    await expect(w.db.db.execute(sql`UPDATE poll_electorate SET area_centi_m2 = 250000`)).rejects.toThrow()
    await expect(w.db.db.execute(sql`DELETE FROM poll_electorate`)).rejects.toThrow()
  })

  it('an owner poll needs a roster; a residents poll needs verified residents (nothing is written)', async () => {
    const { w, compoundId } = await compoundWith(null)
    await w.says('boss', '发起投票 大门颜色 选项 红/绿').then((r) => r.expectReply('还没有房屋名册'))
    await w.says('boss', '发起投票 春节活动 选项 聚餐/游园 全体住户').then((r) => r.expectReply('还没有已认证绑定的住户'))
    expect(await w.db.db.select().from(polls)).toHaveLength(0)
    await importRoster(w.db.db, compoundId, parseRoster(SIX), w.clock.now())
    await w.says('boss', '发起投票 大门颜色 选项 红/绿').then((r) => r.expectReply('【投票 #1】大门颜色'))
  })
})

describe('residents polls freeze the verified residents at launch', () => {
  it('one vote per verified resident of the launch; later or unverified residents are refused with why', async () => {
    const { w, compoundId } = await compoundWith(SIX)
    await bindMember(w, compoundId, 'tenant', ['1-1-101'], 'tenant')
    await bindMember(w, compoundId, 'family', ['1-1-102'], 'family')
    await bindMember(w, compoundId, 'owner', ['1-1-201', '1-1-202'])
    await bindMember(w, compoundId, 'pending', ['1-2-101'], 'tenant', 'pending')
    await w.says('boss', '发起投票 春节活动 选项 包饺子/看电影 全体住户').then((r) => r.expectReply('【投票 #1】春节活动'))
    await w.says('tenant', '投票 #1 1', { name: '赵六' }).then((r) => r.expectReply('已收到 赵* 的投票'))
    await w.says('owner', '投票 #1 2', { name: '钱七' })
    const refusal = '投票 #1 的投票人是发起时已认证绑定的住户'
    await w.says('pending', '投票 #1 1').then((r) => r.expectReply(refusal))
    await w.says('visitor', '投票 #1 1').then((r) => r.expectReply(refusal))
    await bindMember(w, compoundId, 'late', ['1-2-102'], 'tenant')
    await w.says('late', '投票 #1 1').then((r) => r.expectReply(refusal))
    expect(await w.db.db.select().from(ballots)).toHaveLength(2)
    const r = await w.says('boss', '结果 #1')
    expect(r.text).toContain('1. 包饺子：1 人')
    expect(r.text).toContain('已投票：2 / 3 人')
    expect(r.text).toContain('按发起时名单：已认证住户 3 人')
  })
})

describe('owner headcount comes from the roster owner names (item 8)', () => {
  // 王秀英 owns three flats (written three ways); 张三 and 李四 co-own 1-1-202 and 李四 also owns 1-2-101;
  // 2-1-102 has no owner name: 8 households, 800.00 m², 5 persons.
  const NAMED =
    HEADER +
    [
      '1,1,101,100.00,,王秀英', '1,1,102,100.00,,王 秀英', '1,1,201,100.00,,王秀英 138-1234-5678', '1,1,202,100.00,,张三/李四',
      '1,2,101,100.00,,李四', '1,2,102,100.00,,赵六', '2,1,101,100.00,,钱七', '2,1,102,100.00,,',
    ].join('\n')

  it('an owner of 3 flats who bound 2 is one person; owners who never bound count in the denominator', async () => {
    const { w, compoundId } = await compoundWith(NAMED)
    await bindMember(w, compoundId, 'wang', ['1-1-101', '1-1-102'])
    await bindMember(w, compoundId, 'zhao', ['1-2-102'])
    await w.says('boss', '发起投票 聘请物业 规则 一般')
    await w.says('wang', '投票 #1 1').then((r) => r.expectReply('已收到 1-1-101、1-1-102 的投票'))
    await w.says('zhao', '投票 #1 2')
    const r = await w.says('boss', '结果 #1')
    expect(r.text).toContain('参与业主：2 / 5 人，三分之二需 ≥ 4 人 ✗ 未达到')
    expect(r.text).toContain('1. 同意：2 户 / 200.00 m²，业主 1 人')
    expect(r.text).toContain('2. 反对：1 户 / 100.00 m²，业主 1 人')
    expect(r.text).toContain('按发起时名册：8 户 / 800.00 m²，业主 5 人')
  })
})

describe('人 for persons, 户 for households (item 9)', () => {
  // 富翁 owns four flats: voting with them meets 2/3 of the area, but only 1 of 3 owners took part
  const RICH = HEADER + ['1,1,101', '1,1,102', '1,1,201', '1,1,202'].map((r) => `${r},100.00,,富翁`).join('\n') + '\n1,2,101,100.00,,甲\n1,2,102,100.00,,乙'

  it('says what is missing in persons when persons are missing', async () => {
    for (const [lang, launch, vote, results, want, wrong] of [
      ['zh-CN', '发起投票 聘请物业 规则 一般', '投票 #1 1', '结果 #1', '还差业主 1 人（约 1 户）达到参与门槛', /还差 1 户（/],
      ['zh-TW', '發起投票 聘請物業 規則 一般', '投票 #1 1', '結果 #1', '還差業主 1 人（約 1 戶）達到參與門檻', /還差 1 戶（/],
      ['en', '/poll Hire a manager rule ordinary', '/vote 1 1', '/results 1', '1 more owners (about 1 households) needed to reach the participation threshold', /1 more households \(/],
    ] as const) {
      const { w, compoundId } = await compoundWith(RICH, lang)
      await bindMember(w, compoundId, 'rich', ['1-1-101', '1-1-102', '1-1-201', '1-1-202'])
      await w.says('boss', launch)
      await w.says('rich', vote)
      const r = await w.says('rich', results)
      expect(r.text, lang).toContain(want)
      expect(r.text, lang).not.toMatch(wrong)
    }
  })

  it('names both when area and persons are missing', async () => {
    const { w, compoundId } = await compoundWith(UNEVEN)
    await bindMember(w, compoundId, 'a', ['3-2-201'])
    await bindMember(w, compoundId, 'b', ['5-101'])
    await w.says('boss', '发起投票 使用维修资金修屋顶 规则 一般')
    await w.says('a', '投票 #1 1')
    await w.says('b', '投票 #1 1')
    const r = await w.says('a', '结果 #1')
    expect(r.text).toContain('还差 5 户 / 421.92 m²，业主 5 人 达到参与门槛')
  })
})

describe('removing a roster row (删除房屋, item 8)', () => {
  it('the head removes an unreferenced household and its bindings; frozen electorates keep it', async () => {
    const { w, compoundId } = await compoundWith(SIX)
    await bindMember(w, compoundId, 'o6', ['1-2-102'])
    await bindMember(w, compoundId, 'p6', ['1-2-102'], 'tenant', 'pending')
    await w.says('boss', '发起投票 大门颜色 选项 红/绿')
    const r = await w.says('boss', '删除房屋 1-2-102')
    r.expectReply('已从名册删除 1-2-102（100.00 m²），同时删除了 2 个绑定')
    expect(await w.db.db.select().from(households).where(eq(households.code, '1-2-102'))).toEqual([])
    expect(await w.db.db.select().from(householdBindings).where(eq(householdBindings.memberId, (await upsertMember(w.db.db, 'console', 'o6', 'o6')).id))).toEqual([])
    // the open poll still counts it in its denominators
    expect((await w.says('boss', '结果 #1')).text).toContain('按发起时名册：6 户 / 600.00 m²')
    // a poll launched now does not
    await w.says('boss', '发起投票 路灯 选项 修/不修')
    expect((await w.says('boss', '结果 #2')).text).toContain('按发起时名册：5 户 / 500.00 m²')
    await w.says('boss', '删除房屋 1-2-102').then((x) => x.expectReply('1-2-102'))
    // it can come back with a re-import
    await importRoster(w.db.db, compoundId, parseRoster(SIX), w.clock.now())
    expect(await w.db.db.select().from(households)).toHaveLength(6)
  })

  it('refuses while a ballot, a ledger entry or a ticket references it, and when asked by anyone but the head', async () => {
    const { w, compoundId } = await compoundWith(SIX)
    await bindMember(w, compoundId, 'o1', ['1-1-101'])
    const o2 = await bindMember(w, compoundId, 'o2', ['1-1-102'])
    await setRole(w.db.db, { compoundId, memberId: o2.id, role: 'committee' })
    await w.says('boss', '发起投票 大门颜色 选项 红/绿')
    await w.says('o1', '投票 #1 1')
    await w.says('boss', '删除房屋 1-1-101').then((r) => r.expectReply('不能删除 1-1-101：还有 1 张选票引用它'))
    await w.says('boss', '缴费 1-1-201 60').then((r) => r.expectReply(/60/))
    await w.says('boss', '删除房屋 1-1-201').then((r) => r.expectReply('不能删除 1-1-201：还有 1 笔账目引用它'))
    await w.says('o2', '报修 1-1-102 厨房水管漏水').then((r) => r.expectReply('#1'))
    await w.says('boss', '删除房屋 1-1-102').then((r) => r.expectReply('不能删除 1-1-102：还有 1 张报修单引用它'))
    await w.says('o2', '删除房屋 1-1-202').then((r) => r.expectReply('只有主任'))
    await w.says('boss', '删除房屋 9-9-999').then((r) => r.expectReply('9-9-999'))
    await w.says('boss', '删除房屋').then((r) => r.expectReply('用法：删除房屋'))
    expect(await w.db.db.select().from(households)).toHaveLength(6)
    expect(await w.db.db.select().from(ledgerEntries)).toHaveLength(1)
  })

  it('a removal and a vote for the same room at the same time: one of them wins, neither fails', async () => {
    const rooms = Array.from({ length: 12 }, (_, i) => `2-1-${101 + i}`)
    const { w, compoundId } = await compoundWith(HEADER + rooms.map((r, i) => `${r.replaceAll('-', ',')},80.00,owner_occupied,户主${i}`).join('\n'))
    for (const [i, room] of rooms.entries()) await bindMember(w, compoundId, `v${i}`, [room])
    await w.says('boss', '发起投票 换门禁 选项 同意/反对')
    const msgs = rooms.flatMap((room, i) => (i % 2 ? [w.message(`v${i}`, '投票 #1 1'), w.message('boss', `删除房屋 ${room}`)] : [w.message('boss', `删除房屋 ${room}`), w.message(`v${i}`, '投票 #1 1')]))
    const outcomes = await Promise.all(msgs.map((m) => w.app.handle(m)))
    expect(outcomes.filter((o) => o.status !== 'handled' || o.error === 'internal')).toEqual([])
    // every room is either still in the roster with its ballot, or gone without one
    const left = new Set((await w.db.db.select().from(households)).map((h) => h.id))
    const voted = (await w.db.db.select().from(ballots)).map((b) => b.householdId!)
    for (const h of voted) expect(left.has(h)).toBe(true)
    expect(voted.length).toBe(left.size)
  })

  it('zh-TW 刪除房屋 and en /removehousehold', async () => {
    const tw = await compoundWith(SIX, 'zh-TW')
    await tw.w.says('boss', '刪除房屋 1-1-101').then((r) => r.expectReply('已從名冊刪除 1-1-101'))
    const en = await compoundWith(SIX, 'en')
    await en.w.says('boss', '/removehousehold 1-1-101').then((r) => r.expectReply('Removed 1-1-101 (100.00 m²) from the roster'))
    expect(groupTexts(en.w).at(-1)).toContain('bindings')
  })
})
