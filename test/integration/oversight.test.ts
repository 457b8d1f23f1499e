// Issue 17 item 6: community (社区/街道) oversight. A supervisor granted on two compounds gets a weekly private
// digest (公示 on time or not, balance, arrears rate, open and overdue repairs, polls with legal-calendar flags),
// once per week across scheduler instances, and only once they have written to the bot; they can read 账目 and
// 公示 of the compounds they oversee (naming one when several) and 监督 on demand, and every other command is
// refused to them there — also when they are a chat admin and hold a role — with nothing written.
import { getTableName, sql } from 'drizzle-orm'
import { PgTable } from 'drizzle-orm/pg-core'
import { describe, expect, it } from 'vitest'
import * as schema from '../../db/schema.ts'
import { setRole } from '../../db/compounds.ts'
import { grantSupervisor } from '../../db/supervisors.ts'
import { commands } from '../../commands/index.ts'
import type { DisclosureData } from '../../src/disclosure/build.ts'
import { t } from '../../src/i18n/index.ts'
import { renderSummary } from '../../src/render/summary.ts'
import { billMonth } from '../../src/services/fees.ts'
import { runDue } from '../../src/scheduler/tick.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { query, setUpTown, type Town, townWorld } from '../helpers/fixtures.ts'
import { groupTexts, privateTo, TestClock, type World } from '../helpers/world.ts'

const dbs = useTestDatabases()
const render = (d: DisclosureData) => ({ parts: renderSummary(d.summary), chart: null })

const ROSTER = `building,unit,room,area_m2,occupancy,owner_name
1,1,101,75.00,owner_occupied,王秀英
1,1,102,89.50,owner_occupied,李建国
2,,101,60.00,rented,张伟
2,,102,60.00,vacant,
`
const READ_ONLY = t('zh-CN', 'oversight.readOnly')

/** Monday 2026-12-07 in Shanghai: the weekly 公示 slot is 09:00 (01:00Z), the digest's 09:30 (01:30Z). */
const MON_0905 = '2026-12-07T01:05:00Z'
const MON_0935 = '2026-12-07T01:35:00Z'

/**
 * 幸福里 (g1) since October: four households billed ¥100 for November (due 30 November), one paid; a repair open
 * since 1 November (overdue) and one from 5 December; a poll open. 东风苑 (g2): an ordinary poll launched with 8
 * days' notice, then the compound requires 10. `sup` supervises both (a grant before their first message).
 */
async function setUp(): Promise<{ w: World; town: Town; east: Town }> {
  const clock = new TestClock(new Date('2026-11-01T02:00:00Z'))
  const { w, ...town } = await townWorld(dbs, {
    clock,
    createdAt: '2026-10-01T00:00:00Z',
    roster: ROSTER,
    people: [
      { id: 'col', name: '小赵', role: 'collector' },
      { id: 'u1', name: '张三', rooms: ['1-1-102'] },
    ],
  })
  await w.says('boss', '收费标准 物业费 100 每户每月').then((r) => r.expectReply('每月月底到期'))
  await billMonth(w.db.db, town.compoundId, '2026-11', clock.now())
  await w.says('col', '缴费 1-1-101 100').then((r) => r.expectReply('¥100.00'))
  await w.says('u1', '报修 楼道灯不亮').then((r) => r.expectReply(/#1/))
  clock.set('2026-12-01T02:00:00Z')
  await w.says('boss', '发起投票 路灯颜色 选项 暖光/白光 截止 12-20 18:00').then((r) => r.expectReply('【投票 #1】'))
  clock.set('2026-12-05T02:00:00Z')
  await w.says('u1', '报修 电梯异响').then((r) => r.expectReply(/#2/))
  const east = await setUpTown(w, { name: '东风苑', chat: 'g2', head: { id: 'boss2', name: '老李' }, createdAt: '2026-10-01T00:00:00Z', roster: 'building,unit,room,area_m2\n8,1,101,90\n8,1,102,90\n' })
  await w.says('boss2', '发起投票 加装电梯 选项 同意/反对 规则 一般 截止 12-13 18:00', { chat: 'g2' }).then((r) => r.expectReply('【投票 #1】'))
  // the compound's notice period is raised afterwards: the running poll now has too short a notice
  await w.db.db.execute(sql`UPDATE compounds SET settings = settings || '{"pollNoticeDays": 10}'::jsonb WHERE id = ${east.compoundId}`)
  await grantSupervisor(w.db.db, { platform: 'console', platformUserId: 'sup', compoundIds: [town.compoundId, east.compoundId], grantedBy: 'test', at: clock.now() })
  return { w, town, east }
}

/** The outbox rows of the oversight digests, oldest first. */
const digestRows = (w: World) => query<{ target_id: string; text: string; dedupe_key: string }>(w.db, sql`SELECT target_id, text, dedupe_key FROM outbox WHERE dedupe_key LIKE 'oversight:%' ORDER BY id`)

describe('community oversight: the weekly digest', () => {
  it('per compound: 公示 on time or late, balance, arrears rate, open and overdue repairs, polls and their flags — once a week across instances, and only once the supervisor has written', async () => {
    const { w } = await setUp()
    // 09:05: the week's 公示 goes out on time, November's (due 1 December) as a 补发; no digest before 09:30
    const early = await runDue(w.db.db, new Date(MON_0905), { instance: 'a', render })
    expect(early.oversightDigests).toBe(0)
    // 09:35, two instances at once: the supervisor has never written to the bot, so the digest waits
    const waiting = await Promise.all(['a', 'b'].map((instance) => runDue(w.db.db, new Date(MON_0935), { instance, render })))
    expect(waiting.map((r) => r.oversightDigests)).toEqual([0, 0])
    expect(await digestRows(w)).toEqual([])

    // they write to the bot; the next minute's ticks (two instances) send it once
    w.clock.set('2026-12-07T01:40:00Z')
    await w.says('sup', '帮助', { private: true }).then((r) => r.expectReply('社区监督员'))
    const ticks = await Promise.all(['a', 'b'].map((instance) => runDue(w.db.db, new Date('2026-12-07T01:41:00Z'), { instance, render })))
    expect(ticks.map((r) => r.oversightDigests).sort()).toEqual([0, 1])
    const rows = await digestRows(w)
    expect(rows).toHaveLength(1)
    expect(rows[0]!.target_id).toBe('sup')
    const text = rows[0]!.text
    const [happy, east] = text.split('━━ 东风苑') as [string, string]
    expect(happy).toContain('━━ 幸福里')
    expect(happy).toContain('公示：2026年第49周 按时发布')
    expect(happy).toContain('公示：2026年11月 未按时发布（2026-12-07 09:05 补发）')
    expect(happy).toContain('结余：¥100.00')
    // November's charges are past due for three of the four households billed (December's are not yet due)
    expect(happy).toContain('欠费率：75.0%（3 户欠费 / 4 户已出账）')
    expect(happy).toContain('报修：未完成 2 单，其中超期 1 单')
    expect(happy).toMatch(/表决 #1「路灯颜色」进行中，截止 2026-12-20 18:00/)
    expect(happy).not.toContain('⚠')
    expect(east).toContain('欠费率：尚未出账')
    expect(east).toContain('表决 #1「加装电梯」进行中')
    expect(east).toContain('⚠ 通知期不足：一般事项表决只给了 8 天（至少 10 天）')
    // no owner's name in it: the blocks carry counts, not rooms or people
    for (const name of ['王秀英', '李建国', '张伟', '张三']) expect(text).not.toContain(name)

    // later that week nothing more; the next Monday, the next digest
    expect((await runDue(w.db.db, new Date('2026-12-09T03:00:00Z'), { instance: 'a', render })).oversightDigests).toBe(0)
    expect((await runDue(w.db.db, new Date('2026-12-14T01:31:00Z'), { instance: 'b', render })).oversightDigests).toBe(1)
    expect((await digestRows(w)).map((r) => r.dedupe_key)).toEqual(['oversight:console:sup:2026-W50:1', 'oversight:console:sup:2026-W51:1'])
  })

  it('监督 on demand: privately, all compounds or the one named; a 公示 not posted shows as missing; nobody else may', async () => {
    const { w } = await setUp()
    w.clock.set('2026-12-07T01:20:00Z')
    const all = privateTo(await w.says('sup', '监督', { private: true }), 'sup').join('\n')
    expect(all).toContain('━━ 幸福里')
    expect(all).toContain('━━ 东风苑')
    expect(all).toContain('公示：2026年第49周 未发布（应于 2026-12-07 09:00 发布）')
    const one = privateTo(await w.says('sup', '监督 东风苑', { private: true }), 'sup').join('\n')
    expect(one).toContain('━━ 东风苑')
    expect(one).not.toContain('幸福里')
    await w.says('sup', '监督 西山', { private: true }).then((r) => r.expectReply('你没有监督名为「西山」的小区'))
    await w.says('u1', '监督', { private: true }).then((r) => r.expectReply('只有社区监督员'))
    // help lists 监督 to supervisors alone
    expect((await w.says('u1', '帮助 全部', { chat: 'g1' })).text).not.toContain('监督')
    // in a group of a compound they oversee: to them privately, nothing to the group
    const inGroup = await w.says('sup', '监督', { chat: 'g1' })
    expect(groupTexts(inGroup)).toEqual([])
    expect(privateTo(inGroup, 'sup').join('\n')).toContain('━━ 幸福里')
  })
})

describe('community oversight: read access', () => {
  it('账目 and 公示 of a named compound, the compound implied when there is one, refused unnamed when several; nothing posted or recorded', async () => {
    const { w, town, east } = await setUp()
    w.clock.set('2026-12-07T02:00:00Z')
    const named = privateTo(await w.says('sup', '账目 幸福里 11月', { private: true }), 'sup').join('\n')
    expect(named).toContain('幸福里')
    expect(named).toContain('2026年11月')
    expect(named).toContain('¥100.00')
    // the period syntax is untouched after the name, and the name is optional only with one compound
    await w.says('sup', '账目 东风苑', { private: true }).then((r) => r.expectReply('东风苑'))
    await w.says('sup', '账目 11月', { private: true }).then((r) => r.expectReply('你监督 2 个小区，请写明哪一个，例如「账目 幸福里」'))
    const before = await query<{ n: number }>(w.db, sql`SELECT count(*)::int AS n FROM disclosures`)
    const preview = await w.says('sup', '公示 东风苑 本月', { private: true })
    expect(privateTo(preview, 'sup').join('\n')).toContain('【东风苑 公示】2026年12月')
    expect(privateTo(preview, 'sup').join('\n')).toContain('社区监督查看，未发到群')
    expect(groupTexts(preview)).toEqual([])
    expect(await query<{ n: number }>(w.db, sql`SELECT count(*)::int AS n FROM disclosures`)).toEqual(before)

    // a supervisor of one compound: implied
    await grantSupervisor(w.db.db, { platform: 'console', platformUserId: 'solo', compoundIds: [east.compoundId], grantedBy: 'test', at: w.clock.now() })
    await w.says('solo', '账目 本月', { private: true }).then((r) => r.expectReply('东风苑'))
    // 账目 in a resident's own compound is theirs as before
    await w.says('u1', '账目 11月', { chat: 'g1' }).then((r) => r.expectReply('幸福里'))
    expect(town.compoundId).not.toBe(east.compoundId)
  })
})

describe('community oversight: read-only', () => {
  /** A plausible line for each command a supervisor might try (the refusal comes first anyway). */
  const LINES: Record<string, string> = {
    setup: '新小区',
    election: '物管会 名额 1 候选人 张三/李四',
    nominate: '#1 张三',
    elect: '#1 A',
    object: '#1 计票有误',
    answer: '#1-1 已核对',
    bind: '1-1-101',
    verify: '全部',
    appoint: '@张三 委员',
    dismiss: '@张三',
    repair: '楼道灯不亮',
    assign: '#1 王师傅',
    progress: '#1 已联系',
    done: '#1 100',
    approve: '#1',
    decline: '#1 重复',
    confirm: '#1',
    reopen: '#1 还坏',
    reject: '#1 重复',
    category: '#1 电梯',
    poll: '换物业 选项 同意/反对',
    vote: '#1 A',
    closepoll: '#1',
    removehousehold: '2-102',
    feerule: '物业费 200 每户每月',
    fee: '1-1-101',
    pay: '1-1-102 60',
    expense: '200 灯泡',
    income: '300 广告',
    reverse: '#1 录错',
    confirmdup: '',
    arrears: '',
    repairs: '',
    myrepairs: '',
    results: '#1',
    verifyledger: '',
    building: '1栋',
    record: '#1 1-1-101 A',
    consult: '外墙翻新',
    sign: '#1 同意',
    opinions: '#1',
    notice: '明天停水',
    ack: '',
  }

  it('every command without a read for supervisors is refused, in private and as a chat admin holding a role in the group, and nothing is written', async () => {
    const { w, town } = await setUp()
    // the worst case: the supervisor is also the committee there and a chat admin of its group
    const sup = (await query<{ id: number }>(w.db, sql`INSERT INTO members (platform, platform_user_id, display_name) VALUES ('console', 'sup', '街道老周') RETURNING id`))[0]!.id
    await setRole(w.db.db, { compoundId: town.compoundId, memberId: sup, role: 'head' })
    const tables = (Object.values(schema) as unknown[])
      .filter((v): v is PgTable => v instanceof PgTable)
      .map((x) => getTableName(x))
      // the message's own bookkeeping: its inbox row, the refusal in the outbox, the sender's member row
      .filter((n) => !['inbox', 'outbox', 'members'].includes(n))
    const counts = async () => {
      const out: Record<string, number> = {}
      for (const name of tables) out[name] = (await query<{ n: number }>(w.db, sql.raw(`SELECT count(*)::int AS n FROM "${name}"`)))[0]!.n
      return out
    }
    const writers = commands.filter((c) => !c.oversee)
    expect(writers.length).toBeGreaterThan(25)
    for (const c of writers) expect(c.name in LINES || c.name === 'setup', `a line for ${c.name}`).toBe(true)
    const before = await counts()
    for (const c of writers) {
      const line = `${c.keywords['zh-CN'][0]} ${LINES[c.name] ?? ''}`.trim()
      for (const where of [{ private: true }, { chat: 'g1', admin: true }, { private: true, line: `${c.keywords['zh-CN'][0]} 幸福里 ${LINES[c.name] ?? ''}` }]) {
        const r = await w.says('sup', 'line' in where ? where.line! : line, where)
        expect(r.text, `${c.name} ${JSON.stringify(where)}`).toContain(READ_ONLY)
      }
    }
    // plain language offers no write either: addressed, it is refused; an unaddressed repair report gets no offer
    await w.says('sup', '@邻里 我要报修，厨房漏水', { chat: 'g1' }).then((r) => r.expectReply(READ_ONLY))
    await w.says('sup', '3栋楼道灯又坏了', { chat: 'g1' }).then((r) => r.expectNoReply())
    // photos attach to nothing
    await w.says('sup', '', { chat: 'g1', images: ['p1'] }).then((r) => r.expectNoReply())
    expect(await counts()).toEqual(before)
    // a resident's same sentence is offered (the refusal above is the supervisor's)
    await w.says('u1', '3栋楼道灯又坏了', { chat: 'g1' }).then((r) => r.expectReply('要登记报修吗'))
    // the same head role without the grant does write (the refusal above is the supervisor's, not the role's)
    await w.db.db.execute(sql`DELETE FROM supervisors`)
    await w.says('sup', '收费标准 物业费 200 每户每月', { chat: 'g1' }).then((r) => r.expectReply('每月月底到期'))
  })
})
