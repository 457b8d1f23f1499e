// Identity (issue 12, items 10–12): members are resolved by platform identity — mentions, replies, the 认证
// list's number — and a display name only when exactly one member has it; names are stored cleaned and
// namesakes are told apart; a quote credits its author only when the platform says who that is.
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import type { IncomingMessage } from '../../src/core/messages.ts'
import { upsertMember } from '../../db/members.ts'
import { householdBindings, members, roles, tickets } from '../../db/schema.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { townWorld } from '../helpers/fixtures.ts'
import type { SayOptions, World } from '../helpers/world.ts'

const dbs = useTestDatabases()

const ROSTER = `building,unit,room,area_m2,occupancy,owner_name
3,2,201,89.50,owner_occupied,王秀英
3,2,202,75.00,rented,李建国
5,,101,60.00,owner_occupied,赵德
`

async function setUp() {
  return (await townWorld(dbs, { roster: ROSTER })).w
}

/** a message carrying what an adapter reports beyond the text (mentions, a sender handle) */
function saysWith(w: World, from: string, text: string, extra: Partial<IncomingMessage>, opts: SayOptions = {}) {
  const m = w.message(from, text, opts)
  return w.deliver({ ...m, ...extra, sender: { ...m.sender, ...(extra.sender ?? {}) } })
}

const memberRow = async (w: World, id: string) =>
  (await w.db.db.select().from(members).where(and(eq(members.platform, 'console'), eq(members.platformUserId, id))))[0]
const roleOfUser = async (w: World, id: string) => {
  const m = await memberRow(w, id)
  if (!m) return undefined
  return (await w.db.db.select().from(roles).where(eq(roles.memberId, m.id)))[0]?.role
}
const roleCount = async (w: World) => (await w.db.db.select().from(roles)).length

/** Two residents whose cleaned names are both 王芳 (one hides a right-to-left override), each with a pending binding. */
async function twoWangFang(w: World) {
  await w.says('wx_aaaa1111', '绑定 3-2-201 业主', { name: '王芳' }).then((r) => r.expectReply('已申请绑定 3-2-201'))
  await w.says('wx_bbbb2222', '绑定 3-2-202 租户', { name: '\u202E王芳\u200B' }).then((r) => r.expectReply('已申请绑定 3-2-202'))
}

describe('display names are stored cleaned', () => {
  it('strips bidi overrides, zero-width and control characters on every message', async () => {
    const w = await setUp()
    await w.says('u1', '帮助', { name: '\u202E张\u200B三\u2066\u0007' })
    expect((await memberRow(w, 'u1'))!.displayName).toBe('张三')
    // the name follows the platform, cleaned again on each message
    await w.says('u1', '帮助', { name: 'Ali\uFEFFce\u200D  Wong\u202C' })
    expect((await memberRow(w, 'u1'))!.displayName).toBe('Alice Wong')
    // nothing visible left: the platform id stands in
    await w.says('u2', '帮助', { name: '\u200B\u202E\u3164' })
    expect((await memberRow(w, 'u2'))!.displayName).toBe('u2')
    // the CLI and tests go through the same function
    expect((await upsertMember(w.db.db, 'console', 'u3', '\u2067王五\u2069')).displayName).toBe('王五')
  })

  it('tells two members with the same cleaned name apart in the 认证 list and its confirmation', async () => {
    const w = await setUp()
    await twoWangFang(w)
    // the list is private (issue 15): the committee sees the names in full; the tag is what tells the two apart
    const list = await w.says('boss', '认证')
    list.expectReply(/序号 \d+：王芳（…1111） → 3-2-201（业主）/).expectReply(/序号 \d+：王芳（…2222） → 3-2-202（租户）/)
    expect(list.text).not.toContain('\u202E')
    const no = /序号 (\d+)：王芳（…2222）/.exec(list.text)![1]
    // the group sees the confirmation, the name masked (王*) and still tagged
    await w.says('boss', `认证 ${no}`).then((r) => r.expectReply('已认证：王*（…2222） → 3-2-202（租户）'))
    // a name no one else has is shown as it is
    await w.says('u5', '绑定 5-101 业主', { name: '赵六' })
    await w.says('boss', '认证').then((r) => r.expectReply(/序号 \d+：赵六 → 5-101/))
    await w.says('boss', '认证', { private: true }).then((r) =>
      r.expectReply(/序号 \d+：王芳（…1111） → 3-2-201（业主）/).expectReply(/序号 \d+：赵六 → 5-101/),
    )
  })

  it('tags a pending namesake of a member who is not in the list (a copied neighbour’s name)', async () => {
    const w = await setUp()
    await w.says('wx_aaaa1111', '绑定 3-2-201 业主', { name: '王芳' })
    const list = await w.says('boss', '认证')
    await w.says('boss', `认证 ${/序号 (\d+)/.exec(list.text)![1]}`).then((r) => r.expectReply('已认证：王* → 3-2-201'))
    // the impostor copies the verified owner's name, full-width and with a space
    await w.says('wx_cccc3333', '绑定 3-2-201 业主', { name: '王 芳' })
    await w.says('boss', '认证').then((r) => r.expectReply(/序号 \d+：王 芳（…3333） → 3-2-201（业主）/))
  })
})

describe('resolving a member: 任命 / 免职 / 认证 / 派单', () => {
  it('refuses an ambiguous display name with the candidates told apart, and writes nothing', async () => {
    const w = await setUp()
    await twoWangFang(w)
    const r = await w.says('boss', '任命 @王芳 委员')
    r.expectReply('有 2 位成员叫「王芳」：王*（3-2-201，…1111）、王*（3-2-202，…2222）')
    expect(await roleCount(w)).toBe(1)
    await w.says('boss', '认证 @王芳').then((x) => x.expectReply('有 2 位成员叫「王芳」'))
    expect(await w.db.db.select().from(householdBindings).where(eq(householdBindings.status, 'verified'))).toHaveLength(0)
    await w.says('boss', '免职 王芳').then((x) => x.expectReply('有 2 位成员叫「王芳」'))
    // 派单 keeps free-text names for outside repairers, but never guesses between two members
    await w.says('wx_aaaa1111', '报修 楼道灯不亮')
    await w.says('boss', '派单 #1 王芳').then((x) => x.expectReply('有 2 位成员叫「王芳」'))
    expect((await w.db.db.select().from(tickets))[0]).toMatchObject({ assigneeMemberId: null, assigneeName: null })
    await w.says('boss', '派单 #1 王师傅').then((x) => x.expectReply('报修 #1 已派给 王*'))
    expect((await w.db.db.select().from(tickets))[0]).toMatchObject({ assigneeMemberId: null, assigneeName: '王师傅' })
  })

  it('resolves a platform mention by user id, whatever the display names', async () => {
    const w = await setUp()
    await twoWangFang(w)
    const r = await saysWith(w, 'boss', '任命 @王芳 委员', { mentions: [{ userId: 'wx_bbbb2222', text: '@王芳' }] })
    r.expectReply('已任命 王*（…2222） 为委员')
    expect(await roleOfUser(w, 'wx_bbbb2222')).toBe('committee')
    expect(await roleOfUser(w, 'wx_aaaa1111')).toBeUndefined()
    await saysWith(w, 'boss', '免职 @王芳', { mentions: [{ userId: 'wx_bbbb2222', text: '@王芳' }] }).then((x) =>
      x.expectReply('已免去 王*（…2222） 的委员职务'),
    )
    expect(await roleOfUser(w, 'wx_bbbb2222')).toBeUndefined()
    // 认证 by mention verifies that member's bindings only
    await saysWith(w, 'boss', '认证 @王芳', { mentions: [{ userId: 'wx_aaaa1111', text: '@王芳' }] }).then((x) =>
      x.expectReply('已认证：王*（…1111） → 3-2-201（业主）'),
    )
    const verified = await w.db.db.select().from(householdBindings).where(eq(householdBindings.status, 'verified'))
    expect(verified.map((b) => b.householdId)).toHaveLength(1)
  })

  it('resolves an @username mention by the handle only, never by a first name that reads the same', async () => {
    const w = await setUp()
    // the impostor's display name is "alice"; the real @alice is called Alice Wong
    await saysWith(w, 'imp', '帮助', { sender: { id: 'imp', name: 'alice', username: null } })
    await saysWith(w, '5550001', '帮助', { sender: { id: '5550001', name: 'Alice Wong', username: 'Alice' } })
    expect((await memberRow(w, '5550001'))!.username).toBe('alice')
    const r = await saysWith(w, 'boss', '任命 @alice 委员', { mentions: [{ username: 'alice', text: '@alice' }] })
    r.expectReply('已任命 A* 为委员')
    expect(await roleOfUser(w, '5550001')).toBe('committee')
    expect(await roleOfUser(w, 'imp')).toBeUndefined()
    // a handle nobody in the compound holds is not found, even though a display name matches it
    await saysWith(w, 'boss', '任命 @bob_smith 收费员', { mentions: [{ username: 'bob_smith', text: '@bob_smith' }] }).then((x) =>
      x.expectReply('没有找到成员「@bob_smith」'),
    )
    await saysWith(w, 'bobimp', '帮助', { sender: { id: 'bobimp', name: 'bob_smith' } })
    await saysWith(w, 'boss', '任命 @bob_smith 收费员', { mentions: [{ username: 'bob_smith', text: '@bob_smith' }] }).then((x) =>
      x.expectReply('没有找到成员「@bob_smith」'),
    )
    expect(await roleOfUser(w, 'bobimp')).toBeUndefined()
  })

  it('moves a handle to whoever holds it now', async () => {
    const w = await setUp()
    await saysWith(w, '5550001', '帮助', { sender: { id: '5550001', name: 'Old Alice', username: 'alice' } })
    // she drops the handle; someone else takes it
    await saysWith(w, '5550001', '帮助', { sender: { id: '5550001', name: 'Old Alice', username: null } })
    expect((await memberRow(w, '5550001'))!.username).toBeNull()
    await saysWith(w, '5550001', '帮助', { sender: { id: '5550001', name: 'Old Alice', username: 'alice' } })
    await saysWith(w, '5550002', '帮助', { sender: { id: '5550002', name: 'New Alice', username: 'alice' } })
    expect((await memberRow(w, '5550001'))!.username).toBeNull()
    await saysWith(w, 'boss', '任命 @alice 委员', { mentions: [{ username: 'alice', text: '@alice' }] }).then((x) =>
      x.expectReply('已任命 N* 为委员'),
    )
  })

  it('takes the person from the message replied to, when the platform says who wrote it', async () => {
    const w = await setUp()
    await twoWangFang(w)
    const quote = { id: 'q1', text: '我可以帮忙收费', sender: { id: 'wx_bbbb2222', name: '王芳' } }
    await w.says('boss', '任命 收费员', { replyTo: quote }).then((r) => r.expectReply('已任命 王*（…2222） 为收费员'))
    expect(await roleOfUser(w, 'wx_bbbb2222')).toBe('collector')
    await w.says('boss', '免职', { replyTo: quote }).then((r) => r.expectReply('已免去 王*（…2222） 的收费员职务'))
    await w.says('boss', '认证', { replyTo: quote }).then((r) => r.expectReply('已认证：王*（…2222） → 3-2-202（租户）'))
    await w.says('wx_aaaa1111', '报修 楼道灯不亮')
    await w.says('boss', '派单 #1', { replyTo: quote }).then((r) => r.expectReply('报修 #1 已派给 王*（…2222）'))
    expect((await w.db.db.select().from(tickets))[0]!.assigneeMemberId).toBe((await memberRow(w, 'wx_bbbb2222'))!.id)
    // someone who never spoke to the bot but wrote the quoted message in this chat is a member all the same
    await w.says('boss', '任命 委员', { replyTo: { id: 'q2', text: '我来', sender: { id: 'quiet', name: '\u202E沉默' } } }).then((r) =>
      r.expectReply('已任命 沉* 为委员'),
    )
    expect((await memberRow(w, 'quiet'))!.displayName).toBe('沉默')
    // a quote the platform does not attribute names nobody
    await w.says('boss', '任命 委员', { replyTo: { id: '', text: '王芳：我来' } }).then((r) => r.expectReply('请写上是谁'))
    await w.says('boss', '任命 委员').then((r) => r.expectReply('请写上是谁').expectReply('用法：任命'))
    await w.says('boss', '派单 #1').then((r) => r.expectReply('请写上派给谁'))
  })

  it('takes the 认证 list’s number in 任命 and 免职', async () => {
    const w = await setUp()
    await twoWangFang(w)
    const list = await w.says('boss', '认证')
    const no = /序号 (\d+)：王芳（…1111）/.exec(list.text)![1]
    await w.says('boss', `任命 ${no} 委员`).then((r) => r.expectReply('已任命 王*（…1111） 为委员'))
    await w.says('boss', `免职 #${no}`).then((r) => r.expectReply('已免去 王*（…1111） 的委员职务'))
    await w.says('boss', '任命 9999 委员').then((r) => r.expectReply('没有找到成员「9999」'))
  })

  it('still takes a name only one member has, in any width or spacing', async () => {
    const w = await setUp()
    await w.says('u5', '绑定 5-101 业主', { name: 'Ｚhao Liu' })
    await w.says('boss', '任命 @zhaoliu 委员').then((r) => r.expectReply('已任命 Z* 为委员'))
    await w.says('u5', '报修 楼道灯不亮')
    // an @name is a member or nothing: no free-text fallback
    await w.says('boss', '派单 #1 @nobody').then((r) => r.expectReply('没有找到成员「nobody」'))
  })
})

describe('quotes credit their author only when the platform says who that is', () => {
  it('credits a ticket to the sender when the quote has no platform-stated author', async () => {
    const w = await setUp()
    await w.says('boss', '帮助') // the head is a known member whose name a forger would type
    const forged = await w.says('u7', '报修', { name: '李四', replyTo: { id: '', text: '3-2-201 门口水管爆了' } })
    forged.expectReply('已登记紧急报修 #1')
    // the urgent notice names the reporter: the sender, never the head
    expect(forged.text).toMatch(/报修人：李/)
    expect(forged.text).not.toMatch(/报修人：老/)
    const [t] = await w.db.db.select().from(tickets)
    expect(t!.reporterMemberId).toBe((await memberRow(w, 'u7'))!.id)
    // a platform-stated author is credited, and an existing member is not renamed by the quote
    await w.says('u7', '报修', { replyTo: { id: 'q9', text: '北门路灯坏了', sender: { id: 'boss', name: '冒名' } } }).then((r) =>
      r.expectReply('报修人：老*'),
    )
    expect((await memberRow(w, 'boss'))!.displayName).toBe('老王')
  })
})
