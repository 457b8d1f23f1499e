// Issue 15: 认证 lists the pending claims privately to the committee, each with the roster owner's masked name
// so that a claim can be checked; `认证 全部` verifies every pending claim whose display name is the roster
// owner's (matched after the folding the group privacy scrub uses: NFKC, case, spaces).
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { compounds, householdBindings } from '../../db/schema.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { townWorld } from '../helpers/fixtures.ts'
import { groupTexts, privateTo, type World } from '../helpers/world.ts'

const dbs = useTestDatabases()

// 王秀英 owns 3-2-201; 3-2-202's field carries a phone number and two owners; 5-101 has no owner name
const ROSTER = `building,unit,room,area_m2,occupancy,owner_name
3,2,201,89.50,owner_occupied,王秀英
3,2,202,75.00,rented,"李建国/陈美 13812345678"
5,,101,60.00,vacant,
6,,101,60.00,owner_occupied,Wang Fang
`

async function setUp() {
  const town = await townWorld(dbs, { roster: ROSTER, people: [{ id: 'cc', name: '老李', role: 'committee', speaks: true }] })
  return town
}

const statusOf = async (w: World) =>
  Object.fromEntries(
    (await w.db.db.select().from(householdBindings)).map((b) => [`${b.memberId}:${b.householdId}`, b.status]),
  )

async function claims(w: World) {
  await w.says('u1', '绑定 3-2-201 业主', { name: '王 秀英' }).then((r) => r.expectReply('已申请绑定 3-2-201'))
  await w.says('u2', '绑定 3-2-202 业主', { name: '李建国' }).then((r) => r.expectReply('已申请绑定 3-2-202'))
  await w.says('u3', '绑定 3-2-201 家属', { name: '张小妹' }).then((r) => r.expectReply('已申请绑定 3-2-201'))
  await w.says('u4', '绑定 5-101 业主', { name: '赵六' }).then((r) => r.expectReply('已申请绑定 5-101'))
  await w.says('u5', '绑定 6-101 业主', { name: 'ＷＡＮＧ fang' }).then((r) => r.expectReply('已申请绑定 6-101'))
}

describe('认证: the pending claims, privately, next to the roster', () => {
  it('lists each claim with the roster owner masked, privately to the committee; the group sees only that it was answered', async () => {
    const { w } = await setUp()
    await claims(w)
    const r = await w.says('cc', '认证')
    const [text] = privateTo(r, 'cc')
    expect(text).toMatch(/序号 \d+：王 秀英 → 3-2-201（业主）｜名册业主：王\* ✓ 名字相符/)
    expect(text).toMatch(/序号 \d+：李建国 → 3-2-202（业主）｜名册业主：李\*、陈\* ✓ 名字相符/)
    expect(text).toMatch(/序号 \d+：张小妹 → 3-2-201（家属）｜名册业主：王\*$/m)
    expect(text).toMatch(/序号 \d+：赵六 → 5-101（业主）｜名册未登记业主姓名/)
    expect(text).toMatch(/序号 \d+：ＷＡＮＧ fang → 6-101（业主）｜名册业主：W\* ✓ 名字相符/)
    expect(text).toContain('认证 全部')
    // the roster's full names and phone numbers never show, not even privately
    expect(text).not.toMatch(/王秀英|陈美|13812345678|Wang Fang/)
    expect(groupTexts(r)).toEqual(['@老* 已私信回复你。'])
  })

  it('认证 全部 verifies the claims whose name is the roster owner’s, and says how many are left to check', async () => {
    const { w } = await setUp()
    await claims(w)
    const r = await w.says('cc', '认证 全部')
    const [text] = groupTexts(r)
    expect(text).toContain('已认证：王* → 3-2-201（业主）。')
    expect(text).toContain('已认证：李* → 3-2-202（业主）。')
    expect(text).toContain('已认证：W* → 6-101（业主）。')
    expect(text).toContain('还有 2 个待认证的绑定与名册业主姓名不符')
    const status = Object.values(await statusOf(w)).sort()
    expect(status).toEqual(['pending', 'pending', 'verified', 'verified', 'verified'])
    // nothing left that matches
    await w.says('cc', '认证 全部').then((x) => x.expectReply('没有与名册业主姓名相符的待认证绑定'))
    // the rest is still verified one by one
    const list = privateTo(await w.says('cc', '认证'), 'cc')[0]!
    expect(list).not.toContain('名字相符')
    await w.says('cc', `认证 ${/序号 (\d+)：赵六/.exec(list)![1]}`).then((x) => x.expectReply('已认证：赵* → 5-101'))
  })

  it('a committee member’s own claim is left to another, unless they are the head', async () => {
    const { w } = await setUp()
    await w.says('cc', '绑定 3-2-201 业主', { name: '王秀英' })
    await w.says('cc', '认证 全部', { name: '王秀英' }).then((r) => r.expectReply('没有与名册业主姓名相符的待认证绑定'))
    expect(Object.values(await statusOf(w))).toEqual(['pending'])
    await w.says('boss', '认证 全部').then((r) => r.expectReply('已认证：王* → 3-2-201（业主）。'))
  })

  it('speaks traditional Chinese and English', async () => {
    const { w, compoundId } = await setUp()
    await w.says('u1', '綁定 3-2-201 業主', { name: '王秀英' })
    await w.db.db.update(compounds).set({ language: 'zh-TW' }).where(eq(compounds.id, compoundId))
    const tw = privateTo(await w.says('cc', '認證'), 'cc')[0]!
    expect(tw).toMatch(/序號 \d+：王秀英 → 3-2-201（業主）｜名冊業主：王\* ✓ 名字相符/)
    expect(tw).toContain('認證 全部')
    await w.db.db.update(compounds).set({ language: 'en' }).where(eq(compounds.id, compoundId))
    const en = privateTo(await w.says('cc', '/verify'), 'cc')[0]!
    expect(en).toMatch(/No\. \d+: 王秀英 → 3-2-201 \(owner\) · roster owner: 王\* ✓ name matches/)
    expect(en).toContain('/verify all')
    await w.says('cc', '/verify all').then((r) => r.expectReply('Verified: 王* → 3-2-201 (owner).'))
  })
})
