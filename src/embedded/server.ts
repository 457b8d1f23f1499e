// Serves the bot's embedded PGlite to other `linli` processes (CLI commands) over a Unix socket.
//
// PGlite is one PostgreSQL backend: one session, shared by this process's own queries and every socket
// connection. @electric-sql/pglite-socket frames the wire protocol (PGLiteSocketHandler); its own query queue
// is not used because it is not safe next to in-process queries: it takes only PGlite's query mutex, so a
// remote statement can land inside one of the bot's transactions, and outside transactions it interleaves
// the extended-protocol messages of different connections (one connection's Bind on another's Parse).
// SessionArbiter gives a connection the whole session for a unit of work instead: from its first message
// until a Sync or simple Query leaves the session outside a transaction, holding PGlite's transaction mutex,
// which the bot's own queries and transactions take too. So a CLI transaction is as isolated as on a server.
import { rmSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import type { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketHandler } from '@electric-sql/pglite-socket'

const SYNC = 0x53 // 'S'
const QUERY = 0x51 // 'Q'
const TERMINATE = 0x58 // 'X'
const SYNC_MESSAGE = new Uint8Array([SYNC, 0, 0, 0, 4])

function queryMessage(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`, 'utf8')
  const m = Buffer.alloc(5 + text.length)
  m[0] = QUERY
  m.writeInt32BE(4 + text.length, 1)
  text.copy(m, 5)
  return m
}

class Disconnected extends Error {
  constructor() {
    super('connection closed')
  }
}

/** The interface PGLiteSocketHandler calls (its QueryQueueManager's), arbitrated as described above. */
class SessionArbiter {
  /** the connection holding the session, and how to give it back */
  private owner: number | null = null
  private release: (() => void) | null = null
  /** each connection's messages run strictly in the order they arrived */
  private readonly chains = new Map<number, Promise<unknown>>()
  private readonly gone = new Set<number>()
  private idleTimer: NodeJS.Timeout | undefined

  constructor(
    private readonly pg: PGlite,
    /** a connection holding the session that sends nothing for this long is disconnected (rolled back) */
    private readonly idleMs: number,
    private readonly disconnect: (handlerId: number) => void,
  ) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    const prev = this.chains.get(handlerId) ?? Promise.resolve()
    const next = prev.catch(() => {}).then(() => this.run(handlerId, message, onData))
    this.chains.set(handlerId, next)
    return next
  }

  private async run(id: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    if (this.gone.has(id)) throw new Disconnected()
    const type = message[0]
    if (type === TERMINATE) {
      // never forwarded: a Terminate ends PGlite's one backend (PGlite.close sends it)
      if (this.owner === id) await this.abort()
      return 0
    }
    if (this.owner !== id) await this.acquire(id)
    clearTimeout(this.idleTimer)
    if (this.gone.has(id)) {
      await this.abort()
      throw new Disconnected()
    }
    let out: Uint8Array
    try {
      out = await this.pg.runExclusive(() => this.pg.execProtocolRaw(message))
    } catch (err) {
      await this.abort().catch(() => {})
      throw err
    }
    onData(out)
    // a startup message (no type byte: it begins with its length), a Sync or a simple Query ends a unit of work
    const unitEnds = type === SYNC || type === QUERY || type === 0
    if (unitEnds && !this.pg.isInTransaction()) this.giveBack()
    else this.idleTimer = setTimeout(() => this.disconnect(id), this.idleMs).unref()
    return out.length
  }

  private acquire(id: number): Promise<void> {
    return new Promise((got) => {
      void this.pg._runExclusiveTransaction(
        () =>
          new Promise<void>((release) => {
            this.owner = id
            this.release = release
            got()
          }),
      )
    })
  }

  private giveBack(): void {
    clearTimeout(this.idleTimer)
    const release = this.release
    this.owner = null
    this.release = null
    release?.()
  }

  /** End whatever the owner left open (an unfinished extended-protocol unit, a transaction) and give the session back. */
  private async abort(): Promise<void> {
    try {
      await this.pg.runExclusive(async () => {
        await this.pg.execProtocolRaw(SYNC_MESSAGE)
        if (this.pg.isInTransaction()) await this.pg.execProtocolRaw(queryMessage('ROLLBACK'))
      })
    } finally {
      this.giveBack()
    }
  }

  // ---- called by PGLiteSocketHandler when its connection ends ----

  clearQueueForHandler(handlerId: number): void {
    this.gone.add(handlerId)
  }

  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    this.gone.add(handlerId)
    await this.chains.get(handlerId)?.catch(() => {})
    this.chains.delete(handlerId)
    if (this.owner === handlerId) await this.abort()
    this.gone.delete(handlerId)
  }

  getQueueLength(): number {
    return 0
  }
}

export interface SessionServerOptions {
  pglite: PGlite
  /** the Unix socket's path */
  path: string
  /** see SessionArbiter (default 30 s) */
  idleInTransactionMs?: number
}

export class SessionServer {
  private server: Server | undefined
  private readonly handlers = new Map<number, PGLiteSocketHandler>()
  private readonly arbiter: SessionArbiter

  constructor(private readonly opts: SessionServerOptions) {
    this.arbiter = new SessionArbiter(opts.pglite, opts.idleInTransactionMs ?? 30_000, (id) => {
      void this.handlers.get(id)?.detach(true)
    })
  }

  async listen(): Promise<void> {
    // a socket file left by a process that died is ours to replace: the caller holds the folder's lock
    rmSync(this.opts.path, { force: true })
    const server = createServer((socket) => this.accept(socket))
    this.server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.opts.path, () => {
        server.off('error', reject)
        resolve()
      })
    })
  }

  private accept(socket: Socket): void {
    const handler = new PGLiteSocketHandler({
      // the handler only calls enqueue / clearQueueForHandler / clearTransactionIfNeeded
      queryQueue: this.arbiter as unknown as ConstructorParameters<typeof PGLiteSocketHandler>[0]['queryQueue'],
      closeOnDetach: true,
    })
    this.handlers.set(handler.handlerId, handler)
    const forget = () => this.handlers.delete(handler.handlerId)
    handler.addEventListener('close', forget)
    handler.addEventListener('error', forget)
    void handler.attach(socket)
  }

  /** Stop accepting, end every connection (rolling back what it left open) and remove the socket file. */
  async close(): Promise<void> {
    const server = this.server
    this.server = undefined
    if (!server) return
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    await Promise.all([...this.handlers.values()].map((h) => h.detach(true)))
    this.handlers.clear()
    await closed
    rmSync(this.opts.path, { force: true })
  }
}
