// Removing a roster row end to end: the head's 删除房屋 in the console sandbox (JSON lines) and the operator's
// `linli roster remove`, as child processes on a compound set up by the CLI (the demo's data changes with it).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { childEnv, jsonLines, runCli, script, tempDir } from '../helpers/cli.ts'

const HEAD = '王主任'
const C = '东风小区'

describe('roster remove', { timeout: 300_000 }, () => {
  it('removes an unreferenced room from chat and from the CLI; refuses a referenced or unknown one', async () => {
    const dir = tempDir('linli-roster-')
    const env = childEnv(dir, { LINLI_NOW: '2026-11-23T02:00:00Z' })
    const csv = join(dir, 'roster.csv')
    writeFileSync(csv, 'building,unit,room,area_m2,occupancy,owner_name\n1,1,101,75.00,,王一\n1,1,102,89.50,,王二\n1,1,201,58.20,,王三\n')
    for (const args of [
      ['compound', 'create', C],
      ['roster', 'import', csv, '--compound', C],
      ['chat', 'link', 'console', 'g1', '--compound', C],
      ['role', 'grant', 'console', HEAD, 'head', '--compound', C, '--name', HEAD],
    ]) {
      const r = await runCli(args, { env })
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0)
    }
    const chat = await runCli(['sandbox', '--jsonl', '--data-dir', dir], {
      env,
      input: script([
        { from: HEAD, text: '缴费 1-1-101 60', id: 'r1' },
        { from: HEAD, text: '删除房屋 1-1-102', id: 'r2' },
        { from: HEAD, text: '删除房屋 1-1-101', id: 'r3' },
      ]),
    })
    expect(chat.code, chat.stderr).toBe(0)
    const out = jsonLines(chat.stdout).map((o) => o.text)
    expect(out).toContainEqual(expect.stringContaining('已从名册删除 1-1-102（89.50 m²），同时删除了 0 个绑定'))
    expect(out).toContainEqual(expect.stringContaining('不能删除 1-1-101：还有 1 笔账目引用它'))

    const removed = await runCli(['roster', 'remove', '1栋1单元201', '--compound', C], { env })
    expect(removed.code, removed.stderr).toBe(0)
    expect(removed.stdout).toContain(`removed 1-1-201 (58.20 m²) from "${C}" with 0 binding(s)`)
    const referenced = await runCli(['roster', 'remove', '1-1-101', '--compound', C], { env })
    expect(referenced.code).toBe(1)
    expect(referenced.stderr).toContain('1-1-101 not removed: referenced by 0 ballot(s), 1 ledger entry(ies), 0 repair ticket(s)')
    const again = await runCli(['roster', 'remove', '1-1-201', '--compound', C], { env })
    expect(again.code).toBe(1)
    expect(again.stderr).toContain(`no room 1-1-201 in the roster of "${C}"`)
    const usage = await runCli(['roster', 'remove', '--compound', C], { env })
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain('usage: linli roster remove <room> --compound <name>')
    const notRoom = await runCli(['roster', 'remove', '大门口', '--compound', C], { env })
    expect(notRoom.code).toBe(2)
  })
})
