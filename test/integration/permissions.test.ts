// Issue 16 item 6: who may run a command is declared once (`role`, and `or` for a rule that needs the
// arguments: the ticket's assignee or reporter, a collector's own held payment, 收费标准's list, 查费's own
// rooms). The pipeline enforces it, help lists exactly what the asker may run now, and the README prints it.
import { describe, expect, it } from 'vitest'
import { commands } from '../../commands/index.ts'
import { translator } from '../../src/i18n/index.ts'
import { ROLE_RANK } from '../../src/pipeline/command.ts'
import { entryRole, whoMayRun } from '../../src/pipeline/permissions.ts'
import type { World } from '../helpers/world.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { ledgerCount, moneyWorld, privateTo, snapshot } from './money-world.ts'

const dbs = useTestDatabases()

/** The keywords the full help lists to `who`, in order. */
async function listed(w: World, who: string): Promise<string[]> {
  const r = await w.says(who, '帮助 全部')
  return r.text
    .split('\n')
    .filter((l) => l.startsWith('• '))
    .map((l) => l.slice(2).split(' ')[0]!)
}

const TICKET_WORDS = ['进度', '完工', '确认', '驳回'] as const
async function ticketCommands(w: World, who: string): Promise<string[]> {
  const all = await listed(w, who)
  return TICKET_WORDS.filter((k) => all.includes(k))
}

describe('the declaration is the permission', () => {
  it('help lists 进度/完工 to the assignee while the ticket can take them, and 确认/驳回 to the reporter while it is done', async () => {
    const { w } = await moneyWorld(dbs)
    // the committee may always act on tickets; nobody else before there is one of theirs
    expect(await ticketCommands(w, 'cc')).toEqual(['进度', '完工', '确认', '驳回'])
    for (const who of ['u1', 'u2', 'w1', 'col']) expect(await ticketCommands(w, who), who).toEqual([])

    await w.says('u1', '报修 楼道灯不亮').then((r) => r.expectReply('#1'))
    expect(await ticketCommands(w, 'u1')).toEqual([]) // reported, not yet done: nothing to confirm
    await w.says('boss', '派单 #1 @李师傅').then((r) => r.expectReply('已派给'))
    expect(await ticketCommands(w, 'w1')).toEqual(['进度', '完工'])
    expect(await ticketCommands(w, 'u2')).toEqual([])
    // what help lists, the pipeline lets through; what it does not, the pipeline refuses
    await w.says('w1', '进度 #1 已买灯泡').then((r) => r.expectReply('报修 #1 进度已记录'))
    await w.says('u2', '完工 #1').then((r) => r.expectReply('只有委员或被派单的人可以完工报修 #1。'))
    await w.says('w1', '完工 #1').then((r) => r.expectReply('报修 #1 已完工'))

    // done: the assignee has nothing left to do, the reporter may confirm or reopen
    expect(await ticketCommands(w, 'w1')).toEqual([])
    expect(await ticketCommands(w, 'u1')).toEqual(['确认', '驳回'])
    expect(await ticketCommands(w, 'u5')).toEqual([]) // same household, not the reporter
    await w.says('u5', '确认 #1').then((r) => r.expectReply('只有报修人或委员可以确认报修 #1。'))
    await w.says('u1', '驳回 #1 还是不亮').then((r) => r.expectReply('报修 #1 已驳回'))
    // reopened: back to the assignee
    expect(await ticketCommands(w, 'w1')).toEqual(['进度', '完工'])
    expect(await ticketCommands(w, 'u1')).toEqual([])
    // the committee's list never depended on the tickets
    expect(await ticketCommands(w, 'cc')).toEqual(['进度', '完工', '确认', '驳回'])
  })

  it('an unknown ticket is "not found" for everyone, before whose it is', async () => {
    const { w } = await moneyWorld(dbs)
    for (const who of ['u2', 'cc']) await w.says(who, '完工 #9').then((r) => expect(r.text).toBe('没有报修单 #9。发送「报修列表」查看未完成的报修。'))
    // a malformed command gets its usage before the rule is looked at
    await w.says('u2', '完工').then((r) => expect(r.text).toMatch(/^请写上报修单编号，例如 #3。\n.*完工 #<编号>/))
  })

  it('确认重复: a collector confirms their own held payment; a held expense is the committee’s, even for its recorder', async () => {
    const { w } = await moneyWorld(dbs)
    expect(await listed(w, 'col')).not.toContain('确认重复')
    expect(await listed(w, 'cc')).toContain('确认重复')
    expect(await listed(w, 'u1')).not.toContain('确认重复')
    await w.says('col', '缴费 3-2-201 100')
    await w.says('col', '缴费 3-2-201 100').then((r) => r.expectReply('疑似重复'))
    expect(await listed(w, 'col')).toContain('确认重复')
    expect(privateTo(await w.says('col', '确认重复 1'), 'col')[0]).toContain('（流水 #2）')
    expect(await listed(w, 'col')).not.toContain('确认重复')

    // a committee member's held expense, then they are made a collector: the hold is refused, and kept
    await w.says('u1', '报修 楼道灯不亮')
    await w.says('boss', '派单 #1 王师傅')
    await w.says('boss', '完工 #1 费用 35').then((r) => r.expectReply('流水号 3'))
    await w.says('cc', '支出 50 换灯泡 #1').then((r) => r.expectReply('确认重复 3'))
    await w.says('boss', '任命 @老李 收费员').then((r) => r.expectReply('收费员'))
    expect(await listed(w, 'cc')).not.toContain('确认重复') // only a payment hold would list it
    const before = await snapshot(w)
    await w.says('cc', '确认重复 3').then((r) => r.expectReply('只有委员可以这样做。'))
    expect(await snapshot(w)).toBe(before)
    await w.says('boss', '任命 @老李 委员').then((r) => r.expectReply('委员'))
    await w.says('cc', '确认重复 3').then((r) => r.expectReply('已确认不是重复'))
    expect(await ledgerCount(w)).toBe(4)
  })

  it('收费标准 lists for every resident and sets for the head; 查费 asks about any room from a collector up, else one’s own', async () => {
    const { w } = await moneyWorld(dbs)
    for (const who of ['u2', 'w1', 'col', 'cc', 'boss']) expect(await listed(w, who), who).toEqual(expect.arrayContaining(['收费标准', '查费']))
    await w.says('cc', '收费标准 物业费 1 每户每月').then((r) => r.expectReply('只有主任可以这样做。'))
    await w.says('w1', '收费标准 物业费 1 每户每月').then((r) => r.expectReply('只有主任可以这样做。'))
    await w.says('w1', '收费标准').then((r) => expect(r.text).not.toContain('只有'))
    await w.says('u1', '查费 3-2-202').then((r) => r.expectReply('只能查询自己家的费用：3-2-202'))
    await w.says('u2', '查费 3-2-202').then((r) => r.expectReply('认证后才能查费'))
    await w.says('u1', '查费 9-9-999').then((r) => r.expectReply('没有找到房号')) // unknown comes before "not yours"
    expect(privateTo(await w.says('col', '查费 3-2-202'), 'col')[0]).toContain('3-2-202')
    expect(privateTo(await w.says('u1', '查费 3-2-201'), 'u1')[0]).toContain('3-2-201')
  })

  it('the README’s who column and the check before the arguments read the same declaration', () => {
    const en = translator('en')
    const by = (name: string) => commands.find((c) => c.name === name)!
    expect(whoMayRun(by('done'), en)).toBe('committee member, or the ticket’s assignee')
    expect(whoMayRun(by('reopen'), en)).toBe('committee member, or the ticket’s reporter')
    expect(whoMayRun(by('assign'), en)).toBe('committee member')
    expect(whoMayRun(by('record'), en)).toBe('committee head, or the captain of the household’s building')
    expect([entryRole(by('done')), entryRole(by('confirmdup')), entryRole(by('feerule')), entryRole(by('assign'))]).toEqual([
      'resident',
      'collector',
      'resident',
      'committee',
    ])
    // an `or` rule opens a command to some below its role (else it would be the role)
    const widened = commands.filter((c) => 'or' in c && c.or)
    expect(widened.map((c) => c.name).sort()).toEqual(['building', 'confirm', 'confirmdup', 'done', 'fee', 'feerule', 'progress', 'record', 'reopen'])
    for (const c of widened) {
      if (!('or' in c) || !c.or) continue
      expect(ROLE_RANK[c.or.from], c.name).toBeLessThan(ROLE_RANK[c.role])
    }
  })
})
