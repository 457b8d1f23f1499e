// Webhook mode: a node:http server that accepts Telegram's POSTs on one path. The secret Telegram echoes in
// X-Telegram-Bot-Api-Secret-Token is compared in constant time; a missing or wrong one gets 401 and the body is
// never read. A GET on the same path answers 200 (a health check for the reverse proxy).
import { createHash, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage as HttpRequest, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Update } from 'grammy/types'
import { serveHealth } from '../../src/health.ts'

export const SECRET_HEADER = 'x-telegram-bot-api-secret-token'
/** Telegram's limit on a webhook secret: 1–256 characters of A–Z, a–z, 0–9, _ and - */
export const SECRET_PATTERN = /^[A-Za-z0-9_-]{1,256}$/
const MAX_BODY_BYTES = 2 * 1024 * 1024

export interface WebhookServerOptions {
  port: number
  host?: string
  path: string
  secret: string
  /** handle one update; resolves when the update may be acknowledged */
  onUpdate(update: Update): Promise<void>
  onError?(err: unknown): void
}

/** Constant-time comparison of the header with the secret (hashing first makes the lengths equal). */
export function secretMatches(header: string | string[] | undefined, secret: string): boolean {
  const given = Array.isArray(header) ? header[0] : header
  if (given === undefined) return false
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(secret).digest()
  return timingSafeEqual(a, b)
}

export class WebhookServer {
  private server: Server | undefined
  private readonly active = new Set<Promise<void>>()

  constructor(private readonly opts: WebhookServerOptions) {}

  async listen(): Promise<AddressInfo> {
    const server = createServer((req, res) => {
      const work = this.serve(req, res).catch((err) => {
        this.opts.onError?.(err)
        if (!res.headersSent) res.writeHead(500).end()
      })
      this.active.add(work)
      void work.finally(() => this.active.delete(work))
    })
    // Telegram keeps connections alive; do not let an idle one hold the process at stop
    server.keepAliveTimeout = 30_000
    this.server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    return server.address() as AddressInfo
  }

  address(): AddressInfo | undefined {
    return (this.server?.address() as AddressInfo | null) ?? undefined
  }

  /** Stop accepting, finish the requests being handled, then close. */
  async close(): Promise<void> {
    const server = this.server
    if (!server) return
    this.server = undefined
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeIdleConnections()
    await Promise.allSettled([...this.active])
    server.closeAllConnections()
    await closed
  }

  private async serve(req: HttpRequest, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]
    // in webhook mode PORT is this server's: it answers the load balancer's health checks too
    if (path !== this.opts.path && (req.method === 'GET' || req.method === 'HEAD') && (await serveHealth(req, res))) return
    if (path !== this.opts.path) {
      res.writeHead(404).end()
      req.resume()
      return
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(req.method === 'GET' ? 'ok' : undefined)
      return
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end()
      req.resume()
      return
    }
    if (!secretMatches(req.headers[SECRET_HEADER], this.opts.secret)) {
      res.writeHead(401).end('unauthorized')
      req.resume()
      return
    }
    const body = await readBody(req, MAX_BODY_BYTES)
    if (body === null) {
      res.writeHead(413).end()
      return
    }
    let update: Update
    try {
      update = JSON.parse(body) as Update
    } catch {
      res.writeHead(400).end('not JSON')
      return
    }
    if (typeof update !== 'object' || update === null || typeof update.update_id !== 'number') {
      res.writeHead(400).end('not an update')
      return
    }
    await this.opts.onUpdate(update)
    res.writeHead(200).end()
  }
}

function readBody(req: HttpRequest, max: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooBig = false
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > max) tooBig = true
      else chunks.push(chunk)
    })
    req.once('end', () => resolve(tooBig ? null : Buffer.concat(chunks).toString('utf8')))
    req.once('error', reject)
  })
}
