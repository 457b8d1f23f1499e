// 2. Crash points: a bot process (test/reliability/fixtures/bot.ts: the real App, outbox and scheduler tick
// on PostgreSQL) is SIGKILLed (a) inside a message's transaction before COMMIT, (b) after COMMIT before the
// reply is sent, (c) in the middle of delivering a disclosure. Then it is started again and the message
// redelivered: nothing lost, nothing doubled, the pending reply or post goes out once (counted from what
// the fake adapters of both processes printed).
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { IncomingMessage } from '../../src/core/messages.ts'
import { ballots, disclosures, inbox, ledgerEntries, outbox, tickets } from '../../db/schema.ts'
import { verifyCompoundLedger } from '../../db/ledger-check.ts'
import type { TestDatabases } from '../helpers/db.ts'
import { type World, world } from '../helpers/world.ts'
import { query, rosterCsv, rosterRooms, setUpTown, type Town } from '../helpers/fixtures.ts'
import { Child, FIXTURES, figures, fixtureEnv, maxId, type ServerDb, serverDb } from './helpers.ts'

const BOT = `${FIXTURES}/bot.ts`
const NOW = '2026-11-23T02:00:00.000Z' // the world's clock: Monday 10:00 in Shanghai
const ROOMS = rosterRooms(8)

let server: ServerDb
let w: World
let town: Town
beforeAll(async () => {
  server = await serverDb()
  w = await world({} as TestDatabases, { db: server.database })
  town = await setUpTown(w, {
    name: '幸福里',
    head: { id: 'boss', name: '王主任' },
    roster: rosterCsv(8),
    people: [
      { id: 'cc', name: '老李', role: 'committee' },
      { id: 'col', name: '小赵', role: 'collector' },
      ...ROOMS.map((room, i) => ({ id: `o${i}`, name: `业主${i}`, rooms: [room] })),
    ],
    settings: { disclosure: { monthly: false, yearly: false } },
    chats: [{ id: 'g2', title: '二号楼群' }],
    createdAt: '2026-11-01T00:00:00Z',
  })
  // launched in the week before NOW, so that week's disclosure has something in it (an empty one is not posted)
  w.clock.set('2026-11-18T02:00:00Z')
  await w.says('cc', '发起投票 更换楼道灯 选项 同意/反对').then((r) => r.expectReply('【投票 #1】'))
  w.clock.set(NOW)
  w.adapter.sent.length = 0
})
afterAll(async () => {
  Child.killAll()
  await server.drop()
})

function bot(extra: Record<string, string | undefined>): Child {
  return new Child(BOT, fixtureEnv(server.url, { LINLI_NOW: NOW, LINLI_SCHEDULER: 'off', ...extra }))
}

async function finished(child: Child): Promise<void> {
  const { code, signal } = await child.exited
  expect({ code, signal }, child.stderr).toEqual({ code: 0, signal: null })
}

async function killed(child: Child): Promise<void> {
  const { signal } = await child.exited
  expect(signal).toBe('SIGKILL')
}

const n = async (table: typeof tickets | typeof ballots | typeof ledgerEntries | typeof inbox | typeof outbox | typeof disclosures, where = sql`true`) =>
  (await w.db.db.select({ c: sql<number>`count(*)::int` }).from(table).where(where))[0]!.c

async function inboxRowOf(msg: IncomingMessage) {
  const [row] = await w.db.db.select().from(inbox).where(sql`${inbox.chatId} = ${msg.chat.id} AND ${inbox.messageId} = ${msg.id}`)
  return row
}

interface Case {
  label: string
  what: string
  make(k: string): IncomingMessage
  rows(): Promise<number>
  sends: number
  /** outbox rows of the one handling (default 1) */
  replyRows?: number
}
const cases: Case[] = [
  { label: '报修', what: 'ticket', make: (k) => w.message('o1', `报修 ${k} 单元门禁坏了`, { id: `crash-repair-${k}` }), rows: () => n(tickets), sends: 1 },
  {
    label: '缴费',
    what: 'payment',
    // another amount per case: the same household and amount within 10 minutes would be held as a duplicate
    make: (k) => w.message('col', `缴费 ${ROOMS[2]} ${200 + k.charCodeAt(0)} ${k}`, { id: `crash-pay-${k}` }),
    rows: () => n(ledgerEntries, sql`${ledgerEntries.kind} = 'payment'`),
    sends: 3, // the receipt privately, the ack in the group, and the payer's receipt to the owner (o2)
    replyRows: 2, // the recorder's receipt (with its group ack) and the payer's receipt
  },
  { label: '投票', what: 'ballot', make: (k) => w.message(`o${k === 'a' ? 3 : 4}`, '投票 #1 2', { id: `crash-vote-${k}` }), rows: () => n(ballots), sends: 2 },
]

describe('crash points (SIGKILL) and restart', () => {
  it('(a) killed before COMMIT: nothing written; the redelivered message is processed once, one reply', async () => {
    const out: string[] = []
    for (const c of cases) {
      const msg = c.make('a')
      const before = await c.rows()
      const first = bot({ LINLI_CRASH_AT: 'before-commit', LINLI_MESSAGES: JSON.stringify([msg]) })
      await first.waitFor((l) => l.at === 'before-commit')
      // every row of the message is written in the open transaction; the process dies before COMMIT
      first.kill('SIGKILL')
      await killed(first)
      expect(await c.rows(), `${c.label}: rolled back`).toBe(before)
      expect(await inboxRowOf(msg), `${c.label}: no inbox row`).toBeUndefined()
      expect(first.sent).toEqual([])

      const second = bot({ LINLI_MESSAGES: JSON.stringify([msg, msg]) })
      await finished(second)
      const outcomes = second.lines.filter((l) => l.outcome).map((l) => (l.outcome as { status: string }).status)
      expect(outcomes).toEqual(['handled', 'duplicate'])
      const made = (await c.rows()) - before
      expect(made, `${c.label}: one ${c.what}`).toBe(1)
      const sent = [...first.sent, ...second.sent]
      expect(sent, `${c.label}: one reply`).toHaveLength(c.sends)
      out.push(`${c.label} → ${made} ${c.what}, ${sent.length} send${sent.length > 1 ? 's' : ''}`)
    }
    figures(`crash before commit: killed with the transaction open, restarted, redelivered twice: ${out.join('; ')}`)
  })

  it('(b) killed after COMMIT, before the reply is sent: the restarted process sends the pending reply once', async () => {
    const out: string[] = []
    for (const c of cases) {
      const msg = c.make('b')
      const before = await c.rows()
      const first = bot({ LINLI_CRASH_AT: 'after-commit', LINLI_MESSAGES: JSON.stringify([msg]) })
      await first.waitFor((l) => l.at === 'after-commit')
      first.kill('SIGKILL')
      await killed(first)
      expect((await c.rows()) - before, `${c.label}: committed`).toBe(1)
      const row = await inboxRowOf(msg)
      expect(row).toBeDefined()
      const pending = await w.db.db.select().from(outbox).where(eq(outbox.inboxId, row!.id))
      expect(pending.map((p) => p.status)).toEqual(Array(c.replyRows ?? 1).fill('pending'))
      expect(first.sent).toEqual([])

      // the platform redelivers after the restart: a duplicate; the start-up flush sends the reply
      const second = bot({ LINLI_MESSAGES: JSON.stringify([msg]) })
      await finished(second)
      expect(second.lines.find((l) => l.started)?.flushed).toBe(c.replyRows ?? 1)
      expect(second.lines.filter((l) => l.outcome).map((l) => (l.outcome as { status: string }).status)).toEqual(['duplicate'])
      const made = (await c.rows()) - before
      expect(made).toBe(1)
      const sent = [...first.sent, ...second.sent]
      expect(sent, `${c.label}: one reply`).toHaveLength(c.sends)
      const after = await w.db.db.select().from(outbox).where(eq(outbox.inboxId, row!.id))
      expect(after.map((p) => p.status)).toEqual(Array(c.replyRows ?? 1).fill('sent'))
      out.push(`${c.label} → ${made} ${c.what}, ${sent.length} send${sent.length > 1 ? 's' : ''}`)
    }
    expect((await verifyCompoundLedger(w.db.db, town.compoundId)).ok).toBe(true)
    figures(`crash after commit: killed before sending, restarted, redelivered: ${out.join('; ')}`)
  })

  it('(c) killed in the middle of delivering a disclosure: the rest goes out once, nothing twice', async () => {
    const max = await maxId(w.db, 'outbox')
    // Monday 09:05 in Shanghai: last week's summary is due for both chats (text parts and a chart each),
    // and the day's poll reminder
    const at = '2026-11-23T01:05:00.000Z'
    const first = bot({ LINLI_NOW: at, LINLI_TICK: '1', LINLI_CRASH_AT: 'send:2' })
    await first.waitFor((l) => l.at === 'send:2', { ms: 120_000 })
    first.kill('SIGKILL')
    await killed(first)
    const newRows = () => w.db.db.select().from(outbox).where(sql`${outbox.id} > ${max}`).orderBy(outbox.id)
    const rows = await newRows()
    const posts = rows.filter((r) => r.dedupeKey?.startsWith('disclosure:'))
    const byStatus = (s: string) => rows.filter((r) => r.status === s).length
    expect(await n(disclosures)).toBe(2) // recorded for both chats in one transaction before sending
    expect(posts.length).toBeGreaterThanOrEqual(4)
    // what it printed it had sent and recorded; the rest of its batch is claimed and unsent
    const before = first.sent.length
    expect(before).toBeGreaterThanOrEqual(1)
    expect(byStatus('sent')).toBe(before)
    expect(posts.filter((p) => p.status !== 'sent').length).toBeGreaterThan(0) // the disclosure is partly sent
    // the dead process still holds its claim on the rest of the batch; a claim runs out after 120 s.
    // Let it run out now instead of waiting (the dispatcher's lease, not a shortcut around it).
    const claimed = byStatus('sending')
    expect(claimed).toBe(rows.length - before)
    await query(w.db, `UPDATE outbox SET claimed_until = now() - interval '1 second' WHERE status = 'sending'`)

    // restart: the start-up flush delivers what is left; its own tick finds everything recorded
    const second = bot({ LINLI_NOW: at, LINLI_TICK: '1' })
    await finished(second)
    const tick = second.lines.find((l) => l.tick)?.tick as { disclosures: unknown[]; errors: number }
    expect(tick).toEqual({ disclosures: [], errors: 0 })
    const after = await newRows()
    expect(after.map((r) => r.id)).toEqual(rows.map((r) => r.id)) // no new rows
    expect(after.every((r) => r.status === 'sent')).toBe(true)
    // every row delivered exactly once across both processes
    const sent = [...first.sent, ...second.sent]
    const key = (target: string, text: string, image: boolean) => `${target}|${image ? 'img' : 'txt'}|${text}`
    const deliveries = new Map<string, number>()
    for (const s of sent) {
      const k = key(s.chat ? `chat:${s.chat}` : `user:${s.user}`, s.text, s.image === true)
      deliveries.set(k, (deliveries.get(k) ?? 0) + 1)
    }
    for (const r of after) expect(deliveries.get(key(`${r.targetKind}:${r.targetId}`, r.text, r.image !== null)), `row ${r.id}`).toBe(1)
    expect(sent).toHaveLength(after.length)
    for (const chat of ['g1', 'g2']) {
      const mine = posts.filter((p) => p.targetId === chat)
      expect(mine.filter((p) => p.image !== null)).toHaveLength(1)
      expect(mine[0]!.text).toMatch(/^【幸福里 公示】2026年第47周/)
    }
    figures(
      `crash mid-disclosure: ${posts.length} disclosure rows for 2 chats (+${rows.length - posts.length} other rows), ${before} sent before SIGKILL (${posts.filter((p) => p.status === 'sent').length} of the disclosure), ${claimed} left claimed; after restart ${second.sent.length} sent → ${sent.length} deliveries for ${after.length} rows, 0 doubled, 0 lost, 2 disclosure records`,
    )
  })
})
