// A command's context (db/context.ts) and the roster names of the group scrub (src/outbox/write.ts) follow every
// write, wherever it comes from: the bot keeps no copy that another process's write could leave stale. Each write
// below goes through a second connection to the database (on PostgreSQL another pool, as `linli` run beside the
// bot; on PGlite the one embedded database), never through the bot's own code paths, and the very next message
// sees it: a role granted, a binding verified, the compound's settings, a chat linked to another compound, the
// roster imported or a household removed.
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { linkChat, setRole } from '../../db/compounds.ts'
import { deleteHousehold } from '../../db/households.ts'
import { verifyBinding } from '../../db/members.ts'
import { compounds, householdBindings, households } from '../../db/schema.ts'
import { importRoster, parseRoster } from '../../src/cli/roster.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { bindMember, memberId, townWorld } from '../helpers/fixtures.ts'
import { groupTexts } from '../helpers/world.ts'

const dbs = useTestDatabases()

const ROSTER = `building,unit,room,area_m2,occupancy,owner_name
1,1,101,75.00,owner_occupied,王秀英
1,1,102,89.50,owner_occupied,李建国
`

describe('what a message sees is what the database holds now', () => {
  it('a role granted elsewhere counts for the next command', async () => {
    const { w, compoundId } = await townWorld(dbs, { roster: ROSTER })
    const other = await dbs.reopen(w.db)
    await w.says('amy', '缴费 1-1-101 100').then((r) => r.expectReply('只有'))
    await setRole(other.db, { compoundId, memberId: await memberId(w, 'amy'), role: 'collector' })
    await w.says('amy', '缴费 1-1-101 100').then((r) => r.expectReply('1-1-101'))
    expect(await w.says('amy', '缴费 1-1-102 100').then((r) => r.text)).not.toContain('只有')
  })

  it('a binding verified elsewhere counts for the next command', async () => {
    const { w, compoundId } = await townWorld(dbs, { roster: ROSTER })
    const other = await dbs.reopen(w.db)
    await bindMember(w, compoundId, 'ann', ['1-1-101'], 'owner', 'pending')
    await w.says('ann', '查费 1-1-101').then((r) => r.expectReply('等待委员会认证'))
    const [b] = await other.db.select().from(householdBindings).where(eq(householdBindings.compoundId, compoundId))
    await verifyBinding(other.db, compoundId, b!.id, await memberId(w, 'boss'), new Date())
    await w.says('ann', '查费 1-1-101').then((r) => r.expectReply('1-1-101 费用'))
  })

  it("the compound's settings and a chat's link changed elsewhere count for the next message", async () => {
    const { w, compoundId } = await townWorld(dbs, { roster: ROSTER })
    const other = await dbs.reopen(w.db)
    await w.says('boss', '报修 楼道灯不亮').then((r) => r.expectReply('已登记报修 #1'))
    await other.db.update(compounds).set({ language: 'en' }).where(eq(compounds.id, compoundId))
    await w.says('boss', '报修 电梯异响').then((r) => r.expectReply('Repair ticket #2 opened'))
    // g9 belongs to nobody, then to a second compound: its own ticket numbers
    await w.says('boss', '报修 车棚门坏了', { chat: 'g9' }).then((r) => r.expectReply('还没有开通'))
    const [b] = await other.db.insert(compounds).values({ name: '和平苑' }).returning()
    await linkChat(other.db, { compoundId: b!.id, platform: 'console', platformChatId: 'g9' })
    await setRole(other.db, { compoundId: b!.id, memberId: await memberId(w, 'boss'), role: 'head' })
    await w.says('boss', '报修 车棚门坏了', { chat: 'g9' }).then((r) => r.expectReply('已登记报修 #1'))
  })

  it('the group scrub masks a name the roster got elsewhere in the next reply, and stops when it is gone', async () => {
    const { w, compoundId } = await townWorld(dbs, { roster: ROSTER })
    const other = await dbs.reopen(w.db)
    // a poll's title is echoed to the group
    const said = async (title: string) => groupTexts(await w.says('boss', `发起投票 ${title} 选项 同意/反对`)).join('\n')
    expect(await said('请王秀英管钥匙')).toContain('请王*管钥匙')
    expect(await said('请赵大海管钥匙')).toContain('请赵大海管钥匙')
    await importRoster(other.db, compoundId, parseRoster(`${ROSTER}1,1,103,60.00,owner_occupied,赵大海\n`), new Date())
    expect(await said('再请赵大海管钥匙')).toContain('再请赵*管钥匙')
    // an owner_name changed by hand, in SQL
    await other.db.update(households).set({ ownerName: '钱多多' }).where(and(eq(households.compoundId, compoundId), eq(households.code, '1-1-103')))
    expect(await said('请赵大海和钱多多管钥匙')).toContain('请赵大海和钱*管钥匙')
    // the household removed: its owner is no one's to mask any more
    const [h] = await other.db.select().from(households).where(and(eq(households.compoundId, compoundId), eq(households.code, '1-1-103')))
    await other.db.transaction((tx) => deleteHousehold(tx, compoundId, h!.id))
    expect(await said('请钱多多管钥匙')).toContain('请钱多多管钥匙')
    expect(await said('还请王秀英管钥匙')).toContain('还请王*管钥匙')
  })

  it('two databases holding the same compound id with different rosters never share their names', async () => {
    const a = await townWorld(dbs, { roster: ROSTER })
    const b = await townWorld(dbs, { roster: ROSTER.replace('王秀英', '孙悟空') })
    expect(a.compoundId).toBe(b.compoundId)
    const said = async (w: typeof a.w, title: string) => groupTexts(await w.says('boss', `发起投票 ${title} 选项 同意/反对`)).join('\n')
    expect(await said(a.w, '王秀英和孙悟空管钥匙')).toContain('王*和孙悟空')
    expect(await said(b.w, '王秀英和孙悟空管钥匙')).toContain('王秀英和孙*')
    expect(await said(a.w, '还是王秀英和孙悟空管钥匙')).toContain('王*和孙悟空')
  })
})
