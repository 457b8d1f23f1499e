// End to end: plain language in the console sandbox (JSON lines), as residents would type it, on the demo
// compound (幸福里小区, head 王主任, chat g1). A repair said in the group is offered once and opened on 是;
// an @mention is answered; chatter and someone else's 好 get nothing; the head's "交了 300" gets the 缴费 line.
// Then `linli settings` turns the group offer off, and a second run shows only the addressed offer.
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

describe('e2e: plain language in the sandbox', () => {
  it('offers, confirms, answers and leaves chatter alone; the group offer can be turned off', { timeout: 240_000 }, async () => {
    const dir = tempDir('linli-intents-')
    const env = childEnv(dir, { DATABASE_URL: server.url, LINLI_NOW: '2026-11-23T02:00:00Z' })
    const first = await runCli(['sandbox', '--jsonl', '--demo', '--data-dir', dir], {
      env,
      timeoutMs: 200_000,
      input: script([
        { chat: 'g1', from: 'u1', name: '张三', text: '今天天气不错', id: 'a1' },
        { chat: 'g1', from: 'u1', text: '1栋楼道灯又坏了', id: 'a2' },
        { chat: 'g1', from: 'u2', name: '李四', text: '好', id: 'a3' },
        { chat: 'g1', from: 'u1', text: '是', id: 'a4' },
        { chat: 'g1', from: 'u1', text: '是', id: 'a4' }, // redelivered: no second ticket
        { chat: 'g1', from: 'u1', text: '@邻里 我报的修怎么样了', id: 'a5' },
        { chat: 'g1', from: '王主任', text: '@邻里 1-1-101交了300', id: 'a6' },
        { chat: 'g1', from: 'u2', text: '@邻里 你好呀', id: 'a7' },
        { from: 'u3', name: '王五', text: '怎么报修？', private: true, id: 'a8' },
      ]),
    })
    expect(first.code, first.stderr).toBe(0)
    const out = jsonLines(first.stdout)
    const expected: [{ chat?: string; user?: string }, string][] = [
      [{ chat: 'g1' }, '要登记报修吗？回复「是」'],
      [{ chat: 'g1' }, '已登记报修 #1（照明，1栋 楼道），委员会会尽快派单。'],
      [{ chat: 'g1' }, '#1【待派单】'],
      [{ chat: 'g1' }, '钱只按命令登记，不按聊天记账。请核对后发送：\n缴费 1-1-101 300'],
      [{ chat: 'g1' }, '没看懂你的意思。发送「帮助」查看我能做什么。'],
      [{ user: 'u3' }, '报修 <描述> [房号或位置]'],
    ]
    expect(out, first.stdout).toHaveLength(expected.length)
    expected.forEach(([to, text], i) => {
      expect({ chat: out[i]!.chat, user: out[i]!.user }, `line ${i}: ${out[i]!.text}`).toEqual({ chat: to.chat, user: to.user })
      expect(out[i]!.text, `line ${i}`).toContain(text)
    })

    const off = await runCli(['settings', '--compound', '幸福里小区', '--group-repair-offers', 'off'], { env })
    expect(off.code, off.stderr).toBe(0)
    expect(off.stdout).toContain('group-repair-offers: off')

    const second = await runCli(['sandbox', '--jsonl', '--data-dir', dir], {
      env,
      timeoutMs: 200_000,
      input: script([
        { chat: 'g1', from: 'u4', name: '赵六', text: '2栋楼道灯坏了', id: 'b1' },
        { chat: 'g1', from: 'u4', text: '@邻里 2栋楼道灯坏了', id: 'b2' },
        { chat: 'g1', from: 'u4', text: '不用', id: 'b3' },
      ]),
    })
    expect(second.code, second.stderr).toBe(0)
    expect(jsonLines(second.stdout).map((o) => [o.chat, o.text])).toEqual([
      ['g1', '要登记报修吗？我会替你发送：\n报修 2栋楼道灯坏了\n回复「是」确认（10 分钟内有效），回复「不用」取消。'],
      ['g1', '好的，不办了。'],
    ])
  })
})
