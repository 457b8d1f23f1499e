// End to end: `npm start` (the console sandbox in JSON lines) with its clock set past Monday 09:00 posts
// the weekly summary and its chart to the demo compound's chat, once; the next run does not post it again
// but 公示 posts one on demand; the operator CLI exports the period as CSV, lists the outbox and sets the
// schedule.
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pngSize } from '../../src/disclosure/chart.ts'
import { childEnv, jsonLines, runCli, script, tempDir } from '../helpers/cli.ts'
import { serverDatabase } from '../helpers/server-db.ts'

const NOW = '2026-11-23T09:05:00+08:00'

// PGlite under the data directory, or a database of its own on the server when DATABASE_URL is set
let server: Awaited<ReturnType<typeof serverDatabase>>
beforeAll(async () => {
  server = await serverDatabase()
})
const dirs: string[] = []
afterAll(async () => {
  await server.drop()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('e2e: scheduled disclosure in the sandbox', () => {
  it('posts the weekly summary with a chart once, 公示 on demand, and exports the ledger', { timeout: 300_000 }, async () => {
    const dir = tempDir('linli-disclosure-')
    dirs.push(dir)
    const env = childEnv(dir, { DATABASE_URL: server.url, LINLI_NOW: NOW })

    const first = await runCli(['start'], { env, input: '\n', timeoutMs: 120_000 })
    expect(first.code, first.stderr).toBe(0)
    const out1 = jsonLines(first.stdout)
    // the demo's month is behind the clock: the week before has real numbers, and the chart follows its summary
    const group1 = out1.filter((o) => o.chat === 'g1')
    const summary = group1.find((o) => o.text.startsWith('【幸福里小区 公示】2026年第47周（2026-11-16 至 2026-11-22）'))!
    expect(summary, first.stdout).toBeDefined()
    expect(summary.text).toMatch(/收缴费用：¥[1-9][\d,]*\.\d\d（\d+ 户）/)
    expect(summary.text).toMatch(/ {2}· 11-\d\d 维修 ¥350\.00 .*\[报修 #2\]/)
    expect(summary.text).not.toContain('本期无收支')
    expect(summary.text).toMatch(/账本链头 [0-9a-f]{12}（共 \d+ 条；发送「核验」可校验）/)
    const chart = group1.find((o) => o.text === '幸福里小区 2026年第47周 收支图')!
    expect(group1.indexOf(chart)).toBeGreaterThan(group1.indexOf(summary))
    const image = chart.image!
    expect(existsSync(image)).toBe(true)
    expect(pngSize(new Uint8Array(readFileSync(image)))).toEqual({ width: 1920, height: 1440 })
    const closingW47 = /期末结余：¥([\d,]+\.\d\d)/.exec(summary.text)![1]!.replace(/,/g, '')

    // restarted, same clock: the week is not posted again; the head records an expense and asks for 公示
    const second = await runCli(['start'], {
      env,
      input: script([
        { chat: 'g1', from: '王主任', text: '支出 150 楼道保洁 收款人 保洁公司', id: 'e1' },
        { chat: 'g1', from: '王主任', text: '公示', id: 'e2' },
      ]),
      timeoutMs: 120_000,
    })
    expect(second.code, second.stderr).toBe(0)
    const out2 = jsonLines(second.stdout)
    expect(out2.filter((o) => o.text.includes('2026年第47周'))).toEqual([])
    expect(out2.find((o) => o.text.includes('已登记支出'))!.text).toContain('已登记支出 ¥150.00')
    const onDemand = out2.find((o) => o.text.startsWith('【幸福里小区 公示】2026年第48周'))!
    expect(onDemand.text).toContain('（截至 2026-11-23 09:0')
    expect(onDemand.text).toMatch(/ {2}· 11-23 保洁 ¥150\.00 楼道保洁（收款方：保洁公司）/)
    expect(out2.at(-1)).toMatchObject({ chat: 'g1', text: '幸福里小区 2026年第48周 收支图' })
    expect(existsSync(out2.at(-1)!.image!)).toBe(true)

    const csv = await runCli(['export', '--compound', '幸福里小区', '--period', '2026-W48'], { env })
    expect(csv.code, csv.stderr).toBe(0)
    const lines = csv.stdout.trim().split('\r\n')
    // bills (应收) and cash (实收/支出) apart, between an opening and a closing balance row
    expect(lines[0]).toBe('流水号,时间,类型,类别,房号,应收,到期日,实收/支出,结余,摘要,收付款方,报修单,冲正流水,哈希')
    const opening = Number(closingW47)
    const after = (opening - 150).toFixed(2)
    expect(lines[1]).toBe(`,2026-11-23 00:00,期初结余,,,,,,${closingW47},,,,,`)
    expect(lines[2]).toMatch(new RegExp(`^\\d+,2026-11-23 09:0\\d,支出,保洁,,,,-150\\.00,${after.replace('.', '\\.')},楼道保洁,保洁公司,,,[0-9a-f]{64}$`))
    expect(lines[3]).toBe(`,2026-11-30 00:00,期末结余,,,,,,${after},,,,,`)
    const file = join(dir, 'w48.csv')
    const written = await runCli(['export', '--compound', '幸福里小区', '--period', '2026-W48', '--out', file], { env })
    expect(written.code, written.stderr).toBe(0)
    expect(written.stderr).toContain(`wrote 1 entries of 2026-W48 for "幸福里小区" to ${file}`)
    expect(readFileSync(file, 'utf8')).toBe(`\uFEFF${csv.stdout}`)

    const sent = await runCli(['outbox', '--status', 'sent', '--limit', '50'], { env })
    expect(sent.code, sent.stderr).toBe(0)
    expect(sent.stdout).toMatch(/\tsent\t1\tconsole:chat:g1\t.*\tdisclosure:1:1:week:2026-W47:1\t【幸福里小区 公示】2026年第47周/)
    expect(sent.stdout).toContain('disclosure:1:1:week:2026-W47:chart')

    // the operator moves the weekly post to Friday evening and switches the yearly one off
    const sched = await runCli(['schedule', '--compound', '幸福里小区', '--weekly', 'Fri 18:00', '--yearly', 'off'], { env })
    expect(sched.code, sched.stderr).toBe(0)
    expect(sched.stdout).toBe('disclosures of "幸福里小区" (Asia/Shanghai):\n  weekly: fri 18:00\n  monthly: 1 09:00\n  yearly: off\n')
  })
})
