// The disclosure's set-based reads (src/disclosure/facts.ts) give, item by item, what the per-aggregate queries
// other commands print give (db/ledger-sums.ts periodTotals / balanceAt / arrearsOf, db/ledger.ts ledgerHead, ticketsInPeriod,
// pollsInPeriod, privateNamesOf); the batch (src/disclosure/batch.ts) posts once per chat and period like
// postDisclosure (the two can be mixed), scrubs group text like the outbox's enqueueReplies, and keeps going
// when one item or one chunk fails.
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setRole } from '../../db/compounds.ts'
import { upsertMember } from '../../db/members.ts'
import { appendLedgerEntries, type NewLedgerEntry } from '../../db/ledger.ts'
import { compounds, disclosures, households, outbox } from '../../db/schema.ts'
import { periodFromKey } from '../../src/domain/calendar.ts'
import { renderSummary } from '../../src/render/summary.ts'
import { postDisclosures } from '../../src/disclosure/batch.ts'
import { type DisclosureData, disclosureData, gatherDisclosure, gatherDisclosures } from '../../src/disclosure/build.ts'
import { gatherFacts } from '../../src/disclosure/facts.ts'
import { postDisclosure } from '../../src/disclosure/post.ts'
import { enqueueReplies } from '../../src/outbox/enqueue.ts'
import { importRoster, parseRoster } from '../../src/cli/roster.ts'
import { createTestDatabases, type TestDatabases } from '../helpers/db.ts'
import { TestClock, world } from '../helpers/world.ts'
import { comparable, factsByAggregate } from './disclosure-reference.ts'

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
    for (const x of [a, b]) await importRoster(w.db.db, x.id, parseRoster(ROSTER), w.clock.now())
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
    // the quiet compound's charges: due on 10 November (overdue within W47), with no due date (written before due
    // dates existed: due at the end of November, so not yet in W47 but in the month), and due after W47. Chained like
    // every entry: every 公示 checks the chain first and withholds the figures of a ledger that fails.
    const hs = await w.db.db.select().from(households).orderBy(households.id)
    const of = (compoundId: number) => hs.filter((h) => h.compoundId === compoundId)
    const chain = (compoundId: number, entries: Omit<NewLedgerEntry, 'compoundId'>[]) =>
      w.db.db.transaction((tx) => appendLedgerEntries(tx, compoundId, entries))
    const at = (iso: string) => new Date(iso)
    await chain(b.id, of(b.id).map((h) => ({ kind: 'charge', householdId: h.id, amountFen: 12345n, dueAt: at('2026-11-10T16:00:00Z'), recordedAt: at('2026-11-02T00:00:00Z') })))
    await chain(b.id, of(b.id).map((h) => ({ kind: 'charge', householdId: h.id, amountFen: 500n, billingKey: `fee:9:${h.id}:2026-11`, recordedAt: at('2026-11-03T00:00:00Z') })))
    await chain(b.id, of(b.id).map((h) => ({ kind: 'charge', householdId: h.id, amountFen: 700n, dueAt: at('2026-11-25T16:00:00Z'), recordedAt: at('2026-11-20T00:00:00Z') })))
    // 2-101 of the quiet compound pays its 10 November charge on 18 November (in W47, after W46)
    await chain(b.id, of(b.id).filter((h) => h.code === '2-101').map((h) => ({ kind: 'payment', householdId: h.id, amountFen: 12345n, recordedAt: at('2026-11-18T00:00:00Z') })))
    // and in the busy compound: billed on the last day of W47, due in December; one household paid part of it
    await chain(a.id, of(a.id).map((h) => ({ kind: 'charge', householdId: h.id, amountFen: 9900n, dueAt: at('2026-12-05T16:00:00Z'), recordedAt: at('2026-11-22T00:00:00Z') })))
    // older than the whole balance trend
    await chain(a.id, [{ kind: 'income', amountFen: 5000n, category: 'parking', recordedAt: at('2026-06-01T00:00:00Z') }])

    const now = new Date('2026-11-23T01:05:00Z')
    const fresh = await w.db.db.select().from(compounds).orderBy(compounds.id)
    const items = fresh.map((compound) => ({ compound, period: periodFromKey('2026-W47', compound.timeZone)!, late: compound.id === c.id }))
    // and the month of the busy compound in the same list (one compound, two periods), and a running week
    const more = [
      { compound: fresh[0]!, period: periodFromKey('2026-11', fresh[0]!.timeZone)! },
      { compound: fresh[0]!, period: periodFromKey('2026-W48', fresh[0]!.timeZone)! },
      // the quiet compound's running month, and W46 posted late (a 补发): its arrears as of its own end
      { compound: fresh[1]!, period: periodFromKey('2026-11', fresh[1]!.timeZone)! },
      { compound: fresh[1]!, period: periodFromKey('2026-W46', fresh[1]!.timeZone)!, late: true },
    ]
    const listed = [...items, ...more]
    const facts = await gatherFacts(w.db.db, listed, { now })
    for (const [k, item] of listed.entries()) {
      expect(comparable(facts[k]!), `${item.compound.name} ${item.period.key}`).toEqual(comparable(await factsByAggregate(w.db.db, item, now)))
    }
    expect(facts[3]!.expenses.length).toBeGreaterThan(0)
    expect(facts[4]!.repairs).toMatchObject({ opened: 0, open: 0 })
    // gatherDisclosures and gatherDisclosure build the same from those facts
    const many = await gatherDisclosures(w.db.db, items, { now })
    for (const [k, item] of items.entries()) {
      expect(many[k]).toEqual(disclosureData(item, facts[k]!, now))
      expect(await gatherDisclosure(w.db.db, item.compound, item.period, { now, late: item.late })).toEqual(many[k])
    }
    const busy = renderSummary(many[0]!.summary).join('\n')
    expect(busy).toMatch(/【幸福里 公示】2026年第47周[\s\S]*冲正流水[\s\S]*#1 路灯颜色[\s\S]*#2 换物业/)
    expect(busy).not.toMatch(/李建国|13812345678/)
    // as of the end of W47: only the charges due on 10 November (the others fall due later); 1-1-102 paid 120 of
    // its 123.45 on 9 November, 2-101 all of it on 18 November
    const due10 = '2026-11-10T16:00:00.000Z'
    const w47 = [
      ['1-1-101', 12345n, due10],
      ['1-1-102', 345n, due10],
    ]
    expect(facts[1]!.arrears.map((a) => [a.code, a.owedFen, a.overdueSince.toISOString()])).toEqual(w47)
    expect(many[1]!.summary.arrears).toMatchObject({ count: 2, totalFen: 12345n + 345n, asOf: items[1]!.period.to })
    // the running month, on 23 November: the same (the old charges fall due at the end of November, the other on the 25th)
    expect(facts[5]!.arrears.map((a) => [a.code, a.owedFen, a.overdueSince.toISOString()])).toEqual(w47)
    // W46 (9–15 November), posted late: as of its end 2-101 had not paid yet
    expect(facts[6]!.arrears.map((a) => [a.code, a.owedFen])).toEqual([
      ['1-1-101', 12345n],
      ['2-101', 12345n],
      ['1-1-102', 345n],
    ])
    // the busy compound: its December bill is not arrears
    expect(facts[0]!.arrears).toEqual([])
    expect(facts[3]!.arrears).toEqual([])
    expect(many[2]!.summary.chain.count).toBe(0)

    // posting: the compound already posted by postDisclosure gets nothing more; a second run posts nothing
    await postDisclosure(w.db.db, fresh.find((x) => x.id === b.id)!, items[1]!.period, { now, render: textOnly })
    const first = await postDisclosures(w.db.db, items, { now, render: textOnly, chunkSize: 2 })
    expect(first).toMatchObject({ compounds: 2, chats: 3, rows: 3, errors: 0 })
    expect(first.items.map((r) => [r.item.compound.id, r.chats, r.rows])).toEqual([[a.id, 2, 2], [b.id, 0, 0], [c.id, 1, 1]])
    expect(await postDisclosures(w.db.db, items, { now, render: textOnly })).toMatchObject({ compounds: 0, chats: 0, rows: 0, errors: 0 })
    const rows = await w.db.db.select().from(outbox).where(sql`${outbox.dedupeKey} LIKE 'disclosure:%'`).orderBy(outbox.id)
    expect(rows.map((r) => r.targetId).sort()).toEqual(['g1', 'g1b', 'g2', 'g3'])
    expect(rows.find((r) => r.targetId === 'g1')!.text).toBe(busy)
    const recorded = await w.db.db.select().from(disclosures)
    expect(recorded.map((d) => d.late).sort()).toEqual([false, false, false, true])
  })

  it('scrubs what goes to a group exactly as the outbox does for every other post (enqueueReplies)', async () => {
    const { w, list } = await compoundsWithChats(['g1'])
    const [c] = list
    await importRoster(w.db.db, c!.id, parseRoster(ROSTER), w.clock.now())
    // a renderer that leaks the roster's names and a phone number, in the text and in the chart's caption
    const leak = '收款人 李建国，王秀英代缴，业主张伟 电话 138-1234-5678'
    const leaky = () => ({ parts: [leak], chart: { png: new Uint8Array([1, 2, 3]), caption: `张伟 的收支图` } })
    const period = periodFromKey('2026-W47', c!.timeZone)!
    const res = await postDisclosures(w.db.db, [{ compound: c!, period }], { now: NOW, render: leaky })
    expect(res).toMatchObject({ chats: 1, rows: 2, errors: 0 })
    const posted = await w.db.db.select().from(outbox).where(sql`${outbox.dedupeKey} LIKE 'disclosure:%'`).orderBy(outbox.id)
    // the same texts through the outbox helper the other posts use (enqueueReplies → scrubGroupRows)
    const to = { to: 'chatOf' as const, platform: 'console' as const, chatId: 'g1' }
    await enqueueReplies(w.db.db, c!, [{ ...to, text: leak, dedupeKey: 'ref:1' }, { ...to, text: '张伟 的收支图', dedupeKey: 'ref:2' }], { now: NOW })
    const ref = await w.db.db.select().from(outbox).where(sql`${outbox.dedupeKey} LIKE 'ref:%'`).orderBy(outbox.id)
    expect(posted.map((r) => r.text)).toEqual(ref.map((r) => r.text))
    expect(posted.map((r) => r.text)).toEqual(['收款人 李*，王*代缴，业主张* 电话 ***', '张* 的收支图'])
    // and postDisclosure, which goes the same way, for the month
    const month = periodFromKey('2026-10', c!.timeZone)!
    expect(await postDisclosure(w.db.db, c!, month, { now: NOW, render: leaky })).toEqual({ chats: 1, rows: 2 })
    const monthly = await w.db.db.select().from(outbox).where(sql`${outbox.dedupeKey} LIKE ${`disclosure:%:month:2026-10:%`}`).orderBy(outbox.id)
    expect(monthly.map((r) => r.text)).toEqual(ref.map((r) => r.text))
  })

  it('leaves out an item that cannot be rendered, and a chunk that fails, and posts the rest; the next run posts them', async () => {
    const { w, list } = await compoundsWithChats(['g1', 'g2', 'g3'])
    const items = list.map((compound) => ({ compound, period: periodFromKey('2026-W47', compound.timeZone)! }))
    const broken = new Set([list[1]!.id])
    const render = (d: DisclosureData) => {
      if (broken.has(items.find((i) => i.compound.name === d.summary.compound.name)!.compound.id)) throw new Error('cannot draw')
      return textOnly(d)
    }
    const one = await postDisclosures(w.db.db, items, { now: NOW, render })
    expect(one).toMatchObject({ compounds: 2, chats: 2, errors: 1 })
    expect(one.items.map((r) => [r.chats, r.error === undefined])).toEqual([[1, true], [0, false], [1, true]])
    broken.clear()
    // the first of two chunks fails in its transaction (the database went away)
    let failures = 1
    const flaky = new Proxy(w.db.db, {
      get: (target, prop, receiver) =>
        prop === 'transaction' && failures-- > 0 ? () => Promise.reject(new Error('connection lost')) : Reflect.get(target, prop, receiver),
    })
    // the first compound gets another period due: its week 47 is posted, and a disclosure is never deleted
    const again = [{ ...items[0]!, period: periodFromKey('2026-W46', list[0]!.timeZone)! }, items[1]!, items[2]!]
    const two = await postDisclosures(flaky, again, { now: NOW, render: textOnly, chunkSize: 1 })
    expect(two).toMatchObject({ compounds: 1, chats: 1, errors: 1 })
    expect(two.items.map((r) => [r.item.compound.id, r.chats, String(r.error ?? '')])).toEqual([
      [list[0]!.id, 0, 'Error: connection lost'],
      [list[1]!.id, 1, ''],
      [list[2]!.id, 0, ''],
    ])
    expect(await postDisclosures(w.db.db, again, { now: NOW, render: textOnly })).toMatchObject({ compounds: 1, chats: 1, errors: 0 })
    expect((await w.db.db.select().from(disclosures)).length).toBe(4)
  })
})

const NOW = new Date('2026-11-23T01:05:00Z')

/** Compounds created in October, one per chat given (幸福里 1, 幸福里 2, …), each in its own group. */
async function compoundsWithChats(chatIds: string[]) {
  const w = await world(dbs, { clock: new TestClock(new Date('2026-11-09T02:00:00Z')) })
  for (const [k, chat] of chatIds.entries()) await (await w.says(`boss${k}`, `开通 幸福里${k + 1}`, { chat, admin: true })).expectReply('已开通')
  await w.db.db.execute(sql`UPDATE compounds SET created_at = '2026-10-01T00:00:00Z'`)
  const list = await w.db.db.select().from(compounds).orderBy(compounds.id)
  return { w, list }
}
