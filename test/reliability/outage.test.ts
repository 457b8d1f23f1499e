// 4. Database outage: the real `linli` process (the console sandbox, JSON lines) reaches PostgreSQL through a
// TCP proxy (node:net, here in the test) that, for 30 s of real time, first drops every connection and
// refuses new ones (15 s), then accepts connections and never answers (15 s: a black hole, as when a
// network path dies). Messages keep arriving, one a second, and a burst is in flight when the outage starts.
// The process never dies or stops answering; every command is either processed or answered with
// 系统繁忙，请稍后再试; nothing is half-written (each message's inbox row, its ticket, payment or ballot and its
// reply exist together or not at all). After recovery the platform redelivers everything: what was not
// processed is processed once, the rest are duplicates, and every reply goes out once.
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyCompoundLedger } from '../../db/ledger-check.ts'
import { ballots, inbox, ledgerEntries, outbox, ticketEvents, tickets } from '../../db/schema.ts'
import { t } from '../../src/i18n/index.ts'
import { ROOT, tempDir } from '../helpers/cli.ts'
import type { TestDatabases } from '../helpers/db.ts'
import { type World, world } from '../helpers/world.ts'
import { rosterCsv, rosterRooms, setUpTown, type Town } from '../helpers/fixtures.ts'
import { Child, figures, fixtureEnv, type ServerDb, serverDb } from './helpers.ts'

const OUTAGE_MS = Number(process.env.LINLI_OUTAGE_MS ?? 30_000)
const TRY_LATER = t('zh-CN', 'common.tryLater')
const ROOMS = rosterRooms(48)
const CLI = join(ROOT, 'src/cli.ts')

/** A TCP proxy to PostgreSQL that can drop, refuse or black-hole connections. */
class Proxy {
  private server: Server
  private readonly sockets = new Set<Socket>()
  private held = new Set<Socket>()
  mode: 'up' | 'refuse' | 'blackhole' = 'up'
  port = 0
  connections = 0

  constructor(private readonly target: { host: string; port: number }) {
    this.server = this.make()
  }

  private make(): Server {
    return createServer((client) => {
      this.connections++
      client.on('error', () => {})
      if (this.mode === 'blackhole') {
        // accept, read, never answer
        this.held.add(client)
        client.on('close', () => this.held.delete(client))
        client.resume()
        return
      }
      const upstream = connect(this.target.port, this.target.host)
      upstream.on('error', () => client.destroy())
      client.on('error', () => upstream.destroy())
      client.on('close', () => upstream.destroy())
      upstream.on('close', () => client.destroy())
      client.pipe(upstream)
      upstream.pipe(client)
      this.sockets.add(client)
      this.sockets.add(upstream)
      client.on('close', () => this.sockets.delete(client))
      upstream.on('close', () => this.sockets.delete(upstream))
    })
  }

  async listen(port = 0): Promise<number> {
    await new Promise<void>((res, rej) => {
      this.server.once('error', rej)
      this.server.listen(port, '127.0.0.1', () => res())
    })
    this.port = (this.server.address() as AddressInfo).port
    return this.port
  }

  /** Cut every open connection and refuse new ones (the port is closed). */
  async refuse(): Promise<void> {
    this.mode = 'refuse'
    const closed = new Promise<void>((res) => this.server.close(() => res()))
    for (const s of this.sockets) s.destroy()
    await closed
  }

  /** Listen again but never answer. */
  async blackhole(): Promise<void> {
    this.mode = 'blackhole'
    this.server = this.make()
    await this.listen(this.port)
  }

  /** Forward again; connections held in the black hole are dropped. */
  up(): void {
    this.mode = 'up'
    for (const s of this.held) s.destroy()
    this.held.clear()
  }

  async close(): Promise<void> {
    for (const s of [...this.sockets, ...this.held]) s.destroy()
    await new Promise<void>((res) => this.server.close(() => res()))
  }
}

let server: ServerDb
let w: World
let town: Town
let proxy: Proxy
let proxyUrl: string
beforeAll(async () => {
  server = await serverDb()
  w = await world({} as TestDatabases, { db: server.database })
  town = await setUpTown(w, {
    name: '幸福里',
    head: { id: 'boss', name: '王主任' },
    roster: rosterCsv(48),
    people: [
      { id: 'cc', name: '老李', role: 'committee' },
      { id: 'col', name: '小赵', role: 'collector' },
      ...ROOMS.map((room, i) => ({ id: `o${i}`, name: `业主${i}`, rooms: [room] })),
    ],
  })
  await w.says('cc', '发起投票 更换楼道灯 选项 同意/反对').then((r) => r.expectReply('【投票 #1】'))
  const u = new URL(server.url)
  proxy = new Proxy({ host: u.hostname, port: Number(u.port || 5432) })
  u.port = String(await proxy.listen())
  proxyUrl = u.toString()
})
afterAll(async () => {
  Child.killAll()
  await proxy?.close().catch(() => {})
  await server.drop()
})

type Kind = 'repair' | 'pay' | 'vote' | 'chatter'
interface Msg {
  line: { chat: string; from: string; name: string; text: string; id: string }
  kind: Kind
  marker: string
  voter?: string
}

describe('database outage', () => {
  it(`${OUTAGE_MS / 1000} s without PostgreSQL: the process lives, try-later or processed, nothing half-written, redelivery processed once`, async () => {
    const bot = new Child(CLI, fixtureEnv(proxyUrl, { LINLI_NOW: w.clock.now().toISOString(), LINLI_SCHEDULER: 'off', LINLI_DATA_DIR: tempDir('linli-outage-') }), [
      'sandbox',
      '--jsonl',
    ])
    let sentinels = 0
    /** a 帮助 whose answer shows that every line before it has been handled */
    const settle = async (ms = 120_000) => {
      const id = `sentinel-${++sentinels}`
      const from = bot.lines.length
      bot.send({ chat: 'g1', from: 'cc', name: '老李', text: '帮助', id })
      await bot.waitFor((l) => typeof l.text === 'string' && l.text.includes('可用命令'), { from, ms })
      return bot.lines.length
    }
    await settle()

    let n = 0
    const make = (): Msg => {
      const k = n++
      const marker = `outage-${k}`
      const kind: Kind = (['repair', 'pay', 'vote', 'chatter'] as const)[k % 4]!
      const who = `o${k % 40}`
      const line = (from: string, text: string) => ({ chat: 'g1', from, name: from === 'col' ? '小赵' : `业主${from.slice(1)}`, text, id: marker })
      switch (kind) {
        case 'repair':
          return { kind, marker, line: line(who, `报修 ${marker} 楼道灯不亮`) }
        case 'pay':
          return { kind, marker, line: line('col', `缴费 ${ROOMS[k % 40]} 1${k}.00 ${marker}`) }
        case 'vote':
          return { kind, marker, voter: `o${k}`, line: line(`o${k}`, '投票 #1 1') }
        default:
          return { kind, marker, line: line(who, '今天停水了吗') }
      }
    }
    const sent: Msg[] = []
    const deliver = (m: Msg) => {
      sent.push(m)
      bot.send(m.line)
    }

    // a burst in flight when the database goes away, then one message a second
    const pass1 = bot.lines.length
    for (let i = 0; i < 8; i++) deliver(make())
    await new Promise((r) => setTimeout(r, 20))
    const t0 = Date.now()
    await proxy.refuse()
    const perSecond = async (until: number) => {
      while (Date.now() - t0 < until) {
        deliver(make())
        await new Promise((r) => setTimeout(r, 1000))
      }
    }
    await perSecond(OUTAGE_MS / 2)
    await proxy.blackhole()
    await perSecond(OUTAGE_MS)
    proxy.up()
    const outageSeconds = (Date.now() - t0) / 1000
    const end1 = await settle()
    const out1 = bot.lines.slice(pass1, end1)
    const tryLater = out1.filter((l) => l.text === TRY_LATER).length

    // nothing half-written: a message's inbox row, its effect and its reply exist together or not at all
    const db = w.db.db
    const state = async (m: Msg) => {
      const [row] = await db.select().from(inbox).where(sql`${inbox.chatId} = 'g1' AND ${inbox.messageId} = ${m.marker}`)
      let effects = 0
      if (m.kind === 'repair') {
        const ts = await db.select().from(tickets).where(sql`${tickets.description} LIKE ${`${m.marker} %`}`)
        effects = ts.length
        if (ts[0]) expect((await db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ts[0].id))).length).toBeGreaterThan(0)
      } else if (m.kind === 'pay') {
        effects = (await db.select().from(ledgerEntries).where(sql`${ledgerEntries.note} = ${m.marker}`)).length
      } else if (m.kind === 'vote') {
        effects = (await db.select().from(ballots).where(eq(ballots.memberId, town.members[m.voter!]!))).length
      }
      const replies = row ? (await db.select().from(outbox).where(eq(outbox.inboxId, row.id))).length : 0
      return { inbox: row ? 1 : 0, effects, replies }
    }
    const commands = sent.filter((m) => m.kind !== 'chatter')
    // a payment also writes the private receipt of the owner bound to the household
    const repliesOf = (m: Msg) => (m.kind === 'pay' ? 2 : 1)
    let notProcessed = 0
    for (const m of commands) {
      const st = await state(m)
      expect(st, m.marker).toEqual(st.inbox ? { inbox: 1, effects: 1, replies: repliesOf(m) } : { inbox: 0, effects: 0, replies: 0 })
      if (!st.inbox) notProcessed++
    }
    // each command not processed was told to try later; a told one may have committed just before the cut
    expect(tryLater).toBeGreaterThanOrEqual(notProcessed)
    expect(notProcessed).toBeGreaterThan(0)
    const committedUnacknowledged = tryLater - notProcessed

    // recovery: the platform redelivers everything, twice
    for (const m of sent) bot.send(m.line)
    const end2 = await settle()
    for (const m of sent) bot.send(m.line)
    const end3 = await settle()
    for (const m of commands) expect(await state(m), m.marker).toEqual({ inbox: 1, effects: 1, replies: repliesOf(m) })
    const isSentinel = (l: { text?: unknown }) => typeof l.text === 'string' && l.text.includes('可用命令')
    expect(bot.lines.slice(end2, end3).filter((l) => !isSentinel(l))).toEqual([]) // the second redelivery: all duplicates

    bot.endInput()
    const exit = await bot.exited
    expect(exit, bot.stderr.slice(-2000)).toEqual({ code: 0, signal: null })
    expect(bot.stderr).not.toMatch(/"level":60|uncaught exception/)
    const faults = (bot.stderr.match(/postgres\.js wrote to a dropped connection/g) ?? []).length

    // every reply of every message went out once (the try-later notes aside)
    expect((await db.select().from(outbox).where(sql`${outbox.status} <> 'sent'`)).length).toBe(0)
    const replyRows = await db.select().from(outbox).where(sql`${outbox.inboxId} IN (SELECT id FROM inbox WHERE message_id LIKE 'outage-%')`)
    const delivered = bot.lines.slice(pass1).filter((l) => typeof l.text === 'string' && l.text !== TRY_LATER && !isSentinel(l))
    expect(delivered.length).toBe(replyRows.reduce((k, r) => k + (r.groupAckText ? 2 : 1), 0))
    expect((await verifyCompoundLedger(db, town.compoundId)).ok).toBe(true)
    const processedLater = notProcessed

    figures(
      `database outage: ${outageSeconds.toFixed(0)} s (refused ${OUTAGE_MS / 2000} s, black hole ${OUTAGE_MS / 2000} s), ${sent.length} messages (${commands.length} commands) to a running linli → ` +
        `process alive (exit 0 at the end), ${faults} postgres.js write faults survived, ${tryLater} told "${TRY_LATER}" (${committedUnacknowledged} of them had committed just before the cut), ` +
        `${commands.length - notProcessed} processed (before the cut, or held in the black hole and processed on recovery), 0 half-written; after recovery ${processedLater} processed on redelivery, ${commands.length} duplicates on the second, ${replyRows.length} replies sent once each`,
    )
  })
})
