// 3. Several instances: three Linli processes (test/reliability/fixtures/instance.ts: the App and the
// scheduler service as `linli start` wires them) on one PostgreSQL database, clocks skewed by −30 s, +30 s
// and +11 s (each fire also jittered by ±2 s), driven through 100 scheduled fires over five weeks — clustered
// around every weekly, monthly and yearly disclosure slot, both billing month changes and a poll deadline —
// with one instance SIGKILLed in the middle of its tick at fire 50. Then: exactly one disclosure per chat and
// period (and each of its messages delivered once), one charge per household, fee and month, the poll closed
// once with its result posted once per chat, and every outbox row delivered exactly once.
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyCompoundLedger } from '../../db/ledger-check.ts'
import { compounds, disclosures, ledgerEntries, outbox, polls } from '../../db/schema.ts'
import type { TestDatabases } from '../helpers/db.ts'
import { TestClock, type World, world } from '../helpers/world.ts'
import { query, rosterCsv, setUpTown, type Town } from '../helpers/fixtures.ts'
import { Child, FIXTURES, figures, fixtureEnv, maxId, type ServerDb, serverDb } from './helpers.ts'

const INSTANCE = `${FIXTURES}/instance.ts`
const FIRES = 100
/** C dies at the third weekly slot (about halfway), while it is posting that week's disclosure */
const KILL_FIRE = '2026-12-14T01:00:00.000Z'
const KILL_AFTER_MS = 40
const SKEWS: Record<string, number> = { A: -30_000, B: 30_000, C: 11_000 }
const MIN = 60_000

/** Local 09:00 in Shanghai is 01:00Z; local midnight is 16:00Z the day before. */
const BOUNDARIES = [
  // weekly disclosure slots (Monday 09:00)
  '2026-11-30T01:00:00Z', '2026-12-07T01:00:00Z', '2026-12-14T01:00:00Z', '2026-12-21T01:00:00Z', '2026-12-28T01:00:00Z', '2027-01-04T01:00:00Z',
  // monthly slots (the 1st, 09:00; 1 January is also the yearly one)
  '2026-12-01T01:00:00Z', '2027-01-01T01:00:00Z',
  // billing: the local month changes
  '2026-11-30T16:00:00Z', '2026-12-31T16:00:00Z',
  // the poll's deadline, 2026-12-03 20:00 local
  '2026-12-03T12:00:00Z',
]

/** 100 cron fire times: a minute before, at, and one and two minutes after every boundary, the rest spread out. */
function fireTimes(): string[] {
  const set = new Set<number>()
  for (const b of BOUNDARIES) for (const d of [-1, 0, 1, 2]) set.add(new Date(b).getTime() + d * MIN)
  const from = new Date('2026-11-30T00:30:00Z').getTime()
  const to = new Date('2027-01-05T06:00:00Z').getTime()
  const spread = FIRES - set.size
  for (let i = 0; i < spread; i++) {
    const t = from + Math.round(((to - from) * i) / (spread - 1) / MIN) * MIN
    let k = t
    while (set.has(k)) k += MIN
    set.add(k)
  }
  return [...set].sort((a, b) => a - b).map((t) => new Date(t).toISOString())
}

const WEEKS = ['2026-W47', '2026-W48', '2026-W49', '2026-W50', '2026-W51', '2026-W52', '2026-W53']
const MONTHS = ['2026-10', '2026-11', '2026-12']
const YEARS = ['2026']
const BILLED_MONTHS = ['2026-11', '2026-12', '2027-01']

let server: ServerDb
let w: World
let xf: Town
let hp: Town
let pollId: number
beforeAll(async () => {
  server = await serverDb()
  w = await world({} as TestDatabases, { db: server.database, clock: new TestClock(new Date('2026-11-25T02:00:00Z')) })
  xf = await setUpTown(w, {
    name: '幸福里',
    head: { id: 'boss', name: '王主任' },
    roster: rosterCsv(12),
    people: [{ id: 'cc', name: '老李', role: 'committee' }],
    chats: [{ id: 'g2', title: '二号楼群' }],
  })
  hp = await setUpTown(w, {
    name: '和平里',
    chat: 'g3',
    head: { id: 'boss', name: '王主任' },
    roster: rosterCsv(6),
    people: [],
  })
  await w.says('boss', '收费标准 物业费 0.80 每平米每月').then((r) => r.expectReply('已设置收费标准'))
  await w.says('boss', '收费标准 垃圾清运费 5 每户每月').then((r) => r.expectReply('已设置收费标准'))
  await w.says('boss', '收费标准 管理费 10 每户每月', { chat: 'g3' }).then((r) => r.expectReply('已设置收费标准'))
  await w.says('cc', '发起投票 更换门禁系统 选项 同意/反对 截止 2026-12-03 20:00').then((r) => r.expectReply('【投票 #1】'))
  const [p] = await w.db.db.select().from(polls).where(eq(polls.compoundId, xf.compoundId))
  pollId = p!.id
  await w.db.db.update(compounds).set({ createdAt: new Date('2026-11-01T00:00:00Z') })
  w.adapter.sent.length = 0
})
afterAll(async () => {
  Child.killAll()
  await server.drop()
})

describe('several instances on one database', () => {
  it('three processes, 100 skewed fires, one killed midway: one disclosure per chat and period, one billing per month, one poll close', async () => {
    const fires = fireTimes()
    expect(fires).toHaveLength(FIRES)
    const setupRows = await maxId(w.db, 'outbox') // the replies of the set-up above
    const names = Object.keys(SKEWS)
    const inst = Object.fromEntries(
      names.map((n) => [n, new Child(INSTANCE, fixtureEnv(server.url, { LINLI_SKEW_MS: String(SKEWS[n]), LINLI_NOW: fires[0] }))]),
    ) as Record<string, Child>
    await Promise.all(names.map((n) => inst[n]!.waitFor((l) => l.ready !== undefined, { ms: 120_000 })))
    const alive = new Set(names)
    let killedAt = 0
    const posted: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]))
    const started = Date.now()

    for (const [i, fire] of fires.entries()) {
      const ticking = [...alive]
      const marks = Object.fromEntries(ticking.map((n) => [n, inst[n]!.lines.length]))
      for (const n of ticking) inst[n]!.send({ fire })
      if (fire === KILL_FIRE) {
        // C dies in the middle of its tick: its clock (+11 s) is past the slot, so it is posting the week
        await inst.C!.waitFor((l) => l.ticking === fire, { from: marks.C })
        await new Promise((r) => setTimeout(r, KILL_AFTER_MS))
        killedAt = i + 1
        inst.C!.kill('SIGKILL')
        alive.delete('C')
        expect((await inst.C!.exited).signal).toBe('SIGKILL')
      }
      for (const n of [...alive]) {
        const done = await inst[n]!.waitFor((l) => l.ticked === fire, { from: marks[n], ms: 120_000 })
        const report = done.report as { disclosures: { chats: number }[]; errors: number }
        expect(report.errors, `${n} at ${fire}`).toBe(0)
        posted[n]! += report.disclosures.reduce((k, d) => k + d.chats, 0)
      }
    }
    const seconds = (Date.now() - started) / 1000
    expect(killedAt).toBeGreaterThan(30)
    expect(killedAt).toBeLessThan(70)

    // what C had claimed when it died is released by its lease (120 s): let it run out now, then deliver
    const claimed = await query<{ id: number }>(w.db, `SELECT id FROM outbox WHERE status = 'sending'`)
    const claimedByC = claimed.length
    await query(w.db, `UPDATE outbox SET claimed_until = now() - interval '1 second' WHERE status = 'sending'`)
    const mark = inst.A!.lines.length
    inst.A!.send({ flush: true })
    await inst.A!.waitFor((l) => l.flushed !== undefined, { from: mark })
    for (const n of alive) inst[n]!.endInput()
    for (const n of alive) expect((await inst[n]!.exited).code, inst[n]!.stderr).toBe(0)

    // exactly one disclosure per chat and period: all of them, none twice
    const db = w.db.db
    const rows = await db.select().from(disclosures)
    const chatsOf = { [xf.compoundId]: 2, [hp.compoundId]: 1 }
    const expected = [...WEEKS.map((p) => ['week', p]), ...MONTHS.map((p) => ['month', p]), ...YEARS.map((p) => ['year', p])]
    const key = (r: { compoundId: number; chatId: number; periodKind: string; period: string }) => `${r.compoundId}:${r.chatId}:${r.periodKind}:${r.period}`
    expect(new Set(rows.map(key)).size).toBe(rows.length)
    for (const c of [xf.compoundId, hp.compoundId]) {
      const mine = rows.filter((r) => r.compoundId === c)
      expect(mine.length, `disclosures of compound ${c}`).toBe(expected.length * chatsOf[c]!)
      for (const [kind, period] of expected) expect(mine.filter((r) => r.periodKind === kind && r.period === period).length, `${c} ${kind} ${period}`).toBe(chatsOf[c])
    }
    expect(posted.A! + posted.B! + posted.C!).toBeLessThanOrEqual(rows.length) // C's last tick may have died before it reported

    // every outbox row delivered exactly once across the three processes
    const all = await db.select().from(outbox).where(sql`${outbox.id} > ${setupRows}`)
    expect(all.filter((r) => r.status !== 'sent').map((r) => `${r.id} ${r.status} ${r.dedupeKey}`)).toEqual([])
    const sendKey = (target: string, text: string, image: boolean) => `${target}|${image ? 'img' : 'txt'}|${text}`
    const deliveries = new Map<string, number>()
    for (const n of names) for (const s of inst[n]!.sent) deliveries.set(sendKey(s.chat ? `chat:${s.chat}` : `user:${s.user}`, s.text, s.image === true), (deliveries.get(sendKey(s.chat ? `chat:${s.chat}` : `user:${s.user}`, s.text, s.image === true)) ?? 0) + 1)
    const wanted = new Map<string, number>()
    for (const r of all) {
      const k = sendKey(`${r.targetKind}:${r.targetId}`, r.text, r.image !== null)
      wanted.set(k, (wanted.get(k) ?? 0) + 1)
    }
    // A row C had sent but not yet recorded as sent when it died goes out again: delivery to a chat platform is
    // at least once across a SIGKILL between the send and its record. Only such rows may show twice.
    const inFlight = new Set<string>()
    const cSent = new Set(inst.C!.sent.map((x) => sendKey(x.chat ? `chat:${x.chat}` : `user:${x.user}`, x.text, x.image === true)))
    for (const r of all) {
      const k = sendKey(`${r.targetKind}:${r.targetId}`, r.text, r.image !== null)
      if (claimed.some((c) => c.id === r.id) && cSent.has(k)) inFlight.add(k)
    }
    for (const [k, n] of wanted) expect(deliveries.get(k) ?? 0, k.slice(0, 120)).toBe(n + (inFlight.has(k) ? 1 : 0))
    expect([...deliveries.values()].reduce((a, b) => a + b, 0)).toBe(all.length + inFlight.size)
    const disclosureRows = all.filter((r) => r.dedupeKey?.startsWith('disclosure:'))
    for (const r of rows) {
      const prefix = `disclosure:${r.compoundId}:${r.chatId}:${r.periodKind}:${r.period}:`
      const parts = disclosureRows.filter((x) => x.dedupeKey!.startsWith(prefix))
      expect(parts.filter((x) => x.image !== null), prefix).toHaveLength(1)
      expect(parts.length, prefix).toBeGreaterThanOrEqual(2)
    }

    // one billing per month: one charge per household, fee schedule and month, for the three months
    const charges = await db.select().from(ledgerEntries).where(eq(ledgerEntries.kind, 'charge'))
    const perKey = new Map<string, number>()
    for (const c of charges) perKey.set(c.billingKey!, (perKey.get(c.billingKey!) ?? 0) + 1)
    expect([...perKey.values()].every((n) => n === 1)).toBe(true)
    const months = new Set(charges.map((c) => c.billingKey!.split(':').at(-1)))
    expect([...months].sort()).toEqual(BILLED_MONTHS)
    const expectedCharges = BILLED_MONTHS.length * (12 * 2 + 6 * 1)
    expect(charges).toHaveLength(expectedCharges)
    const perHouseholdMonth = await query<{ n: number; schedules: number }>(
      w.db,
      `SELECT count(*)::int AS n, count(DISTINCT split_part(billing_key, ':', 2))::int AS schedules FROM ledger_entries WHERE kind = 'charge'
       GROUP BY household_id, split_part(billing_key, ':', 4)`,
    )
    expect(perHouseholdMonth.every((r) => r.n === r.schedules)).toBe(true)
    for (const c of [xf.compoundId, hp.compoundId]) expect((await verifyCompoundLedger(db, c)).ok).toBe(true)

    // one poll close, its result posted once per chat
    const [poll] = await db.select().from(polls).where(eq(polls.id, pollId))
    expect(poll!.status).toBe('closed')
    expect(poll!.closedAt!.getTime()).toBeGreaterThanOrEqual(new Date('2026-12-03T12:00:00Z').getTime() - 32_000)
    const closes = all.filter((r) => r.dedupeKey?.startsWith(`poll-closed:${pollId}:`))
    expect(closes).toHaveLength(2)
    for (const r of closes) expect(deliveries.get(sendKey(`chat:${r.targetId}`, r.text, false))).toBe(1)
    const reminders = all.filter((r) => r.dedupeKey?.startsWith(`poll-remind:${pollId}:`) && r.targetKind === 'chat')
    expect(new Set(reminders.map((r) => r.dedupeKey)).size).toBe(reminders.length)

    figures(
      `several instances: 3 processes (skews −30 s, +30 s, +11 s, ±2 s jitter), ${FIRES} fires in ${seconds.toFixed(0)} s, C SIGKILLed mid-tick at fire ${killedAt} (${KILL_FIRE}) ` +
        `(${claimedByC} rows left claimed, ${inFlight.size} of them sent but not recorded → sent again) → ${rows.length} disclosures = 3 chats × ${expected.length} periods, each once ` +
        `(posted by A ${posted.A}, B ${posted.B}, C ${posted.C}), ${disclosureRows.length} disclosure messages, ${disclosureRows.filter((r) => deliveries.get(sendKey(`${r.targetKind}:${r.targetId}`, r.text, r.image !== null)) === 1).length} delivered exactly once; ` +
        `billing ${BILLED_MONTHS.length} months → ${charges.length} charges, 1 per household, fee and month; poll #1 closed once, result posted once to each of 2 chats; ` +
        `${all.length} outbox rows, ${all.length + inFlight.size} deliveries`,
    )
  })
})
