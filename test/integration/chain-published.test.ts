// Issue 12 item 14: every 公示 records the chain head it published, and 核验 checks the chain and that every
// published head is still in it, so a deleted or rewritten tail is caught even when it was done with the triggers
// off. When the ledger fails verification, 账目, 公示 (on demand and scheduled) and the export say so instead of
// showing figures, and the committee is told privately, once per broken state. The cheap check 账目 and 公示 run
// recomputes only what is new, yet still sees an old entry edited in place.
import { eq, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { parseDisclosurePeriod } from '../../db/disclosure.ts'
import { appendLedgerEntries } from '../../db/ledger.ts'
import { type CheckStats, checkLedger, checkLedgers, forgetLedgerChecks, verifyCompoundLedger } from '../../db/ledger-check.ts'
import { compounds, disclosures, households, ledgerEntries, outbox } from '../../db/schema.ts'
import { verifiedExport } from '../../src/cli/disclosure.ts'
import { periodFromKey } from '../../src/domain/calendar.ts'
import { entryHash, GENESIS_HASH } from '../../src/domain/ledger-chain.ts'
import { postDisclosures } from '../../src/disclosure/batch.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { setUpTown } from '../helpers/fixtures.ts'
import { TestClock, type World, world } from '../helpers/world.ts'

const dbs = useTestDatabases()

const ROSTER = `building,unit,room,area_m2,occupancy,owner_name
3,2,201,89.50,owner_occupied,王秀英
3,2,202,75.00,rented,李建国
`

/** 幸福里 in chats g1 and g2; boss = head (王主任), cc = committee (老李), col = collector, u1 = a resident. */
async function setUp(name = '幸福里', w0?: World): Promise<{ w: World; compoundId: number }> {
  const w = w0 ?? (await world(dbs, { clock: new TestClock(new Date('2026-11-16T02:00:00Z')) }))
  const chat = name === '幸福里' ? 'g1' : `g-${name}`
  const { compoundId } = await setUpTown(w, {
    name,
    chat,
    head: { id: 'boss', name: '王主任' },
    createdAt: '2026-11-01T00:00:00Z',
    settings: { disclosure: { monthly: false, yearly: false } },
    chats: [{ id: `${chat}-b` }],
    roster: ROSTER,
    people: [
      { id: 'cc', name: '老李', role: 'committee' },
      { id: 'col', name: '小赵', role: 'collector' },
    ],
  })
  w.message('u1', '', { name: '赵小明' }) // a resident: a member once they speak
  return { w, compoundId }
}

/** What someone with database superuser rights can do: run statements with every trigger off. */
async function asSuperuser(w: World, ...statements: ReturnType<typeof sql>[]): Promise<void> {
  await w.db.db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL session_replication_role = replica`)
    for (const s of statements) await tx.execute(s)
  })
}

const hashOf = async (w: World, compoundId: number, serial: number) =>
  (await w.db.db.select().from(ledgerEntries).where(sql`${ledgerEntries.compoundId} = ${compoundId} AND ${ledgerEntries.serial} = ${serial}`))[0]!.hash

/** the committee's private alerts so far */
const alerts = (w: World) => w.adapter.sent.filter((s) => s.user && s.text.startsWith('【账本核验未通过】'))

describe('published chain heads', () => {
  it('a tail deleted with the triggers off after a 公示 fails 核验, naming the missing entry and the 公示; 账目, 公示 and export say so; the committee is told once', async () => {
    const { w, compoundId } = await setUp()
    for (const n of [100, 200, 300, 400]) await w.says('col', `缴费 3-2-201 ${n}`).then((r) => r.expectReply(`¥${n}.00`))
    w.clock.set('2026-11-18T02:00:00Z')
    const posted = await w.says('cc', '公示')
    const head4 = await hashOf(w, compoundId, 4)
    // the post shows the head, and every chat's row records exactly it
    expect(posted.replies.filter((r) => r.chat === 'g1' && !r.image).map((r) => r.text).join('\n')).toContain(`账本链头 ${head4.slice(0, 12)}（共 4 条`)
    const rows = await w.db.db.select().from(disclosures)
    expect(rows.map((r) => [r.chatId, r.chainSerial, r.chainHead, parseDisclosurePeriod(r.period)])).toEqual([
      [expect.any(Number), 4, head4, { key: '2026-W47', onDemand: true }],
      [expect.any(Number), 4, head4, { key: '2026-W47', onDemand: true }],
    ])
    await w.says('u1', '核验').then((r) => r.expectReply(`账本校验通过：共 4 条，链头 ${head4.slice(0, 12)}。`))
    w.clock.set('2026-11-19T02:00:00Z')
    await w.says('col', '缴费 3-2-202 500').then((r) => r.expectReply('¥500.00'))

    // entries 3, 4 and 5 deleted by a superuser: what is left (1, 2) is a valid chain
    await asSuperuser(w, sql`DELETE FROM ledger_entries WHERE compound_id = ${compoundId} AND serial >= 3`)
    expect(alerts(w)).toEqual([])
    const v = await w.says('u1', '核验')
    v.expectReply('账本校验失败：2026-11-18 10:00 即时发布的2026年第47周公示中的链头是流水 #4')
    v.expectReply(`#4（${head4.slice(0, 12)}），但账本现在只有 2 条：流水 #3 起的记录不见了。请委员会核查。`)
    v.expectReply('已私信通知委员会。')
    // head and committee member, privately, once
    expect(alerts(w).map((a) => a.user).sort()).toEqual(['boss', 'cc'])
    expect(alerts(w)[0]!.text).toContain('幸福里：2026-11-18 10:00 即时发布的2026年第47周公示中的链头是流水 #4')

    // 账目: what is wrong, no figures
    const ledger = await w.says('u1', '账目')
    ledger.expectReply('⚠️ 账本核验未通过：')
    ledger.expectReply('流水 #3 起的记录不见了')
    expect(ledger.text).not.toMatch(/¥|期末结余|链头 [0-9a-f]{12}（共/)
    // 公示 on demand: every chat gets the notice instead of the summary and chart; no head is recorded
    const again = await w.says('cc', '公示')
    expect(again.replies.filter((r) => r.chat).map((r) => r.chat).sort()).toEqual(['g1', 'g1-b'])
    for (const r of again.replies.filter((x) => x.chat)) {
      expect(r.image).toBeUndefined()
      expect(r.text).toContain('【幸福里 公示】2026年第47周\n⚠️ 账本核验未通过：')
      expect(r.text).not.toMatch(/¥|链头 [0-9a-f]{12}（共/)
    }
    expect(await w.db.db.select().from(disclosures)).toHaveLength(2)
    // the export refuses, or with --unverified starts with the warning
    const [c] = await w.db.db.select().from(compounds)
    const week = periodFromKey('2026-W47', c!.timeZone)!
    const refused = await verifiedExport(w.db.db, c!, week, { unverified: false, now: w.clock.now() })
    expect(refused.csv).toBeNull()
    expect(refused.problem).toContain('流水 #3 起的记录不见了')
    const forced = await verifiedExport(w.db.db, c!, week, { unverified: true, now: w.clock.now() })
    expect(forced.csv!.split('\r\n')[0]).toMatch(/^"账本核验未通过：.*流水 #3 起的记录不见了，以下数字不可信"$/)
    // one alert per broken state, whoever found it (核验, 账目, 公示, export)
    await w.app.dispatcher.flush()
    expect(alerts(w)).toHaveLength(2)
    const keys = await w.db.db.select({ key: outbox.dedupeKey }).from(outbox).where(sql`${outbox.dedupeKey} LIKE 'chain-broken:%'`)
    expect(keys).toHaveLength(2)
    for (const { key } of keys) expect(key).toMatch(new RegExp(`^chain-broken:${compoundId}:3:m\\d+$`))
  })

  it('entries rewritten with their hashes recomputed are caught by the head a scheduled 公示 published', async () => {
    const { w, compoundId } = await setUp()
    for (const n of [100, 200, 300]) await w.says('col', `缴费 3-2-201 ${n}`)
    // the scheduled weekly post of W47 on Monday 23 November 09:00
    w.clock.set('2026-11-23T01:05:00Z')
    const [c] = await w.db.db.select().from(compounds)
    const week = periodFromKey('2026-W47', c!.timeZone)!
    const res = await postDisclosures(w.db.db, [{ compound: c!, period: week }], { now: w.clock.now() })
    expect(res).toMatchObject({ chats: 2, errors: 0 })
    const head3 = await hashOf(w, compoundId, 3)
    const rows = await w.db.db.select().from(disclosures)
    expect(rows.map((r) => [r.period, r.chainSerial, r.chainHead])).toEqual([
      ['2026-W47', 3, head3],
      ['2026-W47', 3, head3],
    ])
    const text = (await w.db.db.select().from(outbox).where(sql`${outbox.dedupeKey} LIKE 'disclosure:%:1'`))[0]!.text
    expect(text).toContain(`账本链头 ${head3.slice(0, 12)}（共 3 条`)

    // entry 2's amount changed to 2 yuan, and 2 and 3 re-hashed so that the chain verifies again
    const entries = await w.db.db.select().from(ledgerEntries).where(eq(ledgerEntries.compoundId, compoundId)).orderBy(ledgerEntries.serial)
    let prev = entries[0]!.hash
    const forged: ReturnType<typeof sql>[] = []
    for (const e of entries.slice(1)) {
      const changed = e.serial === 2 ? { ...e, amountFen: 200n } : e
      const hash = entryHash(prev, changed)
      forged.push(sql`UPDATE ledger_entries SET amount_fen = ${changed.amountFen}, prev_hash = ${prev}, hash = ${hash} WHERE id = ${e.id}`)
      prev = hash
    }
    await asSuperuser(w, ...forged)
    const v = await verifyCompoundLedger(w.db.db, compoundId)
    expect(v).toMatchObject({ ok: false, reason: 'publishedChanged', firstBadSerial: 3, count: 3, actualHash: prev })
    await w.says('u1', '核验').then((r) =>
      r.expectReply(`账本校验失败：2026-11-23 09:05 发出的2026年第47周公示中流水 #3 的哈希是 ${head3.slice(0, 12)}，现在却是 ${prev.slice(0, 12)}：流水 #3 及以前的记录被改写过。`),
    )
    await w.says('u1', '账目').then((r) => r.expectReply('⚠️ 账本核验未通过：'))
    expect(alerts(w)).toHaveLength(2)
  })

  it('the scheduled batch posts a broken compound a notice (no head recorded) and the others their summary, and alerts once', async () => {
    const { w, compoundId: good } = await setUp('幸福里')
    const { compoundId: bad } = await setUp('和平里', w)
    await w.says('col', '缴费 3-2-201 100')
    await w.says('col', '缴费 3-2-201 100', { chat: 'g-和平里' })
    await w.says('col', '缴费 3-2-201 200', { chat: 'g-和平里' })
    // 和平里's entry 1 edited in place by a superuser, its stored hash left as it was
    await asSuperuser(w, sql`UPDATE ledger_entries SET amount_fen = 1 WHERE compound_id = ${bad} AND serial = 1`)
    const list = await w.db.db.select().from(compounds).orderBy(compounds.id)
    const items = (key: string) => list.map((compound) => ({ compound, period: periodFromKey(key, compound.timeZone)! }))
    const first = await postDisclosures(w.db.db, items('2026-W47'), { now: new Date('2026-11-23T01:05:00Z') })
    expect(first).toMatchObject({ compounds: 2, chats: 4, errors: 0 })
    const rows = await w.db.db.select().from(disclosures).orderBy(disclosures.id)
    expect(rows.map((r) => [r.compoundId, r.chainSerial])).toEqual([
      [good, 1],
      [good, 1],
      [bad, null],
      [bad, null],
    ])
    expect(rows.filter((r) => r.compoundId === bad).every((r) => r.chainHead === null)).toBe(true)
    const posts = await w.db.db.select().from(outbox).where(sql`${outbox.dedupeKey} LIKE 'disclosure:%'`).orderBy(outbox.id)
    const badPosts = posts.filter((p) => p.compoundId === bad)
    expect(badPosts).toHaveLength(2) // text only, one per chat: no chart
    for (const p of badPosts) {
      expect(p.image).toBeNull()
      expect(p.text).toBe(
        '【和平里 公示】2026年第47周\n⚠️ 账本核验未通过：流水 #1 的内容与它的哈希不符（记录被改动过）（此前 0 条正常）。\n' +
          '本期收支数字不可信，暂不公布；已私信通知委员会。发送「核验」可自行校验。',
      )
    }
    expect(posts.filter((p) => p.compoundId === good).some((p) => p.text.includes('账本链头'))).toBe(true)
    const alertRows = async () => w.db.db.select().from(outbox).where(sql`${outbox.dedupeKey} LIKE 'chain-broken:%'`)
    expect((await alertRows()).map((r) => [r.compoundId, r.targetKind, r.dedupeKey!.replace(/:m\d+$/, '')])).toEqual([
      [bad, 'user', `chain-broken:${bad}:1`],
      [bad, 'user', `chain-broken:${bad}:1`],
    ])
    // the next week: the same broken state, no second alert
    await postDisclosures(w.db.db, items('2026-W48'), { now: new Date('2026-11-30T01:05:00Z') })
    expect(await alertRows()).toHaveLength(2)
    expect((await w.db.db.select().from(disclosures)).filter((r) => r.compoundId === good).map((r) => r.chainSerial)).toEqual([1, 1, 1, 1])
  })

  it('an empty ledger publishes serial 0 and the genesis hash, and verifies', async () => {
    const { w, compoundId } = await setUp()
    await w.says('cc', '公示').then((r) => r.expectReply(`账本链头 ${GENESIS_HASH.slice(0, 12)}（共 0 条`))
    expect((await w.db.db.select().from(disclosures)).map((r) => [r.chainSerial, r.chainHead])).toEqual([
      [0, GENESIS_HASH],
      [0, GENESIS_HASH],
    ])
    expect(await verifyCompoundLedger(w.db.db, compoundId)).toEqual({ ok: true, count: 0, head: GENESIS_HASH })
    await w.says('col', '缴费 3-2-201 100')
    expect(await checkLedger(w.db.db, compoundId)).toMatchObject({ ok: true, count: 1 })
  })
})

describe('the cheap check (账目, 公示)', () => {
  it('recomputes only new entries, yet sees an old entry edited in place and a tail deleted', async () => {
    const { w, compoundId } = await setUp()
    const [c] = await w.db.db.select().from(compounds)
    const entries = Array.from({ length: 300 }, (_, i) => ({
      kind: 'payment' as const,
      amountFen: BigInt(100 + i),
      recordedAt: new Date(Date.UTC(2026, 10, 16, 3, i)),
    }))
    const [h] = await w.db.db.select().from(households).where(eq(households.compoundId, c!.id)).orderBy(households.id).limit(1)
    await w.db.db.transaction((tx) => appendLedgerEntries(tx, compoundId, entries.map((e) => ({ ...e, householdId: h!.id }))))

    forgetLedgerChecks() // a process that has not checked this compound yet: everything is recomputed once
    const stats = (): CheckStats => ({ hashed: 0, full: 0 })
    const s1 = stats()
    expect(await checkLedger(w.db.db, compoundId, s1)).toMatchObject({ ok: true, count: 300 })
    expect(s1.hashed).toBe(300)
    // nothing new: nothing recomputed
    const s2 = stats()
    expect(await checkLedger(w.db.db, compoundId, s2)).toMatchObject({ ok: true, count: 300, head: await hashOf(w, compoundId, 300) })
    expect(s2).toEqual({ hashed: 0, full: 0 })
    // one payment more: one entry recomputed, through the real command
    await w.says('col', '缴费 3-2-202 50').then((r) => r.expectReply('¥50.00'))
    const s3 = stats()
    expect(await checkLedger(w.db.db, compoundId, s3)).toMatchObject({ ok: true, count: 301 })
    expect(s3).toEqual({ hashed: 1, full: 0 })
    // 账目 checks too, and still shows the figures
    await w.says('u1', '账目').then((r) => r.expectReply(/期末结余/))

    // entry 7 edited in place, stored hash untouched: its row version changed, so the whole chain is recomputed
    await asSuperuser(w, sql`UPDATE ledger_entries SET note = '改过' WHERE compound_id = ${compoundId} AND serial = 7`)
    const s4 = stats()
    expect(await checkLedger(w.db.db, compoundId, s4)).toMatchObject({ ok: false, reason: 'hashMismatch', firstBadSerial: 7, count: 6 })
    expect(s4).toEqual({ hashed: 301, full: 1 })
    await w.says('u1', '账目').then((r) => r.expectReply('⚠️ 账本核验未通过：流水 #7 的内容与它的哈希不符（记录被改动过）（此前 6 条正常）'))
    // while nothing changes, the known failure is answered without recomputing
    const s5 = stats()
    expect(await checkLedger(w.db.db, compoundId, s5)).toMatchObject({ ok: false, firstBadSerial: 7 })
    expect(s5).toEqual({ hashed: 0, full: 0 })
  })

  it('a process that has not checked yet starts from the newest published head; many compounds in one go', async () => {
    const { w, compoundId } = await setUp()
    for (const n of [1, 2, 3, 4, 5]) await w.says('col', `缴费 3-2-201 ${n}`)
    await w.says('cc', '公示').then((r) => r.expectReply('共 5 条'))
    await w.says('col', '缴费 3-2-201 6')
    forgetLedgerChecks()
    const s = { hashed: 0, full: 0 }
    const res = await checkLedgers(w.db.db, [compoundId, compoundId, 999], s)
    expect(res.get(compoundId)).toMatchObject({ ok: true, count: 6, head: await hashOf(w, compoundId, 6) })
    // an unknown compound has an empty ledger
    expect(res.get(999)).toEqual({ ok: true, count: 0, head: GENESIS_HASH })
    expect(s).toEqual({ hashed: 1, full: 0 })
    // the published entry deleted (with what follows): caught without any cache
    forgetLedgerChecks()
    await asSuperuser(w, sql`DELETE FROM ledger_entries WHERE compound_id = ${compoundId} AND serial >= 5`)
    expect(await checkLedger(w.db.db, compoundId)).toMatchObject({ ok: false, reason: 'publishedMissing', firstBadSerial: 5, count: 4 })
  })
})
