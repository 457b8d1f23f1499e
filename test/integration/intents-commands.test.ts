// Plain language and the command parser (issue 14): an addressed sentence that opens with a command keyword
// (`@邻里 投票结果出来了吗`) is read for intent before the command's usage line answers it, while a real
// malformed command still gets its usage; and commands reached through plain language (a safe read run, an
// offer confirmed) are counted in inbox.command like typed ones, so 帮助 lists them among the most used.
import { and, asc, eq, isNotNull } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { commandCounts } from '../../db/members.ts'
import { ballots, inbox, members } from '../../db/schema.ts'
import { t } from '../../src/i18n/index.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { ROSTER, townWorld } from '../helpers/fixtures.ts'
import { groupTexts, type World } from '../helpers/world.ts'

const dbs = useTestDatabases()
const zh = (key: string, params?: Record<string, string | number>) => t('zh-CN', key, params)
const people = [{ id: 'u1', name: '张三', rooms: ['3-2-201'] }]
const setUp = () => townWorld(dbs, { roster: ROSTER, people })

async function memberId(w: World, platformId: string): Promise<number> {
  const [m] = await w.db.db.select({ id: members.id }).from(members).where(eq(members.platformUserId, platformId))
  return m!.id
}

/** the commands counted for a member, in the order their messages came */
async function counted(w: World, who: string): Promise<(string | null)[]> {
  const id = await memberId(w, who)
  const rows = await w.db.db.select({ command: inbox.command }).from(inbox).where(eq(inbox.memberId, id)).orderBy(asc(inbox.id))
  return rows.map((r) => r.command)
}

describe('a sentence that opens with a command keyword', () => {
  it('@邻里 投票结果出来了吗: answered with the results, not a usage line', async () => {
    const { w } = await setUp()
    await w.says('boss', '发起投票 换电梯 选项 同意/反对 规则 简单').then((r) => r.expectReply('#1'))
    const r = await w.says('u1', '@邻里 投票结果出来了吗')
    expect(r.text).toContain('#1')
    expect(r.text).not.toContain(zh('common.usage', { usage: '' }))
    expect(await w.db.db.select().from(ballots)).toEqual([])
    expect(await counted(w, 'u1')).toEqual(['results'])
  })

  it('the same in the other languages: 投票結果出來了嗎 / vote results out yet? / results out yet?', async () => {
    const { w } = await setUp()
    await w.says('boss', '发起投票 换电梯 选项 同意/反对 规则 简单').then((r) => r.expectReply('#1'))
    await w.says('u1', '@鄰里 投票結果出來了嗎').then((r) => expect(r.text).not.toContain('用法'))
    await w.says('u1', '@邻里 results of the vote out yet?').then((r) => expect(r.text).not.toContain('用法'))
    // no poll word at all: `results` is the command's keyword, the question is the poll's
    await w.says('u1', '@邻里 results out yet?').then((r) => {
      expect(r.text).toContain('#1')
      expect(r.text).not.toContain('用法')
    })
    expect(await counted(w, 'u1')).toEqual(['results', 'results', 'results'])
  })

  it('a real malformed command still gets its usage line', async () => {
    const { w } = await setUp()
    await w.says('boss', '发起投票 换电梯 选项 同意/反对 规则 简单').then((r) => r.expectReply('#1'))
    // no prose in the arguments: the command's own usage
    await w.says('u1', '@邻里 投票 #1').then((r) => r.expectReply('用法'))
    // prose that reads as the same command and asks nothing: its usage, too
    await w.says('u1', '@邻里 账目 上辈子').then((r) => r.expectReply('用法'))
    expect(await w.db.db.select().from(ballots)).toEqual([])
  })

  it('unaddressed, nothing changes: the sentence is chatter, the malformed command gets its usage', async () => {
    const { w } = await setUp()
    await w.says('boss', '发起投票 换电梯 选项 同意/反对 规则 简单').then((r) => r.expectReply('#1'))
    await w.says('u1', '投票结果出来了吗').then((r) => r.expectNoReply())
    await w.says('u1', '投票 #1').then((r) => r.expectReply('用法'))
  })
})

describe('commands reached through plain language are counted like typed ones', () => {
  it('a safe read run, an offer confirmed; not the offer itself, nor a declined one', async () => {
    const { w } = await setUp()
    await w.says('u1', '@邻里 查一下我家物业费').then((r) => r.expectReply('3-2-201'))
    // the offer is no command yet; its 是 runs 报修 and counts it
    const offer = await w.says('u1', '@邻里 我要报修，厨房漏水')
    expect(groupTexts(offer)).toEqual([zh('intent.offer', { what: zh('intent.what.repair'), command: '报修 厨房漏水', minutes: 10 })])
    await w.says('u1', '是').then((r) => r.expectReply('#1'))
    await w.says('u1', '@邻里 楼道灯坏了，帮我报修一下')
    await w.says('u1', '不用')
    // not understood: nothing run
    await w.says('u1', '@邻里 今天天气真好').then((r) => r.expectReply(zh('intent.notUnderstood')))
    expect(await counted(w, 'u1')).toEqual(['fee', null, 'repair', null, null, null])
    expect(await commandCounts(w.db.db, await memberId(w, 'u1'))).toEqual([
      { command: 'fee', n: 1 },
      { command: 'repair', n: 1 },
    ])
  })

  it('帮助 lists a command used only through plain language among the most used', async () => {
    const { w } = await setUp()
    for (let i = 0; i < 3; i++) await w.says('u1', `@邻里 上个月的账目给我看看${'！'.repeat(i)}`)
    const help = await w.says('u1', '帮助')
    const listed = help.text
      .split('\n')
      .filter((l) => l.startsWith('• '))
      .map((l) => l.slice(2).split(' ')[0]!)
    expect(listed[0]).toBe('账目')
    const rows = await w.db.db.select().from(inbox).where(and(eq(inbox.command, 'ledger'), isNotNull(inbox.memberId)))
    expect(rows).toHaveLength(3)
  })
})
