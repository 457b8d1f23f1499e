// The console sandbox's JSON-lines identity fields on the real App: `replyTo` quotes only an earlier line of
// the same group chat (never a private line, never another chat); optional `mentions` and `username`.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { ConsoleAdapter } from '../../adapters/console/index.ts'
import type { IncomingMessage } from '../../src/core/messages.ts'
import { members, roles, tickets } from '../../db/schema.ts'
import { App } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { TestClock } from '../helpers/world.ts'

const dbs = useTestDatabases()

/** Run JSON lines through the sandbox adapter and the real App; what the bot wrote and what it was handed. */
async function sandbox(lines: object[]) {
  const db = await dbs.fresh()
  const input = new PassThrough()
  const output = new PassThrough()
  let written = ''
  output.on('data', (c: Buffer) => (written += c.toString('utf8')))
  const adapter = new ConsoleAdapter({ mode: 'jsonl', input, output, imageDir: mkdtempSync(join(tmpdir(), 'linli-console-')), botName: '邻里' })
  const app = new App({ database: db, config: loadConfig({ LINLI_BOT_NAME: '邻里' } as NodeJS.ProcessEnv), clock: new TestClock(), adapters: [adapter] })
  const seen: IncomingMessage[] = []
  await adapter.start(async (m) => {
    seen.push(m)
    return app.handle(m)
  })
  for (const l of lines) input.write(`${JSON.stringify(l)}\n`)
  input.end()
  await adapter.done
  const out = written
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { chat?: string; user?: string; text: string })
  return { db, out, seen }
}

const SETUP = [
  { chat: 'g1', from: 'boss', name: '老王', text: '开通 幸福里', admin: true, id: 's1' },
  { chat: 'g2', from: 'boss', text: '帮助', id: 's2' },
]

describe('sandbox replyTo', () => {
  it('quotes an earlier line of the same group only: a private line or another chat’s line is no quote', async () => {
    const { db, out, seen } = await sandbox([
      ...SETUP,
      { from: 'u9', name: '老李', text: '北门的路灯坏了', private: true, id: 'p1' },
      { chat: 'g2', from: 'u8', name: '小赵', text: '东门的水管漏了', id: 'o1' },
      { chat: 'g1', from: 'u2', name: '李四', text: '报修', replyTo: 'p1', id: 'r1' },
      { chat: 'g1', from: 'u2', text: '报修', replyTo: 'o1', id: 'r2' },
      { chat: 'g1', from: 'u2', text: '报修', replyTo: 'nowhere', id: 'r3' },
      { chat: 'g1', from: 'u3', name: '王五', text: '单元门关不上了', id: 'q1' },
      { chat: 'g1', from: 'u2', text: '报修', replyTo: 'q1', id: 'r4' },
    ])
    const byId = (id: string) => seen.find((m) => m.id === id)!
    expect(byId('r1').replyTo).toBeUndefined()
    expect(byId('r2').replyTo).toBeUndefined()
    expect(byId('r3').replyTo).toBeUndefined()
    expect(byId('r4').replyTo).toMatchObject({ id: 'q1', text: '单元门关不上了', sender: { id: 'u3', name: '王五' } })
    const g1 = out.filter((o) => o.chat === 'g1').map((o) => o.text)
    expect(g1.filter((t) => t.includes('请写上要修什么'))).toHaveLength(3)
    expect(g1.join('\n')).toContain('报修人：王*')
    const rows = await db.db.select({ reporter: members.platformUserId, description: tickets.description }).from(tickets).innerJoin(members, eq(tickets.reporterMemberId, members.id))
    expect(rows).toEqual([{ reporter: 'u3', description: '单元门关不上了' }])
  })
})

describe('sandbox mentions and username', () => {
  it('appoints the mentioned id among two members of the same name, and resolves a username mention', async () => {
    const { db, out, seen } = await sandbox(
      [
        ...SETUP,
        { chat: 'g1', from: 'wf1', name: '王芳', text: '帮助', id: 'a1' },
        { chat: 'g1', from: 'wf2', name: '王芳\u200B', text: '帮助', id: 'a2', username: '@WangFang' },
        { chat: 'g1', from: 'boss', text: '任命 @王芳 委员', id: 'b1' },
        { chat: 'g1', from: 'boss', text: '任命 @王芳 委员', mentions: [{ id: 'wf2' }], id: 'b2' },
        { chat: 'g1', from: 'boss', text: '任命 @wangfang 收费员', mentions: [{ username: 'wangfang' }], id: 'b3' },
        { chat: 'g1', from: 'boss', text: '免职 @某人', mentions: [{ id: 'wf1', text: '@某人' }], id: 'b4' },
      ],
    )
    expect(seen.find((m) => m.id === 'a2')!.sender).toEqual({ id: 'wf2', name: '王芳', username: 'WangFang' })
    expect(seen.find((m) => m.id === 'b2')!.mentions).toEqual([{ userId: 'wf2', name: '王芳', text: '@王芳' }])
    const texts = out.filter((o) => o.chat === 'g1').map((o) => o.text)
    expect(texts.find((t) => t.includes('有 2 位成员叫「王芳」'))).toContain('王*（wf1）、王*（@wangfang）')
    expect(texts).toContain('已任命 王*（@wangfang） 为委员。')
    expect(texts).toContain('已任命 王*（@wangfang） 为收费员。')
    expect(texts).toContain('王*（wf1） 没有职务。')
    const held = await db.db.select({ user: members.platformUserId, role: roles.role }).from(roles).innerJoin(members, eq(roles.memberId, members.id))
    expect(held.sort((a, b) => a.user.localeCompare(b.user))).toEqual([
      { user: 'boss', role: 'head' },
      { user: 'wf2', role: 'collector' },
    ])
  })
})
