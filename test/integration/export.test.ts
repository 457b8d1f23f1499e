// CSV export of a period's ledger for the bulletin board: every entry in chain order with its hash,
// signed amounts, reversals naming what they reverse, and the summary's privacy rules.
import { eq, sql } from 'drizzle-orm'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compounds } from '../../db/schema.ts'
import { periodFromKey } from '../../src/domain/calendar.ts'
import { csvField, ledgerCsv } from '../../src/disclosure/csv.ts'
import { billMonth } from '../../src/ops/billing.ts'
import { importRoster, parseRoster } from '../../src/ops/roster.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { TestClock, world } from '../helpers/world.ts'

const dbs = useTestDatabases()

describe('ledger CSV', () => {
  it('lists the period in chain order with signed amounts and hashes; rooms only when public; names and phones masked', async () => {
    const w = await world(dbs, { clock: new TestClock(new Date('2026-11-16T02:00:00Z')) })
    await w.says('boss', '开通 幸福里', { admin: true, name: '王主任' }).then((r) => r.expectReply('已开通'))
    const [c] = await w.db.db.select().from(compounds)
    await importRoster(w.db.db, c!.id, parseRoster('building,unit,room,area_m2,occupancy,owner_name\n1,1,101,75.00,owner_occupied,王秀英\n'))
    await w.says('boss', '收费标准 物业费 30 每户每月').then((r) => r.expectReply('物业费'))
    await billMonth(w.db.db, c!.id, '2026-11', new Date('2026-11-16T02:30:00Z'))
    await w.says('boss', '缴费 1-1-101 30 王秀英交').then((r) => r.expectReply('¥30.00'))
    await w.says('boss', '支出 12.5 打印公示, 联系 "王秀英" 13812345678').then((r) => r.expectReply('¥12.50'))
    await w.says('boss', '冲正 3 录错了').then((r) => r.expectReply('冲正'))
    w.clock.set('2026-11-24T02:00:00Z') // next week: not in W47
    await w.says('boss', '收入 100 广告').then((r) => r.expectReply('¥100.00'))

    const week = periodFromKey('2026-W47', 'Asia/Shanghai')!
    const csv = await ledgerCsv(w.db.db, c!, week)
    expect(csv.endsWith('\r\n')).toBe(true)
    const rows = parse(csv, { relax_column_count: false }) as string[][]
    expect(rows[0]).toEqual(['流水号', '时间', '类型', '类别', '金额', '房号', '摘要', '收付款方', '报修单', '冲正流水', '哈希'])
    const body = rows.slice(1)
    expect(body.map((r) => r[0])).toEqual(['1', '2', '3', '4'])
    expect(body.map((r) => [r[2], r[4], r[5]])).toEqual([
      ['出账', '30.00', ''],
      ['缴费', '30.00', ''],
      ['支出', '-12.50', ''],
      ['冲正', '12.50', ''],
    ])
    expect(body[0]![1]).toBe('2026-11-16 10:30')
    expect(body[2]![6]).toBe('打印公示, 联系 "王*" ***')
    expect(body[3]![9]).toBe('3')
    for (const r of body) expect(r[10]).toMatch(/^[0-9a-f]{64}$/)
    expect(csv).not.toMatch(/王秀英|13812345678/)

    // the head made rooms public: charges and payments show the room
    await w.db.db.update(compounds).set({ settings: { arrearsRoomsPublic: true } }).where(eq(compounds.id, c!.id))
    const [pub] = await w.db.db.select().from(compounds)
    const rows2 = parse(await ledgerCsv(w.db.db, pub!, week)) as string[][]
    expect(rows2.slice(1).map((r) => r[5])).toEqual(['1-1-101', '1-1-101', '', ''])
    // another period, and English headers
    await w.db.db.execute(sql`UPDATE compounds SET language = 'en'`)
    const [en] = await w.db.db.select().from(compounds)
    const next = parse(await ledgerCsv(w.db.db, en!, periodFromKey('2026-W48', 'Asia/Shanghai')!)) as string[][]
    expect(next[0]![0]).toBe('serial')
    expect(next.slice(1).map((r) => [r[2], r[3], r[4]])).toEqual([['income', 'advertising', '100.00']])
  })

  it('quotes fields and defuses spreadsheet formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)")
    expect(csvField('-12.50')).toBe('-12.50')
    expect(csvField(null)).toBe('')
  })
})
