// Every table that belongs to a compound carries compound_id, and every statement on such a table
// names compound_id: the schema can be distributed by compound (e.g. Citus, compound_id as the
// distribution column) with every query routed to one shard. See docs/DEPLOY.md.
import { getTableColumns, getTableName } from 'drizzle-orm'
import { PgTable } from 'drizzle-orm/pg-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as schema from '../../db/schema.ts'
import { renderSummary } from '../../src/render/summary.ts'
import { billMonth } from '../../src/services/fees.ts'
import { runDue } from '../../src/scheduler/tick.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { townWorld } from '../helpers/fixtures.ts'

/** Tables that are not per compound, and why. */
const GLOBAL_TABLES: Record<string, string> = {
  compounds: 'the distribution root itself (its id is the compound id)',
  members: 'platform identities, shared across compounds (a Citus reference table)',
  job_runs: 'the scheduler run coordinator, keyed by job and fire (a reference table)',
}

/** Carries compound_id (for attribution) but is claimed across compounds by design. */
const QUEUE_TABLES: Record<string, string> = {
  outbox: 'the delivery queue: the dispatcher claims due rows of every compound at once (FOR UPDATE SKIP LOCKED)',
}

const tables: PgTable[] = (Object.values(schema) as unknown[]).filter((v): v is PgTable => v instanceof PgTable)
const compoundTables: string[] = tables.map((t) => getTableName(t) as string).filter((n) => !(n in GLOBAL_TABLES))

const dbs = useTestDatabases()

/** 09:05 in Shanghai on the Monday after `d`: the weekly disclosure and the daily jobs are due. */
function nextMonday0905(d: Date): Date {
  const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 1, 5))
  do day.setUTCDate(day.getUTCDate() + 1)
  while (day.getUTCDay() !== 1)
  return day
}

/** Tables a statement touches, by name (drizzle quotes them; hand-written SQL may not). */
function tablesIn(query: string): string[] {
  const found = new Set<string>()
  for (const m of query.matchAll(/\b(?:from|join|into|update)\s+"?([a-z_]+)"?/gi)) found.add(m[1]!.toLowerCase())
  return [...found]
}

describe('partitioning by compound', () => {
  it('every table except the documented global ones has a compound_id column', () => {
    for (const t of tables) {
      const name = getTableName(t)
      const cols = Object.values(getTableColumns(t)).map((c) => c.name)
      if (name in GLOBAL_TABLES) continue
      expect(cols, name).toContain('compound_id')
    }
  })

  it('every statement on a compound table names compound_id, across every command', async () => {
    const seen: string[] = []
    let recording = false
    const db = await dbs.fresh({ onQuery: (q) => recording && seen.push(q) })
    const { w, compoundId } = await townWorld(dbs, { db, roster: 'building,unit,room,area_m2\n3,2,201,89.5\n3,2,202,75\n3,2,301,75\n' })
    recording = true
    const script: Array<[string, string, object?]> = [
      ['u1', '绑定 3-2-201', { name: '张三' }],
      ['u2', '绑定 3-2-202', { name: '李四' }],
      ['boss', '认证'],
      ['boss', '认证 @张三'],
      ['boss', '认证 @李四'],
      ['boss', '任命 @李四 收费员'],
      ['u1', '报修 3-2 楼道灯不亮'],
      ['u1', '报修列表'],
      ['u1', '我的报修'],
      ['boss', '派单 #1 王师傅'],
      ['boss', '进度 #1 已买灯泡'],
      ['boss', '完工 #1 费用 35'],
      ['u1', '确认 #1'],
      ['u1', '报修 #1'],
      ['boss', '收费标准 物业费 0.80 每平米每月 起始 2026-11'],
      ['boss', '收费标准'],
      ['u2', '缴费 3-2-201 71.60'],
      ['u1', '查费'],
      ['boss', '支出 120 保洁工资'],
      ['boss', '收入 300 停车租金'],
      ['boss', '冲正 3 录错了'],
      // claims, approvals and held duplicates (entries 5 and 6 are the approved claim and the confirmed expense)
      ['u1', '报修 水管漏水'],
      ['boss', '派单 #2 @张三'],
      ['u1', '完工 #2 费用 50'],
      ['boss', '批准 #2'],
      ['boss', '支出 20 水管配件 #2'],
      ['boss', '确认重复 5'],
      ['u1', '驳回 #2 还在漏'],
      ['u1', '完工 #2 费用 5'],
      ['boss', '拒绝 #2 不用另付'],
      ['u2', '缴费 3-2-201 71.60'],
      ['u2', '确认重复 2'],
      ['u1', '账目 本月'],
      ['boss', '欠费'],
      ['u1', '核验'],
      ['boss', '发起投票 围墙颜色 选项 灰/白 规则 简单'],
      ['u1', '投票 #1 1'],
      ['u1', '结果 #1'],
      ['boss', '结束投票 #1'],
      ['boss', '公示'],
    ]
    for (const [from, text, opts] of script) {
      const r = await w.says(from, text, opts)
      expect(r.outcome.status, text).toBe('handled')
      expect(r.outcome, text).not.toMatchObject({ error: 'internal' })
    }
    await billMonth(db.db, compoundId, "2026-12", w.clock.now())
    // the scheduler: the next Monday's tick (disclosures, billing, daily jobs), then the same minute again
    const monday = nextMonday0905(w.clock.now())
    const tick = await runDue(db.db, monday, { instance: 'p', render: (d) => ({ parts: renderSummary(d.summary), chart: null }) })
    expect(tick).toMatchObject({ errors: 0, disclosures: [expect.objectContaining({ kind: 'week', chats: 1 })] })
    expect(await runDue(db.db, monday, { instance: 'p' })).toMatchObject({ errors: 0, disclosures: [] })
    recording = false
    const violations = new Map<string, string>()
    for (const q of seen) {
      const touched = tablesIn(q).filter((t) => compoundTables.includes(t) && !(t in QUEUE_TABLES))
      if (touched.length > 0 && !/compound_id/i.test(q)) violations.set(q.replace(/\s+/g, ' ').slice(0, 300), touched.join(','))
    }
    expect([...violations.entries()], 'statements on compound tables without compound_id').toEqual([])
    expect(seen.length).toBeGreaterThan(100)
  })
})
