// A conversation harness: the real pipeline, commands and outbox on a real database, read like a chat.
//   const w = await world(dbs); await w.says('u1', '帮助').expectReply(/可用命令/)
import { expect } from 'vitest'
import type { IncomingMessage } from '../../src/core/messages.ts'
import type { Database } from '../../db/client.ts'
import { App } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import type { Clock } from '../../src/pipeline/command.ts'
import type { TestDatabases } from './db.ts'
import { RecordingAdapter, type Sent } from './recording-adapter.ts'

export interface SayOptions {
  chat?: string
  name?: string
  id?: string
  admin?: boolean
  private?: boolean
  images?: string[]
  replyTo?: IncomingMessage['replyTo']
  /** the message @mentions the bot (the text need not say so) */
  mentionsBot?: boolean
}

export class SaidMessage {
  constructor(
    readonly outcome: Awaited<ReturnType<App['handle']>>,
    readonly replies: Sent[],
  ) {}
  /** the replies' texts joined, for quick matching */
  get text(): string {
    return this.replies.map((r) => r.text).join('\n---\n')
  }
  expectReply(pattern: RegExp | string): this {
    expect(this.replies.length, `no reply; outcome ${JSON.stringify(this.outcome)}`).toBeGreaterThan(0)
    if (typeof pattern === 'string') expect(this.text).toContain(pattern)
    else expect(this.text).toMatch(pattern)
    return this
  }
  expectNoReply(): this {
    expect(this.replies, `unexpected reply: ${this.text}`).toEqual([])
    return this
  }
}

/** The texts of one message's replies to the group. */
export const groupTexts = (r: Pick<SaidMessage, 'replies'>) => r.replies.filter((x) => x.chat).map((x) => x.text)
/** The texts of one message's private replies to `user`. */
export const privateTo = (r: Pick<SaidMessage, 'replies'>, user: string) => r.replies.filter((x) => x.user === user).map((x) => x.text)
/** Who got a private reply to one message, sorted. */
export const privateUsers = (r: Pick<SaidMessage, 'replies'>) => r.replies.filter((x) => x.user).map((x) => x.user!).sort()

/** A settable clock for tests. */
export class TestClock implements Clock {
  constructor(public current = new Date('2026-11-23T02:00:00Z')) {}
  now(): Date {
    return new Date(this.current)
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms)
  }
  set(iso: string): void {
    this.current = new Date(iso)
  }
}

export interface World {
  db: Database
  app: App
  adapter: RecordingAdapter
  clock: TestClock
  says(from: string, text: string, opts?: SayOptions): Promise<SaidMessage>
  /** same as says but the promise of several in parallel */
  deliver(msg: IncomingMessage): Promise<SaidMessage>
  message(from: string, text: string, opts?: SayOptions): IncomingMessage
}

let seq = 0

export async function world(dbs: TestDatabases, opts: { db?: Database; clock?: TestClock } = {}): Promise<World> {
  const db = opts.db ?? (await dbs.fresh())
  const adapter = new RecordingAdapter('console')
  const clock = opts.clock ?? new TestClock()
  const config = loadConfig({ LINLI_BOT_NAME: '邻里' } as NodeJS.ProcessEnv)
  const app = new App({ database: db, config, clock, adapters: [adapter] })
  const names = new Map<string, string>()
  // like a platform: a sender keeps the display name it was last seen with
  const rememberName = (from: string, name?: string) => {
    const n = name ?? names.get(from) ?? from
    names.set(from, n)
    return n
  }
  const message = (from: string, text: string, o: SayOptions = {}): IncomingMessage => ({
    platform: 'console',
    id: o.id ?? `m${++seq}`,
    chat: o.private ? { id: `dm:${from}`, kind: 'private' } : { id: o.chat ?? 'g1', kind: 'group' },
    sender: { id: from, name: rememberName(from, o.name) },
    text,
    mentionsBot: o.mentionsBot ?? false,
    images: (o.images ?? []).map((ref) => ({ ref })),
    replyTo: o.replyTo,
    sentAt: clock.now(),
    senderIsAdmin: o.admin ?? false,
  })
  const deliver = async (msg: IncomingMessage) => {
    const before = adapter.sent.length
    const outcome = await app.handle(msg)
    return new SaidMessage(outcome, adapter.sent.slice(before))
  }
  return { db, app, adapter, clock, message, deliver, says: (from, text, o) => deliver(message(from, text, o)) }
}
