import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ballots, compounds, currentBallots, households, outbox, polls } from '../../db/schema.ts'
import { pollsInPeriod } from '../../db/polls.ts'
import { closeDuePolls, remindOpenPolls } from '../../src/services/polls.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { bindMember, ROSTER_HEADER as HEADER, townWorld } from '../helpers/fixtures.ts'
import { type World, world } from '../helpers/world.ts'

const dbs = useTestDatabases()

/** Six households of 100 m²: 2/3 is exactly 4 households / 400 m² / 4 owners. */
const SIX = HEADER + ['1,1,101', '1,1,102', '1,1,201', '1,1,202', '1,2,101', '1,2,102'].map((r) => `${r},100.00,owner_occupied,`).join('\n')
/** Uneven areas: total 1000.00 m². */
const UNEVEN =
  HEADER +
  [
    '3,2,201,89.50', '3,2,202,75.00', '3,2,301,120.25', '3,2,302,60.00', '5,,101,155.25',
    '5,,102,100.00', '5,,201,100.00', '5,,202,100.00', '6,1,101,100.00', '6,1,102,100.00',
  ]
    .map((r) => `${r},owner_occupied,`)
    .join('\n')

/** A compound opened by 老王 in the test chat, with `roster` (CSV) imported unless null. */
const compoundWith = (roster: string | null, language?: string) => townWorld(dbs, { roster, language })

const groupTexts = (w: World) => w.adapter.sent.filter((s) => s.chat !== undefined).map((s) => s.text)
const privateTexts = (w: World, user?: string) => w.adapter.sent.filter((s) => s.user !== undefined && (!user || s.user === user)).map((s) => s.text)

describe('polls: launch, vote, change, results, close (zh-CN)', () => {
  it('runs an ordinary poll end to end with exact thresholds', async () => {
    const { w, compoundId } = await compoundWith(SIX)
    const rooms = ['1-1-101', '1-1-102', '1-1-201', '1-1-202', '1-2-101', '1-2-102']
    for (let i = 0; i < 6; i++) await bindMember(w, compoundId, `o${i}`, [rooms[i]!])
    await bindMember(w, compoundId, 'tenant', ['1-1-101'], 'tenant')

    const launch = await w.says('boss', '发起投票 聘请物业公司 规则 一般')
    launch.expectReply('【投票 #1】聘请物业公司')
    expect(launch.text).toContain('1. 同意\n2. 反对\n3. 弃权')
    expect(launch.text).toContain('截止：2026-11-30 10:00') // 7 days, Shanghai time
    expect(launch.text).toContain('三分之二以上')
    expect(launch.text).toContain('投票 #1 1')
    const [post] = await w.db.db.select().from(outbox).where(eq(outbox.targetId, 'g1')).orderBy(sql`${outbox.id} desc`).limit(1)
    expect(post!.buttons).toEqual([
      [{ text: '1. 同意', data: '/vote 1 1' }],
      [{ text: '2. 反对', data: '/vote 1 2' }],
      [{ text: '3. 弃权', data: '/vote 1 3' }],
    ])

    // tenants are refused with why; nothing is written
    await w.says('tenant', '投票 #1 1').then((r) => r.expectReply('请由业主投票'))
    expect(await w.db.db.select().from(ballots)).toHaveLength(0)

    const v = await w.says('o0', '投票 #1 1')
    expect(v.replies).toEqual([
      { user: 'o0', text: expect.stringContaining('已记录你在投票 #1「聘请物业公司」的选择：1. 同意（1-1-101）') },
      { chat: 'g1', text: '已收到 1-1-101 的投票（#1）。' },
    ])
    await w.says('o1', '投票 #1 同意')
    await w.says('o2', '/vote 1 2')
    const r3 = await w.says('anyone', '结果 #1')
    r3.expectReply('【投票 #1 统计】聘请物业公司')
    expect(r3.text).toContain('1. 同意：2 户 / 200.00 m²，业主 2 人')
    expect(r3.text).toContain('2. 反对：1 户 / 100.00 m²，业主 1 人')
    expect(r3.text).toContain('参与面积：300.00 / 600.00 m²，三分之二需 ≥ 400.00 m² ✗ 未达到')
    expect(r3.text).toContain('参与业主：3 / 6 人，三分之二需 ≥ 4 人 ✗ 未达到')
    expect(r3.text).toContain('还差 1 户 / 100.00 m²，业主 1 人 达到参与门槛')
    expect(r3.text).toContain('表决暂未生效')
    expect(r3.text).toContain('已投票：1-1-101、1-1-102、1-1-201')

    // exactly 2/3 of area and of owners: participation met (以上 includes equality)
    await w.says('o3', '投票 #1 2')
    const r4 = await w.says('anyone', '结果 #1')
    expect(r4.text).toContain('参与面积：400.00 / 600.00 m²，三分之二需 ≥ 400.00 m² ✓ 已达到')
    expect(r4.text).toContain('参与业主：4 / 6 人，三分之二需 ≥ 4 人 ✓ 已达到')
    expect(r4.text).not.toContain('还差')
    // 2 of 4 agree is not more than half
    expect(r4.text).toContain('「同意」面积：200.00 / 400.00 m²，须过半（≥ 200.01 m²）✗ 未达到')
    expect(r4.text).toContain('尚未达到通过条件')

    // o3 changes their mind: the last vote counts, both casts are kept
    const change = await w.says('o3', '投票 #1 1')
    expect(privateTexts(w, 'o3').at(-1)).toContain('已改票')
    expect(change.text).toContain('已收到 1-1-202 的投票')
    expect(await w.db.db.select().from(ballots)).toHaveLength(5)
    expect(await w.db.db.select().from(currentBallots)).toHaveLength(4)

    const close = await w.says('boss', '结束投票 #1')
    close.expectReply('【投票 #1 已结束】聘请物业公司')
    expect(close.text).toContain('结果：表决有效，「同意」获得通过。')
    expect(close.text).toContain('「同意」人数：3 / 4 人，须过半（≥ 3 人）✓ 已达到')
    const [row] = await w.db.db.select().from(polls)
    expect(row!.status).toBe('closed')
    expect(row!.closedAt).toEqual(w.clock.now())
    const snap = row!.result as { tally: { totalAreaCentiM2: string; outcome: string }; voted: string[] }
    expect(snap.tally.totalAreaCentiM2).toBe('60000')
    expect(snap.tally.outcome).toBe('passed')
    expect(snap.voted).toEqual(['1-1-101', '1-1-102', '1-1-201', '1-1-202'])

    // after closing: votes refused; results come from the snapshot even when the roster changes
    await w.says('o4', '投票 #1 1').then((r) => r.expectReply('投票 #1 已结束，不能再投票。'))
    await w.says('boss', '结束投票 #1').then((r) => r.expectReply('投票 #1 已经结束。'))
    await bindMember(w, compoundId, 'late', ['1-2-101'])
    const after = await w.says('anyone', '结果')
    expect(after.text).toContain('参与业主：4 / 6 人')
    expect(after.text).toContain('结果：表决有效，「同意」获得通过。')
    expect(await w.db.db.select().from(ballots)).toHaveLength(5)
  })

  it('reports what is missing in households and m² on uneven areas', async () => {
    const { w, compoundId } = await compoundWith(UNEVEN)
    await bindMember(w, compoundId, 'a', ['3-2-201'])
    await bindMember(w, compoundId, 'b', ['5-101'])
    await w.says('boss', '发起投票 使用维修资金修屋顶 规则 一般')
    await w.says('a', '投票 #1 1')
    await w.says('b', '投票 #1 1')
    const r = await w.says('a', '结果 #1')
    // total 1000.00 m²: 2/3 needs 666.67; 244.75 participating → 421.92 missing; 10 owners → 7 needed
    expect(r.text).toContain('参与面积：244.75 / 1000.00 m²，三分之二需 ≥ 666.67 m² ✗ 未达到')
    expect(r.text).toContain('参与业主：2 / 10 人，三分之二需 ≥ 7 人 ✗ 未达到')
    expect(r.text).toContain('还差 5 户 / 421.92 m²，业主 5 人 达到参与门槛')
  })
})

describe('polls in zh-TW and en compounds', () => {
  it('zh-TW: 發起投票 / 投票 / 結果 / 結束投票', async () => {
    const { w, compoundId } = await compoundWith(SIX, 'zh-TW')
    const rooms = ['1-1-101', '1-1-102', '1-1-201', '1-1-202', '1-2-101']
    for (let i = 0; i < 5; i++) await bindMember(w, compoundId, `o${i}`, [rooms[i]!])
    const l = await w.says('boss', '發起投票 更換大門 選項 同意/反對 規則 一般 截止 12月1日 18:00')
    l.expectReply('【投票 #1】更換大門')
    expect(l.text).toContain('規則：一般事項（民法典第二百七十八條）')
    expect(l.text).toContain('截止：2026-12-01 18:00')
    await w.says('o0', '投票 #1 同意').then((r) => r.expectReply('已收到 1-1-101 的投票'))
    expect(privateTexts(w, 'o0').at(-1)).toContain('已記錄你在投票 #1「更換大門」的選擇：1. 同意')
    await w.says('o1', '投票 #1 反對')
    await w.says('o2', '投票 #1 1')
    await w.says('o3', '投票 #1 1')
    await w.says('o4', '投票 #1 1')
    await w.says('o4', '投票 #1 9').then((r) => r.expectReply('沒有第 9 個選項'))
    const r = await w.says('o0', '結果 #1')
    expect(r.text).toContain('1. 同意：4 戶 / 400.00 m²，業主 4 人')
    expect(r.text).toContain('參與面積：500.00 / 600.00 m²')
    const c = await w.says('boss', '結束投票 #1')
    c.expectReply('【投票 #1 已結束】更換大門')
    expect(c.text).toContain('結果：表決有效，「同意」獲得通過。')
    await w.says('o0', '投票 #1 2').then((r2) => r2.expectReply('投票 #1 已結束，不能再投票。'))
  })

  it('en: /poll, /vote, /results, /closepoll', async () => {
    const { w, compoundId } = await compoundWith(SIX, 'en')
    const rooms = ['1-1-101', '1-1-102', '1-1-201', '1-1-202']
    for (let i = 0; i < 4; i++) await bindMember(w, compoundId, `o${i}`, [rooms[i]!])
    const l = await w.says('boss', '/poll Raise a maintenance fund rule major deadline 2026-12-10')
    l.expectReply('[Poll #1] Raise a maintenance fund')
    expect(l.text).toContain('1. Agree\n2. Against\n3. Abstain')
    expect(l.text).toContain('at least 3/4 of the participating area')
    expect(l.text).toContain('Deadline: 2026-12-10 23:59')
    await w.says('o0', '/vote 1 1').then((r) => r.expectReply('Vote received from 1-1-101 (#1).'))
    expect(privateTexts(w, 'o0').at(-1)).toContain('Recorded your vote in poll #1 "Raise a maintenance fund": 1. Agree (1-1-101)')
    await w.says('o1', '/vote 1 agree')
    await w.says('o2', '/vote 1 1')
    await w.says('o3', '/vote 1 2')
    const r = await w.says('o0', '/results 1')
    expect(r.text).toContain('1. Agree: 3 households / 300.00 m², 3 owners')
    expect(r.text).toContain('Participating area: 400.00 / 600.00 m², 2/3 needs ≥ 400.00 m² ✓ met')
    // major: 3 of 4 is exactly 3/4 (以上 includes equality)
    expect(r.text).toContain('"Agree" owners: 3 / 4, needs at least 3/4 (≥ 3) ✓ met')
    const c = await w.says('boss', '/closepoll 1')
    c.expectReply('[Poll #1 closed] Raise a maintenance fund')
    expect(c.text).toContain('Result: the vote is valid and "Agree" passed.')
    await w.says('o0', '/vote 1 2').then((x) => x.expectReply('Poll #1 is closed'))
  })
})

describe('secret ballots', () => {
  it('no output names a voter or repeats a choice', async () => {
    const { w, compoundId } = await compoundWith(SIX)
    const rooms = ['1-1-101', '1-1-102', '1-1-201', '1-1-202', '1-2-101']
    const names = ['张伟', '王芳', '李娜', '刘洋', '陈静']
    for (let i = 0; i < 5; i++) await bindMember(w, compoundId, names[i]!, [rooms[i]!])
    const l = await w.says('boss', '发起投票 是否更换物业 选项 赞成/不赞成 规则 一般 不记名')
    l.expectReply('不记名投票')
    const from = w.adapter.sent.length
    for (let i = 0; i < 5; i++) await w.says(names[i]!, `投票 #1 ${i % 2 === 0 ? '赞成' : 2}`)
    await w.says(names[0]!, '投票 #1 不赞成') // a change
    await w.says('boss', '结果 #1')
    await w.says(names[1]!, '结果 #1')
    await w.says('boss', '结束投票 #1')
    await w.says('boss', '结果 #1')
    const sent = w.adapter.sent.slice(from)
    expect(sent.length).toBeGreaterThan(10)
    for (const s of sent) {
      if (s.chat !== undefined) {
        for (const id of [...rooms, ...names]) expect(s.text, s.text).not.toContain(id)
      } else {
        // private confirmations: to the voter only, and without the choice
        expect(s.text).not.toMatch(/赞成|不赞成/)
      }
    }
    const rows = await w.db.db.select().from(outbox)
    for (const r of rows.filter((x) => x.targetKind === 'user')) expect(r.text).not.toMatch(/赞成/)
    const [p] = await w.db.db.select().from(polls)
    expect((p!.result as { voted: unknown }).voted).toBeNull()
    expect(JSON.stringify(p!.result)).not.toMatch(/1-1-|张伟/)
    const last = groupTexts(w).at(-1)!
    expect(last).toContain('不记名投票：不公开投票人和各人的选择。')
    expect(last).toContain('1. 赞成：2 户 / 200.00 m²')
  })
})

describe('who may vote', () => {
  it('refuses tenants, pending owners and strangers with an explanation', async () => {
    const { w, compoundId } = await compoundWith(SIX)
    await bindMember(w, compoundId, 'tenant', ['1-1-101'], 'tenant')
    await bindMember(w, compoundId, 'family', ['1-1-102'], 'family')
    await bindMember(w, compoundId, 'pending', ['1-1-201'], 'owner', 'pending')
    await w.says('boss', '发起投票 大门颜色 选项 红/绿')
    await w.says('tenant', '投票 #1 1').then((r) => r.expectReply('你绑定的是 1-1-101 的租户，请由业主投票。'))
    await w.says('family', '投票 #1 1').then((r) => r.expectReply('你绑定的是 1-1-102 的家属'))
    await w.says('pending', '投票 #1 1').then((r) => r.expectReply('你的业主绑定（1-1-201）还在等待委员会认证'))
    await w.says('stranger', '投票 #1 1').then((r) => r.expectReply('请先发送「绑定 房号 业主」'))
    expect(await w.db.db.select().from(ballots)).toHaveLength(0)
  })

  it('two members of one household: the second replaces the first, both casts kept', async () => {
    const { w, compoundId } = await compoundWith(SIX)
    await bindMember(w, compoundId, 'husband', ['1-1-101'])
    await bindMember(w, compoundId, 'wife', ['1-1-101'])
    await w.says('boss', '发起投票 大门颜色 选项 红/绿')
    await w.says('husband', '投票 #1 1')
    const second = await w.says('wife', '投票 #1 2')
    expect(privateTexts(w, 'wife').at(-1)).toContain('本户之前由另一位业主投的票已被替换')
    expect(second.text).toContain('已收到 1-1-101 的投票')
    const all = await w.db.db.select().from(ballots).orderBy(ballots.id)
    expect(all.map((b) => [b.voterKey, b.options])).toEqual([
      [all[0]!.voterKey, [0]],
      [all[0]!.voterKey, [1]],
    ])
    const cur = await w.db.db.select().from(currentBallots)
    expect(cur).toEqual([expect.objectContaining({ ballotId: all[1]!.id })])
    const r = await w.says('boss', '结果 #1')
    expect(r.text).toContain('1. 红：0 户')
    expect(r.text).toContain('2. 绿：1 户 / 100.00 m²')
    // the ballots table refuses edits
    await expect(w.db.db.execute(sql`UPDATE ballots SET options = '[0]'`)).rejects.toThrow()
  })

  it('an owner of several households votes for each; headcount counts them once', async () => {
    // the roster names 富翁 as the owner of three flats: one person (最高法解释 第九条)
    const names = ['富翁', '富翁', '富翁', '丁', '戊', '己']
    const { w, compoundId } = await compoundWith(SIX.split('\n').map((l, i) => (i === 0 ? l : `${l}${names[i - 1]}`)).join('\n'))
    await bindMember(w, compoundId, 'rich', ['1-1-101', '1-1-102', '1-1-201'])
    await bindMember(w, compoundId, 'o4', ['1-1-202'])
    await w.says('boss', '发起投票 聘请物业 规则 一般')
    const v = await w.says('rich', '投票 #1 1')
    expect(v.text).toContain('已收到 1-1-101、1-1-102、1-1-201 的投票')
    expect(await w.db.db.select().from(currentBallots)).toHaveLength(3)
    const r = await w.says('boss', '结果 #1')
    // 6 households, owner units: rich (3 households) + 3 singles = 4 heads
    expect(r.text).toContain('1. 同意：3 户 / 300.00 m²，业主 1 人')
    expect(r.text).toContain('参与业主：1 / 4 人，三分之二需 ≥ 3 人')
  })

  it('residents polls: every resident verified at launch votes, one vote per person', async () => {
    const { w, compoundId } = await compoundWith(SIX)
    await bindMember(w, compoundId, 'tenant', ['1-1-101'], 'tenant')
    await bindMember(w, compoundId, 'visitor', ['1-1-102'], 'family')
    await w.says('boss', '发起投票 春节活动 选项 包饺子/看电影 全体住户')
    await w.says('tenant', '投票 #1 1', { name: '赵六' }).then((r) => r.expectReply('已收到 赵* 的投票'))
    await w.says('visitor', '投票 #1 2', { name: '钱七' })
    await w.says('visitor', '投票 #1 1')
    const r = await w.says('boss', '结果 #1')
    expect(r.text).toContain('1. 包饺子：2 人')
    expect(r.text).toContain('已投票：2 / 2 人')
    expect(r.text).toContain('目前领先：包饺子')
    expect(r.text).toContain('已投票：赵*、钱*')
  })

  it('multiple choice polls take several options; single choice refuses them', async () => {
    const { w, compoundId } = await compoundWith(SIX)
    await bindMember(w, compoundId, 'o', ['1-1-101'])
    await w.says('boss', '发起投票 绿化 选项 桂花/樱花/银杏 多选')
    await w.says('boss', '发起投票 大门 选项 红/绿')
    await w.says('o', '投票 #1 1,3').then((r) => r.expectReply('已收到'))
    expect(privateTexts(w, 'o').at(-1)).toContain('1. 桂花、3. 银杏')
    await w.says('o', '投票 #2 1,2').then((r) => r.expectReply('本投票只能选一项。'))
    await w.says('o', '投票 同意').then((r) => r.expectReply('现在有多个投票（#1、#2）'))
  })
})

describe('bad input gets one clear reply and writes nothing', () => {
  it('launch and vote refusals', async () => {
    const { w, compoundId } = await compoundWith(SIX)
    await bindMember(w, compoundId, 'o', ['1-1-101'])
    const cases: [string, string, string][] = [
      ['boss', '发起投票', '请写上投票标题。\n用法：发起投票 <标题> 选项'],
      ['boss', '发起投票 大门', '请写上选项'],
      ['boss', '发起投票 大门 选项 红', '至少要有两个选项'],
      ['boss', `发起投票 大门 选项 ${Array.from({ length: 21 }, (_, i) => `色${i}`).join('/')}`, '最多 20 个选项'],
      ['boss', '发起投票 大门 选项 红/绿/红', '选项「红」重复了'],
      ['boss', '发起投票 大门 选项 红/绿 截止 2026-01-01', '截止时间已经过去了'],
      ['boss', '发起投票 聘请物业 规则 一般 截止 11-25', '须至少提前 7 天公告，截止时间最早为 2026-11-30 10:00'],
      ['o', '发起投票 大门 选项 红/绿', '只有委员可以这样做'],
      ['o', '投票 #9 1', '没有投票 #9。'],
      ['o', '投票 1', '请写上投票编号和你的选择'],
      ['o', '结果 #9', '没有投票 #9。'],
      ['o', '结束投票 #1', '只有委员可以这样做'],
      ['boss', '结束投票', '请写上投票编号'],
      ['o', '投票 同意', '现在没有进行中的投票。'],
    ]
    for (const [who, text, want] of cases) {
      const r = await w.says(who, text)
      expect(r.replies, text).toHaveLength(1)
      expect(r.text, text).toContain(want)
    }
    expect(await w.db.db.select().from(polls)).toHaveLength(0)
    await w.says('boss', '发起投票 大门 选项 红/绿')
    await w.says('o', '投票 #1 3').then((r) => r.expectReply('没有第 3 个选项：本投票的选项是 1 到 2。'))
    await w.says('o', '投票 #1 蓝').then((r) => r.expectReply('没有「蓝」这个选项'))
    await w.says('o', '投票 #1').then((r) => r.expectReply('请写上你的选择，例如「投票 #1 1」。'))
    expect(await w.db.db.select().from(ballots)).toHaveLength(0)
    // after the deadline, before anyone closed it
    w.clock.advance(8 * 86_400_000)
    await w.says('o', '投票 #1 1').then((r) => r.expectReply('投票 #1 已于 2026-11-30 10:00 截止'))
    expect(await w.db.db.select().from(ballots)).toHaveLength(0)
  })

  it('the head may shorten the notice period with 紧急; a committee member may not', async () => {
    const { w, compoundId } = await compoundWith(SIX)
    await bindMember(w, compoundId, 'member', ['1-1-101'])
    await w.says('boss', '任命 @member 委员').then((r) => r.expectReply('已任命'))
    await w.says('member', '发起投票 抢修水管 规则 一般 截止 11-25 紧急').then((r) => r.expectReply('只有主任可以用「紧急」'))
    const ok = await w.says('boss', '发起投票 抢修水管 规则 一般 截止 11-25 紧急')
    ok.expectReply('主任确认紧急，未满 7 天公告期')
    await w.db.db.update(compounds).set({ settings: { pollNoticeDays: 1 } }).where(eq(compounds.id, compoundId))
    await w.says('member', '发起投票 换灯 规则 一般 截止 11-25').then((r) => r.expectReply('【投票 #2】换灯'))
  })
})

describe('concurrency', () => {
  it('many votes at once: one current ballot per household, every cast kept', async () => {
    const n = 24
    const csv = HEADER + Array.from({ length: n }, (_, i) => `2,1,${101 + i},80.00,owner_occupied,`).join('\n')
    const { w, compoundId } = await compoundWith(csv)
    for (let i = 0; i < n; i++) {
      await bindMember(w, compoundId, `a${i}`, [`2-1-${101 + i}`])
      await bindMember(w, compoundId, `b${i}`, [`2-1-${101 + i}`]) // a co-owner of the same household
    }
    await w.says('boss', '发起投票 换门禁 规则 一般')
    const msgs = []
    for (let i = 0; i < n; i++) {
      msgs.push(w.message(`a${i}`, '投票 #1 1'), w.message(`b${i}`, '投票 #1 2'), w.message(`a${i}`, '投票 #1 3'))
    }
    const outcomes = await Promise.all(msgs.map((m) => w.app.handle(m)))
    expect(outcomes.every((o) => o.status === 'handled' && !('error' in o && o.error))).toBe(true)
    const [cur] = await w.db.db.execute<{ n: number; distinct_keys: number }>(
      sql`SELECT count(*)::int AS n, count(DISTINCT voter_key)::int AS distinct_keys FROM current_ballots`,
    ).then((r) => ((r as { rows?: unknown[] }).rows ?? (r as unknown as unknown[])) as { n: number; distinct_keys: number }[])
    expect(cur).toEqual({ n, distinct_keys: n })
    expect(await w.db.db.select().from(ballots)).toHaveLength(3 * n)
    // the current ballot is each household's newest cast
    const stale = await w.db.db.execute(sql`
      SELECT 1 FROM current_ballots c JOIN ballots b ON b.poll_id = c.poll_id AND b.voter_key = c.voter_key
      WHERE b.id > c.ballot_id`)
    expect(((stale as { rows?: unknown[] }).rows ?? (stale as unknown as unknown[])).length).toBe(0)
    const r = await w.says('boss', '结果 #1')
    expect(r.text).toContain(`已投票：${n} / ${n} 户`)
  })

  it('polls launched at once get distinct numbers', async () => {
    const { w } = await compoundWith(SIX)
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) => w.app.handle(w.message('boss', `发起投票 议题${i} 选项 是/否`))),
    )
    expect(outcomes.every((o) => o.status === 'handled')).toBe(true)
    const nos = (await w.db.db.select().from(polls)).map((p) => p.no).sort((a, b) => a - b)
    expect(nos).toEqual([1, 2, 3, 4, 5, 6])
  })
})

describe('closing at the deadline and reminders (the CLI and the scheduler call these)', () => {
  it('closeDuePolls closes once, announces once, then votes are refused', async () => {
    const { w, compoundId } = await compoundWith(SIX)
    for (const [i, r] of ['1-1-101', '1-1-102', '1-1-201', '1-1-202'].entries()) await bindMember(w, compoundId, `o${i}`, [r])
    await w.says('boss', '发起投票 大门 选项 红/绿 截止 11-25 18:00')
    await w.says('boss', '发起投票 路灯 选项 修/不修')
    await w.says('o0', '投票 #1 1')
    await w.says('o1', '投票 #1 绿')
    await w.says('o2', '投票 #1 2')
    expect(await closeDuePolls(w.db, w.clock.now())).toEqual([])
    w.clock.set('2026-11-25T10:00:00Z') // 18:00 in Shanghai: the deadline
    const closed = await closeDuePolls(w.db, w.clock.now())
    expect(closed).toEqual([{ compoundId, compoundName: '幸福里', no: 1, title: '大门', outcome: 'winner' }])
    expect(await closeDuePolls(w.db, w.clock.now())).toEqual([])
    const before = w.adapter.sent.length
    await w.app.dispatcher.flush()
    const posted = w.adapter.sent.slice(before)
    expect(posted).toHaveLength(1)
    expect(posted[0]!.chat).toBe('g1')
    expect(posted[0]!.text).toContain('【投票 #1 已结束】大门')
    expect(posted[0]!.text).toContain('结果：「绿」得票最多。')
    const [p1] = await w.db.db.select().from(polls).where(eq(polls.no, 1))
    expect(p1!.status).toBe('closed')
    expect(p1!.closedAt!.toISOString()).toBe('2026-11-25T10:00:00.000Z')
    await w.says('o3', '投票 #1 1').then((r) => r.expectReply('投票 #1 已结束'))
    // the other poll is still open
    await w.says('o3', '投票 #2 1').then((r) => r.expectReply('已收到 1-1-202 的投票'))
  })

  it('remindOpenPolls: committee privately gets the rooms, the group a count, once a day', async () => {
    const { w, compoundId } = await compoundWith(SIX)
    await bindMember(w, compoundId, 'o0', ['1-1-101'])
    const member = await bindMember(w, compoundId, 'member', ['1-1-102'])
    await w.says('boss', '任命 @member 委员')
    await w.says('boss', '发起投票 聘请物业 规则 一般 不记名')
    await w.says('o0', '投票 #1 1')
    const before = w.adapter.sent.length
    const report = await remindOpenPolls(w.db, w.clock.now())
    expect(report).toEqual([
      { compoundId, compoundName: '幸福里', no: 1, title: '聘请物业', count: 5, electorate: 'owners', rows: 3 },
    ])
    await w.app.dispatcher.flush()
    const sent = w.adapter.sent.slice(before)
    const group = sent.filter((s) => s.chat)
    expect(group).toEqual([{ chat: 'g1', text: expect.stringContaining('还有 5 户没有投票') }])
    expect(group[0]!.text).not.toMatch(/1-1-/)
    const priv = sent.filter((s) => s.user)
    expect(priv.map((s) => s.user).sort()).toEqual(['boss', 'member'])
    expect(priv[0]!.text).toContain('1-1-102、1-1-201、1-1-202、1-2-101、1-2-102')
    expect(priv[0]!.text).not.toContain('1-1-101')
    expect(member.id).toBeGreaterThan(0)
    // the same day again: nothing new; the next day: again
    expect((await remindOpenPolls(w.db, w.clock.now()))[0]!.rows).toBe(0)
    w.clock.advance(86_400_000)
    expect((await remindOpenPolls(w.db, w.clock.now()))[0]!.rows).toBe(3)
  })

  it('pollsInPeriod lists polls opened or closed in a period', async () => {
    const { w, compoundId } = await compoundWith(SIX)
    await w.says('boss', '发起投票 甲 选项 是/否')
    w.clock.advance(10 * 86_400_000)
    await w.says('boss', '发起投票 乙 选项 是/否')
    await w.says('boss', '结束投票 #1')
    const all = await pollsInPeriod(w.db.db, compoundId, new Date('2026-11-01T00:00:00Z'), new Date('2026-12-31T00:00:00Z'))
    expect(all.map((p) => p.no)).toEqual([1, 2])
    const late = await pollsInPeriod(w.db.db, compoundId, new Date('2026-11-30T00:00:00Z'), new Date('2026-12-31T00:00:00Z'))
    expect(late.map((p) => [p.no, p.status])).toEqual([
      [1, 'closed'],
      [2, 'open'],
    ])
  })

  it('a committee member can launch from a private chat; the post goes to the group', async () => {
    const { w } = await compoundWith(SIX)
    const r = await w.says('boss', '发起投票 大门 选项 红/绿', { private: true })
    expect(r.replies.find((x) => x.chat === 'g1')?.text).toContain('【投票 #1】大门')
    expect(r.replies.find((x) => x.user === 'boss')?.text).toContain('已发起投票 #1')
  })
})
