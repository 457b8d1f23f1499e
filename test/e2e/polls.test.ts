// End to end: the console sandbox in JSON-lines mode as a child process, driven by a script, runs an
// ordinary owners' poll on the demo compound (幸福里小区, 40 households, head 王主任) to a valid result;
// then the operator CLI reminds and closes a poll at its deadline and the next sandbox run delivers it.
// The child always uses an embedded PGlite under its own temporary data directory (never DATABASE_URL:
// --demo seeds only an empty database).
import { rmSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { childEnv, jsonLines, runCli, sampleRosterRooms, script, tempDir } from '../helpers/cli.ts'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

/** the CLI on the embedded database of `dataDir` (never a DATABASE_URL), its clock at Monday 2026-11-23 10:00 Shanghai */
const linli = (args: string[], dataDir: string, input = '') =>
  runCli(args, { env: childEnv(dataDir, { LINLI_NOW: '2026-11-23T02:00:00Z' }), input, timeoutMs: 170_000 })
const lines = jsonLines
const roster = sampleRosterRooms()

describe('e2e: an ordinary poll in the sandbox', () => {
  it('binds and verifies owners, launches, votes, closes with a valid, passed result', { timeout: 600_000 }, async () => {
    const dir = tempDir('linli-polls-')
    dirs.push(dir)
    const HEAD = '王主任'
    const msgs: object[] = []
    let id = 0
    const say = (from: string, text: string, extra: object = {}) => msgs.push({ chat: 'g1', from, text, id: `p${++id}`, ...extra })
    // 28 of 40 households: 70% of owners and 2321.05 of 3340.20 m² (2/3 = 2226.80)
    const owners = roster.slice(0, 28).map((room, i) => ({ user: `u${i + 1}`, name: `业主${i + 1}`, room }))
    for (const o of owners) say(o.user, `绑定 ${o.room} 业主`, { name: o.name })
    say('t1', `绑定 ${roster[39]} 租户`, { name: '租客小李' })
    for (const o of owners) say(HEAD, `认证 @${o.name}`)
    say(HEAD, '认证 @租客小李')
    say(HEAD, '发起投票 更换小区大门 规则 一般')
    owners.forEach((o, i) => say(o.user, i < 22 ? '投票 #1 1' : i < 26 ? '投票 #1 反对' : '投票 #1 3'))
    say('t1', '投票 #1 1')
    say(owners[0]!.user, '结果 #1')
    say(HEAD, '结束投票 #1')
    say(owners[27]!.user, '投票 #1 1')
    // a second, simple poll for the CLI part below
    say(HEAD, '发起投票 路灯颜色 选项 暖光/白光 截止 11-25 18:00')
    say(owners[0]!.user, '投票 #2 暖光')

    const run = await linli(['sandbox', '--jsonl', '--demo', '--data-dir', dir], dir, script(msgs))
    expect(run.code, run.stderr).toBe(0)
    const out = lines(run.stdout)
    const find = (re: RegExp) => out.filter((o) => re.test(o.text))
    expect(find(/^已认证：/)).toHaveLength(29)
    const launch = find(/^【投票 #1】更换小区大门/)
    expect(launch).toHaveLength(1)
    expect(launch[0]!.text).toContain('1. 同意\n2. 反对\n3. 弃权')
    expect(launch[0]!.text).toContain('截止：2026-11-30 10:00')
    // each vote: a private confirmation and a group acknowledgement without the choice
    expect(find(/^已收到 \S+ 的投票（#1）。$/).filter((o) => o.chat === 'g1')).toHaveLength(28)
    expect(out.find((o) => o.user === 'u1')!.text).toContain('已记录你在投票 #1「更换小区大门」的选择：1. 同意（1-1-101）')
    expect(find(/请由业主投票/)).toHaveLength(1)
    const live = find(/^【投票 #1 统计】/)[0]!.text
    expect(live).toContain('已投票：28 / 40 户')
    expect(live).toContain('参与面积：2321.05 / 3340.20 m²，三分之二需 ≥ 2226.80 m² ✓ 已达到')
    expect(live).toContain('参与业主：28 / 40 人，三分之二需 ≥ 27 人 ✓ 已达到')
    const closed = find(/^【投票 #1 已结束】更换小区大门/)
    expect(closed).toHaveLength(1)
    expect(closed[0]!.chat).toBe('g1')
    expect(closed[0]!.text).toContain('「同意」人数：22 / 28 人，须过半（≥ 15 人）✓ 已达到')
    expect(closed[0]!.text).toContain('结果：表决有效，「同意」获得通过。')
    expect(find(/^投票 #1 已结束，不能再投票。$/)).toHaveLength(1)
    expect(find(/^【投票 #2】路灯颜色/)).toHaveLength(1)

    // the operator CLI: remind (committee privately, group a count), then close at the deadline
    const remind = await linli(['polls', 'remind', '--now', '2026-11-24T02:00:00Z'], dir)
    expect(remind.code, remind.stderr).toBe(0)
    expect(remind.stdout).toContain('"幸福里小区": 2 messages queued\n  poll #2 "路灯颜色": 39 households not voted')
    const early = await linli(['polls', 'close-due', '--now', '2026-11-25T09:59:00Z'], dir)
    expect(early.stdout).toContain('no poll is due')
    const due = await linli(['polls', 'close-due', '--now', '2026-11-25T10:00:00Z'], dir)
    expect(due.code, due.stderr).toBe(0)
    expect(due.stdout).toContain('closed poll #2 "路灯颜色" of "幸福里小区": winner')
    const again = await linli(['polls', 'close-due', '--now', '2026-11-26T00:00:00Z'], dir)
    expect(again.stdout).toContain('no poll is due')

    // the next sandbox run delivers what the CLI queued
    const next = await linli(['sandbox', '--jsonl', '--data-dir', dir], dir, script([{ chat: 'g1', from: 'u2', text: '结果 #2', id: 'q1' }]))
    expect(next.code, next.stderr).toBe(0)
    const out2 = lines(next.stdout)
    expect(out2.find((o) => o.chat === 'g1' && o.text.startsWith('【投票 #2 提醒】'))!.text).toContain('还有 39 户没有投票')
    const toHead = out2.find((o) => o.user === HEAD)!.text
    expect(toHead).toContain('还有 39 户没有投票：1-1-102、')
    expect(toHead).not.toContain('1-1-101')
    expect(out2.filter((o) => o.text.startsWith('【投票 #2 已结束】路灯颜色'))).toHaveLength(1)
    expect(out2.at(-1)!.text).toContain('结果：「暖光」得票最多。')
  })
})
