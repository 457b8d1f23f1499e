// What a scheduler tick costs when nothing is due: the cron runs it every minute on every instance, so a tick
// after everything has been posted, billed and reminded runs a fixed number of statements — the same for 3
// compounds as for 40 (and 10,000) — and each of them on a compound table names compound_id
// (test/integration/partitioning.test.ts). When things are due, the disclosures of many compounds are read
// with a fixed number of set-based queries per chunk (src/disclosure/batch.ts), not per compound.
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { getTableName } from 'drizzle-orm'
import { PgTable } from 'drizzle-orm/pg-core'
import * as schema from '../../db/schema.ts'
import type { DisclosureData } from '../../src/disclosure/build.ts'
import { renderSummary } from '../../src/render/summary.ts'
import { importRoster, parseRoster } from '../../src/cli/roster.ts'
import { runDue } from '../../src/scheduler/tick.ts'
import { useTestDatabases } from '../helpers/db.ts'

const dbs = useTestDatabases()

const render = (d: DisclosureData) => ({ parts: renderSummary(d.summary), chart: null })
const ROSTER = 'building,unit,room,area_m2,owner_name\n1,1,101,75,王秀英\n1,1,102,89.5,李建国\n'
/** Monday 2026-11-23 09:05 in Shanghai: the weekly slot, and the daily jobs' hour */
const MON_0905 = new Date('2026-11-23T01:05:00Z')

const GLOBAL = new Set(['compounds', 'members', 'job_runs', 'outbox'])
const compoundTables = (Object.values(schema) as unknown[])
  .filter((v): v is PgTable => v instanceof PgTable)
  .map((t) => getTableName(t))
  .filter((n) => !GLOBAL.has(n))
const tablesIn = (q: string) => [...q.matchAll(/\b(?:from|join|into|update)\s+"?([a-z_]+)"?/gi)].map((m) => m[1]!.toLowerCase())

/** `n` compounds created last year, with every disclosure kind on, a group each, one of them two groups. */
async function compounds(n: number) {
  const seen: string[] = []
  let recording = false
  const db = await dbs.fresh({ onQuery: (q) => recording && seen.push(q) })
  await db.db.execute(sql`INSERT INTO compounds (name, created_at) SELECT '小区' || i, '2025-06-01T00:00:00Z' FROM generate_series(1, ${n}) AS i`)
  await db.db.execute(sql`INSERT INTO chats (compound_id, platform, platform_chat_id) SELECT id, 'console', 'g' || id FROM compounds`)
  await db.db.execute(sql`INSERT INTO chats (compound_id, platform, platform_chat_id) SELECT min(id), 'console', 'extra' FROM compounds`)
  // a repair open since the start in each: no period is empty, so each is posted (an empty one is only recorded)
  await db.db.execute(sql`INSERT INTO members (platform, platform_user_id, display_name) VALUES ('console', 'reporter', '报修人')`)
  await db.db.execute(sql`INSERT INTO tickets (compound_id, no, reporter_member_id, description, created_at, updated_at)
    SELECT c.id, 1, m.id, '楼道灯不亮', '2025-06-02T00:00:00Z', '2025-06-02T00:00:00Z' FROM compounds c, members m WHERE m.platform_user_id = 'reporter'`)
  await db.db.execute(sql`INSERT INTO ticket_events (compound_id, ticket_id, actor_member_id, action, to_status, at)
    SELECT compound_id, id, reporter_member_id, 'created', 'open', created_at FROM tickets`)
  const first = (await db.db.select().from(schema.compounds).orderBy(schema.compounds.id))[0]!
  await importRoster(db.db, first.id, parseRoster(ROSTER), new Date())
  const record = async <T>(fn: () => Promise<T>) => {
    seen.length = 0
    recording = true
    try {
      return { result: await fn(), statements: [...seen] }
    } finally {
      recording = false
    }
  }
  return { db, record }
}

async function idleTickCost(n: number) {
  const { db, record } = await compounds(n)
  // the first tick of the day: week 47, October and 2025 are due (the last two late), billing and the daily jobs
  const first = await record(() => runDue(db.db, MON_0905, { instance: 'a', render }))
  expect(first.result.errors).toBe(0)
  expect(first.result.disclosures, JSON.stringify(first.result.disclosures)).toHaveLength(3 * n)
  expect(new Set(first.result.disclosures.map((d) => `${d.kind}:${d.period}:${d.late}`))).toEqual(new Set(['week:2026-W47:false', 'month:2026-10:true', 'year:2025:true']))
  const chats = await db.db.select({ n: sql<number>`count(*)::int` }).from(schema.disclosures)
  expect(chats[0]!.n).toBe(3 * (n + 1))
  // the next minute, and later that day on another instance: nothing is due
  const next = await record(() => runDue(db.db, new Date(MON_0905.getTime() + 60_000), { instance: 'a', render }))
  const later = await record(() => runDue(db.db, new Date('2026-11-23T10:00:00Z'), { instance: 'b', render }))
  for (const t of [next, later]) {
    expect(t.result).toMatchObject({ disclosures: [], billed: [], closedPolls: 0, pollReminders: 0, committeeMessages: 0, errors: 0 })
    for (const q of t.statements) {
      if (tablesIn(q).some((name) => compoundTables.includes(name))) expect(q, 'a statement on a compound table names compound_id').toMatch(/compound_id/i)
    }
  }
  // the statements of the disclosures (the daily jobs read polls, tickets, households and job_runs per compound)
  const disclosing = first.statements.filter((q) => tablesIn(q).some((t) => ['disclosures', 'chats', 'ledger_entries', 'ticket_events', 'outbox'].includes(t)))
  return { first: first.statements.length, disclosing: disclosing.length, next: next.statements.length, later: later.statements.length }
}

describe('the cost of a tick', () => {
  it('runs the same few statements when nothing is due, however many compounds there are', async () => {
    const small = await idleTickCost(3)
    const large = await idleTickCost(40)
    expect(large.next).toBe(small.next)
    expect(large.later).toBe(small.later)
    // polls due, compounds, today's daily job runs, the periods some chat lacks, pruning the tick's job runs,
    // the supervisors' weeks, elections, objection windows and notice reminders due (governanceDue)
    expect(small.next).toBeLessThanOrEqual(7)
    // when everything is due, the disclosures, the billing and the daily jobs of all compounds are read and
    // written with one set of queries (a chunk), not per compound (src/scheduler/daily.ts)
    expect(large.disclosing).toBe(small.disclosing)
    expect(large.first).toBe(small.first)
  })
})
