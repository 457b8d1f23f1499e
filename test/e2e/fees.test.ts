// A month of money in the console sandbox (JSON lines, child processes) as the committee would run it:
// set a fee, bill the month from the CLI (twice: it bills once), record payments and an expense,
// a resident asks privately what they owe, anyone prints the ledger and verifies the chain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { childEnv, jsonLines, runCli, script, tempDir } from '../helpers/cli.ts'
import { serverDatabase } from '../helpers/server-db.ts'

let server: Awaited<ReturnType<typeof serverDatabase>>
beforeAll(async () => {
  server = await serverDatabase()
})
afterAll(async () => {
  await server.drop()
})

const HEAD = '王主任'

describe('fees and the ledger in the sandbox', { timeout: 300_000 }, () => {
  it('runs a month of money', async () => {
    const dir = tempDir('linli-fees-')
    const env = childEnv(dir, { DATABASE_URL: server.url, LINLI_NOW: '2026-11-23T02:00:00Z' })
    const sandbox = (lines: object[]) => runCli(['sandbox', '--jsonl', '--demo', '--data-dir', dir], { env, input: script(lines) })

    // 1. the head sets the fee; a resident binds and is verified
    const first = await sandbox([
      { from: HEAD, text: '收费标准 物业费 0.80 每平米每月', id: 'a1' },
      { from: 'u1', name: '张三', text: '绑定 1-1-101', id: 'a2' },
      { from: HEAD, text: '认证 @张三', id: 'a3' },
      { from: HEAD, text: '收费标准', id: 'a4' },
    ])
    expect(first.code, first.stderr).toBe(0)
    const out1 = jsonLines(first.stdout)
    expect(out1).toContainEqual({ chat: 'g1', text: '已设置收费标准：物业费 ¥0.80 每平米每月，从 2026-11 起，每月出账，每月月底到期。' })
    expect(out1).toContainEqual({ chat: 'g1', text: '已认证：张* → 1-1-101（业主）。' })
    expect(out1).toContainEqual({ chat: 'g1', text: '收费标准：\n• 物业费 ¥0.80 每平米每月，2026-11 起，每月月底到期' })

    // 2. the operator bills November; a second run bills nothing more
    const bill = await runCli(['bill', '--compound', '幸福里小区', '--month', '2026-11'], { env })
    expect(bill.code, bill.stderr).toBe(0)
    expect(bill.stdout).toMatch(
      /billed 2026-11 for "幸福里小区": 40 new charge\(s\) totalling ¥[\d,]+\.\d\d, 0 already billed; 1 schedule\(s\), 40 household\(s\); due 2026-11-30/,
    )
    const again = await runCli(['bill', '--compound', '幸福里小区', '--month', '2026-11'], { env })
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toContain('0 new charge(s) totalling ¥0.00, 40 already billed')
    // bad arguments: exit 2 with the usage
    const bad = await runCli(['bill', '--compound', '幸福里小区', '--month', '2026-13'], { env })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('usage: linli bill --compound <name> [--month YYYY-MM]')
    const unknown = await runCli(['bill', '--compound', '不存在小区'], { env })
    expect(unknown.code).toBe(2)

    // 3. payments, an expense, a private fee query, the ledger and its verification
    const second = await sandbox([
      { from: HEAD, name: HEAD, text: '缴费 1-1-101 60', id: 'b1' },
      { from: HEAD, text: '缴费 1-1-102 50 先交一部分', id: 'b2' },
      { from: HEAD, text: '支出 300 楼道保洁', id: 'b3' },
      { from: 'u1', name: '张三', text: '查费', id: 'b4' },
      { from: 'u2', name: '李四', text: '查费 1-1-101', id: 'b5' },
      { from: 'u2', text: '缴费 1-1-101 60', id: 'b6' },
      { from: 'u9', name: '路人', text: '账目', id: 'b7' },
      { from: 'u9', text: '核验', id: 'b8' },
      { from: HEAD, text: '欠费', id: 'b9' },
    ])
    expect(second.code, second.stderr).toBe(0)
    const out2 = jsonLines(second.stdout)
    const group = out2.filter((o) => o.chat === 'g1').map((o) => o.text)
    const to = (user: string) => out2.filter((o) => o.user === user).map((o) => o.text)

    // the recorder gets the receipts privately; the group only that they were recorded
    expect(to(HEAD)[0]).toBe(['已登记 1-1-101 缴费 ¥60.00（流水 #41）。', '已出账：¥60.00', '已缴：¥60.00', '已结清，不欠费。'].join('\n'))
    expect(to(HEAD)[1]).toContain('欠费：¥21.60')
    expect(group.filter((t) => t === '@王* 已登记，回执已私信给你。')).toHaveLength(2)
    expect(group).toContain('已登记支出 ¥300.00：楼道保洁（保洁，流水 #43）。\n如有收据，请在 2 分钟内发送照片，我会附到这笔支出上。')

    // the resident's own balance, privately
    expect(group).toContain('@张* 已私信回复你。')
    // first the payer's receipt of b1 (张三 is the verified owner of 1-1-101), then the answer to 查费
    expect(to('u1')).toHaveLength(2)
    expect(to('u1')[0]).toMatch(/^缴费回执：1-1-101 缴费 ¥60\.00，流水 #41，王主任 11-23 10:00 登记。\n账本链头 [0-9a-f]{12}（发送「核验 41」可核对）。\n已结清，不欠费。$/)
    expect(to('u1')[1]).toContain('1-1-101 费用（截至 2026-11-23）\n已出账：¥60.00\n已缴：¥60.00\n已结清，不欠费。')
    expect(to('u1')[1]).toContain('• 2026-11-23 ¥60.00（流水 #41）')

    // someone else's household and a resident recording a payment: refused, nothing shown
    expect(group).toContain('只能查询自己家的费用：1-1-101 不是你已认证绑定的房屋。')
    expect(group).toContain('只有收费员可以这样做。')
    expect(to('u2')).toEqual([])

    // the public ledger: totals, categories, balance, chain head; no household in it
    const ledger = group.find((t) => t.startsWith('幸福里小区 账目'))!
    expect(ledger).toContain('幸福里小区 账目：2026年11月（2026-11-01 至 2026-11-30）')
    expect(ledger).toContain('收缴费用：¥110.00（2 户）')
    expect(ledger).toContain('支出：¥300.00\n  · 保洁 ¥300.00')
    expect(ledger).toContain('期末结余：-¥190.00')
    expect(ledger).toMatch(/链头 [0-9a-f]{12}（共 43 条/)
    expect(ledger).not.toMatch(/\d+-\d+-\d{3}/)
    const head = /链头 ([0-9a-f]{12})/.exec(ledger)![1]
    expect(group).toContain(`账本校验通过：共 43 条，链头 ${head}。`)

    // arrears, privately to the head: November's bills fall due at the end of November, so on the 23rd nobody is
    // in arrears; 39 households have bills not yet due (1-1-101 paid in full)
    expect(to(HEAD)[2]).toMatch(/^目前没有欠费的住户。\n尚未到期的账单：39 户，共 ¥[\d,]+\.\d\d（不计入欠费）。$/)

    // the group never saw a household's amount
    for (const t of group.filter((t) => !t.startsWith('幸福里小区 账目') && !t.startsWith('已登记支出'))) expect(t).not.toContain('¥')
  })
})
