// Issue 17 item 3: opinion rounds (征求意见). A round is a poll of kind 'opinion' sharing the poll numbers; each owner
// household signs once (同意 / 不同意 / an opinion, with or without a stance), a later signature replaces the earlier;
// at the deadline the scheduler posts the counts and the themes of the opinions (never names) and sends the committee
// the full list with a CSV. Everything through the real pipeline and scheduler on a real database.
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { ballots, compounds, currentBallots, households, polls, resultWindows } from '../../db/schema.ts'
import { runDue } from '../../src/scheduler/tick.ts'
import { opinionCsvOf } from '../../src/services/opinions.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { bindMember, ROSTER_HEADER, townWorld } from '../helpers/fixtures.ts'
import { groupTexts, privateTo, TestClock, type World } from '../helpers/world.ts'

const dbs = useTestDatabases()

const ROOMS = ['1-1-101', '1-1-102', '1-1-201', '2-1-101', '2-1-102', '2-1-201']
const SIX = ROSTER_HEADER + ROOMS.map((r, i) => `${r.replaceAll('-', ',')},${i < 3 ? '100.00' : '50.00'},owner_occupied,${i === 0 ? '王秀英' : ''}`).join('\n')

/** 幸福里 in g1 and g2; owners o0…o5 of the six rooms, a tenant, committee member cc. Friday 2026-11-20 10:00 Shanghai. */
async function setUp(opts: { language?: string } = {}) {
  const town = await townWorld(dbs, {
    clock: new TestClock(new Date('2026-11-20T02:00:00Z')),
    roster: SIX,
    language: opts.language,
    chats: [{ id: 'g2' }],
    settings: { disclosure: { weekly: false, monthly: false, yearly: false } },
    people: [{ id: 'cc', name: '老李', role: 'committee' }],
  })
  for (let i = 0; i < 6; i++) await bindMember(town.w, town.compoundId, `o${i}`, [ROOMS[i]!])
  await bindMember(town.w, town.compoundId, 'tenant', [ROOMS[1]!], 'tenant')
  await bindMember(town.w, town.compoundId, 'pending', [ROOMS[2]!], 'owner', 'pending')
  return town
}

async function delivered(w: World) {
  const from = w.adapter.sent.length
  await w.app.dispatcher.flush()
  return w.adapter.sent.slice(from)
}

describe('opinion rounds: 征求意见, 签字, 意见', () => {
  it('launches a round to every chat with how to sign and buttons, sharing the poll numbers', async () => {
    const { w } = await setUp()
    await w.says('cc', '发起投票 路灯颜色 选项 暖光/白光').then((r) => r.expectReply('#1'))
    const r = await w.says('cc', '征求意见 外墙翻新方案 截止 11-27')
    expect(groupTexts(r)).toHaveLength(2)
    expect(r.replies.map((x) => x.chat)).toEqual(['g1', 'g2'])
    expect(r.text).toContain('【征求意见 #2】外墙翻新方案')
    expect(r.text).toContain('签字 #2 同意')
    expect(r.text).toContain('截止：2026-11-27 23:59')
    expect(r.replies[0]!.buttons).toEqual([[{ text: '同意', data: '/sign 2 agree' }, { text: '不同意', data: '/sign 2 disagree' }]])
    const [round] = await w.db.db.select().from(polls).where(eq(polls.no, 2))
    expect(round).toMatchObject({ kind: 'opinion', options: ['agree', 'disagree'], electorate: 'owners', status: 'open' })
  })

  it('refuses a resident, an empty topic, a bad deadline, and a compound without roster — writing nothing', async () => {
    const { w } = await setUp()
    await w.says('o0', '征求意见 外墙翻新').then((r) => r.expectReply('只有委员可以这样做'))
    await w.says('cc', '征求意见').then((r) => r.expectReply('请写上征求意见的主题'))
    await w.says('cc', '征求意见 外墙 截止 昨天下雨').then((r) => r.expectReply('看不懂截止时间'))
    expect(await w.db.db.select().from(polls)).toHaveLength(0)
    const bare = await townWorld(dbs, { roster: null, people: [{ id: 'cc', name: '老李', role: 'committee' }] })
    await bare.w.says('cc', '征求意见 外墙翻新').then((r) => r.expectReply('还没有房屋名册'))
  })

  it('signs per household: agree with a note, opinion only, a change; privately, the group sees no room', async () => {
    const { w } = await setUp()
    await w.says('cc', '征求意见 夜间施工安排')
    const a = await w.says('o0', '签字 #1 同意 但希望晚上不施工')
    expect(privateTo(a, 'o0')[0]).toContain('已记下 1-1-101 对征求意见 #1「夜间施工安排」的签字：同意。')
    expect(privateTo(a, 'o0')[0]).toContain('意见：但希望晚上不施工')
    // naming the room in front of the group would tell everyone who signed (the result itself names nobody)
    expect(groupTexts(a)).toEqual(['已收到一份签字（征求意见 #1）。'])
    const b = await w.says('o1', '签字 #1 希望施工时间改到白天')
    expect(privateTo(b, 'o1')[0]).toContain('只提意见')
    expect(groupTexts(b)).toEqual(['已收到一份签字（征求意见 #1）。'])
    // without a number while one round is open; then a change replaces the counted signature, both kept
    await w.says('o2', '签字 不同意').then((r) => r.expectReply('不同意'))
    const c = await w.says('o2', '签字 #1 同意')
    expect(privateTo(c, 'o2')[0]).toContain('已改为')
    const rows = await w.db.db.select().from(ballots).orderBy(ballots.id)
    expect(rows.map((x) => [x.options, x.note])).toEqual([
      [[0], '但希望晚上不施工'],
      [[], '希望施工时间改到白天'],
      [[1], null],
      [[0], null],
    ])
    expect(await w.db.db.select().from(currentBallots)).toHaveLength(3)
    // the fallback when the signer cannot be messaged privately: anonymous too
    w.adapter.unreachable.add('o1')
    const unreachable = await w.says('o1', '签字 #1 同意')
    expect(unreachable.replies.map((x) => x.chat)).toEqual(['g1'])
    expect(unreachable.text).toBe('已收到一份签字（征求意见 #1）。\n我无法私信你确认，请先私聊我一次。')
  })

  it('a 签字 button press edits the launch post: the launch text, then counts only, buttons kept; a typed 签字 edits nothing', async () => {
    const { w } = await setUp()
    const launch = groupTexts(await w.says('cc', '征求意见 夜间施工安排'))[0]!
    const buttons = [[{ text: '同意', data: '/sign 1 agree' }, { text: '不同意', data: '/sign 1 disagree' }]]
    const typed = await w.says('o0', '签字 #1 同意 但希望王秀英家门口晚上不施工')
    expect(typed.outcome).toMatchObject({ status: 'handled', command: 'sign' })
    expect(typed.outcome).not.toHaveProperty('edits')
    await w.says('o2', '签字 #1 希望改到白天')
    w.clock.advance(5 * 60_000)
    const press = (from: string, data: string) => w.deliver({ ...w.message(from, data), origin: { messageId: 'launch-1' } })
    const pressed = await press('o3', '/sign 1 disagree')
    // the signature itself is as typed: privately, the group hears the anonymous ack
    expect(privateTo(pressed, 'o3')[0]).toContain('已记下 2-1-101 对征求意见 #1「夜间施工安排」的签字：不同意。')
    expect(groupTexts(pressed)).toEqual(['已收到一份签字（征求意见 #1）。'])
    const edits = pressed.outcome.status === 'handled' ? (pressed.outcome.edits ?? []) : []
    expect(edits).toEqual([
      {
        text: [
          launch,
          '',
          '—— 目前签字情况（截至 2026-11-20 10:05）——',
          '同意：1 户 / 100.00 m²',
          '不同意：1 户 / 50.00 m²',
          '只提意见：1 户 / 100.00 m²',
          '未签字：3 户 / 200.00 m²',
          '2 户写了意见。',
        ].join('\n'),
        buttons,
      },
    ])
    // no room, no name, no words of an opinion on the post the whole group sees
    expect(edits[0]!.text.slice(launch.length)).not.toMatch(/\d-\d-\d{3}|王|o\d|晚上|白天/)

    // a change by a press: the counts follow the household's latest signature
    const again = await press('o3', '/sign 1 agree')
    expect(again.outcome.status === 'handled' ? again.outcome.edits?.[0]?.text : undefined).toContain('同意：2 户 / 150.00 m²\n不同意：0 户')
    // a refused press (a tenant) edits nothing; nor does one after the deadline
    const tenant = await press('tenant', '/sign 1 agree')
    expect(tenant.outcome).toMatchObject({ status: 'handled', error: 'user' })
    expect(tenant.outcome).not.toHaveProperty('edits')
    w.clock.set('2026-11-28T02:00:00Z')
    const late = await press('o4', '/sign 1 agree')
    expect(late.text).toContain('截止')
    expect(late.outcome).not.toHaveProperty('edits')
  })

  it('refuses tenants, pending owners, strangers, a poll number, an unknown number, and after the deadline', async () => {
    const { w } = await setUp()
    await w.says('cc', '发起投票 路灯颜色 选项 暖光/白光')
    await w.says('cc', '征求意见 外墙翻新方案 截止 11-22')
    await w.says('tenant', '签字 #2 同意').then((r) => r.expectReply('请由业主签字'))
    await w.says('pending', '签字 #2 同意').then((r) => r.expectReply('等待委员会认证'))
    await w.says('nobody', '签字 #2 同意').then((r) => r.expectReply('绑定 房号 业主'))
    await w.says('o0', '签字 #1 同意').then((r) => r.expectReply('#1 是表决，不是征求意见。'))
    await w.says('o0', '签字 #9 同意').then((r) => r.expectReply('没有征求意见 #9。'))
    await w.says('o0', '签字 #2').then((r) => r.expectReply('请写上同意、不同意或你的意见'))
    // the poll commands refuse the round's number the other way round
    await w.says('o0', '投票 #2 1').then((r) => r.expectReply('#2 是征求意见，不是投票'))
    await w.says('cc', '结束投票 #2').then((r) => r.expectReply('截止（2026-11-22 23:59）后自动结束'))
    // 投票 without a number means the one open poll, not the round
    await w.says('o0', '投票 暖光').then((r) => r.expectReply('#1'))
    w.clock.set('2026-11-23T02:00:00Z')
    await w.says('o0', '签字 #2 同意').then((r) => r.expectReply('已于 2026-11-22 23:59 截止'))
    expect(await w.db.db.select().from(ballots)).toHaveLength(1)
  })

  it('at the deadline: counts and themes to the groups without names, the full list and a CSV to the committee', async () => {
    const { w } = await setUp()
    await w.says('cc', '征求意见 夜间施工安排 截止 11-22')
    await w.says('o0', '签字 #1 同意 但施工时间不要太早，王秀英家有老人')
    await w.says('o1', '签字 #1 不同意 施工时间太长，噪音大')
    await w.says('o2', '签字 #1 希望施工时间改到白天，减少噪音')
    await w.says('o3', '签字 #1 同意')
    // 结果 while it runs: the counts so far, no list
    const live = await w.says('o5', '结果 #1')
    expect(live.text).toContain('【征求意见 #1 统计】夜间施工安排')
    expect(live.text).toContain('同意：2 户 / 150.00 m²')
    await delivered(w)

    w.clock.set('2026-11-22T16:00:00Z') // 00:00 on the 23rd in Shanghai
    const tick = await runDue(w.db.db, w.clock.now(), { instance: 'test' })
    expect(tick.errors).toBe(0)
    expect(tick.closedPolls).toBe(1)
    const sent = await delivered(w)
    const groups = sent.filter((s) => s.chat)
    expect(groups.map((s) => s.chat)).toEqual(['g1', 'g2'])
    const post = groups[0]!.text
    expect(post).toBe(
      [
        '【征求意见 #1 结果】夜间施工安排',
        '同意：2 户 / 150.00 m²',
        '不同意：1 户 / 100.00 m²',
        '只提意见：1 户 / 100.00 m²',
        '未签字：2 户 / 100.00 m²',
        '共 6 户 / 450.00 m²（按发起时的名册）',
        '3 户写了意见。',
        '意见主题：施工时间 (3)、噪音 (2)',
        '完整名单已私信管委会。',
      ].join('\n'),
    )
    expect(post).not.toMatch(/王|1-1-101/)
    // the committee (cc and the head) each get the list and the CSV
    const toCommittee = sent.filter((s) => s.user)
    expect(toCommittee.map((s) => s.user).sort()).toEqual(['boss', 'cc'])
    const list = toCommittee.find((s) => s.user === 'cc')!
    expect(list.text).toContain('征求意见 #1「夜间施工安排」签字名单（4 户）：')
    expect(list.text).toContain('1-1-101　同意　2026-11-20 10:00\n　　意见：但施工时间不要太早，王秀英家有老人')
    expect(list.text).toContain('1-1-102　不同意')
    expect(list.text).toContain('未签字 2 户：2-1-102、2-1-201')
    expect(list.file!.name).toBe('opinion-1.csv')
    const csv = Buffer.from(list.file!.bytes).toString('utf8')
    expect(csv.startsWith('\uFEFF房号,表态,意见,签字时间,面积(m²),楼栋长代录\r\n')).toBe(true)
    expect(csv.split('\r\n').slice(1, 7)).toEqual([
      // full-width commas need no quotes; the private CSV keeps the words as written
      '1-1-101,同意,但施工时间不要太早，王秀英家有老人,2026-11-20 10:00,100.00,',
      '1-1-102,不同意,施工时间太长，噪音大,2026-11-20 10:00,100.00,',
      '1-1-201,只提意见,希望施工时间改到白天，减少噪音,2026-11-20 10:00,100.00,',
      '2-1-101,同意,,2026-11-20 10:00,50.00,',
      '2-1-102,未签字,,,50.00,',
      '2-1-201,未签字,,,50.00,',
    ])
    // closed for good: stored, no objection window, no more signatures, a second tick posts nothing
    const [round] = await w.db.db.select().from(polls)
    expect(round!.status).toBe('closed')
    expect(await w.db.db.select().from(resultWindows)).toEqual([])
    await w.says('o4', '签字 #1 同意').then((r) => r.expectReply('已经结束'))
    await runDue(w.db.db, w.clock.now(), { instance: 'test' })
    expect((await delivered(w)).filter((s) => s.chat)).toEqual([])
    await w.says('o4', '结果 #1').then((r) => r.expectReply('意见主题：施工时间 (3)、噪音 (2)'))
    // the week's 公示 lists the round with its counts
    await w.says('cc', '公示 本周').then((r) => r.expectReply('#1 夜间施工安排：征求意见：同意 2 户，不同意 1 户，只提意见 1 户，未签字 2 户'))
  })

  it('意见 #n: the committee gets the list and the CSV privately, others are refused', async () => {
    const { w } = await setUp()
    await w.says('cc', '征求意见 外墙翻新方案')
    await w.says('o0', '签字 #1 同意, =HYPERLINK("x")')
    await w.says('o0', '意见 #1', { mentionsBot: true }).then((r) => r.expectReply('只有委员可以这样做'))
    // unaddressed in the group, 意见 is an everyday word: a resident's 意见 #1 there is left alone
    await w.says('o0', '意见 #1').then((r) => r.expectNoReply())
    const r = await w.says('cc', '意见 #1')
    // asked in the group: the group hears only that the answer went privately (as 查费, 楼栋)
    expect(groupTexts(r)).toEqual(['@老* 已私信回复你。'])
    const [msg] = r.replies.filter((x) => x.user === 'cc')
    expect(msg!.text).toContain('1-1-101　同意')
    expect(msg!.text).toContain('未签字 5 户')
    // a formula is defused in the CSV
    expect(Buffer.from(msg!.file!.bytes).toString('utf8')).toContain(`1-1-101,同意,"'=HYPERLINK(""x"")"`)
    await w.says('cc', '意见 #7').then((r) => r.expectReply('没有征求意见 #7。'))
    // a member the bot cannot message privately is told in the group how to get it, without a room or a word of it
    w.adapter.unreachable.add('cc')
    const lost = await w.says('cc', '意见 #1')
    expect(lost.replies).toEqual([{ chat: 'g1', text: '@老* 我无法私信你，请先私聊我（加我为好友或点开我的头像发一条消息），再发一次。' }])
  })

  it('意见 #n in several messages: the group hears one line for all of them, reached or not', async () => {
    const { w, compoundId, members } = await setUp()
    await w.says('cc', '征求意见 外墙翻新方案')
    const [round] = await w.db.db.select().from(polls)
    // six long opinions (written as the command would, past its length limit) make a list longer than one message
    for (const h of await w.db.db.select().from(households).where(eq(households.compoundId, compoundId))) {
      await w.db.db.transaction(async (tx) => {
        const [b] = await tx
          .insert(ballots)
          .values({ compoundId, pollId: round!.id, voterKey: `h:${h.id}`, householdId: h.id, memberId: members.cc!, options: [0], note: '施工'.repeat(400) })
          .returning()
        await tx.insert(currentBallots).values({ compoundId, pollId: round!.id, voterKey: `h:${h.id}`, ballotId: b!.id })
      })
    }
    const r = await w.says('cc', '意见 #1')
    expect(privateTo(r, 'cc').length).toBeGreaterThan(1)
    expect(groupTexts(r)).toEqual(['@老* 已私信回复你。'])
    w.adapter.unreachable.add('cc')
    const lost = await w.says('cc', '意见 #1')
    expect(lost.replies).toEqual([{ chat: 'g1', text: '@老* 我无法私信你，请先私聊我（加我为好友或点开我的头像发一条消息），再发一次。' }])
  })

  it('the CLI’s export (linli export --opinion) is the committee’s CSV; a poll number or an unknown one gives none', async () => {
    const { w, compoundId } = await setUp()
    await w.says('cc', '发起投票 路灯颜色 选项 暖光/白光')
    await w.says('cc', '征求意见 外墙翻新方案')
    await w.says('o3', '签字 #2 不同意 太贵')
    const [c] = await w.db.db.select().from(compounds).where(eq(compounds.id, compoundId))
    expect(await opinionCsvOf(w.db.db, c!, 1)).toBe('notOpinion')
    expect(await opinionCsvOf(w.db.db, c!, 9)).toBe('unknown')
    const res = await opinionCsvOf(w.db.db, c!, 2)
    if (typeof res === 'string') throw new Error(res)
    expect(res.name).toBe('opinion-2.csv')
    const lines = Buffer.from(res.bytes).toString('utf8').split('\r\n')
    expect(lines).toHaveLength(8) // header, six households, the final line end
    expect(lines[4]).toBe('2-1-101,不同意,太贵,2026-11-20 10:00,50.00,')
  })

  it('speaks zh-TW and English', async () => {
    const tw = await setUp({ language: 'zh-TW' })
    await tw.w.says('cc', '徵求意見 外牆翻新').then((r) => r.expectReply('【徵求意見 #1】外牆翻新'))
    const tws = await tw.w.says('o0', '簽字 #1 不同意 噪音')
    expect(privateTo(tws, 'o0')[0]).toContain('不同意')
    expect(groupTexts(tws)).toEqual(['已收到一份簽字（徵求意見 #1）。'])
    const twPress = await tw.w.deliver({ ...tw.w.message('o1', '/sign 1 agree'), origin: { messageId: 'launch-1' } })
    const twEdit = twPress.outcome.status === 'handled' ? twPress.outcome.edits?.[0] : undefined
    expect(twEdit?.text).toMatch(/^【徵求意見 #1】外牆翻新\n[^]*\n\n—— 目前簽字情況（截至 2026-11-20 10:00）——\n同意：1 戶 \/ 100\.00 m²\n不同意：1 戶/)
    expect(twEdit?.text).toContain('1 戶寫了意見。')
    expect(twEdit?.buttons).toEqual([[{ text: '同意', data: '/sign 1 agree' }, { text: '不同意', data: '/sign 1 disagree' }]])
    const en = await setUp({ language: 'en' })
    await en.w.says('cc', '/consult facade renovation').then((r) => r.expectReply('[Opinion round #1] facade renovation'))
    const ens = await en.w.says('o0', '/sign 1 disagree too noisy')
    expect(privateTo(ens, 'o0')[0]).toContain('Opinion: too noisy')
    expect(groupTexts(ens)).toEqual(['A signature was received (opinion round #1).'])
    const enPress = await en.w.deliver({ ...en.w.message('o1', '/sign 1 disagree'), origin: { messageId: 'launch-1' } })
    const enEdit = enPress.outcome.status === 'handled' ? enPress.outcome.edits?.[0] : undefined
    expect(enEdit?.text).toMatch(/^\[Opinion round #1\] facade renovation\n[^]*\n\n— Signatures so far \(as of 2026-11-20 10:00\) —\n/)
    expect(enEdit?.text).toContain('1 households wrote an opinion.')
    expect(enEdit?.buttons?.flat().map((b) => b.data)).toEqual(['/sign 1 agree', '/sign 1 disagree'])
  })
})
