// The scheduler's daily work set-based (src/scheduler/daily.ts): billing many compounds at once writes the very
// ledger entries, chain hashes included, that billing them one by one writes; the first tick of a day costs the
// same statements for 3 compounds as for 30 with bills, overdue tickets and legal flags in every one; the
// daily runs are kept 90 days; the outbox drops sent pictures after two days and sent replies after 90.
import { and, asc, eq, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { verifyCompoundLedger } from '../../db/ledger-check.ts'
import { appendLedgerEntry } from '../../db/ledger.ts'
import { compounds, jobRuns, ledgerEntries, outbox } from '../../db/schema.ts'
import { monthKeyOf } from '../../src/domain/calendar.ts'
import { billCurrentMonths, billMonthTx } from '../../src/services/fees.ts'
import { JOB_RUNS_KEEP_DAYS, OUTBOX_BYTES_KEEP_DAYS, OUTBOX_ROWS_KEEP_DAYS, runDue } from '../../src/scheduler/tick.ts'
import { useTestDatabases } from '../helpers/db.ts'

const dbs = useTestDatabases()

/** Tuesday 2026-12-01 09:05 in Shanghai: the first day of a month, the daily jobs' hour; no disclosure due */
const TUE_0905 = new Date('2026-12-01T01:05:00Z')
/** at TUE_0905 the daily hour has come in each (New York: the evening before, still November) */
const ZONES = ['Asia/Shanghai', 'America/New_York', 'Asia/Taipei', 'Asia/Tokyo']
const noDisclosures = { disclosure: { weekly: false, monthly: false, yearly: false } }

/**
 * `n` compounds created in 2025, each with a group, 4 households, a head and a committee member, two fee schedules
 * (every third compound none), a payment already in the ledger, an overdue repair ticket and a poll closed four
 * days ago whose result never reached a chat.
 */
async function world(db: Database, n: number): Promise<void> {
  const x = (q: ReturnType<typeof sql>) => db.db.execute(q)
  await x(sql`INSERT INTO compounds (name, time_zone, settings, created_at)
    SELECT '小区' || i, (${sql.raw(`ARRAY['${ZONES.join("','")}']`)})[1 + i % ${ZONES.length}], ${JSON.stringify(noDisclosures)}::jsonb, timestamptz '2025-06-01T00:00:00Z'
    FROM generate_series(1, ${n}) AS i`)
  await x(sql`INSERT INTO chats (compound_id, platform, platform_chat_id) SELECT id, 'console', 'g' || id FROM compounds`)
  await x(sql`INSERT INTO households (compound_id, building, unit, room, code, area_centi_m2, owner_name)
    SELECT c.id, '1', '1', r::text, '1-1-' || r, 6000 + r * 137 + c.id, '业主' || c.id || '_' || r FROM compounds c, generate_series(101, 104) r`)
  await x(sql`INSERT INTO members (platform, platform_user_id, display_name)
    SELECT 'console', 'm' || c.id || '_' || k, '委员' || c.id || '_' || k FROM compounds c, generate_series(1, 2) k`)
  await x(sql`INSERT INTO roles (compound_id, member_id, role)
    SELECT c.id, m.id, CASE WHEN m.platform_user_id LIKE '%\\_1' THEN 'head' ELSE 'committee' END
    FROM compounds c JOIN members m ON m.platform_user_id LIKE 'm' || c.id || '\\_%'`)
  await x(sql`INSERT INTO fee_schedules (compound_id, name, basis, rate_fen, start_month, due_day, created_at)
    SELECT c.id, '物业费', 'per_m2_month', 150 + c.id, '2026-01', CASE WHEN c.id % 2 = 0 THEN 15 END, timestamptz '2026-01-01T00:00:00Z' FROM compounds c WHERE c.id % 3 <> 0
    UNION ALL
    SELECT c.id, '垃圾费', 'per_household_month', 1000, '2026-06', NULL, timestamptz '2026-01-01T00:00:00Z' FROM compounds c WHERE c.id % 3 <> 0`)
  await x(sql`INSERT INTO tickets (compound_id, no, reporter_member_id, description, status, created_at, updated_at)
    SELECT c.id, 1, (SELECT min(r.member_id) FROM roles r WHERE r.compound_id = c.id), '楼道灯不亮', 'open',
      timestamptz '2026-11-10T00:00:00Z', timestamptz '2026-11-10T00:00:00Z' FROM compounds c`)
  await x(sql`INSERT INTO polls (compound_id, no, title, options, deadline, status, created_at, closed_at)
    SELECT c.id, 1, '旧投票', '["同意","反对"]'::jsonb, timestamptz '2026-11-26T00:00:00Z', 'closed', timestamptz '2026-11-10T00:00:00Z',
      timestamptz '2026-11-26T00:00:00Z' FROM compounds c`)
  const all = await db.db.select().from(compounds).orderBy(asc(compounds.id))
  for (const c of all) {
    await db.db.transaction(async (tx) => {
      const [h] = await tx.execute(sql`SELECT id FROM households WHERE compound_id = ${c.id} ORDER BY id LIMIT 1`).then((r) => (r as { rows?: unknown[] }).rows ?? (r as unknown as unknown[]))
      await appendLedgerEntry(tx, { compoundId: c.id, kind: 'payment', householdId: Number((h as { id: unknown }).id), amountFen: 50_000n, recordedAt: new Date('2026-11-05T03:00:00Z') })
    })
  }
}

const ledgerOf = (db: Database) =>
  db.db
    .select({
      compoundId: ledgerEntries.compoundId,
      serial: ledgerEntries.serial,
      kind: ledgerEntries.kind,
      householdId: ledgerEntries.householdId,
      amountFen: ledgerEntries.amountFen,
      note: ledgerEntries.note,
      billingKey: ledgerEntries.billingKey,
      dueAt: ledgerEntries.dueAt,
      recordedAt: ledgerEntries.recordedAt,
      hash: ledgerEntries.hash,
    })
    .from(ledgerEntries)
    .orderBy(asc(ledgerEntries.compoundId), asc(ledgerEntries.serial))

describe('the daily jobs, set-based', () => {
  it('bills many compounds at once with the same entries and chain hashes as billing them one by one', async () => {
    const one = await dbs.fresh()
    const many = await dbs.fresh()
    for (const db of [one, many]) await world(db, 12)
    const list = await one.db.select().from(compounds).orderBy(asc(compounds.id))
    for (const now of [new Date('2026-11-30T20:00:00Z'), TUE_0905]) {
      // one by one, as `linli bill` does (the month of each compound's own time zone: New York is still in November)
      for (const c of list) await one.db.transaction((tx) => billMonthTx(tx, c.id, monthKeyOf(now, c.timeZone), now))
      const bills = await many.db.transaction((tx) => billCurrentMonths(tx, list, now))
      expect([...bills.keys()]).toEqual(list.filter((c) => c.id % 3 !== 0).map((c) => c.id))
    }
    const expected = await ledgerOf(one)
    expect(expected.filter((e) => e.kind === 'charge').length).toBeGreaterThan(40)
    expect(await ledgerOf(many)).toEqual(expected)
    for (const c of list) expect(await verifyCompoundLedger(many.db, c.id)).toMatchObject({ ok: true })
    // again: everything is billed already
    const again = await many.db.transaction((tx) => billCurrentMonths(tx, list, TUE_0905))
    for (const b of again.values()) expect(b.charged).toBe(0)
    expect(await ledgerOf(many)).toEqual(expected)
  })

  it('the first tick of a day runs the same statements for 3 compounds as for 30, and does every compound’s work once', async () => {
    const cost = async (n: number) => {
      let recording = false
      const seen: string[] = []
      const db = await dbs.fresh({ onQuery: (q) => recording && seen.push(q) })
      await world(db, n)
      recording = true
      const first = await runDue(db.db, TUE_0905, { instance: 'a' })
      recording = false
      expect(first.errors).toBe(0)
      // every compound with a schedule billed (two schedules, four households), the committee told about the overdue
      // ticket and the unposted result (two messages to each of two members)
      expect(first.billed).toHaveLength(n - Math.floor(n / 3))
      for (const b of first.billed) expect(b.charged).toBe(8)
      expect(first.committeeMessages).toBe(4 * n)
      // later that day, on another instance: nothing twice
      const later = await runDue(db.db, new Date(TUE_0905.getTime() + 3_600_000), { instance: 'b' })
      expect([later.billed, later.committeeMessages, later.errors]).toEqual([[], 0, 0])
      const rows = await db.db.select({ n: sql<number>`count(*)::int` }).from(outbox).where(sql`${outbox.targetKind} = 'user'`)
      expect(rows[0]!.n).toBe(4 * n)
      return seen.length
    }
    const small = await cost(3)
    const large = await cost(30)
    expect(large).toBe(small)
  })

  it(`keeps the daily runs ${JOB_RUNS_KEEP_DAYS} days: the tick that does a day's work forgets older ones`, async () => {
    const db = await dbs.fresh()
    await world(db, 2)
    const day = 86_400_000
    const old = new Date(TUE_0905.getTime() - (JOB_RUNS_KEEP_DAYS + 1) * day)
    const kept = new Date(TUE_0905.getTime() - (JOB_RUNS_KEEP_DAYS - 1) * day)
    await db.db.insert(jobRuns).values([
      { job: 'bill', fireKey: '1:2026-08-31', instance: 'x', startedAt: old, finishedAt: old },
      { job: 'repair-overdue', fireKey: '1:2026-08-31', instance: 'x', startedAt: old, finishedAt: old },
      { job: 'bill', fireKey: '1:2026-09-02', instance: 'x', startedAt: kept, finishedAt: kept },
    ])
    await runDue(db.db, TUE_0905, { instance: 'a' })
    const left = await db.db.select().from(jobRuns).where(and(eq(jobRuns.instance, 'x')))
    expect(left.map((r) => `${r.job} ${r.fireKey}`).sort()).toEqual(['bill 1:2026-09-02'])
    // the day's runs of both compounds are there (compound 1 in New York: still 11-30)
    const today = await db.db.select().from(jobRuns).where(sql`${jobRuns.instance} = 'a'`)
    expect(today.map((r) => `${r.job} ${r.fireKey}`).sort()).toEqual(
      ['bill', 'legal-calendar', 'poll-remind', 'repair-overdue'].flatMap((j) => [`${j} 1:2026-11-30`, `${j} 2:2026-12-01`]).sort(),
    )
  })

  it(`drops a sent row's picture after ${OUTBOX_BYTES_KEEP_DAYS} days and a sent reply after ${OUTBOX_ROWS_KEEP_DAYS}; keeps keyed and unsent rows`, async () => {
    const db = await dbs.fresh()
    await world(db, 1)
    const day = 86_400_000
    const ago = (days: number) => new Date(TUE_0905.getTime() - days * day)
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47])
    const row = (text: string, extra: Partial<typeof outbox.$inferInsert>) => ({ platform: 'console', targetKind: 'chat' as const, targetId: 'g1', text, ...extra })
    await db.db.insert(outbox).values([
      row('old chart', { image: png, status: 'sent', sentAt: ago(OUTBOX_BYTES_KEEP_DAYS + 1), dedupeKey: 'chart-old' }),
      row('new chart', { image: png, status: 'sent', sentAt: ago(OUTBOX_BYTES_KEEP_DAYS - 1), dedupeKey: 'chart-new' }),
      row('old csv', { file: png, fileName: 'a.csv', status: 'sent', sentAt: ago(OUTBOX_BYTES_KEEP_DAYS + 1) }),
      row('unsent chart', { image: png, status: 'failed', createdAt: ago(OUTBOX_ROWS_KEEP_DAYS + 5) }),
      row('old reply', { status: 'sent', sentAt: ago(OUTBOX_ROWS_KEEP_DAYS + 1) }),
      row('old keyed post', { status: 'sent', sentAt: ago(OUTBOX_ROWS_KEEP_DAYS + 1), dedupeKey: 'poll-closed:9:1' }),
      row('recent reply', { status: 'sent', sentAt: ago(OUTBOX_ROWS_KEEP_DAYS - 1) }),
    ])
    await runDue(db.db, TUE_0905, { instance: 'a' })
    const left = await db.db
      .select({ text: outbox.text, image: sql<number | null>`octet_length(${outbox.image})`, file: sql<number | null>`octet_length(${outbox.file})` })
      .from(outbox)
      .where(sql`${outbox.text} IN ('old chart', 'new chart', 'old csv', 'unsent chart', 'old reply', 'old keyed post', 'recent reply')`)
      .orderBy(asc(outbox.id))
    // emptied, not nulled: a row still says it carried a picture or a document
    expect(left).toEqual([
      { text: 'old chart', image: 0, file: null },
      { text: 'new chart', image: 4, file: null },
      { text: 'old csv', image: null, file: 0 },
      { text: 'unsent chart', image: 4, file: null },
      { text: 'old keyed post', image: null, file: null },
      { text: 'recent reply', image: null, file: null },
    ])
  })
})
