// CSV export of a period's ledger for the bulletin board (`linli export`, issue 12 item 5): every entry in chain
// order with its hash; the room filled on every household entry; bills (应收) and cash (实收/支出) in separate
// columns, so the cash column sums exactly to the closing minus the opening balance; formula injection closed in
// every field; names and phone numbers masked like the summary.
import { eq, sql } from 'drizzle-orm'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { periodTotals } from '../../db/ledger-sums.ts'
import { compounds } from '../../db/schema.ts'
import { periodFromKey } from '../../src/domain/calendar.ts'
import { ledgerCsv, ledgerCsvData } from '../../src/disclosure/csv.ts'
import { billMonth } from '../../src/services/fees.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { ROSTER_HEADER, townWorld } from '../helpers/fixtures.ts'
import { TestClock } from '../helpers/world.ts'

const dbs = useTestDatabases()

const HEADER_ZH = ['流水号', '时间', '类型', '类别', '房号', '应收', '到期日', '实收/支出', '结余', '摘要', '收付款方', '报修单', '冲正流水', '哈希']
const col = Object.fromEntries(HEADER_ZH.map((h, k) => [h, k])) as Record<string, number>

/** fen from a yuan cell ('' = 0) */
const fen = (cell: string | undefined) => {
  if (!cell) return 0n
  const m = /^(-?)(\d+)\.(\d\d)$/.exec(cell)
  if (!m) throw new Error(`not an amount: ${cell}`)
  return (m[1] ? -1n : 1n) * (BigInt(m[2]!) * 100n + BigInt(m[3]!))
}

async function setUp() {
  const { w, compoundId } = await townWorld(dbs, {
    clock: new TestClock(new Date('2026-11-09T02:00:00Z')),
    head: { id: 'boss', name: '王主任' },
    roster: `${ROSTER_HEADER}1,1,101,75.00,owner_occupied,王秀英\n1,1,102,89.50,owner_occupied,李建国\n`,
  })
  const [c] = await w.db.db.select().from(compounds).where(eq(compounds.id, compoundId))
  return { w, c: c! }
}

describe('ledger CSV', () => {
  it('bills and cash in separate columns: the cash rows sum to closing − opening; the room is filled; chain order and hashes', async () => {
    const { w, c } = await setUp()
    // the week before W47: a payment and an expense make a non-zero opening balance
    await w.says('boss', '缴费 1-1-102 500').then((r) => r.expectReply('¥500.00'))
    await w.says('boss', '支出 120 保洁').then((r) => r.expectReply('¥120.00'))
    // W47 (16–22 November): a bill, payments, an expense and its reversal, income, a reversed payment
    w.clock.set('2026-11-16T02:00:00Z')
    await w.says('boss', '收费标准 物业费 30 每户每月 截止 20日').then((r) => r.expectReply('物业费'))
    await billMonth(w.db.db, c.id, '2026-11', new Date('2026-11-16T02:30:00Z'))
    await w.says('boss', '缴费 1-1-101 30 王秀英交').then((r) => r.expectReply('¥30.00'))
    await w.says('boss', '支出 12.5 打印公示, 联系 "王秀英" 13812345678').then((r) => r.expectReply('¥12.50'))
    await w.says('boss', '冲正 6 录错了').then((r) => r.expectReply('冲正'))
    await w.says('boss', '收入 100 广告').then((r) => r.expectReply('¥100.00'))
    await w.says('boss', '缴费 1-1-102 45').then((r) => r.expectReply('¥45.00'))
    await w.says('boss', '冲正 9 金额录错').then((r) => r.expectReply('冲正'))
    await w.says('boss', '冲正 3 免收').then((r) => r.expectReply('冲正'))
    w.clock.set('2026-11-24T02:00:00Z') // next week: not in W47
    await w.says('boss', '收入 100 广告').then((r) => r.expectReply('¥100.00'))

    const week = periodFromKey('2026-W47', 'Asia/Shanghai')!
    const csv = await ledgerCsv(w.db.db, c, week)
    expect(csv.endsWith('\r\n')).toBe(true)
    const rows = parse(csv, { relax_column_count: false }) as string[][]
    expect(rows[0]).toEqual(HEADER_ZH)
    const [opening, ...rest] = rows.slice(1)
    const closing = rest.pop()!
    const body = rest
    // the entries of W47 in chain order (1 and 2 were the week before; 3–4 the bills)
    expect(body.map((r) => r[col['流水号']!])).toEqual(['3', '4', '5', '6', '7', '8', '9', '10', '11'])
    expect(body.map((r) => [r[col['类型']!], r[col['房号']!], r[col['应收']!], r[col['实收/支出']!]])).toEqual([
      ['出账', '1-1-101', '30.00', ''],
      ['出账', '1-1-102', '30.00', ''],
      ['缴费', '1-1-101', '', '30.00'],
      ['支出', '', '', '-12.50'],
      ['冲正', '', '', '12.50'],
      ['收入', '', '', '100.00'],
      ['缴费', '1-1-102', '', '45.00'],
      ['冲正', '1-1-102', '', '-45.00'],
      ['冲正', '1-1-101', '-30.00', ''],
    ])
    // a bill shows when it falls due; cash moves show the running balance
    expect(body[0]![col['到期日']!]).toBe('2026-11-20')
    expect(body[0]![col['结余']!]).toBe('')
    expect(body[0]![col['时间']!]).toBe('2026-11-16 10:30')
    expect(body[5]![col['摘要']!]).toBe('广告')

    // the sum rule: the cash column adds up to closing − opening, exactly, and the balance rows say so
    const totals = await periodTotals(w.db.db, c.id, week.from, week.to)
    expect(totals.openingFen).toBe(50000n - 12000n)
    const cash = body.reduce((s, r) => s + fen(r[col['实收/支出']!]), 0n)
    expect(cash).toBe(totals.closingFen - totals.openingFen)
    expect(opening![col['类型']!]).toBe('期初结余')
    expect(fen(opening![col['结余']!])).toBe(totals.openingFen)
    expect(closing[col['类型']!]).toBe('期末结余')
    expect(fen(closing[col['结余']!])).toBe(totals.closingFen)
    expect(fen(body.at(-2)![col['结余']!])).toBe(totals.closingFen) // the last cash row's running balance
    // the bills column is the period's net billing (periodTotals.chargesFen), and no balance row carries an amount
    expect(body.reduce((s, r) => s + fen(r[col['应收']!]), 0n)).toBe(totals.chargesFen)
    for (const r of [opening!, closing]) expect([r[col['应收']!], r[col['实收/支出']!]]).toEqual(['', ''])

    // hashes and reversals
    for (const r of body) expect(r[col['哈希']!]).toMatch(/^[0-9a-f]{64}$/)
    expect(body.at(-1)![col['冲正流水']!]).toBe('3')
    // privacy as in the summary: names and phones masked in free text
    expect(body[3]![col['摘要']!]).toBe('打印公示, 联系 "王*" ***')
    expect(csv).not.toMatch(/王秀英|李建国|13812345678/)

    // data and the count of entries for the CLI
    const data = await ledgerCsvData(w.db.db, c, week)
    expect(data).toMatchObject({ entries: 9, openingFen: totals.openingFen, closingFen: totals.closingFen })
    expect(data.csv).toBe(csv)

    // another period, and English headers
    await w.db.db.execute(sql`UPDATE compounds SET language = 'en'`)
    const [en] = await w.db.db.select().from(compounds)
    const next = parse(await ledgerCsv(w.db.db, en!, periodFromKey('2026-W48', 'Asia/Shanghai')!)) as string[][]
    expect(next[0]).toEqual(['serial', 'time', 'kind', 'category', 'room', 'billed', 'due', 'cash', 'balance', 'note', 'counterparty', 'ticket', 'reverses', 'hash'])
    expect(next.slice(1).map((r) => [r[2], r[3], r[7], r[8]])).toEqual([
      ['opening balance', '', '', '510.00'],
      ['income', 'advertising', '100.00', '610.00'],
      ['closing balance', '', '', '610.00'],
    ])
  })

  it('closes formula injection in every field a committee member can type', async () => {
    const { w, c } = await setUp()
    await w.says('boss', '支出 10 -1+HYPERLINK("http://evil.example","点我") 收款人 =cmd|calc').then((r) => r.expectReply('¥10.00'))
    await w.says('boss', '收入 20 @SUM(1+1) 付款方 +1+1').then((r) => r.expectReply('¥20.00'))
    await w.says('boss', '冲正 1 -0+cmd|x').then((r) => r.expectReply('冲正'))
    const csv = await ledgerCsv(w.db.db, c, periodFromKey('2026-W46', 'Asia/Shanghai')!)
    const rows = parse(csv) as string[][]
    const cells = rows.slice(1).flat()
    expect(cells).toContain('\'-1+HYPERLINK("http://evil.example","点我")')
    expect(cells).toContain("'=cmd|calc")
    expect(cells).toContain("'@SUM(1+1)")
    expect(cells).toContain("'+1+1")
    expect(cells).toContain("'-0+cmd|x")
    // no cell a spreadsheet would run: anything that starts like a formula is a plain number
    for (const cell of cells) if (/^[\s\u3000]*[=+\-@＝＋－＠]|^[\t\r]/u.test(cell)) expect(cell).toMatch(/^-\d+\.\d\d$/)
  })
})
