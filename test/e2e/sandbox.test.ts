// The console sandbox in JSON-lines mode, driven by a script as a user would.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
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

describe('sandbox JSON lines', { timeout: 300_000 }, () => {
  it('sets up a compound, imports a roster, binds, verifies and appoints', async () => {
    const dir = tempDir()
    const env = childEnv(dir, { DATABASE_URL: server.url })
    const first = await runCli(['sandbox', '--jsonl', '--data-dir', dir], {
      env,
      input: script([
        { chat: 'g1', from: 'u1', name: '张三', text: '帮助', id: 'm1' },
        { chat: 'g1', from: 'u1', name: '张三', text: '开通 幸福里', id: 'm2', admin: true },
        { chat: 'g1', from: 'u1', name: '张三', text: '开通 幸福里', id: 'm2', admin: true }, // redelivery
        { chat: 'g1', from: 'u2', name: '李四', text: '今天天气不错', id: 'm3' },
        { chat: 'g1', from: 'u2', name: '李四', text: '绑定 9-9-909', id: 'm4' },
      ]),
    })
    expect(first.code, first.stderr).toBe(0)
    const out1 = jsonLines(first.stdout)
    expect(out1.map((o) => o.chat)).toEqual(['g1', 'g1', 'g1'])
    expect(out1[0]!.text).toContain('本群还没有开通')
    expect(out1[1]!.text).toContain('已开通「幸福里」')
    expect(out1[2]!.text).toContain('没有找到房号')

    const roster = join(dir, 'roster.csv')
    writeFileSync(roster, 'building,unit,room,area_m2\n3,2,201,89.5\n3,2,202,75\n')
    const imp = await runCli(['roster', 'import', roster, '--compound', '幸福里'], { env })
    expect(imp.code, imp.stderr).toBe(0)
    expect(imp.stdout).toContain('2 new')

    const second = await runCli(['sandbox', '--jsonl', '--data-dir', dir], {
      env,
      input: script([
        { chat: 'g1', from: 'u2', name: '李四', text: '绑定 3栋2单元201', id: 'n1' },
        { chat: 'g1', from: 'u1', text: '认证', id: 'n2' },
        { chat: 'g1', from: 'u1', text: '认证 @李四', id: 'n3' },
        { chat: 'g1', from: 'u1', text: '任命 @李四 收费员', id: 'n4' },
        { from: 'u2', text: '帮助', private: true, id: 'n5' },
        { chat: 'g1', from: 'u1', text: '开通 幸福里', id: 'm2', admin: true }, // redelivered after a restart
      ]),
    })
    expect(second.code, second.stderr).toBe(0)
    const out2 = jsonLines(second.stdout)
    expect(out2, JSON.stringify(out2)).toHaveLength(6)
    expect(out2[0]).toEqual({ chat: 'g1', text: '已申请绑定 3-2-201（业主），等待委员会认证。' })
    // the 认证 list goes to the committee privately, with the roster; the group sees that it was answered
    expect(out2[1]).toMatchObject({ user: 'u1', text: expect.stringMatching(/序号 \d+：李四 → 3-2-201（业主）｜名册未登记业主姓名/) })
    expect(out2[2]).toEqual({ chat: 'g1', text: '@u* 已私信回复你。' })
    expect(out2[3]).toEqual({ chat: 'g1', text: '已认证：李* → 3-2-201（业主）。' })
    expect(out2[4]).toEqual({ chat: 'g1', text: '已任命 李* 为收费员。' })
    expect(out2[5]!.user).toBe('u2')
    expect(out2[5]!.text).toContain('邻里可用命令')
  })

  it('npm start seeds the demo compound where 帮助 answers', async () => {
    const dir = tempDir()
    const res = await runCli(['start'], {
      env: childEnv(dir),
      input: script([
        // the full list: the short one is the demo head's most used commands
        { chat: 'g1', from: '王主任', text: '帮助 全部', id: 'a1' },
        { chat: 'g1', from: 'r1', name: '赵六', text: '绑定 1-1-101 租户', id: 'a2' },
      ]),
    })
    expect(res.code, res.stderr).toBe(0)
    // the scheduler may also post for the demo's month (an open poll's reminder): find the answers
    const out = jsonLines(res.stdout)
    const help = out.findIndex((o) => o.text.includes('邻里可用命令'))
    expect(help, res.stdout).toBeGreaterThanOrEqual(0)
    expect(out[help]!.text).toContain('任命')
    const bind = out.findIndex((o) => o.chat === 'g1' && o.text === '已申请绑定 1-1-101（租户），等待委员会认证。')
    expect(bind, res.stdout).toBeGreaterThan(help)
  })

  it('skips malformed lines and keeps going', async () => {
    const dir = tempDir()
    const res = await runCli(['sandbox', '--jsonl', '--data-dir', dir], {
      env: childEnv(dir),
      input: 'not json\n{"text":"no sender"}\n' + script([{ chat: 'g1', from: 'u1', text: '帮助' }]),
    })
    expect(res.code).toBe(0)
    expect(jsonLines(res.stdout)).toHaveLength(1)
    expect(res.stderr).toContain('not JSON')
  })
})
