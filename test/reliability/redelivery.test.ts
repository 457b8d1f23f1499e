// 1. Redelivery: platforms deliver the same message again (webhook retries, reconnects). The same platform
// message delivered 50 times — one after another, all at once, and after a restart (a new App on a new
// connection pool, and the real `linli sandbox` process run twice) — makes exactly one ticket, payment or
// ballot and exactly one reply.
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { IncomingMessage } from '../../src/core/messages.ts'
import { ballots, inbox, ledgerEntries, outbox, tickets } from '../../db/schema.ts'
import { App } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { childEnv, jsonLines, runCli, script, tempDir } from '../helpers/cli.ts'
import type { TestDatabases } from '../helpers/db.ts'
import { RecordingAdapter } from '../helpers/recording-adapter.ts'
import { type World, world } from '../helpers/world.ts'
import { rosterCsv, rosterRooms, setUpTown } from '../helpers/fixtures.ts'
import { figures, type ServerDb, serverDb } from './helpers.ts'

const N = 50
const ROOMS = rosterRooms(12)

let server: ServerDb
let w: World
beforeAll(async () => {
  server = await serverDb()
  w = await world({} as TestDatabases, { db: server.database })
  await setUpTown(w, {
    name: '幸福里',
    head: { id: 'boss', name: '王主任' },
    roster: rosterCsv(12),
    people: [
      { id: 'cc', name: '老李', role: 'committee' },
      { id: 'col', name: '小赵', role: 'collector' },
      ...ROOMS.map((room, i) => ({ id: `o${i}`, name: `业主${i}`, rooms: [room] })),
    ],
  })
  await w.says('cc', '发起投票 更换楼道灯 选项 同意/反对').then((r) => r.expectReply('【投票 #1】'))
})
afterAll(async () => {
  await server.drop()
})

type Outcome = Awaited<ReturnType<App['handle']>>

const count = async (table: typeof tickets | typeof ballots | typeof ledgerEntries, where = sql`true`) =>
  (await w.db.db.select({ n: sql<number>`count(*)::int` }).from(table).where(where))[0]!.n

function tally(outcomes: Outcome[]) {
  const by = { handled: 0, duplicate: 0, other: 0 }
  for (const o of outcomes) {
    if (o.status === 'handled') by.handled++
    else if (o.status === 'duplicate') by.duplicate++
    else by.other++
  }
  return by
}

/** The outbox rows of one platform message (its replies), and how many of them were sent. */
async function repliesOf(msg: IncomingMessage) {
  const [row] = await w.db.db.select().from(inbox).where(sql`${inbox.platform} = ${msg.platform} AND ${inbox.chatId} = ${msg.chat.id} AND ${inbox.messageId} = ${msg.id}`)
  if (!row) return { inboxRows: 0, rows: 0, sent: 0 }
  const rows = await w.db.db.select().from(outbox).where(eq(outbox.inboxId, row.id))
  return { inboxRows: 1, rows: rows.length, sent: rows.filter((r) => r.status === 'sent').length }
}

interface Case {
  label: string
  what: string
  /** the message, given a unique suffix per scenario */
  make(k: number): IncomingMessage
  /** rows made by it */
  rows(): Promise<number>
  /** what one reply looks like at the adapter: group messages and private messages */
  expectSends: { chat: number; user: number }
  /** outbox rows of the one handling (default 1) */
  replyRows?: number
}

const cases: Case[] = [
  {
    label: '报修',
    what: 'ticket',
    make: (k) => w.message(`o${k}`, `报修 ${k}号楼道灯不亮了`, { id: `redeliver-repair-${k}` }),
    rows: () => count(tickets),
    expectSends: { chat: 1, user: 0 },
  },
  {
    label: '缴费',
    what: 'payment',
    make: (k) => w.message('col', `缴费 ${ROOMS[k]} 12${k}.50`, { id: `redeliver-pay-${k}` }),
    rows: () => count(ledgerEntries, eq(ledgerEntries.kind, 'payment')),
    expectSends: { chat: 1, user: 2 }, // the receipt privately, the ack in the group, the payer's receipt to the owner o<k>
    replyRows: 2, // the recorder's receipt (with its group ack) and the payer's receipt
  },
  {
    label: '投票',
    what: 'ballot',
    make: (k) => w.message(`o${k}`, '投票 #1 1', { id: `redeliver-vote-${k}` }),
    rows: () => count(ballots),
    expectSends: { chat: 1, user: 1 },
  },
]

/** Deliver `msg` per `mode` to `apps` and return the outcomes. */
async function deliverMany(apps: App[], msg: IncomingMessage, mode: 'sequential' | 'concurrent', n = N): Promise<Outcome[]> {
  const copies = Array.from({ length: n }, (_, i) => ({ app: apps[i % apps.length]!, m: structuredClone(msg) }))
  if (mode === 'concurrent') return Promise.all(copies.map(({ app, m }) => app.handle(m)))
  const out: Outcome[] = []
  for (const { app, m } of copies) out.push(await app.handle(m))
  return out
}

describe('redelivery: one platform message, 50 deliveries', () => {
  const scenarios = ['sequential', 'concurrent', 'restart'] as const
  let k = 0
  for (const scenario of scenarios) {
    it(`${scenario}: exactly one ticket, payment and ballot, exactly one reply each`, async () => {
      const summary: string[] = []
      for (const c of cases) {
        const msg = c.make(k++)
        const before = await c.rows()
        const sentBefore = w.adapter.sent.length
        let outcomes: Outcome[]
        let extraSent: RecordingAdapter['sent'] = []
        if (scenario === 'restart') {
          // handled once, then the process "restarts": a new pool and a new App see the same message 49 more
          // times, one after another and then at once (with the old App still redelivering too)
          const first = await w.app.handle(structuredClone(msg))
          const db2 = await server.reopen()
          const adapter2 = new RecordingAdapter('console')
          const app2 = new App({ database: db2, config: loadConfig({ LINLI_BOT_NAME: '邻里' } as NodeJS.ProcessEnv), clock: w.clock, adapters: [adapter2] })
          const half = await deliverMany([app2], msg, 'sequential', 24)
          const rest = await deliverMany([app2, w.app], msg, 'concurrent', 25)
          outcomes = [first, ...half, ...rest]
          extraSent = adapter2.sent
          await db2.close()
        } else {
          outcomes = await deliverMany([w.app], msg, scenario)
        }
        const sent = [...w.adapter.sent.slice(sentBefore), ...extraSent]
        const made = (await c.rows()) - before
        const by = tally(outcomes)
        const replies = await repliesOf(msg)
        expect(by, `${c.label} outcomes`).toEqual({ handled: 1, duplicate: outcomes.length - 1, other: 0 })
        expect(made, `${c.label} ${c.what}s made`).toBe(1)
        expect(replies, `${c.label} reply rows`).toEqual({ inboxRows: 1, rows: c.replyRows ?? 1, sent: c.replyRows ?? 1 })
        expect({ chat: sent.filter((s) => s.chat).length, user: sent.filter((s) => s.user).length }, `${c.label} sends`).toEqual(c.expectSends)
        summary.push(`${c.label} ${outcomes.length} deliveries → ${made} ${c.what}, ${replies.rows} reply (${sent.length} send${sent.length > 1 ? 's' : ''})`)
      }
      figures(`redelivery ${scenario}: ${summary.join('; ')}`)
    })
  }

  it('restart of the real process: `linli sandbox` run twice, the same message id 25 times each → one ticket, one reply', async () => {
    const dir = tempDir('linli-rel-')
    const env = childEnv(dir, { DATABASE_URL: server.url, LINLI_SCHEDULER: 'off' })
    const before = await count(tickets)
    const line = { chat: 'g1', from: 'o11', name: '业主11', text: '报修 地下车库漏水', id: 'redeliver-sandbox-1' }
    const input = script(Array.from({ length: 25 }, () => line))
    const first = await runCli(['sandbox', '--jsonl', '--data-dir', dir], { env, input, timeoutMs: 120_000 })
    const second = await runCli(['sandbox', '--jsonl', '--data-dir', dir], { env, input, timeoutMs: 120_000 })
    expect(first.code, first.stderr).toBe(0)
    expect(second.code, second.stderr).toBe(0)
    const replies = [...jsonLines(first.stdout), ...jsonLines(second.stdout)].filter((l) => l.chat === 'g1')
    const made = (await count(tickets)) - before
    expect(made).toBe(1)
    expect(replies).toHaveLength(1)
    expect(replies[0]!.text).toMatch(/已登记.*报修 #\d+/)
    figures(`redelivery after a process restart (linli sandbox ×2): 50 deliveries → ${made} ticket, ${replies.length} reply`)
  })
})
