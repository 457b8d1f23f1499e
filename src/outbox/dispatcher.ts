// Delivers outbox rows through the adapters after the command's transaction commits.
// Rows are claimed with FOR UPDATE SKIP LOCKED so several instances never send the same row at once,
// and a target (one chat or user) is served by one instance at a time so its messages keep their order.
import { AdapterError, type ChatAdapter } from '../core/adapter.ts'
import type { Outgoing } from '../core/messages.ts'
import type { Database } from '../../db/client.ts'
import { claimOutboxRows, markOutboxFailed, markOutboxSent, type OutboxRow, releaseOutboxRow } from '../../db/outbox.ts'
import { log } from '../log.ts'

export interface DispatcherOptions {
  /** deliver only rows of these compounds (one WeChat account per process serves its own compounds) */
  compounds?: number[]
}

const MAX_ATTEMPTS = 8
const CLAIM_SECONDS = 120
/** rows claimed at a time */
const BATCH = 50

export class OutboxDispatcher {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<number> | null = null
  private again = false
  /** rows delivered and waiting for their `sent` update, which one statement writes for all of them */
  private sent = new SentMarks((ids) => markOutboxSent(this.database.db, ids))

  constructor(
    private readonly database: Database,
    private readonly adapters: Map<string, ChatAdapter>,
    private readonly opts: DispatcherOptions = {},
  ) {}

  /** Send what is due; concurrent calls coalesce so order per target is kept. Returns rows sent. */
  async flush(): Promise<number> {
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = (async () => {
      let total = 0
      do {
        this.again = false
        let batch: { claimed: number; sent: number }
        do {
          batch = await this.deliverBatch()
          total += batch.sent
          // a batch short of the limit took every row due: rows committed since then come with their own flush()
          // (which sets `again`), retries and other instances' rows with the next poll
        } while (batch.sent > 0 && batch.claimed >= BATCH)
      } while (this.again)
      return total
    })()
    try {
      return await this.running
    } finally {
      this.running = null
    }
  }

  /** Poll for retries and posts written by other instances or the scheduler. */
  start(intervalMs = 2000): void {
    this.timer = setInterval(() => {
      this.flush().catch((err) => log.error({ err }, 'outbox flush failed'))
    }, intervalMs)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    if (this.running) await this.running.catch(() => 0)
  }

  private claim(): Promise<OutboxRow[]> {
    const platforms = [...this.adapters.keys()]
    return claimOutboxRows(this.database.db, { platforms, compounds: this.opts.compounds, limit: BATCH, claimSeconds: CLAIM_SECONDS })
  }

  /**
   * Deliver one claimed batch. Rows that share a chat (their target, or the group a private reply is
   * acknowledged in) form a lane and go one after another in id order; lanes run concurrently, so one slow
   * or rate-limited chat does not hold up the others and the adapters' limiters can pace chats in parallel.
   */
  private async deliverBatch(): Promise<{ claimed: number; sent: number }> {
    const rows = await this.claim()
    if (rows.length === 0) return { claimed: 0, sent: 0 }
    const oneAtATime = new Set([...this.adapters.values()].filter((a) => a.sendsOneAtATime).map((a) => a.platform as string))
    const sent = await Promise.all(lanesOf(rows, oneAtATime).map((lane) => this.deliverLane(lane)))
    return { claimed: rows.length, sent: sent.reduce((a, b) => a + b, 0) }
  }

  private async deliverLane(rows: OutboxRow[]): Promise<number> {
    let sent = 0
    const blocked = new Set<string>()
    for (const row of rows) {
      const target = targetOf(row)
      if (blocked.has(target)) {
        // keep per-target order: a later row waits for the failed one
        await this.release(row.id, 0)
        continue
      }
      try {
        await this.deliver(row)
        await this.sent.mark(row.id)
        sent++
      } catch (err) {
        blocked.add(target)
        const retryAfter = err instanceof AdapterError ? err.retryAfterMs : undefined
        const permanent = err instanceof AdapterError && (err.code === 'permission' || err.code === 'not_found')
        if (permanent || row.attempts >= MAX_ATTEMPTS) {
          log.error({ err, outbox: row.id, target }, 'outbox row failed permanently')
          await markOutboxFailed(this.database.db, row.id, String((err as Error)?.message ?? err))
        } else {
          const backoff = retryAfter ?? Math.min(3_600_000, 2 ** row.attempts * 2_000)
          log.warn({ err, outbox: row.id, target, backoffMs: backoff }, 'outbox send failed; will retry')
          await this.release(row.id, backoff, String((err as Error)?.message ?? err))
        }
      }
    }
    return sent
  }

  private release(id: number, delayMs: number, error?: string): Promise<void> {
    return releaseOutboxRow(this.database.db, id, delayMs, error)
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const adapter = this.adapters.get(row.platform)
    if (!adapter) throw new AdapterError(`no adapter for ${row.platform}`, 'unknown')
    const out: Outgoing = { text: row.text }
    if (row.image) out.image = { png: row.image, caption: row.text }
    if (row.buttons) out.buttons = row.buttons
    if (row.file) out.file = { bytes: row.file, name: row.file_name ?? 'linli.csv' }
    if (row.target_kind === 'chat') {
      await adapter.send(row.target_id, out)
      return
    }
    const result = await adapter.sendPrivate(row.target_id, out)
    if (!row.group_chat_id) {
      if (result === 'unreachable') log.info({ outbox: row.id, user: row.target_id }, 'private message unreachable')
      return
    }
    if (result === 'sent' && row.group_ack_text) {
      await adapter.send(row.group_chat_id, { text: row.group_ack_text })
    } else if (result === 'unreachable' && row.group_fallback_text) {
      const hint = adapter.privateChatHint?.(row.target_id)
      await adapter.send(row.group_chat_id, { text: hint ? `${row.group_fallback_text}\n${hint}` : row.group_fallback_text })
    }
  }
}

/**
 * The `sent` updates of delivered rows, gathered: a row's mark waits for the next update, which starts on the
 * next turn of the event loop, or once the update running now has finished, and covers every row delivered by
 * then. Lanes delivering at the same time share one statement; a lone row still gets its own at once.
 */
class SentMarks {
  private ids: number[] = []
  private waiting: { resolve(): void; reject(err: unknown): void }[] = []
  private running = false
  private scheduled = false

  constructor(private readonly write: (ids: number[]) => Promise<void>) {}

  mark(id: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ids.push(id)
      this.waiting.push({ resolve, reject })
      this.schedule()
    })
  }

  private schedule(): void {
    if (this.running || this.scheduled) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      void this.run()
    })
  }

  private async run(): Promise<void> {
    this.running = true
    while (this.ids.length > 0) {
      const ids = this.ids
      const waiting = this.waiting
      this.ids = []
      this.waiting = []
      try {
        await this.write(ids)
        for (const w of waiting) w.resolve()
      } catch (err) {
        for (const w of waiting) w.reject(err)
      }
    }
    this.running = false
  }
}

const targetOf = (row: OutboxRow) => `${row.platform}:${row.target_kind}:${row.target_id}`

/**
 * Rows (in id order) grouped so that rows touching a common chat — the same target, or a private reply
 * and its acknowledgement in a group — are in one lane, each lane in id order. All rows of a platform in
 * `oneAtATime` (its adapter sends one message at a time anyway) form one lane.
 */
export function lanesOf(rows: readonly OutboxRow[], oneAtATime: ReadonlySet<string> = new Set()): OutboxRow[][] {
  const parent = new Map<string, string>()
  const find = (k: string): string => {
    let root = k
    while (parent.get(root) !== root) root = parent.get(root) ?? (parent.set(root, root), root)
    parent.set(k, root)
    return root
  }
  const chatsOf = (row: OutboxRow) => [
    targetOf(row),
    ...(row.group_chat_id ? [`${row.platform}:chat:${row.group_chat_id}`] : []),
    ...(oneAtATime.has(row.platform) ? [`${row.platform}:*`] : []),
  ]
  for (const row of rows) {
    const [first, ...rest] = chatsOf(row).map(find)
    for (const r of rest) if (r !== first) parent.set(r, first!)
  }
  const lanes = new Map<string, OutboxRow[]>()
  for (const row of rows) {
    const root = find(targetOf(row))
    const lane = lanes.get(root)
    if (lane) lane.push(row)
    else lanes.set(root, [row])
  }
  return [...lanes.values()]
}
