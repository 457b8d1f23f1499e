// The batched disclosure (src/disclosure/batch.ts) gathers exactly what gatherDisclosure gathers, compound by
// compound, and posts once per chat and period like postDisclosure (the two paths can be mixed).
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setRole } from '../../db/compounds.ts'
import { upsertMember } from '../../db/members.ts'
import { compounds, disclosures, outbox } from '../../db/schema.ts'
import { periodFromKey } from '../../src/domain/calendar.ts'
import { renderSummary } from '../../src/domain/summary.ts'
import { gatherDisclosures, postDisclosures } from '../../src/disclosure/batch.ts'
import { type DisclosureData, gatherDisclosure } from '../../src/disclosure/build.ts'
import { postDisclosure } from '../../src/disclosure/post.ts'
import { importRoster, parseRoster } from '../../src/ops/roster.ts'
import { createTestDatabases, type TestDatabases } from '../helpers/db.ts'
import { TestClock, world } from '../helpers/world.ts'

let dbs: TestDatabases
beforeAll(async () => {
  dbs = await createTestDatabases()
})
afterAll(async () => {
  await dbs.close()
})

const ROSTER = `building,unit,room,area_m2,occupancy,owner_name
1,1,101,75.00,owner_occupied,王秀英
1,1,102,89.50,owner_occupied,李建国 13812345678
2,,101,60.00,rented,张伟
`

const textOnly = (d: DisclosureData) => ({ parts: renderSummary(d.summary), chart: null })

/** The same data, JSON with bigints spelled out and the private names as a set. */
const norm = (v: unknown) =>
  JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? `${x}n` : k === 'privateNames' && Array.isArray(x) ? [...x].sort() : x))

describe('batched disclosure', () => {
  it('gathers what gatherDisclosure gathers for every compound, and posts each chat once', async () => {
    const w = await world(dbs, { clock: new TestClock(new Date('2026-11-09T02:00:00Z')) })
    const say = async (who: string, text: string, chat: string, re: RegExp | string) =>
      (await w.says(who, text, { chat, admin: text.startsWith('开通') })).expectReply(re)
    // three compounds: busy (zh-CN, rooms public), quiet (zh-TW, nothing this week), empty (en, no ledger)
    await say('boss', '开通 幸福里', 'g1', '已开通')
    await say('boss2', '开通 和平苑', 'g2', '已开通')
    await say('boss3', '开通 Empty Court', 'g3', '')
    const all = await w.db.db.select().from(compounds).orderBy(compounds.id)
    const [a, b, c] = all as [(typeof all)[0], (typeof all)[0], (typeof all)[0]]
    await w.db.db.execute(sql`UPDATE compounds SET created_at = '2026-10-01T00:00:00Z'`)
    await w.db.db.execute(sql`UPDATE compounds SET settings = '{"arrearsRoomsPublic": true}'::jsonb WHERE id = ${a.id}`)
    await w.db.db.execute(sql`UPDATE compounds SET language = 'zh-TW' WHERE id = ${b.id}`)
    await w.db.db.execute(sql`UPDATE compounds SET language = 'en' WHERE id = ${c.id}`)
    await w.db.db.execute(sql`INSERT INTO chats (compound_id, platform, platform_chat_id) VALUES (${a.id}, 'console', 'g1b')`)
    for (const x of [a, b]) await importRoster(w.db.db, x.id, parseRoster(ROSTER))
    const cc = await upsertMember(w.db.db, 'console', 'cc', '老李')
    await setRole(w.db.db, { compoundId: a.id, memberId: cc.id, role: 'committee' })

    // the week before (opening balance, arrears) and the week itself (2026-W47)
    await say('boss', '缴费 1-1-101 300', 'g1', '¥300.00')
    await say('boss2', '缴费 1-1-102 120', 'g2', '¥120.00')
    await say('boss2', '支出 50 保洁', 'g2', '¥50.00')
    w.clock.set('2026-11-16T03:00:00Z')
    await say('boss', '缴费 1-1-102 300', 'g1', '¥300.00')
    await say('boss', '收入 600 地下车位租金 付款方 李建国', 'g1', '¥600.00')
    w.clock.set('2026-11-17T03:00:00Z')
    await say('u1', '报修 楼道灯不亮 1-1-101', 'g1', '#1')
    await say('boss', '派单 #1 老李', 'g1', '#1')
    w.clock.set('2026-11-18T03:00:00Z')
    await say('boss', '完工 #1 费用 265.50', 'g1', '#1')
    await say('boss', '支出 80 楼道保洁 联系 13812345678', 'g1', '¥80.00')
    const serial = Number(/流水 #(\d+)/.exec(w.adapter.sent.at(-1)!.text)![1])
    await say('boss', `冲正 ${serial} 重复登记`, 'g1', '冲正')
    await say('boss', '发起投票 路灯颜色 选项 暖光/白光 截止 11-20 18:00', 'g1', '【投票 #1】')
    w.clock.set('2026-11-19T03:00:00Z')
    await say('boss', '结束投票 #1', 'g1', '已结束')
    await say('boss', '发起投票 换物业 选项 同意/反对 截止 12-20 18:00', 'g1', '【投票 #2】')
    await w.db.db.execute(sql`INSERT INTO ledger_entries (compound_id, serial, kind, household_id, amount_fen, recorded_at, prev_hash, hash)
      SELECT compound_id, 1000 + id, 'charge', id, 12345, '2026-11-02T00:00:00Z', 'x', 'y' FROM households WHERE compound_id = ${b.id}`)
    // older than the whole balance trend
    await w.db.db.execute(sql`INSERT INTO ledger_entries (compound_id, serial, kind, amount_fen, category, recorded_at, prev_hash, hash)
      VALUES (${a.id}, 999, 'income', 5000, 'parking', '2026-06-01T00:00:00Z', 'x', 'y')`)

    const now = new Date('2026-11-23T01:05:00Z')
    const fresh = await w.db.db.select().from(compounds).orderBy(compounds.id)
    const items = fresh.map((compound) => ({ compound, period: periodFromKey('2026-W47', compound.timeZone)!, late: compound.id === c.id }))
    const many = await gatherDisclosures(w.db.db, items, { now })
    for (const { compound, period, late } of items) {
      const one = await gatherDisclosure(w.db.db, compound, period, { now, late })
      expect(norm(many.get(compound.id)), compound.name).toBe(norm(one))
    }
    const busy = renderSummary(many.get(a.id)!.summary).join('\n')
    expect(busy).toMatch(/【幸福里 公示】2026年第47周[\s\S]*冲正流水[\s\S]*#1 路灯颜色[\s\S]*#2 换物业/)
    expect(busy).not.toMatch(/李建国|13812345678/)
    expect(many.get(b.id)!.summary.arrears.count).toBe(3)
    expect(many.get(c.id)!.summary.chain.count).toBe(0)

    // posting: the compound already posted by postDisclosure gets nothing more; a second run posts nothing
    await postDisclosure(w.db.db, fresh.find((x) => x.id === b.id)!, items[1]!.period, { now, render: textOnly })
    const first = await postDisclosures(w.db.db, items, { now, render: textOnly, chunkSize: 2 })
    expect(first).toEqual({ compounds: 2, chats: 3, rows: 3 })
    expect(await postDisclosures(w.db.db, items, { now, render: textOnly })).toEqual({ compounds: 0, chats: 0, rows: 0 })
    const rows = await w.db.db.select().from(outbox).where(sql`${outbox.dedupeKey} LIKE 'disclosure:%'`).orderBy(outbox.id)
    expect(rows.map((r) => r.targetId).sort()).toEqual(['g1', 'g1b', 'g2', 'g3'])
    expect(rows.find((r) => r.targetId === 'g1')!.text).toBe(busy)
    const recorded = await w.db.db.select().from(disclosures)
    expect(recorded.map((d) => d.late).sort()).toEqual([false, false, false, true])
  })
})
