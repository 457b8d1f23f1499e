// Issue 15: poll reminders are one digest per group per day for all open polls together (and one private
// message per committee member), never in the compound's quiet hours (default 21:00–08:00 local), and the
// last one is the day before a poll's deadline; a poll launched today was announced today. Open opinion rounds
// (征求意见, issue 17) and elections are in the same digest, each with how to take part.
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { jobRunsOf } from '../../db/disclosure.ts'
import { compounds } from '../../db/schema.ts'
import { renderSummary, chartCaption } from '../../src/render/summary.ts'
import type { DisclosureData } from '../../src/disclosure/build.ts'
import { runDue } from '../../src/scheduler/tick.ts'
import { remindOpenPolls } from '../../src/services/polls.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { bindMember, ROSTER_HEADER, townWorld } from '../helpers/fixtures.ts'
import { TestClock, type World } from '../helpers/world.ts'

const dbs = useTestDatabases()

const ROOMS = ['1-1-101', '1-1-102', '1-1-201', '1-1-202', '1-2-101', '1-2-102']
const SIX = ROSTER_HEADER + ROOMS.map((r) => `${r.replaceAll('-', ',')},100.00,owner_occupied,`).join('\n')
const render = (data: DisclosureData) => ({ parts: renderSummary(data.summary), chart: { png: new Uint8Array([1]), caption: chartCaption(data.summary) } })

/** 幸福里 in g1 and g2, six owners; head boss, committee cc. The clock: Friday 2026-11-20 10:00 in Shanghai. */
async function setUp(opts: { language?: string; settings?: Record<string, unknown> } = {}) {
  const town = await townWorld(dbs, {
    clock: new TestClock(new Date('2026-11-20T02:00:00Z')),
    roster: SIX,
    language: opts.language,
    chats: [{ id: 'g2' }],
    settings: { disclosure: { weekly: false, monthly: false, yearly: false }, ...opts.settings },
    people: [{ id: 'cc', name: '老李', role: 'committee' }],
  })
  for (let i = 0; i < 6; i++) await bindMember(town.w, town.compoundId, `o${i}`, [ROOMS[i]!])
  return town
}

/** Four polls launched on Friday: #1 and #2 run for a week, #3 ends on Tuesday, #4 on Monday evening. */
async function launchFour(w: World, words = { poll: '发起投票', options: '选项', deadline: '截止' }) {
  const launch = (text: string) => w.says('boss', `${words.poll} ${text}`).then((r) => r.expectReply(/#\d/))
  await launch(`路灯颜色 ${words.options} 暖光/白光 ${words.deadline} 11-27`)
  await launch(`大门 ${words.options} 换/不换 ${words.deadline} 11-27`)
  await launch(`外墙颜色 ${words.options} 米色/灰色 ${words.deadline} 11-24`)
  await launch(`绿化 ${words.options} 种树/种花 ${words.deadline} 11-23 18:00`)
  await w.says('o0', '投票 #1 1').then((r) => r.expectReply(/#1/))
}

async function delivered(w: World) {
  const from = w.adapter.sent.length
  await w.app.dispatcher.flush()
  return w.adapter.sent.slice(from)
}

describe('poll reminders', () => {
  it('one digest per group per day for all open polls, one private message per committee member', async () => {
    const { w, compoundId } = await setUp()
    await launchFour(w)
    // Monday 10:00: a fifth poll launched this morning was announced this morning
    w.clock.set('2026-11-23T02:00:00Z')
    await w.says('boss', '发起投票 健身器材 选项 要/不要 截止 11-30').then((r) => r.expectReply('#5'))
    await delivered(w)

    const report = await remindOpenPolls(w.db, w.clock.now())
    expect(report).toEqual([
      {
        compoundId,
        compoundName: '幸福里',
        polls: [
          { no: 1, title: '路灯颜色', count: 5, electorate: 'owners' },
          { no: 2, title: '大门', count: 6, electorate: 'owners' },
          { no: 3, title: '外墙颜色', count: 6, electorate: 'owners' },
        ],
        rows: 4,
      },
    ])
    const sent = await delivered(w)
    const groups = sent.filter((s) => s.chat)
    expect(groups.map((s) => s.chat)).toEqual(['g1', 'g2'])
    expect(groups[0]!.text).toBe(
      [
        '【投票提醒】3 项投票进行中：',
        '#1 路灯颜色：还有 5 户没有投票，截止 2026-11-27 23:59',
        '#2 大门：还有 6 户没有投票，截止 2026-11-27 23:59',
        '#3 外墙颜色：还有 6 户没有投票，截止 2026-11-24 23:59',
        '发送「投票 #编号 选项编号」参加。',
      ].join('\n'),
    )
    expect(groups[1]!.text).toBe(groups[0]!.text)
    const committee = sent.filter((s) => s.user)
    expect(committee.map((s) => s.user).sort()).toEqual(['boss', 'cc'])
    const mine = committee.find((s) => s.user === 'cc')!.text
    expect(mine.split('\n')[0]).toBe('【投票提醒】3 项投票还有住户没有投票：')
    expect(mine).toContain('投票 #1「路灯颜色」截止 2026-11-27 23:59，还有 5 户没有投票：1-1-102、1-1-201、1-1-202、1-2-101、1-2-102')
    expect(mine).toContain('投票 #3「外墙颜色」')
    expect(mine).not.toMatch(/#4|#5/)

    // the same day again: nothing
    expect(await remindOpenPolls(w.db, w.clock.now())).toEqual([expect.objectContaining({ rows: 0 })])
    // Tuesday: #3 ends today, so Monday's was its last reminder; #5 is reminded now. One poll: its own words
    w.clock.set('2026-11-24T02:00:00Z')
    const tuesday = await remindOpenPolls(w.db, w.clock.now())
    expect(tuesday[0]!.polls.map((p) => p.no)).toEqual([1, 2, 5])
    await w.says('o1', '投票 #2 1')
    for (let i = 0; i < 6; i++) await w.says(`o${i}`, '投票 #5 1')
    for (let i = 1; i < 6; i++) await w.says(`o${i}`, '投票 #1 1')
    await delivered(w)
    // Wednesday: everyone voted in #1 and #5; #2 alone gets the reminder, as a single poll's
    w.clock.set('2026-11-25T02:00:00Z')
    await remindOpenPolls(w.db, w.clock.now())
    const wednesday = (await delivered(w)).filter((s) => s.chat === 'g1').map((s) => s.text)
    expect(wednesday).toEqual(['【投票 #2 提醒】大门：还有 5 户没有投票，截止 2026-11-27 23:59。发送「投票 #2 选项编号」参加。'])
  })

  it('none in quiet hours: the day’s reminder waits until they end; and none on the deadline day', async () => {
    const { w, compoundId } = await setUp({ settings: { quietHours: '08:00-10:30' } })
    await launchFour(w)
    await delivered(w)
    const tick = (iso: string) => runDue(w.db.db, new Date(iso), { instance: 'test', render })
    // Monday 09:05 is quiet in this compound: the daily reminder is not even claimed
    expect((await tick('2026-11-23T01:05:00Z')).pollReminders).toBe(0)
    expect((await jobRunsOf(w.db.db, 'poll-remind')).map((j) => j.fireKey)).toEqual([])
    // 10:31: the quiet hours are over
    expect((await tick('2026-11-23T02:31:00Z')).pollReminders).toBe(4)
    expect((await tick('2026-11-23T02:32:00Z')).pollReminders).toBe(0)
    const groups = (await delivered(w)).filter((s) => s.chat === 'g1').map((s) => s.text)
    expect(groups).toHaveLength(1)
    expect(groups[0]).toContain('【投票提醒】3 项投票进行中')
    expect(groups[0]).not.toContain('#4 绿化') // its deadline is today

    // the default quiet hours (21:00–08:00): a bot back at 22:00 waits for the next morning
    await w.db.db.update(compounds).set({ settings: { disclosure: { weekly: false, monthly: false, yearly: false } } }).where(eq(compounds.id, compoundId))
    expect((await tick('2026-11-24T14:00:00Z')).pollReminders).toBe(0)
    expect(await remindOpenPolls(w.db, new Date('2026-11-24T15:00:00Z'))).toEqual([])
    expect((await tick('2026-11-25T01:00:00Z')).pollReminders).toBeGreaterThan(0)
    // switched off: reminders at any hour
    await w.db.db.update(compounds).set({ settings: { quietHours: false } }).where(eq(compounds.id, compoundId))
    expect((await remindOpenPolls(w.db, new Date('2026-11-25T15:00:00Z')))[0]!.polls.map((p) => p.no)).toEqual([1, 2])
  })

  it('speaks traditional Chinese and English', async () => {
    const tw = await setUp({ language: 'zh-TW' })
    await launchFour(tw.w, { poll: '發起投票', options: '選項', deadline: '截止' })
    tw.w.clock.set('2026-11-23T02:00:00Z')
    await delivered(tw.w)
    await remindOpenPolls(tw.w.db, tw.w.clock.now())
    const twSent = await delivered(tw.w)
    expect(twSent.find((s) => s.chat === 'g1')!.text).toMatch(/^【投票提醒】3 項投票進行中：\n#1 路灯颜色/)
    expect(twSent.find((s) => s.chat === 'g1')!.text).toContain('還有 5 戶沒有投票')
    expect(twSent.find((s) => s.user === 'cc')!.text.split('\n')[0]).toBe('【投票提醒】3 項投票還有住戶沒有投票：')

    const en = await setUp({ language: 'en' })
    await launchFour(en.w, { poll: '/poll', options: 'options', deadline: 'deadline' })
    en.w.clock.set('2026-11-23T02:00:00Z')
    await delivered(en.w)
    await remindOpenPolls(en.w.db, en.w.clock.now())
    const enSent = await delivered(en.w)
    const text = enSent.find((s) => s.chat === 'g1')!.text
    expect(text.split('\n')[0]).toBe('[Poll reminder] 3 polls are open:')
    expect(text).toContain('#1 路灯颜色: 5 households have not voted yet; deadline 2026-11-27 23:59')
    expect(text.split('\n').at(-1)).toBe('Send "/vote <number> <option>" to take part.')
    expect(enSent.find((s) => s.user === 'cc')!.text.split('\n')[0]).toBe('[Poll reminder] 3 polls still have households that have not voted:')
  })

  it('open opinion rounds are in the same digest, with how to sign, on the same days and outside the same quiet hours', async () => {
    const { w, compoundId } = await setUp({ settings: { quietHours: '08:00-10:30' } })
    await w.says('boss', '发起投票 路灯颜色 选项 暖光/白光 截止 11-27').then((r) => r.expectReply('#1'))
    await w.says('cc', '征求意见 外墙翻新方案 截止 11-27').then((r) => r.expectReply('#2'))
    await w.says('cc', '征求意见 加装电梯 截止 11-23 18:00').then((r) => r.expectReply('#3'))
    await w.says('o0', '签字 #2 同意')
    await w.says('o1', '签字 #2 希望用浅色') // an opinion alone is a signature too
    await delivered(w)
    // Monday 09:05 is quiet in this compound; #3 ends on Monday, so Sunday's was its last reminder
    expect(await remindOpenPolls(w.db, new Date('2026-11-23T01:05:00Z'))).toEqual([])
    const report = await remindOpenPolls(w.db, new Date('2026-11-23T02:31:00Z'))
    expect(report).toEqual([
      {
        compoundId,
        compoundName: '幸福里',
        polls: [
          { no: 1, title: '路灯颜色', count: 6, electorate: 'owners' },
          { no: 2, title: '外墙翻新方案', count: 4, electorate: 'owners', opinion: true },
        ],
        rows: 4, // one post per group, one message per committee member: no extra post for the round
      },
    ])
    const sent = await delivered(w)
    const groups = sent.filter((s) => s.chat)
    expect(groups.map((s) => s.chat)).toEqual(['g1', 'g2'])
    expect(groups[0]!.text).toBe(
      [
        '【投票和征求意见提醒】2 项进行中：',
        '#1 路灯颜色：还有 6 户没有投票，截止 2026-11-27 23:59',
        '#2 外墙翻新方案（征求意见，发送「签字 #2 同意/不同意/意见」）：还有 4 户没有签字，截止 2026-11-27 23:59',
        '发送「投票 #编号 选项编号」参加。',
      ].join('\n'),
    )
    const mine = sent.find((s) => s.user === 'cc')!.text
    expect(mine.split('\n')[0]).toBe('【投票和征求意见提醒】2 项还有住户没有投票或签字：')
    expect(mine).toContain('征求意见 #2「外墙翻新方案」截止 2026-11-27 23:59，还有 4 户没有签字：1-1-201、1-1-202、1-2-101、1-2-102')
    expect(mine).not.toContain('#3')
    // the same day again: nothing
    expect(await remindOpenPolls(w.db, new Date('2026-11-23T05:00:00Z'))).toEqual([expect.objectContaining({ rows: 0 })])

    // Tuesday: everyone voted in #1; the round alone, in its own words
    for (let i = 0; i < 6; i++) await w.says(`o${i}`, '投票 #1 1')
    await delivered(w)
    await remindOpenPolls(w.db, new Date('2026-11-24T03:00:00Z'))
    const tuesday = await delivered(w)
    expect(tuesday.filter((s) => s.chat === 'g1').map((s) => s.text)).toEqual([
      '【征求意见 #2 提醒】外墙翻新方案：还有 4 户没有签字，截止 2026-11-27 23:59。发送「签字 #2 同意」「签字 #2 不同意」或「签字 #2 <意见>」参加。',
    ])
    expect(tuesday.find((s) => s.user === 'cc')!.text).toBe('征求意见 #2「外墙翻新方案」截止 2026-11-27 23:59，还有 4 户没有签字：1-1-201、1-1-202、1-2-101、1-2-102')
    // Friday, the deadline day: Thursday's was the last
    expect(await remindOpenPolls(w.db, new Date('2026-11-27T03:00:00Z'))).toEqual([])
    // every household signed: nothing to remind of
    for (let i = 2; i < 6; i++) await w.says(`o${i}`, '签字 #2 不同意')
    expect(await remindOpenPolls(w.db, new Date('2026-11-26T03:00:00Z'))).toEqual([])
  })

  it('opinion rounds in zh-TW and English: several rounds are an opinion-round digest', async () => {
    const tw = await setUp({ language: 'zh-TW' })
    await tw.w.says('cc', '徵求意見 外牆翻新 截止 11-27').then((r) => r.expectReply('#1'))
    await tw.w.says('cc', '徵求意見 加裝電梯 截止 11-27').then((r) => r.expectReply('#2'))
    await delivered(tw.w)
    await remindOpenPolls(tw.w.db, new Date('2026-11-23T02:00:00Z'))
    const twSent = await delivered(tw.w)
    expect(twSent.find((s) => s.chat === 'g1')!.text).toBe(
      [
        '【徵求意見提醒】2 項徵求意見進行中：',
        '#1 外牆翻新（徵求意見，發送「簽字 #1 同意/不同意/意見」）：還有 6 戶沒有簽字，截止 2026-11-27 23:59',
        '#2 加裝電梯（徵求意見，發送「簽字 #2 同意/不同意/意見」）：還有 6 戶沒有簽字，截止 2026-11-27 23:59',
      ].join('\n'),
    )
    expect(twSent.find((s) => s.user === 'cc')!.text.split('\n')[0]).toBe('【徵求意見提醒】2 項徵求意見還有住戶沒有簽字：')

    const en = await setUp({ language: 'en' })
    await en.w.says('cc', '/consult facade renovation deadline 11-27').then((r) => r.expectReply('#1'))
    await delivered(en.w)
    await remindOpenPolls(en.w.db, new Date('2026-11-23T02:00:00Z'))
    const enSent = await delivered(en.w)
    expect(enSent.find((s) => s.chat === 'g1')!.text).toBe(
      '[Opinion round #1 reminder] facade renovation: 6 households have not signed yet; deadline 2026-11-27 23:59. Send "/sign 1 agree", "/sign 1 disagree" or "/sign 1 <your opinion>".',
    )
    expect(enSent.find((s) => s.user === 'cc')!.text).toContain('Opinion round #1 "facade renovation" (deadline 2026-11-27 23:59): 6 households have not signed:')
  })
})
