import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCompound, setRole } from '../../db/compounds.ts'
import { upsertMember } from '../../db/members.ts'
import { compounds, householdBindings, households, inbox, roles } from '../../db/schema.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { ROSTER, townWorld } from '../helpers/fixtures.ts'
import { world } from '../helpers/world.ts'

const dbs = useTestDatabases()

const setUpCompound = () => townWorld(dbs, { roster: ROSTER })

describe('foundation: setup → roster → bind → verify → appoint', () => {
  it('walks the whole flow and help differs by role', async () => {
    const { w } = await setUpCompound()
    const residentHelp = await w.says('u1', '帮助', { name: '张三' })
    expect(residentHelp.text).toContain('绑定')
    expect(residentHelp.text).not.toContain('任命')
    await w.says('u1', '绑定 3栋2单元201 业主', { name: '张三' }).then((r) => r.expectReply('已申请绑定 3-2-201（业主）'))
    const list = await w.says('boss', '认证')
    list.expectReply(/序号 (\d+)：张\* → 3-2-201/)
    const no = /序号 (\d+)/.exec(list.text)![1]
    await w.says('boss', `认证 ${no}`).then((r) => r.expectReply('已认证：张* → 3-2-201'))
    const [b] = await w.db.db.select().from(householdBindings)
    expect(b!.status).toBe('verified')
    await w.says('boss', '任命 @张三 委员').then((r) => r.expectReply('已任命 张* 为委员'))
    const committeeHelp = await w.says('u1', '帮助')
    expect(committeeHelp.text).toContain('认证')
    expect(committeeHelp.text).not.toContain('任命')
    const headHelp = await w.says('boss', '帮助')
    expect(headHelp.text).toContain('任命')
    await w.says('boss', '免职 @张三').then((r) => r.expectReply('已免去 张* 的委员职务'))
    expect(await w.db.db.select().from(roles)).toHaveLength(1)
  })

  it('ignores a redelivered message: no second effect, no second reply', async () => {
    const { w } = await setUpCompound()
    await w.says('u1', '绑定 3-2-202 租户', { id: 'same' }).then((r) => r.expectReply('已申请绑定 3-2-202（租户）'))
    const again = await w.says('u1', '绑定 3-2-202 租户', { id: 'same' })
    again.expectNoReply()
    expect(again.outcome.status).toBe('duplicate')
    expect(await w.db.db.select().from(householdBindings)).toHaveLength(1)
  })

  it('refuses setup by a non-admin and a second setup', async () => {
    const w = await world(dbs)
    await w.says('u9', '开通 某小区').then((r) => r.expectReply('只有群主或群管理员可以开通'))
    expect(await w.db.db.select().from(compounds)).toHaveLength(0)
    await w.says('boss', '开通 某小区', { admin: true }).then((r) => r.expectReply('已开通'))
    await w.says('boss', '开通 另一个', { admin: true }).then((r) => r.expectReply('不能重复开通'))
    expect(await w.db.db.select().from(compounds)).toHaveLength(1)
  })

  it('refuses an unknown room and writes nothing', async () => {
    const { w } = await setUpCompound()
    await w.says('u1', '绑定 9-9-909').then((r) => r.expectReply('没有找到房号 9-9-909'))
    await w.says('u1', '绑定 楼下那家').then((r) => r.expectReply(/看不懂房号|请写上房号/))
    expect(await w.db.db.select().from(householdBindings)).toHaveLength(0)
    expect(await w.db.db.select().from(households)).toHaveLength(3)
  })

  it('stamps a role with the time its caller passes, on a first grant and on a change', async () => {
    const db = await dbs.fresh()
    const c = await createCompound(db.db, { name: '幸福里' })
    const m = await upsertMember(db.db, 'console', 'u1', '张三')
    const grant = async (role: 'committee' | 'collector' | 'head', grantedAt?: Date) => {
      await setRole(db.db, { compoundId: c.id, memberId: m.id, role, grantedAt })
      const [row] = await db.db.select().from(roles)
      return row!
    }
    const first = new Date('2001-03-01T08:00:00Z')
    const second = new Date('2001-04-01T08:00:00Z')
    expect(await grant('committee', first)).toMatchObject({ role: 'committee', grantedAt: first })
    expect(await grant('collector', second)).toMatchObject({ role: 'collector', grantedAt: second })
    // no time given: the database's clock, not the one given before
    const unstamped = await grant('head')
    expect(unstamped.role).toBe('head')
    expect(unstamped.grantedAt.getTime()).toBeGreaterThan(second.getTime())
  })

  it('rolls back a command that throws and answers once with a localized error', async () => {
    const { w } = await setUpCompound()
    // make the bind insert fail inside the command after its first write
    await w.db.db.execute(sql`ALTER TABLE household_bindings ADD CONSTRAINT boom CHECK (relation <> 'family')`)
    const r = await w.says('u1', '绑定 3-2-201 家属')
    r.expectReply('出了点问题')
    expect(r.outcome).toMatchObject({ status: 'handled', error: 'internal' })
    expect(await w.db.db.select().from(householdBindings)).toHaveLength(0)
    expect(await w.db.db.select().from(inbox)).toHaveLength(2)
  })
})
