// End to end: the console sandbox in JSON-lines mode as a child process, driven by a script as a
// user would: on the demo compound (幸福里小区, head 王主任, chat g1) a resident reports a repair with
// a photo sent right after, the head assigns it, notes progress, completes it with a cost and the
// resident confirms it; then the same in a zh-TW and an English compound. Every output line is checked.
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

describe('e2e: a repair ticket in the sandbox', () => {
  it('reports, assigns, completes and confirms, in all three languages', { timeout: 180_000 }, async () => {
    const dir = tempDir('linli-repairs-')
    const photo = join(dir, 'lamp.jpg')
    writeFileSync(photo, 'not really a jpeg')
    const env = childEnv(dir, { DATABASE_URL: server.url, LINLI_NOW: '2026-11-23T02:00:00Z' })
    const res = await runCli(['sandbox', '--jsonl', '--demo', '--data-dir', dir], {
      env,
      timeoutMs: 170_000,
      input: script([
        { chat: 'g1', from: 'u1', name: '张三', text: '报修 楼道灯不亮 1栋1单元', id: 'r1' },
        { chat: 'g1', from: 'u1', text: '', image: photo, id: 'r2' },
        { chat: 'g1', from: 'u2', name: '李四', text: '报修 1-1-101 厨房水管漏水', id: 'r3' },
        { chat: 'g1', from: '王主任', text: '派单 #1 王师傅', id: 'r4' },
        { chat: 'g1', from: '王主任', text: '进度 #1 灯泡已买，下午换', id: 'r5' },
        { chat: 'g1', from: '王主任', text: '完工 #1 费用 abc', id: 'r6' },
        { chat: 'g1', from: '王主任', text: '完工 #1 费用 35', id: 'r7' },
        { chat: 'g1', from: 'u1', text: '确认 #1', id: 'r8' },
        { chat: 'g1', from: 'u1', text: '确认 #1', id: 'r8' }, // redelivered: no second answer
        { chat: 'g1', from: 'u1', text: '报修 #1', id: 'r9' },
        { chat: 'g1', from: 'u3', name: '王五', text: '单元门关不上了', id: 'r10' },
        { chat: 'g1', from: '王主任', text: '报修', replyTo: 'r10', id: 'r11' },
        { chat: 'g1', from: 'u3', text: '报修列表', id: 'r12' },
        // zh-TW
        { chat: 'g2', from: 'tw1', name: '林主任', text: '開通 臺北社區', admin: true, id: 't1' },
        { chat: 'g2', from: 'tw2', name: '陳先生', text: '報修 樓道燈不亮 北門', id: 't2' },
        { chat: 'g2', from: 'tw1', text: '派單 #1 王師傅', id: 't3' },
        { chat: 'g2', from: 'tw1', text: '完工 #1 費用 80', id: 't4' },
        { chat: 'g2', from: 'tw2', text: '確認 #1', id: 't5' },
        // English
        { chat: 'g3', from: 'en1', name: 'Ann', text: '/setup Maple Court', admin: true, id: 'e1' },
        { chat: 'g3', from: 'en2', name: 'Bob', text: '/repair stair light broken', id: 'e2' },
        { chat: 'g3', from: 'en1', text: '/assign #1 Mr Wang', id: 'e3' },
        { chat: 'g3', from: 'en1', text: '/done #1 cost 20', id: 'e4' },
        { chat: 'g3', from: 'en2', text: '/confirm #1', id: 'e5' },
      ]),
    })
    expect(res.code, res.stderr).toBe(0)
    const out = jsonLines(res.stdout)
    const expected: [{ chat?: string; user?: string }, string | RegExp][] = [
      [{ chat: 'g1' }, '已登记报修 #1（照明，1-1），委员会会尽快派单。查看进度：报修 #1'],
      [{ chat: 'g1' }, '已为报修 #1 附上照片 1 张。'],
      [{ chat: 'g1' }, '已登记紧急报修 #2（水管，1-1-101），已通知委员会。查看进度：报修 #2'],
      [{ user: '王主任' }, '紧急报修 #2（水管，1-1-101）：厨房水管漏水\n报修人：李四。请尽快派单：派单 #2 姓名'],
      [{ chat: 'g1' }, '报修 #1 已派给 王*。修好后发送：完工 #1（有费用可加：费用 金额）'],
      [{ chat: 'g1' }, '报修 #1 进度已记录（维修中）：灯泡已买，下午换'],
      [{ chat: 'g1' }, '看不懂费用金额，请写成 120 或 120.50 元。\n用法：完工 #<编号> [费用 <金额>] [说明]'],
      [{ chat: 'g1' }, '报修 #1 已完工（费用 ¥35.00，已记入账目，流水号 1）。请 张* 确认：确认 #1；没修好请发：驳回 #1 原因'],
      [{ user: 'u1' }, '你报修的 #1（楼道灯不亮）已完工。修好了请回复：确认 #1；没修好请回复：驳回 #1 原因'],
      [{ chat: 'g1' }, '报修 #1 已确认修好，完结。谢谢！'],
      [
        { chat: 'g1' },
        /^报修 #1【已确认修好】\n楼道灯不亮\n类别：照明\n位置：1-1\n报修人：张\*\n派给：王\*\n费用：¥35\.00\n照片：1 张\n记录：\n11-23 10:0\d 张\* 登记\n11-23 10:0\d 张\* 补充照片 1 张\n11-23 10:0\d 王\* 派单给 王\*\n11-23 10:0\d 王\* 进度：灯泡已买，下午换\n11-23 10:0\d 王\* 完工：¥35\.00\n11-23 10:0\d 张\* 确认修好$/,
      ],
      [{ chat: 'g1' }, '已登记报修 #3（门禁门锁），委员会会尽快派单。查看进度：报修 #3\n报修人：王*。'],
      [
        { chat: 'g1' },
        '未完成的报修（2 单，最早的在前）：\n#2【待派单】紧急·水管｜1-1-101：厨房水管漏水\n#3【待派单】门禁门锁：单元门关不上了\n查看一单：报修 #编号',
      ],
      [{ chat: 'g2' }, '已開通「臺北社區」'],
      [{ chat: 'g2' }, '已登記報修 #1（照明，北門），委員會會儘快派單。查看進度：報修 #1'],
      [{ chat: 'g2' }, '報修 #1 已派給 王*。'],
      [{ chat: 'g2' }, '報修 #1 已完工（費用 ¥80.00，已記入帳目，流水號 1）。請 陳* 確認：確認 #1'],
      [{ user: 'tw2' }, '你報修的 #1（樓道燈不亮）已完工。'],
      [{ chat: 'g2' }, '報修 #1 已確認修好，完結。謝謝！'],
      [{ chat: 'g3' }, 'Set up "Maple Court"'],
      [{ chat: 'g3' }, 'Repair ticket #1 opened (lighting); the committee will assign it soon. Follow it: /repair #1'],
      [{ chat: 'g3' }, 'Ticket #1 assigned to M*.'],
      [{ chat: 'g3' }, 'Ticket #1 is done (cost ¥20.00, booked in the ledger as entry 1). B*, please confirm: /confirm #1'],
      [{ user: 'en2' }, 'Your repair #1 (stair light broken) is done.'],
      [{ chat: 'g3' }, 'Ticket #1 confirmed fixed and closed. Thank you!'],
    ]
    expect(out, res.stdout).toHaveLength(expected.length)
    expected.forEach(([to, text], i) => {
      const line = out[i]!
      expect({ chat: line.chat, user: line.user }, `line ${i}: ${line.text}`).toEqual({ chat: to.chat, user: to.user })
      if (typeof text === 'string') expect(line.text, `line ${i}`).toContain(text)
      else expect(line.text, `line ${i}`).toMatch(text)
    })
  })
})
