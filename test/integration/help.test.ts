// Issue 15: 帮助 lists the six commands the asker uses most (counted from their own handled messages in the
// inbox; a newcomer gets their role's usual ones), `帮助 全部` lists every command they may run, filtered by
// the permission rules (src/pipeline/permissions.ts) as before.
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { compounds } from '../../db/schema.ts'
import { useTestDatabases } from '../helpers/db.ts'
import type { World } from '../helpers/world.ts'
import { moneyWorld } from './money-world.ts'

const dbs = useTestDatabases()

/** The keywords of the listed commands, in order. */
async function listed(w: World, who: string, text = '帮助'): Promise<string[]> {
  const r = await w.says(who, text)
  return r.text
    .split('\n')
    .filter((l) => l.startsWith('• '))
    .map((l) => l.slice(2).split(' ')[0]!)
}

describe('帮助: the short list', () => {
  it('a newcomer gets six usual commands of their role, and how to see all', async () => {
    const { w } = await moneyWorld(dbs)
    const r = await w.says('u1', '帮助')
    expect(r.text).toContain('邻里可用命令')
    expect(r.text).toContain('帮助 全部')
    expect(await listed(w, 'u1')).toEqual(['报修', '查费', '投票', '结果', '账目', '我的报修'])
    // a resident with no room yet is first told how to bind one, and is never offered 查费
    expect(await listed(w, 'w1')).toEqual(['报修', '绑定', '投票', '结果', '账目', '我的报修'])
    expect(await listed(w, 'col')).toEqual(['缴费', '查费', '欠费', '报修', '账目', '投票'])
    expect(await listed(w, 'cc')).toEqual(['认证', '报修列表', '派单', '支出', '发起投票', '公示'])
    expect(await listed(w, 'boss')).toEqual(['任命', '认证', '收费标准', '发起投票', '支出', '公示'])
  })

  it('lists the commands this person used most first, counted from their own messages', async () => {
    const { w, compoundId } = await moneyWorld(dbs)
    for (let i = 0; i < 3; i++) await w.says('u1', '核验')
    for (let i = 0; i < 2; i++) await w.says('u1', '报修列表')
    await w.says('u1', '账目')
    // someone else's habits do not count, nor help itself, nor what the person may not run
    for (let i = 0; i < 5; i++) await w.says('u2', '结果')
    await w.says('u1', '支出 10 灯泡').then((r) => r.expectReply('只有委员可以这样做'))
    await w.says('u1', '支出 10 灯泡')
    expect(await listed(w, 'u1')).toEqual(['核验', '报修列表', '账目', '报修', '查费', '投票'])
    // the same in a compound that speaks traditional Chinese, or English
    await w.db.db.update(compounds).set({ language: 'zh-TW' }).where(eq(compounds.id, compoundId))
    expect(await listed(w, 'u1', '幫助')).toEqual(['核驗', '報修列表', '賬目', '報修', '查費', '投票'])
    expect((await w.says('u1', '幫助')).text).toContain('「幫助 全部」')
    await w.db.db.update(compounds).set({ language: 'en' }).where(eq(compounds.id, compoundId))
    expect(await listed(w, 'u1', '/help')).toEqual(['/verifyledger', '/repairs', '/ledger', '/repair', '/fee', '/vote'])
    expect((await w.says('u1', '/help')).text).toContain('"/help all"')
  })

  it('帮助 全部 lists every command the asker may run, by the permission rules', async () => {
    const { w } = await moneyWorld(dbs)
    const all = await listed(w, 'u1', '帮助 全部')
    expect(all.length).toBeGreaterThan(6)
    expect(all).toEqual(expect.arrayContaining(['帮助', '绑定', '报修', '报修列表', '我的报修', '投票', '结果', '收费标准', '查费', '账目', '核验']))
    for (const k of ['认证', '任命', '缴费', '支出', '派单', '发起投票']) expect(all).not.toContain(k)
    expect((await w.says('u1', '帮助 全部')).text).not.toContain('帮助 全部')
    expect(await listed(w, 'u1', '幫助 全部')).toEqual(all)
    expect(await listed(w, 'u1', '/help all')).toEqual(all)
    expect(await listed(w, 'u1', '帮助 所有')).toEqual(all)
    const head = await listed(w, 'boss', '帮助 全部')
    expect(head).toEqual(expect.arrayContaining(['任命', '免职', '认证', '缴费', '支出', '发起投票']))
    // one command's usage still works
    await w.says('u1', '帮助 报修').then((r) => r.expectReply('报修 <描述>'))
  })

  it('in a group that is not set up, says how to set it up', async () => {
    const { w } = await moneyWorld(dbs)
    const r = await w.says('x1', '帮助', { chat: 'g9' })
    expect(r.text).toContain('开通 <小区名>')
    expect(r.text).toContain('本群还没有开通')
  })
})
