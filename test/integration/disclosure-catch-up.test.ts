// Issue 15: several disclosures of one compound due at once (a catch-up after downtime, or 1 January when
// the week, the month and the year all fall due) go out as ONE post and ONE chart per chat, never one post
// and one chart per period; a period in which nothing happened (no money, no repairs, no polls) is recorded
// and logged but not posted. 公示 on demand still answers for any period.
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { disclosuresOf } from '../../db/disclosure.ts'
import { outbox } from '../../db/schema.ts'
import type { DisclosureData } from '../../src/disclosure/build.ts'
import { chartCaption, renderSummary } from '../../src/render/summary.ts'
import { runDue } from '../../src/scheduler/tick.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { townWorld } from '../helpers/fixtures.ts'
import { TestClock, type World } from '../helpers/world.ts'

const dbs = useTestDatabases()

/** the chart stands in as its caption's bytes, so a test can tell which period's chart was posted */
const render = (data: DisclosureData) => {
  const caption = chartCaption(data.summary)
  return { parts: renderSummary(data.summary), chart: { png: new TextEncoder().encode(caption), caption } }
}
const tick = (db: Database, iso: string) => runDue(db.db, new Date(iso), { instance: 'test', render })

const ROSTER = `building,unit,room,area_m2,occupancy,owner_name
1,1,101,75.00,owner_occupied,王秀英
1,1,102,89.50,owner_occupied,李建国
`

/** 幸福里 (created 2026-01-05) in chats g1 and g2, with the given disclosure schedule; cc is on the committee. */
async function setUp(disclosure: Record<string, unknown>, clock = '2026-12-20T02:00:00Z') {
  return townWorld(dbs, {
    clock: new TestClock(new Date(clock)),
    createdAt: '2026-01-05T00:00:00Z',
    roster: ROSTER,
    chats: [{ id: 'g2' }],
    settings: { disclosure },
    people: [{ id: 'cc', name: '老李', role: 'committee' }],
  })
}

/** What each chat received from the outbox: its text posts and the captions of its images. */
async function perChat(w: World) {
  const from = w.adapter.sent.length
  await w.app.dispatcher.flush()
  const out: Record<string, { texts: string[]; charts: string[] }> = {}
  for (const s of w.adapter.sent.slice(from)) {
    if (!s.chat) continue
    const c = (out[s.chat] ??= { texts: [], charts: [] })
    if (s.image) c.charts.push(new TextDecoder().decode(s.image))
    else c.texts.push(s.text)
  }
  return out
}

const disclosureRows = async (w: World) =>
  (await w.db.db.select({ n: sql<number>`count(*)::int` }).from(outbox).where(sql`${outbox.dedupeKey} LIKE 'disclosure:%'`))[0]!.n

describe('catch-up: several periods due at once', () => {
  it('the week, the month and the year missed over new year go out as one post and one chart per chat', async () => {
    const { w, compoundId } = await setUp({ weekly: 'mon 09:00', monthly: '1 09:00', yearly: '01-01 09:00' })
    w.clock.set('2026-12-22T02:00:00Z')
    await w.says('cc', '支出 120 楼道保洁').then((r) => r.expectReply('已登记支出'))
    // on time for the week of 21 December (November, missed and empty, is left out)
    expect((await tick(w.db, '2026-12-28T01:01:00Z')).disclosures.map((d) => d.period)).toEqual(['2026-W52'])
    await perChat(w)
    // then the scheduler does not run until Monday 4 January 10:00
    w.clock.set('2026-12-29T02:00:00Z')
    await w.says('cc', '收入 300 停车租金').then((r) => r.expectReply('已登记'))
    const back = await tick(w.db, '2027-01-04T02:00:00Z')
    expect(back.errors).toBe(0)
    expect(back.disclosures.map((d) => [d.kind, d.period, d.chats, d.late])).toEqual([
      ['week', '2026-W53', 2, true],
      ['month', '2026-12', 2, true],
      ['year', '2026', 2, true],
    ])
    const got = await perChat(w)
    expect(Object.keys(got).sort()).toEqual(['g1', 'g2'])
    for (const chat of ['g1', 'g2']) {
      expect(got[chat]!.texts, chat).toHaveLength(1)
      expect(got[chat]!.charts, chat).toEqual(['幸福里 2026年度 收支图'])
      const [text] = got[chat]!.texts
      // the longest period first, the one the chart shows
      const titles = text!.split('\n').filter((l) => l.startsWith('【幸福里 公示】'))
      expect(titles).toEqual([
        '【幸福里 公示】2026年度（2026-01-01 至 2026-12-31）',
        '【幸福里 公示】2026年12月（2026-12-01 至 2026-12-31）',
        '【幸福里 公示】2026年第53周（2026-12-28 至 2027-01-03）',
      ])
      // each section its own period's figures: the income of the 29th in all three, the expense of the 22nd not in week 53
      const sections = text!.split('\n\n')
      expect(sections).toHaveLength(3)
      expect(sections.map((x) => [x.includes('停车租金'), x.includes('楼道保洁')])).toEqual([
        [true, true],
        [true, true],
        [true, false],
      ])
    }
    // each chat has each period once; nothing more on the next tick
    const recorded = (await disclosuresOf(w.db.db, compoundId)).filter((r) => r.chainHead !== null).map((r) => `${r.periodKind}:${r.period}`)
    expect(recorded.sort()).toEqual(['month:2026-12', 'month:2026-12', 'week:2026-W52', 'week:2026-W52', 'week:2026-W53', 'week:2026-W53', 'year:2026', 'year:2026'])
    const rows = await disclosureRows(w)
    expect((await tick(w.db, '2027-01-04T02:01:00Z')).disclosures).toEqual([])
    expect(await disclosureRows(w)).toBe(rows)
  })

  it('on time too: on 1 February the month and the week fall due together and go out as one post', async () => {
    const { w } = await setUp({ weekly: 'mon 09:00', monthly: '1 09:00', yearly: false }, '2027-01-27T02:00:00Z')
    await w.says('cc', '收入 300 停车租金').then((r) => r.expectReply('已登记'))
    // Monday 1 February 2027, 09:00
    const r = await tick(w.db, '2027-02-01T01:00:00Z')
    expect(r.disclosures.map((d) => [d.period, d.late])).toEqual([
      ['2027-W04', false],
      ['2027-01', false],
    ])
    const got = await perChat(w)
    expect(got.g1!.texts).toHaveLength(1)
    expect(got.g1!.charts).toEqual(['幸福里 2027年1月 收支图'])
    expect(got.g1!.texts[0]).toMatch(/^【幸福里 公示】2027年1月/)
    expect(got.g1!.texts[0]).toContain('\n\n【幸福里 公示】2027年第4周')
  })
})

describe('an empty period', () => {
  it('is recorded and logged, not posted; the next period with something in it is', async () => {
    const { w, compoundId } = await setUp({ weekly: 'mon 09:00', monthly: false, yearly: false })
    await perChat(w)
    // Monday 21 December: nothing happened in week 51
    const quiet = await tick(w.db, '2026-12-21T01:01:00Z')
    expect(quiet).toMatchObject({ disclosures: [], errors: 0 })
    expect(await disclosureRows(w)).toBe(0)
    expect(await perChat(w)).toEqual({})
    // recorded for every chat, with no chain head (nothing was published), so later ticks do not try again
    expect((await disclosuresOf(w.db.db, compoundId)).map((d) => [d.period, d.chainHead])).toEqual([
      ['2026-W51', null],
      ['2026-W51', null],
    ])
    expect((await tick(w.db, '2026-12-21T01:02:00Z')).disclosures).toEqual([])
    // 公示 on demand answers for a period with nothing in it all the same: someone asked
    w.clock.set('2026-12-21T02:00:00Z')
    await w.says('cc', '公示 本周').then((r) => r.expectReply('【幸福里 公示】2026年第52周'))
    await perChat(w)
    // a repair reported in week 52: its summary is posted
    w.clock.set('2026-12-22T02:00:00Z')
    await w.says('cc', '报修 楼道灯不亮').then((r) => r.expectReply('#1'))
    expect((await tick(w.db, '2026-12-28T01:01:00Z')).disclosures.map((d) => [d.period, d.chats])).toEqual([['2026-W52', 2]])
    expect((await perChat(w)).g1!.texts[0]).toMatch(/^【幸福里 公示】2026年第52周/)
  })

  it('a catch-up leaves out the empty periods and posts the others as one', async () => {
    const { w } = await setUp({ weekly: 'mon 09:00', monthly: '1 09:00', yearly: false }, '2027-01-27T02:00:00Z')
    await w.says('cc', '收入 300 停车租金').then((r) => r.expectReply('已登记'))
    // down from Wednesday 27 January to Tuesday 9 February: January (the income) and week 5 (nothing) are due
    const r = await tick(w.db, '2027-02-09T02:00:00Z')
    expect(r.disclosures.map((d) => [d.period, d.late])).toEqual([['2027-01', true]])
    const got = await perChat(w)
    expect(got.g1!.texts).toHaveLength(1)
    expect(got.g1!.texts[0]).toMatch(/^【幸福里 公示】2027年1月/)
    expect(got.g1!.texts[0]).not.toContain('第5周')
    expect(got.g1!.charts).toEqual(['幸福里 2027年1月 收支图'])
  })
})

// Issue 15, group etiquette: a catch-up nobody asked for waits out the compound's quiet hours (default 21:00–08:00
// local; 幸福里 is in Asia/Shanghai, UTC+8). A later tick posts it, as long as the period it is for is still the
// one due then; a slot the committee put inside the quiet hours is posted on time all the same.
describe('a catch-up in quiet hours', () => {
  const periods = (r: Awaited<ReturnType<typeof tick>>) => r.disclosures.map((d) => [d.period, d.late])

  it('waits for 08:00 when the bot starts at 23:30 on a Sunday; at 08:00 Monday last week is still the one due', async () => {
    const { w } = await setUp({ weekly: 'mon 09:00', monthly: false, yearly: false }, '2026-12-16T02:00:00Z')
    await w.says('cc', '支出 120 楼道保洁').then((r) => r.expectReply('已登记支出'))
    w.clock.set('2026-12-22T02:00:00Z')
    await w.says('cc', '收入 300 停车租金').then((r) => r.expectReply('已登记'))
    await perChat(w)
    // down over Monday 21 December 09:00 (week 51's slot); back on Sunday 27 December at 23:30 local
    const night = await tick(w.db, '2026-12-27T15:30:00Z')
    expect(night).toMatchObject({ disclosures: [], errors: 0 })
    expect(night.held).toEqual([{ compoundId: expect.any(Number), kind: 'week', period: '2026-W51' }])
    expect(await disclosureRows(w)).toBe(0)
    // 公示 on demand is answered at night: someone asked
    w.clock.set('2026-12-27T15:31:00Z')
    await w.says('cc', '公示 本周').then((r) => r.expectReply('【幸福里 公示】2026年第52周'))
    await perChat(w)
    // Monday 28 December 07:59 local, still quiet (and a new week has begun: the slot decides the period, not the week)
    expect(periods(await tick(w.db, '2026-12-27T23:59:00Z'))).toEqual([])
    // 08:00: the latest slot is still last Monday's, so week 51 is posted, marked late
    const morning = await tick(w.db, '2026-12-28T00:00:00Z')
    expect(periods(morning)).toEqual([['2026-W51', true]])
    expect(morning.held).toEqual([])
    const got = await perChat(w)
    for (const chat of ['g1', 'g2']) {
      expect(got[chat]!.texts, chat).toHaveLength(1)
      expect(got[chat]!.texts[0]).toMatch(/^【幸福里 公示】2026年第51周/)
    }
    // 09:00: week 52's own slot, on time; week 51 is not posted twice
    expect(periods(await tick(w.db, '2026-12-28T01:00:00Z'))).toEqual([['2026-W52', false]])
    expect((await perChat(w)).g1!.texts).toHaveLength(1)
  })

  it('over new year: November, missed on 1 December, is posted at 08:00 on 1 January; December and the year at 09:00', async () => {
    const { w } = await setUp({ weekly: false, monthly: '1 09:00', yearly: '01-01 09:00' }, '2026-11-10T02:00:00Z')
    await w.says('cc', '支出 120 楼道保洁').then((r) => r.expectReply('已登记支出'))
    w.clock.set('2026-12-10T02:00:00Z')
    await w.says('cc', '收入 300 停车租金').then((r) => r.expectReply('已登记'))
    await perChat(w)
    // back on 31 December at 23:30 local: November (the slot of 1 December) is late and waits
    const night = await tick(w.db, '2026-12-31T15:30:00Z')
    expect(periods(night)).toEqual([])
    expect(night.held.map((h) => h.period)).toEqual(['2026-11'])
    // 1 January 07:59 local: a new month and a new year, but their slots (09:00) have not come
    expect(periods(await tick(w.db, '2026-12-31T23:59:00Z'))).toEqual([])
    expect(periods(await tick(w.db, '2027-01-01T00:00:00Z'))).toEqual([['2026-11', true]])
    expect((await perChat(w)).g1!.texts).toHaveLength(1)
    // 09:00: December and 2026, on time, one post
    const nine = await tick(w.db, '2027-01-01T01:00:00Z')
    expect(periods(nine).sort()).toEqual([
      ['2026', false],
      ['2026-12', false],
    ])
    const got = await perChat(w)
    expect(got.g1!.texts).toHaveLength(1)
    expect(got.g1!.texts[0]).toMatch(/^【幸福里 公示】2026年度/)
  })

  it('a slot the committee put in the quiet hours is posted on time; missed, it waits for the morning', async () => {
    const { w } = await setUp({ weekly: 'sun 22:00', monthly: false, yearly: false }, '2026-12-09T02:00:00Z')
    await w.says('cc', '支出 120 楼道保洁').then((r) => r.expectReply('已登记支出'))
    w.clock.set('2026-12-16T02:00:00Z')
    await w.says('cc', '收入 300 停车租金').then((r) => r.expectReply('已登记'))
    await perChat(w)
    // Sunday 20 December 22:00 local: the last complete week before the slot's, week 50, on time at night
    expect(periods(await tick(w.db, '2026-12-20T14:00:00Z'))).toEqual([['2026-W50', false]])
    expect((await perChat(w)).g1!.texts[0]).toMatch(/^【幸福里 公示】2026年第50周/)
    // Sunday 27 December: the bot is down at 22:00 and back at 22:20, too late to be on time
    const late = await tick(w.db, '2026-12-27T14:20:00Z')
    expect(periods(late)).toEqual([])
    expect(late.held.map((h) => h.period)).toEqual(['2026-W51'])
    // past midnight the week is a new one, but Sunday 22:00 is still the latest slot: week 51 at 08:00
    expect(periods(await tick(w.db, '2026-12-27T23:59:00Z'))).toEqual([])
    expect(periods(await tick(w.db, '2026-12-28T00:00:00Z'))).toEqual([['2026-W51', true]])
  })

  it('a slot inside the quiet hours that comes before they end supersedes the held catch-up (only the latest slot counts)', async () => {
    const { w } = await setUp({ weekly: 'mon 07:00', monthly: false, yearly: false }, '2026-12-16T02:00:00Z')
    await w.says('cc', '支出 120 楼道保洁').then((r) => r.expectReply('已登记支出'))
    w.clock.set('2026-12-22T02:00:00Z')
    await w.says('cc', '收入 300 停车租金').then((r) => r.expectReply('已登记'))
    await perChat(w)
    // down over Monday 21 December 07:00; back on Sunday 27 December at 23:30: week 51 waits
    expect((await tick(w.db, '2026-12-27T15:30:00Z')).held.map((h) => h.period)).toEqual(['2026-W51'])
    // Monday 28 December 07:00: week 52's slot, on time; week 51 is no longer due (as after any longer outage)
    expect(periods(await tick(w.db, '2026-12-27T23:00:00Z'))).toEqual([['2026-W52', false]])
    const got = await perChat(w)
    expect(got.g1!.texts).toHaveLength(1)
    expect(got.g1!.texts[0]).toMatch(/^【幸福里 公示】2026年第52周/)
    const after = await tick(w.db, '2026-12-28T00:00:00Z')
    expect(periods(after)).toEqual([])
    expect(after.held).toEqual([])
  })

  it('with quiet hours switched off (or ended earlier), the catch-up is posted at once', async () => {
    for (const [quietHours, at] of [
      [false, '2026-12-27T15:30:00Z'],
      ['22:00-07:00', '2026-12-27T23:30:00Z'],
    ] as const) {
      const { w } = await setUp({ weekly: 'mon 09:00', monthly: false, yearly: false }, '2026-12-16T02:00:00Z')
      await w.db.db.execute(sql`UPDATE compounds SET settings = settings || ${JSON.stringify({ quietHours })}::jsonb`)
      await w.says('cc', '支出 120 楼道保洁').then((r) => r.expectReply('已登记支出'))
      const r = await tick(w.db, at)
      expect(periods(r), String(quietHours)).toEqual([['2026-W51', true]])
      expect(r.held).toEqual([])
    }
  })
})
