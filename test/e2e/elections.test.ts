// End to end: the console sandbox in JSON-lines mode as a child process elects a committee of 3 from 5
// candidates on the demo compound (幸福里小区, 40 households, head 王主任) to its final result: owners bind
// and are verified, the head launches, 28 households vote, the head closes; an owner objects and the head
// answers; the operator sets a 3-day objection period and `linli tick` at its end posts the final result and
// makes the elected committee members, which the next sandbox run delivers and uses.
import { rmSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { childEnv, jsonLines, runCli, sampleRosterRooms, script, tempDir } from '../helpers/cli.ts'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

/** the CLI on the embedded database of `dataDir` (never a DATABASE_URL), its clock set to `now` */
const linli = (args: string[], dataDir: string, now: string, input = '') =>
  runCli(args, { env: childEnv(dataDir, { LINLI_NOW: now }), input, timeoutMs: 170_000 })
const lines = jsonLines
const roster = sampleRosterRooms()

describe('e2e: a committee election in the sandbox', () => {
  it('elects 3 of 5, takes an objection, and the final result makes them committee members', { timeout: 600_000 }, async () => {
    const dir = tempDir('linli-elect-')
    dirs.push(dir)
    const HEAD = '王主任'
    const START = '2026-11-23T02:00:00Z'
    const msgs: object[] = []
    let id = 0
    const say = (from: string, text: string, extra: object = {}) => msgs.push({ chat: 'g1', from, text, id: `e${++id}`, ...extra })
    // 28 of 40 households take part (as in the polls e2e: 70% of owners, 2321.05 of 3340.20 m²)
    const owners = roster.slice(0, 28).map((room, i) => ({ user: `u${i + 1}`, name: `业主${i + 1}`, room }))
    for (const o of owners) say(o.user, `绑定 ${o.room} 业主`, { name: o.name })
    for (const o of owners) say(HEAD, `认证 @${o.name}`)
    say(HEAD, '发起选举 第一届物管会 名额 3 候选人 @业主1/@业主2/@业主3/业主4/周九')
    // A, B, C: 20 households; D and E: 8
    owners.forEach((o, i) => say(o.user, i < 20 ? '选 #1 A B C' : '选 #1 D E'))
    say(owners[0]!.user, '选 #1 A B C D')
    say(owners[1]!.user, '结果 #1')
    const run1 = await linli(['sandbox', '--jsonl', '--demo', '--data-dir', dir], dir, START, script(msgs))
    expect(run1.code, run1.stderr).toBe(0)
    const out1 = lines(run1.stdout)
    const find1 = (re: RegExp) => out1.filter((o) => re.test(o.text))
    const launch = find1(/^【选举 #1】第一届物管会/)
    expect(launch).toHaveLength(1)
    expect(launch[0]!.text).toContain('A. 业主1\nB. 业主2\nC. 业主3\nD. 业主4\nE. 周九') // candidates in full (公示)
    expect(find1(/^已收到一张选票（#1）。$/)).toHaveLength(28)
    expect(find1(/最多选 3 人，你选了 4 人/)).toHaveLength(1)
    expect(find1(/^【选举 #1 统计】/)[0]!.text).toContain('已投票：28 / 40 户')

    // the operator: a 3-day objection period
    const set = await linli(['settings', '--compound', '幸福里小区', '--objection-days', '3'], dir, START)
    expect(set.code, set.stderr).toBe(0)
    expect(set.stdout).toContain('objection-days: 3 — ')

    const run2msgs: object[] = []
    const say2 = (from: string, text: string, extra: object = {}) => run2msgs.push({ chat: 'g1', from, text, id: `f${++id}`, ...extra })
    say2(HEAD, '结束投票 #1')
    say2('u25', '异议 #1 5-101 的纸质选票没有计入', { name: '业主25' })
    say2(HEAD, '答复异议 #1-1 已核对，该户未在截止前投票')
    const run2 = await linli(['sandbox', '--jsonl', '--data-dir', dir], dir, START, script(run2msgs))
    expect(run2.code, run2.stderr).toBe(0)
    const out2 = lines(run2.stdout)
    const result = out2.find((o) => o.chat === 'g1' && o.text.startsWith('【选举 #1 结果】第一届物管会'))!.text
    expect(result).toContain('当选（按得票排序）：A. 业主1、B. 业主2、C. 业主3')
    expect(result).toContain('D. 业主4：8 户')
    expect(result).toMatch(/公示期至 2026-11-26 10:0\d/)
    expect(out2.find((o) => o.user === HEAD && o.text.startsWith('【异议 #1-1】'))!.text).toContain('业主25')
    expect(out2.find((o) => o.user === 'u25' && o.text.includes('已有答复'))).toBeDefined()

    // the scheduler at the end of the window: one final post, the elected become committee members
    const tick = await linli(['tick', '--now', '2026-11-26T03:00:00Z'], dir, START)
    expect(tick.code, tick.stderr).toBe(0)
    expect(tick.stdout).toContain('final results posted: 1')
    const run3 = await linli(['sandbox', '--jsonl', '--data-dir', dir], dir, '2026-11-26T03:01:00Z', script([
      { chat: 'g1', from: 'u1', name: '业主1', text: '发起投票 新委员会第一次表决 选项 是/否', id: 'g1' },
    ]))
    expect(run3.code, run3.stderr).toBe(0)
    const out3 = lines(run3.stdout)
    const finals = out3.filter((o) => o.text.startsWith('【选举 #1 公示期结束】第一届物管会'))
    expect(finals).toHaveLength(1)
    expect(finals[0]!.text).toContain('异议 1：5-101 的纸质选票没有计入\n  答复：已核对，该户未在截止前投票')
    expect(finals[0]!.text).toContain('选举结果生效，当选：业主1、业主2、业主3。')
    expect(finals[0]!.text).not.toContain('业主25')
    // 业主1 was elected: a committee member now, so 发起投票 works
    expect(out3.find((o) => o.text.startsWith('【投票 #2】新委员会第一次表决'))).toBeDefined()
  })
})
