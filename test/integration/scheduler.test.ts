// The scheduler tick against a real database, with an injected clock and time zone: one disclosure per
// chat and period across two instances sharing the database, across a restart in the middle of sending,
// after a crash before the post was recorded, and catch-up of the latest missed period after downtime;
// plus the daily jobs (billing, poll closing and reminders, overdue repairs, the legal calendar), the
// job_runs coordinator node-cron uses, and the service wiring.
import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { claimJobRun, disclosuresOf, jobRunsOf } from '../../db/disclosure.ts'
import { createFeeSchedule } from '../../db/fees.ts'
import { disclosures, ledgerEntries, outbox, polls } from '../../db/schema.ts'
import { App } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import type { DisclosureData } from '../../src/disclosure/build.ts'
import { chartCaption, renderSummary } from '../../src/render/summary.ts'
import { JobRunsCoordinator } from '../../src/scheduler/coordinator.ts'
import { SchedulerService } from '../../src/scheduler/service.ts'
import { runDue } from '../../src/scheduler/tick.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { townWorld } from '../helpers/fixtures.ts'
import { RecordingAdapter } from '../helpers/recording-adapter.ts'
import { TestClock, type World } from '../helpers/world.ts'

const dbs = useTestDatabases()

const config = loadConfig({ LINLI_BOT_NAME: '邻里' } as NodeJS.ProcessEnv)
/** a stand-in for the chart: the real one is tested in test/unit/chart.test.ts and end to end */
const FAKE_PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])
const render = (data: DisclosureData) => ({ parts: renderSummary(data.summary), chart: { png: FAKE_PNG, caption: chartCaption(data.summary) } })
const tick = (db: Database, iso: string, instance = 'test') => runDue(db.db, new Date(iso), { instance, render })

/** Monday 2026-11-23 09:05 in Shanghai */
const MON_0905 = '2026-11-23T01:05:00Z'

const ROSTER = `building,unit,room,area_m2,occupancy,owner_name
1,1,101,75.00,owner_occupied,王秀英
1,1,102,89.50,owner_occupied,李建国
2,,101,60.00,rented,张伟
`

interface Setup {
  w: World
  compoundId: number
}

/**
 * 幸福里 (created 2026-11-10) in chats g1 and g2; boss = head 王主任, cc = committee 老李.
 * Monthly and yearly disclosures off unless `settings` says otherwise. `busy`: a repair reported when the
 * compound was created stays open, so no period is empty (an empty one is recorded, not posted).
 */
async function setUp(
  opts: { db?: Database; clock?: TestClock; timeZone?: string; language?: string; createdAt?: string; settings?: Record<string, unknown>; busy?: boolean } = {},
): Promise<Setup> {
  const town = await townWorld(dbs, {
    db: opts.db,
    clock: opts.clock ?? new TestClock(new Date('2026-11-12T02:00:00Z')),
    head: { id: 'boss', name: '王主任' },
    createdAt: opts.createdAt ?? '2026-11-10T00:00:00Z',
    timeZone: opts.timeZone ?? 'Asia/Shanghai',
    language: opts.language ?? 'zh-CN',
    settings: opts.settings ?? { disclosure: { monthly: false, yearly: false } },
    chats: [{ id: 'g2', title: '二号楼群' }],
    roster: ROSTER,
    people: [{ id: 'cc', name: '老李', role: 'committee' }],
  })
  if (opts.busy) {
    const { w } = town
    const now = w.clock.now()
    w.clock.set(new Date(Math.min(now.getTime(), new Date(opts.createdAt ?? '2026-11-10T00:00:00Z').getTime())).toISOString())
    await w.says('boss', '报修 北门路灯不亮').then((r) => r.expectReply('#1'))
    w.clock.set(now.toISOString())
    await w.app.dispatcher.flush()
    w.adapter.sent.length = 0
  }
  return town
}

const count = async (db: Database, table: typeof outbox | typeof disclosures) => (await db.db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n
const posts = async (db: Database) =>
  (await db.db.select({ n: sql<number>`count(*)::int` }).from(outbox).where(sql`${outbox.dedupeKey} LIKE 'disclosure:%'`))[0]!.n

/** what each chat received: text parts and images */
function perChat(sent: RecordingAdapter['sent']) {
  const out: Record<string, { texts: string[]; images: number }> = {}
  for (const s of sent) {
    if (!s.chat) continue
    const c = (out[s.chat] ??= { texts: [], images: 0 })
    if (s.image) c.images++
    else c.texts.push(s.text)
  }
  return out
}

describe('disclosure exactly once', () => {
  it('two instances sharing one database post one weekly summary per chat, never twice', async () => {
    const { w } = await setUp()
    w.clock.set('2026-11-16T02:00:00Z')
    await w.says('cc', '支出 120 楼道保洁 电话13912345678 收款人 张伟').then((r) => r.expectReply('已登记支出'))
    w.adapter.sent.length = 0
    const db2 = await dbs.reopen(w.db)
    const a2 = new RecordingAdapter('console')
    const app2 = new App({ database: db2, config, clock: w.clock, adapters: [a2] })

    const [r1, r2] = await Promise.all([tick(w.db, MON_0905, 'one'), tick(db2, MON_0905, 'two')])
    expect(r1.errors + r2.errors).toBe(0)
    expect([...r1.disclosures, ...r2.disclosures].reduce((n, d) => n + d.chats, 0)).toBe(2)
    expect(await count(w.db, disclosures)).toBe(2)
    const rows = await count(w.db, outbox)
    await Promise.all([w.app.dispatcher.flush(), app2.dispatcher.flush(), w.app.dispatcher.flush()])

    const got = perChat([...w.adapter.sent, ...a2.sent])
    expect(Object.keys(got).sort()).toEqual(['g1', 'g2'])
    for (const chat of ['g1', 'g2']) {
      expect(got[chat]!.texts).toHaveLength(1)
      expect(got[chat]!.images).toBe(1)
      expect(got[chat]!.texts[0]).toMatch(/^【幸福里 公示】2026年第47周（2026-11-16 至 2026-11-22）/)
      expect(got[chat]!.texts[0]).toContain('  · 11-16 保洁 ¥120.00 楼道保洁 电话***（收款方：张*）')
      expect(got[chat]!.texts[0]).not.toMatch(/13912345678|张伟/)
    }
    // later ticks, on either instance, the same minute or the next hours: nothing more
    await tick(w.db, MON_0905, 'one')
    await tick(db2, '2026-11-23T05:00:00Z', 'two')
    expect(await count(w.db, outbox)).toBe(rows)
    await Promise.all([w.app.dispatcher.flush(), app2.dispatcher.flush()])
    expect(w.adapter.sent.length + a2.sent.length).toBe(4)
  })

  it('a restart in the middle of sending delivers the claimed rows once', async () => {
    const { w } = await setUp({ busy: true })
    await tick(w.db, MON_0905)
    // the first instance claimed every row, sent none, and died; its claim has run out
    await w.db.db.execute(sql`UPDATE outbox SET status = 'sending', attempts = attempts + 1, claimed_until = now() - interval '1 second' WHERE status = 'pending'`)
    const rows = await count(w.db, outbox)
    w.adapter.sent.length = 0
    // a new instance: its first tick finds the period recorded, so it only delivers
    const db2 = await dbs.reopen(w.db)
    const a2 = new RecordingAdapter('console')
    const app2 = new App({ database: db2, config, clock: w.clock, adapters: [a2] })
    const r = await tick(db2, '2026-11-23T01:20:00Z', 'restarted')
    expect(r.disclosures).toEqual([])
    expect(await count(w.db, outbox)).toBe(rows)
    await app2.dispatcher.flush()
    await app2.dispatcher.flush()
    expect(perChat(a2.sent)).toEqual({ g1: { texts: [expect.stringContaining('2026年第47周')], images: 1 }, g2: { texts: [expect.any(String)], images: 1 } })
    const statuses = await w.db.db.select({ status: outbox.status }).from(outbox)
    expect(statuses.every((s) => s.status === 'sent')).toBe(true)
  })

  it('a crash before the post is recorded leaves nothing behind, and the next tick posts', async () => {
    const { w } = await setUp({ busy: true })
    let calls = 0
    const flaky = (data: DisclosureData) => {
      if (++calls === 1) throw new Error('out of memory while drawing')
      return render(data)
    }
    const first = await runDue(w.db.db, new Date(MON_0905), { instance: 'x', render: flaky })
    expect(first.errors).toBe(1)
    expect(await count(w.db, disclosures)).toBe(0)
    expect(await posts(w.db)).toBe(0)
    const second = await runDue(w.db.db, new Date('2026-11-23T01:06:00Z'), { instance: 'x', render: flaky })
    expect(second.disclosures).toEqual([{ compoundId: expect.any(Number), kind: 'week', period: '2026-W47', chats: 2, late: false }])
  })

  it('catches up only the latest missed period after downtime, marked late', async () => {
    const { w, compoundId } = await setUp({ createdAt: '2026-10-01T00:00:00Z', busy: true })
    // up on Monday 2 November: week 44 on time
    expect((await tick(w.db, '2026-11-02T01:01:00Z')).disclosures.map((d) => [d.period, d.late])).toEqual([['2026-W44', false]])
    // down until Wednesday 25 November noon: weeks 45 and 46 were missed; only 47 is posted, late
    const back = await tick(w.db, '2026-11-25T04:00:00Z')
    expect(back.disclosures.map((d) => [d.period, d.late, d.chats])).toEqual([['2026-W47', true, 2]])
    expect((await tick(w.db, '2026-11-25T04:01:00Z')).disclosures).toEqual([])
    // next Monday on time again
    expect((await tick(w.db, '2026-11-30T01:03:00Z')).disclosures.map((d) => [d.period, d.late])).toEqual([['2026-W48', false]])
    const rows = await disclosuresOf(w.db.db, compoundId)
    expect(rows.map((r) => `${r.period}:${r.late}`)).toEqual(['2026-W44:false', '2026-W44:false', '2026-W47:true', '2026-W47:true', '2026-W48:false', '2026-W48:false'])
    await w.app.dispatcher.flush()
    const late = w.adapter.sent.filter((s) => s.chat === 'g1' && !s.image && s.text.includes('2026年第47周'))
    expect(late).toHaveLength(1)
    expect(late[0]!.text.split('\n')[1]).toBe('（补发：本期公示未能按时发出，现补发。）')
    // a compound created after the slot it would catch up has nothing to catch up
    const fresh = await setUp({ createdAt: '2026-11-24T00:00:00Z' })
    expect((await tick(fresh.w.db, '2026-11-25T04:00:00Z')).disclosures).toEqual([])
    // nor one created two minutes after the slot: that week is not its to disclose
    const after = await setUp({ createdAt: '2026-11-23T01:02:00Z' })
    expect((await tick(after.w.db, MON_0905)).disclosures).toEqual([])
    // the clock set back behind the creation (LINLI_NOW in the sandbox): what is due right now is posted,
    // nothing is caught up (the month and year slots are long past)
    const setBack = await setUp({ createdAt: '2026-11-24T00:00:00Z', settings: {}, busy: true })
    expect((await tick(setBack.w.db, MON_0905)).disclosures.map((d) => [d.period, d.late])).toEqual([['2026-W47', false]])
  })

  it('follows the compound time zone and its schedule settings', async () => {
    const { w } = await setUp({
      createdAt: '2026-11-20T00:00:00Z',
      timeZone: 'America/New_York',
      language: 'en',
      settings: { disclosure: { weekly: 'mon 09:00', monthly: '1 08:00', yearly: false } },
      busy: true,
    })
    // Monday 23 November 08:59 in New York (EST): nothing yet; the month slot of 1 November is long past and
    // the compound was created after it
    expect((await tick(w.db, '2026-11-23T13:59:00Z')).disclosures).toEqual([])
    expect((await tick(w.db, '2026-11-23T14:00:00Z')).disclosures.map((d) => d.period)).toEqual(['2026-W47'])
    // on 1 December at 08:00: November on time, and the week whose Monday slot passed unseen, late
    expect((await tick(w.db, '2026-12-01T13:00:00Z')).disclosures.map((d) => [d.period, d.late])).toEqual([['2026-W48', true], ['2026-11', false]])
    await w.app.dispatcher.flush()
    expect(w.adapter.sent.find((s) => s.chat === 'g1' && !s.image && s.text.includes('disclosure'))!.text).toMatch(/^\[幸福里 disclosure\] week 47 of 2026 \(2026-11-16 to 2026-11-22\)/)
  })
})

describe('daily jobs', () => {
  it('bills the month once, closes due polls, reminds, and tells the committee about overdue repairs and the legal calendar', async () => {
    const { w, compoundId } = await setUp()
    const db = w.db.db
    await createFeeSchedule(db, { compoundId, name: '物业费', basis: 'per_household_month', rateFen: 3000n, startMonth: '2026-11', createdAt: new Date('2026-11-12T00:00:00Z') })
    // a repair reported on 11-14 (7 days allowed: overdue from 11-22), and polls
    w.clock.set('2026-11-14T02:00:00Z')
    await w.says('boss', '报修 楼道灯不亮 1-1-101').then((r) => r.expectReply(/#1/))
    w.clock.set('2026-11-20T02:00:00Z')
    await w.says('boss', '发起投票 路灯颜色 选项 暖光/白光 截止 11-23 08:00').then((r) => r.expectReply('【投票 #1】'))
    // an ordinary poll with 5 days' notice (the head's 紧急), and a simple one still open on Monday
    await w.says('boss', '发起投票 更换大门 规则 一般 截止 11-25 紧急').then((r) => r.expectReply('【投票 #2】'))
    await w.says('boss', '发起投票 外墙颜色 选项 米色/灰色 截止 11-30').then((r) => r.expectReply('【投票 #3】'))
    expect((await db.select({ no: polls.no, urgent: polls.urgent }).from(polls)).sort((a, b) => a.no - b.no).map((p) => p.urgent)).toEqual([false, true, false])
    // two ordinary polls with 5 days' notice that nobody marked urgent (launched before the compound raised its
    // notice period, say): one still open, one closed yesterday
    await db.insert(polls).values([
      { compoundId, no: 8, title: '加装电梯', options: ['同意', '反对'], rule: 'ordinary', deadline: new Date('2026-11-26T00:00:00Z'), createdAt: new Date('2026-11-21T00:00:00Z') },
      {
        compoundId,
        no: 7,
        title: '停车收费',
        options: ['同意', '反对'],
        rule: 'ordinary',
        deadline: new Date('2026-11-22T00:00:00Z'),
        status: 'closed',
        createdAt: new Date('2026-11-17T00:00:00Z'),
        closedAt: new Date('2026-11-22T00:00:00Z'),
      },
    ])
    // a poll closed four days ago whose result never reached a chat
    await db.insert(polls).values({
      compoundId,
      no: 9,
      title: '旧投票',
      options: ['同意', '反对'],
      deadline: new Date('2026-11-18T00:00:00Z'),
      status: 'closed',
      createdAt: new Date('2026-11-12T00:00:00Z'),
      closedAt: new Date('2026-11-19T00:00:00Z'),
      result: null,
    })
    await w.app.dispatcher.flush()
    w.adapter.sent.length = 0

    // 08:30 local: billing and poll closing already; the daily messages wait for 09:00
    const early = await tick(w.db, '2026-11-23T00:30:00Z')
    expect(early.billed).toEqual([{ compoundId, month: '2026-11', charged: 3 }])
    expect(early.closedPolls).toBe(1)
    expect(early.committeeMessages).toBe(0)
    const r = await tick(w.db, MON_0905)
    expect(r.errors).toBe(0)
    expect(r.billed).toEqual([])
    expect(r.pollReminders).toBeGreaterThan(0)
    // overdue (1 ticket) + legal (short notice #8, unposted result #9), to each of the head and the committee:
    // not #2, whose notice the head shortened with 紧急, nor #7, closed before anyone could act on its notice
    expect(r.committeeMessages).toBe(6)
    await w.app.dispatcher.flush()
    const mine = (user: string) => w.adapter.sent.filter((s) => s.user === user && /^【(报修超期提醒|提醒)】/.test(s.text)).map((s) => s.text)
    const toHead = mine('boss')
    expect(toHead).toHaveLength(3)
    expect(toHead[0]).toMatch(/^【报修超期提醒】幸福里 有 1 件报修超过 7 天未修好：\n {2}· #1 楼道灯不亮（.*2026-11-14 报修，已超期 2 天，未派单）$/)
    expect(toHead.find((t) => t.includes('#8「加装电梯」是一般事项表决'))).toContain('只有 5 天，少于本小区规定的 7 天公告期')
    expect(toHead.some((t) => /#2「更换大门」|#7「停车收费」/.test(t))).toBe(false)
    expect(toHead.find((t) => t.includes('#9「旧投票」'))).toContain('3 天内结果仍未成功发到群里')
    expect(mine('cc')).toEqual(toHead)
    expect(w.adapter.sent.some((s) => s.chat === 'g1' && s.text.startsWith('【投票 #1 已结束】'))).toBe(true)
    // the open polls in one reminder per chat: #2, #3 and #8
    const reminders = w.adapter.sent.filter((s) => s.chat === 'g1' && s.text.startsWith('【投票提醒】'))
    expect(reminders.map((s) => s.text.split('\n')[0])).toEqual(['【投票提醒】3 项投票进行中：'])
    expect(reminders[0]!.text).toContain('#3 外墙颜色：还有 3 户没有投票')

    // the same day again, or another instance: nothing new; charges stay billed once
    const before = await count(w.db, outbox)
    const again = await tick(w.db, '2026-11-23T08:00:00Z', 'other')
    expect([again.billed, again.committeeMessages, again.pollReminders]).toEqual([[], 0, 0])
    expect(await count(w.db, outbox)).toBe(before)
    const charges = await db.select({ n: sql<number>`count(*)::int` }).from(ledgerEntries).where(eq(ledgerEntries.kind, 'charge'))
    expect(charges[0]!.n).toBe(3)
    // the next day: reminders again (overdue, open polls), but the legal flags only once per poll
    const next = await tick(w.db, '2026-11-24T01:30:00Z')
    expect(next.committeeMessages).toBe(2)
    expect((await jobRunsOf(db, 'legal-calendar')).map((j) => j.fireKey)).toEqual([`${compoundId}:2026-11-23`, `${compoundId}:2026-11-24`])
  })
})

describe('run coordinator and service', () => {
  it('elects one instance per fire across connections; an unfinished fire can be taken over after its lease', async () => {
    const db1 = await dbs.fresh()
    const db2 = await dbs.reopen(db1)
    const clock = new TestClock(new Date(MON_0905))
    const c1 = new JobRunsCoordinator(db1.db, clock, 'one')
    const c2 = new JobRunsCoordinator(db2.db, clock, 'two')
    const key = 'linli-tick:2026-11-23T01:05:00.000Z'
    const won = await Promise.all([c1.shouldRun(key, 60_000), c2.shouldRun(key, 60_000), c1.shouldRun(key, 60_000), c2.shouldRun(key, 60_000)])
    expect(won.filter(Boolean)).toHaveLength(1)
    // the winner died without finishing: after the lease another instance may run that fire
    clock.advance(61_000)
    expect(await c2.shouldRun(key, 60_000)).toBe(true)
    await c2.onComplete(key)
    clock.advance(120_000)
    expect(await c1.shouldRun(key, 60_000)).toBe(false)
    const [run] = await jobRunsOf(db1.db, 'linli-tick')
    expect(run).toMatchObject({ fireKey: '2026-11-23T01:05:00.000Z', instance: 'two' })
    expect(run!.finishedAt).not.toBeNull()
    expect(await claimJobRun(db1.db, 'bill', '1:2026-11-23', { instance: 'a', now: new Date() })).toBe(true)
    expect(await claimJobRun(db2.db, 'bill', '1:2026-11-23', { instance: 'b', now: new Date() })).toBe(false)
  })

  it('node-cron fires are elected once across two running services', async () => {
    const { w } = await setUp()
    w.clock.set(MON_0905)
    const db2 = await dbs.reopen(w.db)
    const app2 = new App({ database: db2, config, clock: w.clock, adapters: [new RecordingAdapter('console')] })
    const every = { render, expression: '* * * * * *', tickAtStart: false }
    const s1 = new SchedulerService(config, every)
    const s2 = new SchedulerService(config, every)
    const ran = [0, 0]
    for (const [i, s] of [s1, s2].entries()) {
      const tickOf = s.tick.bind(s)
      s.tick = () => {
        ran[i]!++
        return tickOf()
      }
    }
    await s1.start(w.app)
    await s2.start(app2)
    await new Promise((r) => setTimeout(r, 3_300))
    await Promise.all([s1.stop(), s2.stop()])
    const fires = await jobRunsOf(w.db.db, 'linli-tick')
    expect(fires.length).toBeGreaterThanOrEqual(2)
    expect(ran[0]! + ran[1]!).toBe(fires.length)
    expect(await count(w.db, disclosures)).toBe(2)
  })

  it('the service runs a tick at start, delivers it, and stops cleanly', async () => {
    const { w } = await setUp({ busy: true })
    w.clock.set(MON_0905)
    w.adapter.sent.length = 0
    const svc = new SchedulerService(config, { render, expression: '0 0 1 1 *' })
    await svc.start(w.app)
    expect(perChat(w.adapter.sent)).toEqual({ g1: { texts: [expect.stringContaining('2026年第47周')], images: 1 }, g2: { texts: [expect.any(String)], images: 1 } })
    expect(await svc.tick()).toMatchObject({ disclosures: [], errors: 0 })
    await svc.stop()
    expect(await svc.tick()).toBeNull()
    const rows = await w.db.db.select().from(outbox).where(and(eq(outbox.status, 'sent'), sql`${outbox.dedupeKey} LIKE 'disclosure:%'`))
    expect(rows.map((r) => r.dedupeKey!.replace(/^disclosure:\d+:\d+:/, '')).sort()).toEqual(['week:2026-W47:1', 'week:2026-W47:1', 'week:2026-W47:chart', 'week:2026-W47:chart'])
  })
})
