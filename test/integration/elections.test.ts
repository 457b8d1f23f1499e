// Elections (发起选举, 推荐, 选) and the objection window (异议, 答复异议, the final announcement) through the real
// pipeline on a real database, with the scheduler's steps driven at chosen instants (issue 17).
import { and, eq, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { compounds, electionCandidates, objections, outbox, pollElectorate, polls, resultWindows, roles } from '../../db/schema.ts'
import { runDue } from '../../src/scheduler/tick.ts'
import { openDueElections } from '../../src/services/nominations.ts'
import { finishDueWindows } from '../../src/services/objections.ts'
import { closeDuePolls, remindOpenPolls } from '../../src/services/polls.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { ROSTER_HEADER, townWorld } from '../helpers/fixtures.ts'
import type { World } from '../helpers/world.ts'

const dbs = useTestDatabases()

/** Six households of 100 m²: 2/3 is 4 households / 400 m² / 4 owners. */
const ROOMS = ['1-1-101', '1-1-102', '1-1-201', '1-1-202', '1-2-101', '1-2-102']
const SIX = ROSTER_HEADER + ROOMS.map((r) => `${r.replaceAll('-', ',')},100.00,owner_occupied,`).join('\n')
const OWNERS = ['张三', '李四', '王五', '赵六', '钱七', '孙八']

const town = () =>
  townWorld(dbs, {
    roster: SIX,
    people: [
      { id: 'cc', name: '老李', role: 'committee' },
      ...OWNERS.map((name, i) => ({ id: `o${i}`, name, rooms: [ROOMS[i]!] })),
      { id: 'tt', name: '租客', rooms: [ROOMS[0]!], relation: 'tenant' as const },
    ],
  })

const flushed = async (w: World) => {
  const before = w.adapter.sent.length
  await w.app.dispatcher.flush()
  return w.adapter.sent.slice(before)
}
const refused = async (db: World['db'], q: ReturnType<typeof sql>) => {
  await expect(db.db.execute(q)).rejects.toThrow()
}

describe('elections: launch, vote, count, objection window', () => {
  it('elects two of four, refuses what it must, and makes the elected committee members after the window', async () => {
    const { w, compoundId, members } = await town()
    // head only
    await w.says('cc', '发起选举 第一届物管会 名额 2 候选人 张三/李四').then((r) => r.expectReply('只有主任可以'))
    await w.says('boss', '发起选举 第一届物管会 名额 0 候选人 张三/李四').then((r) => r.expectReply('名额须是 1 到 15'))
    await w.says('boss', '发起选举 第一届物管会 名额 2').then((r) => r.expectReply('请写上候选人'))
    await w.says('boss', '发起选举 第一届物管会 名额 2 候选人 @无名氏/李四').then((r) => r.expectReply('无名氏'))
    expect(await w.db.db.select().from(polls)).toHaveLength(0)

    const launch = await w.says('boss', '发起选举 第一届物管会 名额 2 候选人 @张三/李四/王五/周九')
    launch.expectReply('【选举 #1】第一届物管会')
    expect(launch.text).toContain('A. 张三\nB. 李四\nC. 王五\nD. 周九') // candidates are named in full (公示)
    expect(launch.text).toContain('发送「选 #1 A B」')
    expect(launch.text).toContain('7 天公示期')
    const cands = await w.db.db.select().from(electionCandidates).orderBy(electionCandidates.idx)
    // a mention and a bare name that is one verified owner link to members; an unknown name stays a name
    expect(cands.map((c) => [c.name, c.memberId, c.idx])).toEqual([
      ['张三', members.o0, 0],
      ['李四', members.o1, 1],
      ['王五', members.o2, 2],
      ['周九', null, 3],
    ])
    const [e] = await w.db.db.select().from(polls)
    expect(e).toMatchObject({ kind: 'election', seats: 2, secret: true, multiple: true, status: 'open', options: ['张三', '李四', '王五', '周九'] })
    expect(await w.db.db.select().from(pollElectorate)).toHaveLength(6)

    // numbers are shared with polls; each command refuses the other kind
    await w.says('boss', '发起投票 装路灯 选项 装/不装')
    await w.says('o0', '选 #2 A').then((r) => r.expectReply('#2 是表决，不是选举。'))
    await w.says('o0', '投票 #1 1').then((r) => r.expectReply('#1 是选举，请发送「选 #1 A B」'))
    await w.says('o0', '推荐 #2 张三').then((r) => r.expectReply('#2 是表决，不是选举。'))
    // refusals write nothing
    await w.says('tt', '选 #1 A').then((r) => r.expectReply('请由业主投票'))
    await w.says('o0', '选 #1 A B C').then((r) => r.expectReply('最多选 2 人，你选了 3 人'))
    await w.says('o0', '选 #1 Z').then((r) => r.expectReply('没有候选人「Z」：请写字母 A–D'))
    await w.says('o0', '选 #1').then((r) => r.expectReply('请写上你选的候选人'))

    const v = await w.says('o0', '选 #1 A C')
    expect(v.replies).toEqual([
      { user: 'o0', text: expect.stringContaining('已记录你在不记名选举 #1「第一届物管会」中的选票（1-1-101）') },
      { chat: 'g1', text: '已收到一张选票（#1）。' },
    ])
    expect(v.text).not.toMatch(/[A-D]\. |张三/) // no choice repeated
    await w.says('o0', '选 #1 a b').then((r) => expect(r.replies[0]!.text).toContain('已更新你在不记名选举 #1'))
    await w.says('o1', '选 #1 张三 李四')
    await w.says('o2', '选 #1 AB')
    await w.says('o3', '/elect 1 A C')
    await w.says('o4', '選 #1 B')
    // secret while open: participation only
    const live = await w.says('o5', '结果 #1')
    expect(live.text).toContain('【选举 #1 统计】第一届物管会')
    expect(live.text).toContain('已投票：5 / 6 户')
    expect(live.text).not.toMatch(/A\. 张三：/)
    expect(live.text).toContain('投票结束前只公布参与情况')

    const closed = await w.says('cc', '结束投票 #1')
    const post = closed.replies.find((r) => r.chat)!.text
    expect(post).toContain('【选举 #1 结果】第一届物管会')
    expect(post).toContain('A. 张三：4 户 / 400.00 m²，业主 4 人 ✓ 过半')
    expect(post).toContain('B. 李四：4 户 / 400.00 m²，业主 4 人 ✓ 过半')
    expect(post).toContain('C. 王五：1 户 / 100.00 m²，业主 1 人\n')
    expect(post).toContain('当选（按得票排序）：A. 张三、B. 李四')
    expect(post).toContain('公示期至 2026-11-30 10:00：对结果有异议的业主，请在此前发送「异议 #1 理由」。')
    expect(post).not.toMatch(/1-1-10\d/) // secret: no room
    const [done] = await w.db.db.select().from(polls).where(eq(polls.no, 1))
    expect((done!.result as { elected: unknown }).elected).toEqual([
      { idx: 0, name: '张三', memberId: members.o0 },
      { idx: 1, name: '李四', memberId: members.o1 },
    ])
    await w.says('o5', '选 #1 A').then((r) => r.expectReply('选举 #1 已结束'))

    // objections: owners only, closed results only; numbered; the committee told privately
    await w.says('tt', '异议 #1 计票有误').then((r) => r.expectReply('请由业主投票'))
    await w.says('o5', '异议 #2 不公平').then((r) => r.expectReply('#2 还没有结束'))
    const ob = await w.says('o5', '异议 #1 纸质票没有计入')
    expect(ob.replies.find((r) => r.user === 'o5')!.text).toContain('已登记你对 #1 的异议（#1-1）')
    expect(ob.replies.find((r) => r.chat)!.text).toBe('已收到对 #1 的一条异议（#1-1），委员会将答复，公示期结束时一并公布。')
    const toCommittee = ob.replies.filter((r) => r.user === 'boss' || r.user === 'cc')
    expect(toCommittee).toHaveLength(2)
    expect(toCommittee[0]!.text).toContain('孙八（1-2-102）：纸质票没有计入')
    await w.says('o4', '异议 #1 第二条').then((r) => r.expectReply('#1-2'))
    expect((await w.db.db.select().from(objections)).map((o) => o.no)).toEqual([1, 2])

    await w.says('o1', '答复异议 #1-1 已核对').then((r) => r.expectReply('只有委员可以'))
    await w.says('cc', '答复异议 #1-9 已核对').then((r) => r.expectReply('没有异议 #1-9'))
    const ans = await w.says('cc', '答复异议 #1-1 已核对纸质票，均已计入')
    ans.expectReply('已答复异议 #1-1。')
    expect(ans.replies.find((r) => r.user === 'o5')!.text).toContain('已有答复：已核对纸质票，均已计入')

    // the window: nothing before its end; at its end one final post, roles granted, then no more objections
    expect(await finishDueWindows(w.db, new Date('2026-11-30T01:59:00Z'))).toEqual([])
    w.clock.set('2026-11-30T02:00:00Z')
    await flushed(w)
    const fin = await finishDueWindows(w.db, w.clock.now())
    expect(fin).toEqual([{ compoundId, no: 1, stands: true, granted: [members.o0, members.o1] }])
    expect(await finishDueWindows(w.db, w.clock.now())).toEqual([])
    const finals = (await flushed(w)).filter((s) => s.chat)
    expect(finals).toHaveLength(1)
    const final = finals[0]!.text
    expect(final).toContain('【选举 #1 公示期结束】第一届物管会')
    expect(final).toContain('异议 1：纸质票没有计入\n  答复：已核对纸质票，均已计入')
    expect(final).toContain('异议 2：第二条\n  （委员会未答复）')
    expect(final).toContain('选举结果生效，当选：张三、李四。')
    expect(final).toContain('已成为委员：张三、李四')
    expect(final).not.toMatch(/孙|钱|1-2-10/) // no objector named
    const rs = await w.db.db.select().from(roles).where(eq(roles.compoundId, compoundId))
    expect(rs.filter((r) => r.role === 'committee').map((r) => r.memberId).sort()).toEqual([members.cc, members.o0, members.o1].sort())
    await w.says('o5', '异议 #1 再说一次').then((r) => r.expectReply('公示期已于 2026-11-30 10:00 结束'))
    await w.says('cc', '答复异议 #1-2 迟到的答复').then((r) => r.expectReply('最终结果已公布，不能再答复'))
    // the new committee member may close polls now
    await w.says('o0', '结束投票 #2').then((r) => r.expectReply('【投票 #2 已结束】装路灯'))
  })

  it('nominates, opens voting at the end of nomination, and an upheld objection keeps the result from taking effect', async () => {
    const { w, compoundId, members } = await town()
    const launch = await w.says('boss', '发起选举 第二届 名额 1 候选人 @老王 推荐 2户 截止 11月24日 12:00 记名')
    launch.expectReply('【选举 #1 推荐候选人】第二届')
    expect(launch.text).toContain('推荐期至 2026-11-24 12:00')
    expect(launch.text).toContain('投票截止 2026-12-01 12:00')
    await w.says('o0', '选 #1 A').then((r) => r.expectReply('还在推荐候选人，2026-11-24 12:00 后开始投票'))
    await w.says('cc', '结束投票 #1').then((r) => r.expectReply('还在推荐候选人'))
    await w.says('tt', '推荐 钱七').then((r) => r.expectReply('请由业主投票'))
    await w.says('o0', '推荐 钱七').then((r) => r.expectReply('已记录 1-1-101 推荐 钱*（选举 #1）：已有 1 户推荐，需 2 户。'))
    await w.says('o0', '推荐 钱七').then((r) => r.expectReply('1-1-101 已经推荐过 钱*'))
    await w.says('o1', '推荐 #1 钱七').then((r) => r.expectReply('已有 2 户推荐'))
    await w.says('o2', '推荐 @老王').then((r) => r.expectReply('已经是选举 #1 的候选人'))
    await w.says('o3', '推荐 周九').then((r) => r.expectReply('已有 1 户推荐，需 2 户'))
    await w.says('o3', '结果 #1').then((r) => {
      expect(r.text).toContain('老王（发起时提名）')
      expect(r.text).toContain('钱*：2 户推荐') // a nominee is not on the ballot yet: masked
    })

    // the guard: while nominating the candidates and deadline may change, never the terms
    const [p] = await w.db.db.select().from(polls)
    await refused(w.db, sql`UPDATE polls SET seats = 2 WHERE id = ${p!.id}`)
    await refused(w.db, sql`UPDATE polls SET nomination_support = 1 WHERE id = ${p!.id}`)
    await w.db.db.execute(sql`UPDATE polls SET deadline = deadline WHERE id = ${p!.id}`)

    expect(await openDueElections(w.db, new Date('2026-11-24T03:59:00Z'))).toEqual([])
    w.clock.set('2026-11-24T04:00:00Z')
    await flushed(w)
    expect(await openDueElections(w.db, w.clock.now())).toEqual([{ compoundId, no: 1, candidates: 2 }])
    expect(await openDueElections(w.db, w.clock.now())).toEqual([])
    const opened = (await flushed(w)).filter((s) => s.chat)
    expect(opened).toHaveLength(1)
    expect(opened[0]!.text).toContain('【选举 #1 开始投票】第二届')
    expect(opened[0]!.text).toContain('A. 老王\nB. 钱七\n') // on the ballot now: in full
    expect(opened[0]!.text).not.toContain('周')
    const [open] = await w.db.db.select().from(polls)
    expect(open).toMatchObject({ status: 'open', options: ['老王', '钱七'] })
    expect(await w.db.db.select().from(pollElectorate)).toHaveLength(6)
    await refused(w.db, sql`UPDATE polls SET options = '["x"]' WHERE id = ${p!.id}`)
    await refused(w.db, sql`UPDATE polls SET status = 'nominating' WHERE id = ${p!.id}`)
    await w.says('o4', '推荐 #1 孙八').then((r) => r.expectReply('不在推荐期'))

    for (const o of ['o0', 'o1', 'o2', 'o3']) await w.says(o, '选 #1 A')
    await w.says('o4', '选 #1 钱七').then((r) => r.expectReply('已收到 1-2-101 的选票（#1）。')) // 记名: the room is shown
    // the daily reminder speaks of 选, not 投票
    await flushed(w)
    expect((await remindOpenPolls(w.db, new Date('2026-11-25T01:00:00Z')))[0]!.polls).toEqual([{ no: 1, title: '第二届', electorate: 'owners', count: 1, election: true }])
    expect((await flushed(w)).find((s) => s.chat)!.text).toBe('【选举 #1 提醒】第二届：还有 1 户没有投票，截止 2026-12-01 12:00。发送「选 #1 A B」参加（候选人字母）。')
    const closed = await closeDuePolls(w.db, new Date('2026-12-01T04:00:00Z'))
    expect(closed.map((c) => c.outcome)).toEqual(['elected'])
    const announced = (await flushed(w)).find((s) => s.chat)!.text
    expect(announced).toContain('当选（按得票排序）：A. 老王')
    expect(announced).toContain('已投票：1-1-101、1-1-102、1-1-201、1-1-202、1-2-101')

    w.clock.set('2026-12-02T04:00:00Z')
    await w.says('o5', '异议 #1 候选人资格有问题')
    await w.says('cc', '答复异议 #1-1 经核实属实 成立').then((r) => r.expectReply('已答复异议 #1-1（异议成立）'))
    // the window ends at 12:00 local on 12-08; in quiet hours (22:00 local) the final post waits for the morning
    expect(await finishDueWindows(w.db, new Date('2026-12-08T14:00:00Z'))).toEqual([])
    const fin = await finishDueWindows(w.db, new Date('2026-12-09T00:00:00Z'))
    expect(fin).toEqual([{ compoundId, no: 1, stands: false, granted: [] }])
    const final = (await flushed(w)).find((s) => s.chat)!.text
    expect(final).toContain('答复：经核实属实（异议成立）')
    expect(final).toContain('有异议成立，选举结果不生效')
    const [boss] = await w.db.db.select().from(roles).where(and(eq(roles.compoundId, compoundId), eq(roles.memberId, members.boss!)))
    expect(boss!.role).toBe('head')

    // append-only: nominations, objections, answers; a final announcement is written once
    await refused(w.db, sql`UPDATE nominations SET candidate_name = 'x'`)
    await refused(w.db, sql`DELETE FROM nominations`)
    await refused(w.db, sql`UPDATE objections SET reason = 'x'`)
    await refused(w.db, sql`DELETE FROM objection_answers`)
    await refused(w.db, sql`UPDATE objection_answers SET upheld = false`)
    await refused(w.db, sql`UPDATE result_windows SET final_result = '{}'`)
  })

  it('a poll closed by the tick gets the compound’s objection period, and the tick posts its final result', async () => {
    const { w, compoundId } = await town()
    await w.db.db.update(compounds).set({ settings: { objectionDays: 2 } }).where(eq(compounds.id, compoundId))
    await w.says('boss', '发起投票 大门颜色 选项 红/绿 截止 11-25 18:00')
    await w.says('o0', '投票 #1 红')
    const tick = await runDue(w.db.db, new Date('2026-11-25T10:00:00Z'), { instance: 't' })
    expect(tick.closedPolls).toBe(1)
    const [win] = await w.db.db.select().from(resultWindows)
    expect(win!.until.toISOString()).toBe('2026-11-27T10:00:00.000Z')
    const [post] = await w.db.db.select().from(outbox).where(sql`${outbox.dedupeKey} LIKE ${`poll-closed:${win!.pollId}:%`}`)
    expect(post!.text).toContain('公示期至 2026-11-27 18:00')
    const end = await runDue(w.db.db, new Date('2026-11-27T10:00:00Z'), { instance: 't' })
    expect(end.finalResults).toBe(1)
    const [final] = await w.db.db.select().from(outbox).where(sql`${outbox.dedupeKey} LIKE ${`poll-final:${win!.pollId}:%`}`)
    expect(final!.text).toContain('【表决 #1 公示期结束】大门颜色\n公示期内没有人提出异议。\n结果维持，表决 #1 的结果生效。')
  })
})
