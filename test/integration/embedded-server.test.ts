// A bot's embedded PGlite served to CLI processes (src/embedded/server.ts): the bot's own queries and every
// socket connection share PGlite's one session, so each unit of work must have it alone. Runs on PGlite on
// disk whatever DATABASE_URL says: serving a data folder is what the embedded database does.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'drizzle-orm'
import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { openDataFolder } from '../../src/embedded/open.ts'

let dir: string
let bot: Database
const clients: Database[] = []

async function client(): Promise<Database> {
  const c = await openDataFolder({ dataDir: dir, role: 'cli' })
  clients.push(c)
  return c
}

const rowsOf = <T>(res: unknown): T[] => ((res as { rows?: T[] }).rows ?? (res as T[])) as T[]
const count = async (db: Database, table: string) =>
  Number(rowsOf<{ n: number }>(await db.db.execute(sql.raw(`SELECT count(*)::int AS n FROM ${table}`)))[0]!.n)

const servedSocket = () => (JSON.parse(readFileSync(join(dir, 'linli.lock'), 'utf8')) as { socket: string }).socket

/** A wire-protocol connection by hand: startup, then simple queries; resolves each with ReadyForQuery's status. */
async function rawConnection(path: string): Promise<{ socket: Socket; query(text: string): Promise<string> }> {
  const socket = connect(path)
  let buf = Buffer.alloc(0)
  let waiting: ((status: string) => void) | undefined
  socket.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d])
    while (buf.length >= 5 && buf.length >= 1 + buf.readInt32BE(1)) {
      const type = String.fromCharCode(buf[0]!)
      const status = String.fromCharCode(buf[5] ?? 0)
      buf = buf.subarray(1 + buf.readInt32BE(1))
      if (type === 'Z') waiting?.(status)
    }
  })
  const ready = () => new Promise<string>((res) => (waiting = res))
  const params = Buffer.from('user\0linli\0database\0linli\0\0')
  const startup = Buffer.alloc(8 + params.length)
  startup.writeInt32BE(startup.length, 0)
  startup.writeInt32BE(196608, 4)
  params.copy(startup, 8)
  const first = ready()
  socket.write(startup)
  await first
  return {
    socket,
    query(text) {
      const body = Buffer.from(`${text}\0`)
      const m = Buffer.alloc(5 + body.length)
      m[0] = 0x51
      m.writeInt32BE(4 + body.length, 1)
      body.copy(m, 5)
      const r = ready()
      socket.write(m)
      return r
    },
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'linli-served-'))
  bot = await openDataFolder({ dataDir: dir, role: 'bot' })
  await bot.db.execute(sql`CREATE TABLE t (id serial PRIMARY KEY, v int NOT NULL)`)
  await bot.db.execute(sql`CREATE TABLE counter (n int NOT NULL)`)
  await bot.db.execute(sql`INSERT INTO counter VALUES (0)`)
}, 120_000)

afterAll(async () => {
  for (const c of clients) await c.close().catch(() => {})
  await bot?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('a bot serving its data folder', { timeout: 120_000 }, () => {
  it('a CLI process goes through the bot: one database, each sees the other’s writes at once', async () => {
    const cli = await client()
    expect(cli.driver).toBe('postgres')
    expect(cli.through?.pid).toBe(process.pid)
    await cli.db.execute(sql`INSERT INTO t (v) VALUES (${1})`)
    expect(await count(bot, 't')).toBe(1)
    await bot.db.execute(sql`INSERT INTO t (v) VALUES (2)`)
    expect(await count(cli, 't')).toBe(2)
    await bot.db.execute(sql`DELETE FROM t`)
  })

  it('the bot never sees half of a CLI transaction, and waits for it instead of joining it', async () => {
    const cli = await client()
    let inside!: () => void
    const started = new Promise<void>((res) => (inside = res))
    const tx = cli.db.transaction(async (tx) => {
      await tx.execute(sql`INSERT INTO t (v) VALUES (${10})`)
      inside()
      await sleep(300)
      await tx.execute(sql`INSERT INTO t (v) VALUES (${11})`)
    })
    await started
    // a bot transaction started now must not run inside the CLI's open transaction
    const seen = await bot.db.transaction(async (btx) => {
      const n = rowsOf<{ n: number }>(await btx.execute(sql`SELECT count(*)::int AS n FROM t WHERE v IN (10, 11)`))[0]!.n
      await btx.execute(sql`INSERT INTO t (v) VALUES (12)`)
      return n
    })
    await tx
    expect(seen).toBe(2)
    expect(await count(bot, 't')).toBe(3)
    await bot.db.execute(sql`DELETE FROM t`)
  })

  it('a CLI statement waits for the bot’s transaction, and a failed one leaves nothing behind', async () => {
    const cli = await client()
    let inside!: () => void
    const started = new Promise<void>((res) => (inside = res))
    const botTx = bot.db.transaction(async (tx) => {
      await tx.execute(sql`INSERT INTO t (v) VALUES (20)`)
      inside()
      await sleep(300)
      await tx.execute(sql`INSERT INTO t (v) VALUES (21)`)
    })
    await started
    expect(await count(cli, 't')).toBe(2)
    await botTx
    await expect(
      cli.db.transaction(async (tx) => {
        await tx.execute(sql`INSERT INTO t (v) VALUES (${22})`)
        await tx.execute(sql`SELECT * FROM no_such_table`)
      }),
    ).rejects.toThrow()
    expect(await count(bot, 't')).toBe(2)
    expect(await count(cli, 't')).toBe(2)
    await bot.db.execute(sql`DELETE FROM t`)
  })

  it('loses no update when CLI connections and the bot increment the same row at once', async () => {
    const a = await client()
    const b = await client()
    const increment = (db: Database) =>
      db.db.transaction(async (tx) => {
        const n = rowsOf<{ n: number }>(await tx.execute(sql`SELECT n FROM counter`))[0]!.n
        await tx.execute(sql`UPDATE counter SET n = ${Number(n) + 1}`)
      })
    await Promise.all(Array.from({ length: 30 }, (_, i) => increment([a, b, bot][i % 3]!)))
    expect(rowsOf<{ n: number }>(await bot.db.execute(sql`SELECT n FROM counter`))[0]!.n).toBe(30)
  })

  it('a CLI process that dies inside a transaction is rolled back and the bot goes on', async () => {
    const conn = await rawConnection(servedSocket())
    expect(await conn.query('BEGIN; INSERT INTO t (v) VALUES (30)')).toBe('T') // ReadyForQuery: in a transaction
    conn.socket.destroy() // the process was killed: no COMMIT, no ROLLBACK, no Terminate
    expect(await count(bot, 't')).toBe(0)
    await bot.db.execute(sql`INSERT INTO t (v) VALUES (31)`)
    expect(await count(bot, 't')).toBe(1)
    await bot.db.execute(sql`DELETE FROM t`)
  })

  it('a client’s Terminate ends its connection, not the bot’s database', async () => {
    const cli = await openDataFolder({ dataDir: dir, role: 'cli' })
    await cli.db.execute(sql`SELECT 1`)
    await cli.close()
    expect(await count(bot, 't')).toBe(0)
    const again = await client()
    expect(await count(again, 't')).toBe(0)
  })

  it('a second bot on the folder is refused, naming the process that holds it', async () => {
    await expect(openDataFolder({ dataDir: dir, role: 'bot' })).rejects.toThrow(
      new RegExp(`in use by process ${process.pid} [\\s\\S]*one bot per data folder`),
    )
  })
})
