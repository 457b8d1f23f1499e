// Building captains (楼栋长, issue 17 item 5) through the real pipeline: 任命/免职 … 楼栋长 by building, the
// captain's private 楼栋 follow-up list (non-voters per open poll, election and opinion round; unacknowledged
// notices; arrears) for their buildings only, and 代录 of paper ballots, signatures and acknowledgements with the
// photo kept as evidence. Elections, opinion rounds and notices are inserted as rows (their commands are built
// on other branches): tests/helpers below write them through the schema as those commands would.
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { createPoll } from '../../db/polls.ts'
import { ballots, captainBuildings, currentBallots, households, noticeAcks, notices, polls, roles } from '../../db/schema.ts'
import { billMonth } from '../../src/services/fees.ts'
import { electorateAtLaunch, freezeElectorate } from '../../src/services/polls.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { rosterCsv, townWorld } from '../helpers/fixtures.ts'
import { groupTexts, privateTo, type World } from '../helpers/world.ts'

const dbs = useTestDatabases()

/** 24 households: buildings 1, 2 and 3, each units 1–2 with rooms 101–104 (1-1-101 … 3-2-104). */
const ROSTER = rosterCsv(24)
const inBuilding = (code: string) => code.split('-')[0]!

/**
 * 幸福里: boss (head), cc (committee, 老李), cap (小陈, to be captain of building 1), and owners o1 (1-1-101),
 * o2 (1-1-102), o5 (2-1-101), o9 (3-1-101).
 */
async function town(language?: string) {
  return townWorld(dbs, {
    roster: ROSTER,
    language,
    createdAt: '2026-09-01T00:00:00Z',
    people: [
      { id: 'cc', name: '老李', role: 'committee' },
      { id: 'cap', name: '小陈', rooms: ['1-2-104'] },
      { id: 'o1', name: '王秀英', rooms: ['1-1-101'] },
      { id: 'o2', name: '李建国', rooms: ['1-1-102'] },
      { id: 'o5', name: '赵六', rooms: ['2-1-101'] },
      { id: 'o9', name: '钱七', rooms: ['3-1-101'] },
      { id: 'res', name: '孙八' },
    ],
  })
}

/** An election or opinion round as 发起选举 / 征求意见 leave it: a poll of that kind with its frozen electorate. */
async function governancePoll(
  w: World,
  compoundId: number,
  p: { kind: 'election' | 'opinion'; title: string; options: string[]; seats?: number; secret?: boolean; status?: 'nominating' | 'open' },
) {
  return w.db.db.transaction(async (tx) => {
    const row = await createPoll(tx, {
      compoundId,
      title: p.title,
      options: p.options,
      multiple: p.kind === 'election',
      kind: p.kind,
      seats: p.seats ?? null,
      secret: p.secret ?? false,
      status: p.status ?? 'open',
      deadline: new Date(w.clock.now().getTime() + 7 * 86_400_000),
      createdAt: w.clock.now(),
    })
    await freezeElectorate(tx, row, await electorateAtLaunch(tx, compoundId, 'owners'))
    return row
  })
}

/** A notice as 通知 leaves it. */
async function notice(w: World, compoundId: number, no: number, text: string, daysAgo = 0) {
  const [row] = await w.db.db
    .insert(notices)
    .values({ compoundId, no, text, createdAt: new Date(w.clock.now().getTime() - daysAgo * 86_400_000) })
    .returning()
  return row!
}

const roomsIn = (text: string) => [...text.matchAll(/\b(\d+)-(\d+)-(\d{3})\b/g)].map((m) => m[0])

describe('任命/免职 … 楼栋长', () => {
  it('appoints a captain of buildings the roster has, beside a committee role, and dismisses by building', async () => {
    const { w, compoundId, members } = await town()
    const r = await w.says('boss', '任命 小陈 楼栋长 1栋,二栋')
    expect(groupTexts(r)).toEqual(['已任命 小* 为 1栋、2栋 的楼栋长。'])
    // a building the roster lacks is refused, nothing written
    await w.says('boss', '任命 老李 楼栋长 9栋').then((x) => x.expectReply('名册里没有 9栋。名册中的楼栋：1、2、3。'))
    await w.says('boss', '任命 老李 楼栋长').then((x) => x.expectReply('请写上楼栋'))
    // committee AND captain
    await w.says('boss', '任命 老李 楼栋长 3号楼').then((x) => x.expectReply('已任命 老* 为 3栋 的楼栋长。'))
    const rows = await w.db.db.select().from(captainBuildings).orderBy(captainBuildings.id)
    expect(rows.map((c) => [c.memberId, c.building, c.grantedBy])).toEqual([
      [members.cap, '1', members.boss],
      [members.cap, '2', members.boss],
      [members.cc, '3', members.boss],
    ])
    const [role] = await w.db.db.select().from(roles).where(eq(roles.memberId, members.cc!))
    expect(role!.role).toBe('committee')
    // only the head appoints
    await w.says('cc', '任命 小陈 楼栋长 3栋').then((x) => x.expectReply('只有主任可以这样做'))

    await w.says('boss', '免职 小陈 楼栋长 2栋').then((x) => x.expectReply('已免去 小* 在 2栋 的楼栋长职务。'))
    await w.says('boss', '免职 小陈 楼栋长 2栋').then((x) => x.expectReply('小* 不是这些楼栋的楼栋长。'))
    await w.says('boss', '免职 老李 楼栋长').then((x) => x.expectReply('已免去 老* 在 3栋 的楼栋长职务。'))
    // the committee role stays
    expect((await w.db.db.select().from(roles).where(eq(roles.memberId, members.cc!)))[0]!.role).toBe('committee')
    expect((await w.db.db.select().from(captainBuildings)).map((c) => c.building)).toEqual(['1'])
    expect(compoundId).toBeGreaterThan(0)
  })

  it('in zh-TW and en', async () => {
    const tw = await town('zh-TW')
    await tw.w.says('boss', '任命 小陈 樓棟長 3棟').then((x) => x.expectReply('已任命 小* 為 3棟 的樓棟長。'))
    await tw.w.says('boss', '免職 小陈 樓棟長').then((x) => x.expectReply('已免去 小* 在 3棟 的樓棟長職務。'))
    const en = await town('en')
    await en.w.says('boss', '/appoint 小陈 captain 2').then((x) => x.expectReply('Appointed 小* as building captain of building 2.'))
    await en.w.says('boss', '/appoint 小陈 captain 7').then((x) => x.expectReply('The roster has no building 7.'))
    await en.w.says('boss', '/dismiss 小陈 captain 2').then((x) => x.expectReply('小* is no longer building captain of building 2.'))
  })
})

describe('楼栋: the captain’s private follow-up list', () => {
  it('lists non-voters per open poll, election and opinion round, unacknowledged notices and arrears, for their buildings only', async () => {
    const { w, compoundId, hh, members } = await town()
    await w.says('boss', '任命 小陈 楼栋长 1栋')
    // October billed, due at its end: overdue by now (23 November)
    const now = w.clock.now()
    w.clock.set('2026-10-02T02:00:00Z')
    await w.says('boss', '收费标准 物业费 100 每户每月').then((x) => x.expectReply('已设置收费标准'))
    await billMonth(w.db.db, compoundId, '2026-10', w.clock.now())
    w.clock.current = now
    await w.says('boss', '缴费 1-1-101 100')
    await w.says('boss', '发起投票 换物业 选项 同意/反对')
    await w.says('o1', '投票 #1 1')
    await w.says('o5', '投票 #1 1')
    await governancePoll(w, compoundId, { kind: 'election', title: '第二届物管会', options: ['王芳', '李明', '张强'], seats: 2 })
    await governancePoll(w, compoundId, { kind: 'opinion', title: '加装电梯', options: ['agree', 'disagree'] })
    const n1 = await notice(w, compoundId, 1, '本周六停水，请提前储水')
    await notice(w, compoundId, 2, '一个多月前的通知', 40)
    // o2 acknowledged as a member (their verified binding makes 1-1-102 acknowledged); 1-1-103 was recorded
    await w.db.db.insert(noticeAcks).values({ compoundId, noticeId: n1.id, memberId: members.o2!, ackedAt: w.clock.now() })
    await w.db.db.insert(noticeAcks).values({ compoundId, noticeId: n1.id, memberId: members.boss!, householdId: hh['1-1-103'], recordedBy: members.boss, ackedAt: w.clock.now() })

    const r = await w.says('cap', '楼栋')
    expect(groupTexts(r)).toEqual(['@小* 已私信回复你。'])
    const text = privateTo(r, 'cap').join('\n')
    expect(text).toContain('【楼栋跟进】1栋，共 8 户')
    expect(text).toContain('表决 #1「换物业」：7/8 户未投票')
    expect(text).toContain('选举 #2「第二届物管会」：8/8 户未投票')
    expect(text).toContain('征求意见 #3「加装电梯」：8/8 户未签字')
    expect(text).toContain('通知 #1「本周六停水，请提前储水」：6/8 户未确认')
    expect(text).not.toContain('通知 #2')
    expect(text).toContain('逾期欠费：\n7 户，共 ¥700.00')
    expect(text).toContain('1-1-102 欠 ¥100.00')
    expect(roomsIn(text).every((c) => inBuilding(c) === '1')).toBe(true)
    expect(text).not.toMatch(/王秀英|李建国|王\*|李\*/)

    // their own buildings only; residents and strangers are refused; the committee sees any building
    await w.says('cap', '楼栋 2栋').then((x) => x.expectReply('2栋 不是你负责的楼栋（你负责：1栋）。'))
    await w.says('res', '楼栋').then((x) => x.expectReply('只有委员或楼栋长可以这样做。'))
    const cc = await w.says('cc', '楼栋 2栋')
    const ccText = privateTo(cc, 'cc').join('\n')
    expect(ccText).toContain('表决 #1「换物业」：7/8 户未投票')
    expect(roomsIn(ccText).every((c) => inBuilding(c) === '2')).toBe(true)
    await w.says('cc', '楼栋 8栋').then((x) => x.expectReply('名册里没有 8栋'))

    // help lists 楼栋 and 代录 to a captain
    const help = await w.says('cap', '帮助 全部')
    expect(help.text).toContain('楼栋')
    expect(help.text).toContain('代录')
  })

  it('never shows a room of another building (property: random captains, buildings and ballots)', async () => {
    const { w, compoundId, members } = await town()
    const boss = members.boss!
    await w.says('boss', '发起投票 换物业 选项 同意/反对')
    await governancePoll(w, compoundId, { kind: 'election', title: '选举', options: ['甲', '乙', '丙'], seats: 2 })
    const n = await notice(w, compoundId, 1, '通知')
    let seed = 17
    const rnd = (k: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % k
    }
    const all = (await w.db.db.select().from(households).where(eq(households.compoundId, compoundId))).map((h) => h)
    // random ballots and acknowledgements across all three buildings, written as the commands would
    for (const h of all) {
      if (rnd(2) === 0) continue
      await w.db.db.transaction(async (tx) => {
        const [p] = await tx.select().from(polls).where(and(eq(polls.compoundId, compoundId), eq(polls.no, 1 + rnd(2))))
        const [b] = await tx
          .insert(ballots)
          .values({ compoundId, pollId: p!.id, voterKey: `h:${h.id}`, householdId: h.id, memberId: boss, options: [0] })
          .returning()
        await tx.insert(currentBallots).values({ compoundId, pollId: p!.id, voterKey: `h:${h.id}`, ballotId: b!.id })
      })
    }
    await w.db.db.insert(noticeAcks).values({ compoundId, noticeId: n.id, memberId: boss, householdId: all[rnd(all.length)]!.id })
    for (let i = 0; i < 6; i++) {
      const mine = ['1', '2', '3'].filter(() => rnd(2) === 0)
      if (mine.length === 0) mine.push(String(1 + rnd(3)))
      const id = `k${i}`
      await w.says('boss', `免职 小陈 楼栋长`)
      await w.says('boss', `任命 小陈 楼栋长 ${mine.join(',')}`).then((x) => x.expectReply('已任命'))
      const text = privateTo(await w.says('cap', '楼栋'), 'cap').join('\n')
      const shown = roomsIn(text)
      expect(shown.length, `${id}: ${text}`).toBeGreaterThan(0)
      expect(shown.filter((c) => !mine.includes(inBuilding(c))), `${id}: ${mine}`).toEqual([])
      const total = all.filter((h) => mine.includes(h.building)).length
      expect(text).toContain(`共 ${total} 户`)
    }
  })
})

describe('代录: paper ballots, signatures and acknowledgements', () => {
  it('records a poll vote for a household of the captain’s building, with the photo kept; the group sees counts only', async () => {
    const { w, compoundId, hh, members } = await town()
    await w.says('boss', '任命 小陈 楼栋长 1栋')
    await w.says('boss', '发起投票 换物业 选项 同意/反对')
    const r = await w.says('cap', '代录 #1 1-1-102 同意', { images: ['/p/paper-102.jpg'] })
    expect(privateTo(r, 'cap')[0]).toBe('已为 1-1-102 代录 #1「换物业」：1. 同意。\n纸质票照片已保存。')
    expect(groupTexts(r)).toEqual(['已记录 #1 的一张楼栋长代录选票。'])
    // the household's verified member is told who recorded it
    expect(privateTo(r, 'o2')[0]).toContain('楼栋长 小陈 已为 1-1-102 代录 #1「换物业」的纸质投票')
    const [b] = await w.db.db.select().from(ballots)
    expect(b).toMatchObject({
      voterKey: `h:${hh['1-1-102']}`,
      householdId: hh['1-1-102'],
      memberId: members.cap,
      recordedBy: members.cap,
      options: [0],
      evidencePlatform: 'console',
      evidenceRef: '/p/paper-102.jpg',
    })

    // results: a group sees how many were recorded, a private chat which rooms
    const group = await w.says('o5', '结果 #1')
    expect(group.text).toContain('其中楼栋长代录 1 户')
    expect(group.text).not.toContain('（代录）')
    const priv = await w.says('o5', '结果 #1', { private: true })
    expect(priv.text).toContain('已投票：1-1-102（代录）')

    // the resident's own later vote replaces it; a later 代录 replaces theirs, and the captain is told
    await w.says('o2', '投票 #1 2')
    const cur = await w.db.db.select().from(currentBallots).innerJoin(ballots, eq(ballots.id, currentBallots.ballotId))
    expect(cur.map((c) => [c.ballots.options, c.ballots.recordedBy])).toEqual([[[1], null]])
    await w.says('cap', '代录 #1 1-1-102 1').then((x) => x.expectReply('1-1-102 之前自己投过，现以代录为准'))
    expect(await w.db.db.select().from(ballots)).toHaveLength(3)

    // a photo right after 代录 is attached: a copy of the ballot with the evidence becomes the current one
    await w.says('cap', '代录 #1 1-1-103 反对').then((x) => x.expectReply('请在 2 分钟内私信发给我'))
    w.clock.advance(60_000)
    const photo = await w.says('cap', '', { images: ['/p/paper-103.jpg'], private: true })
    expect(privateTo(photo, 'cap')).toEqual(['照片已附在 1-1-103 的 #1 代录选票上。'])
    const [c103] = await w.db.db
      .select({ b: ballots })
      .from(currentBallots)
      .innerJoin(ballots, eq(ballots.id, currentBallots.ballotId))
      .where(eq(currentBallots.voterKey, `h:${hh['1-1-103']}`))
    expect(c103!.b).toMatchObject({ options: [1], recordedBy: members.cap, evidenceRef: '/p/paper-103.jpg' })
    // later photos are not ballots'
    w.clock.advance(5 * 60_000)
    await w.says('cap', '', { images: ['/p/other.jpg'], private: true }).then((x) => x.expectNoReply())

    // the closed result keeps the count (stored snapshot), the group's announcement shows no recorded room
    const closed = await w.says('boss', '结束投票 #1')
    const announced = groupTexts(closed).join('\n')
    expect(announced).toContain('其中楼栋长代录 2 户')
    expect(announced).not.toContain('（代录）')
    const [p1] = await w.db.db.select().from(polls).where(eq(polls.compoundId, compoundId))
    expect(p1!.result).toMatchObject({ recorded: 2, recordedRooms: ['1-1-102', '1-1-103'] })
    expect((await w.says('o5', '结果 #1', { private: true })).text).toContain('1-1-102（代录）、1-1-103（代录）')
  })

  it('refuses another building, a household outside the frozen electorate, a closed poll and bad choices, writing nothing', async () => {
    const { w, compoundId } = await town()
    await w.says('boss', '任命 小陈 楼栋长 1栋')
    await w.says('boss', '发起投票 换物业 选项 同意/反对')
    // a household added to the roster after the launch
    await w.db.db.insert(households).values({ compoundId, building: '1', unit: '3', room: '101', code: '1-3-101', areaCentiM2: 9000n })
    await w.says('cap', '代录 #1 2-1-101 1').then((x) => x.expectReply('2栋 不是你负责的楼栋（你负责：1栋）。'))
    await w.says('cap', '代录 #1 1-3-101 1').then((x) => x.expectReply('1-3-101 不在 #1 发起时的名册里'))
    await w.says('cap', '代录 #1 1-1-101 9').then((x) => x.expectReply('9'))
    await w.says('cap', '代录 #9 1-1-101 1').then((x) => x.expectReply('没有投票 #9'))
    await w.says('cap', '代录 1-1-101 1').then((x) => x.expectReply('请写上编号和房号'))
    await w.says('res', '代录 #1 1-1-101 1').then((x) => x.expectReply('只有主任或该户所在楼栋的楼栋长可以代录。'))
    await w.says('cc', '代录 #1 1-1-101 1').then((x) => x.expectReply('只有主任或该户所在楼栋的楼栋长可以代录。'))
    await w.says('boss', '结束投票 #1')
    await w.says('cap', '代录 #1 1-1-101 1').then((x) => x.expectReply('#1 已结束，不能再代录。'))
    expect(await w.db.db.select().from(ballots)).toHaveLength(0)
  })

  it('records an election choice by letter or name (up to the seats) and an opinion-round signature with its text', async () => {
    const { w, compoundId, hh, members } = await town()
    await w.says('boss', '任命 小陈 楼栋长 1栋')
    await governancePoll(w, compoundId, { kind: 'election', title: '第二届物管会', options: ['王芳', '李明', '张强'], seats: 2 })
    await governancePoll(w, compoundId, { kind: 'opinion', title: '加装电梯', options: ['agree', 'disagree'] })
    await w.says('cap', '代录 #1 1-1-103 a 张强').then((x) => x.expectReply('已为 1-1-103 代录 #1「第二届物管会」：A 王芳、C 张强。'))
    await w.says('cap', '代录 #1 1-1-104 ABC').then((x) => x.expectReply('#1 只选 2 人，这里选了 3 人。'))
    await w.says('cap', '代录 #1 1-1-104 Z').then((x) => x.expectReply('没有候选人「Z」。请用字母 A–C 或候选人姓名。'))
    const signed = await w.says('cap', '代录 #2 1-1-103 不同意，噪音太大')
    expect(privateTo(signed, 'cap')[0]).toContain('已为 1-1-103 代录 #2「加装电梯」：不同意：噪音太大。')
    // a signature, not a ballot, and as anonymous in the group as a resident's own 签字
    expect(groupTexts(signed)).toEqual(['已记录一份楼栋长代录签字（征求意见 #2）。'])
    await w.says('cap', '代录 #2 1-1-104 希望低楼层少摊').then((x) => x.expectReply('意见：希望低楼层少摊'))
    const rows = await w.db.db.select().from(ballots).orderBy(ballots.id)
    expect(rows.map((b) => [b.voterKey, b.options, b.note, b.recordedBy])).toEqual([
      [`h:${hh['1-1-103']}`, [0, 2], null, members.cap],
      [`h:${hh['1-1-103']}`, [1], '噪音太大', members.cap],
      [`h:${hh['1-1-104']}`, [], '希望低楼层少摊', members.cap],
    ])
    // a nominating election takes no ballots yet
    await governancePoll(w, compoundId, { kind: 'election', title: '补选', options: ['赵一'], seats: 1, status: 'nominating' })
    await w.says('cap', '代录 #3 1-1-101 A').then((x) => x.expectReply('#3 还在推荐候选人，投票尚未开始。'))
    expect(await w.db.db.select().from(ballots)).toHaveLength(3)
    // the household is told of a recorded signature in the words of 签字, not of a vote
    const toHousehold = privateTo(await w.says('cap', '代录 #2 1-1-102 同意'), 'o2')[0]
    expect(toHousehold).toBe('楼栋长 小陈 已为 1-1-102 代录征求意见 #2「加装电梯」的纸质签字。如与你家的意思不符，自己再签一次即可，以最后一次为准。')
  })

  it('records a notice acknowledgement; 楼栋 then counts the household as acknowledged', async () => {
    const { w, compoundId, members, hh } = await town()
    await w.says('boss', '任命 小陈 楼栋长 1栋')
    const n = await notice(w, compoundId, 1, '本周六停水')
    await w.says('cap', '代录 通知 #1 1-1-104').then((x) => x.expectReply('已为 1-1-104 代录通知 #1 的确认。'))
    const [ack] = await w.db.db.select().from(noticeAcks)
    expect(ack).toMatchObject({ noticeId: n.id, memberId: members.cap, householdId: hh['1-1-104'], recordedBy: members.cap })
    await w.says('cap', '代录 通知 #1 1-1-104').then((x) => x.expectReply('1-1-104 已确认过通知 #1，无需代录。'))
    // a captain records as many households of a notice as they visit: one row per household
    await w.says('cap', '代录 通知 #1 1-2-104').then((x) => x.expectReply('已为 1-2-104 代录通知 #1 的确认。'))
    expect((await w.db.db.select().from(noticeAcks)).map((a) => a.householdId).sort()).toEqual([hh['1-1-104'], hh['1-2-104']].sort())
    await w.says('cap', '代录 通知 #1 2-1-104').then((x) => x.expectReply('不是你负责的楼栋'))
    await w.says('cap', '代录 通知 #5 1-1-104').then((x) => x.expectReply('没有通知 #5。'))
    const text = privateTo(await w.says('cap', '楼栋'), 'cap').join('\n')
    expect(text).toContain('通知 #1「本周六停水」：6/8 户未确认')
    const lines = text.split('\n')
    const missing = lines[lines.findIndex((l) => l.startsWith('通知 #1')) + 1]!
    expect(roomsIn(missing)).toEqual(['1-1-101', '1-1-102', '1-1-103', '1-2-101', '1-2-102', '1-2-103'])
  })

  it('works in zh-TW and en', async () => {
    const tw = await town('zh-TW')
    await tw.w.says('boss', '任命 小陈 樓棟長 1棟')
    await tw.w.says('boss', '發起投票 換物業 選項 同意/反對')
    await tw.w.says('cap', '代錄 #1 1-1-103 同意').then((x) => x.expectReply('已為 1-1-103 代錄 #1「換物業」：1. 同意。'))
    const twView = privateTo(await tw.w.says('cap', '樓棟'), 'cap').join('\n')
    expect(twView).toContain('【樓棟跟進】1棟，共 8 戶')
    expect(twView).toContain('（其中樓棟長代錄 1 戶）')
    await tw.w.says('cap', '代錄 #1 2-1-103 同意').then((x) => x.expectReply('2棟 不是你負責的樓棟'))

    const en = await town('en')
    await en.w.says('boss', '/appoint 小陈 captain 1')
    await en.w.says('boss', '/poll New manager options yes/no')
    await en.w.says('cap', '/record 1 1-1-104 1').then((x) => x.expectReply(/Recorded for 1-1-104 on #1 “New manager”: 1\. yes/))
    const enView = privateTo(await en.w.says('cap', '/building'), 'cap').join('\n')
    expect(enView).toContain('[Building follow-up] building 1, 8 households')
    expect(enView).toContain('Poll #1 “New manager”: 7/8 households have not voted (1 recorded by a captain)')
    const res = await en.w.says('o5', '/results 1')
    expect(res.text).toContain('of which 1 recorded by a building captain')
  })
})
