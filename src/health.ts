// Liveness (/healthz) and readiness (/readyz) for load balancers and orchestrators. Instances are
// stateless (PostgreSQL holds everything), so ready = started, not draining, and the database answers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { sql } from 'drizzle-orm'
import type { Database } from '../db/client.ts'
import { log } from './log.ts'

export interface HealthState {
  database?: Database
  started: boolean
  draining: boolean
}

/** One per process: runBot sets it; the health server and the Telegram webhook server read it. */
export const healthState: HealthState = { started: false, draining: false }

const DB_TIMEOUT_MS = 2_000

async function databaseAnswers(db: Database): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<boolean>((res) => {
    timer = setTimeout(() => res(false), DB_TIMEOUT_MS)
  })
  try {
    return await Promise.race([db.db.execute(sql`select 1`).then(() => true), timeout])
  } catch {
    return false
  } finally {
    clearTimeout(timer)
  }
}

/** Answer /healthz or /readyz; returns false for any other path so the caller can route it. */
export async function serveHealth(req: IncomingMessage, res: ServerResponse, state: HealthState = healthState): Promise<boolean> {
  const path = (req.url ?? '/').split('?')[0]
  if (path === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok' }))
    return true
  }
  if (path === '/readyz') {
    const db = state.database ? await databaseAnswers(state.database) : false
    const ready = state.started && !state.draining && db
    res
      .writeHead(ready ? 200 : 503, { 'content-type': 'application/json' })
      .end(JSON.stringify({ status: ready ? 'ready' : 'not ready', started: state.started, draining: state.draining, database: db }))
    return true
  }
  return false
}

/** A small HTTP server with only the two endpoints (LINLI_HEALTH_PORT). */
export class HealthServer {
  private server: Server | undefined

  constructor(
    private readonly port: number,
    private readonly state: HealthState = healthState,
  ) {}

  async listen(host?: string): Promise<AddressInfo> {
    const server = createServer((req, res) => {
      serveHealth(req, res, this.state)
        .then((handled) => {
          if (!handled) res.writeHead(404).end()
        })
        .catch((err) => {
          log.error({ err }, 'health request failed')
          if (!res.headersSent) res.writeHead(500).end()
        })
    })
    this.server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.port, host, () => resolve())
    })
    return server.address() as AddressInfo
  }

  async close(): Promise<void> {
    const server = this.server
    this.server = undefined
    if (!server) return
    server.closeAllConnections()
    await new Promise<void>((res) => server.close(() => res()))
  }
}
