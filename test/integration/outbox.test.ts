import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChatAdapter } from '../../src/core/adapter.ts'
import type { Outgoing } from '../../src/core/messages.ts'
import { AdapterError } from '../../src/core/adapter.ts'
import { outbox } from '../../db/schema.ts'
import { OutboxDispatcher } from '../../src/outbox/dispatcher.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { RecordingAdapter } from '../helpers/recording-adapter.ts'

const dbs = useTestDatabases()

/** Records into a shared log, slowly, so two dispatchers overlap. */
class SlowAdapter extends RecordingAdapter {
  constructor(private readonly log: string[], private readonly name: string) {
    super('console')
  }
  override async send(chatId: string, out: Outgoing): Promise<void> {
    await new Promise((r) => setTimeout(r, 5))
    this.log.push(`${chatId}:${out.text}`)
  }
}

describe('outbox dispatcher', () => {
  it('two instances deliver every row exactly once, each chat in order', async () => {
    const db = await dbs.fresh()
    const other = await dbs.reopen(db)
    const rows = []
    for (let i = 0; i < 30; i++) rows.push({ platform: 'console', targetKind: 'chat' as const, targetId: `g${i % 3}`, text: String(i) })
    await db.db.insert(outbox).values(rows)
    const log: string[] = []
    const a = new OutboxDispatcher(db, new Map<string, ChatAdapter>([['console', new SlowAdapter(log, 'a')]]))
    const b = new OutboxDispatcher(other, new Map<string, ChatAdapter>([['console', new SlowAdapter(log, 'b')]]))
    await Promise.all([a.flush(), b.flush(), a.flush(), b.flush()])
    await Promise.all([a.flush(), b.flush()])
    expect(log).toHaveLength(30)
    expect(new Set(log).size).toBe(30)
    for (const chat of ['g0', 'g1', 'g2']) {
      const seq = log.filter((l) => l.startsWith(`${chat}:`)).map((l) => Number(l.split(':')[1]))
      expect(seq).toEqual([...seq].sort((x, y) => x - y))
    }
    const left = await db.db.select().from(outbox)
    expect(left.every((r) => r.status === 'sent')).toBe(true)
  })

  it('retries a rate-limited row later and keeps the rows behind it waiting', async () => {
    const db = await dbs.fresh()
    await db.db.insert(outbox).values([
      { platform: 'console', targetKind: 'chat', targetId: 'g1', text: 'first' },
      { platform: 'console', targetKind: 'chat', targetId: 'g1', text: 'second' },
    ])
    let fail = true
    const adapter = new RecordingAdapter('console')
    const send = adapter.send.bind(adapter)
    adapter.send = async (chatId, out) => {
      if (fail) throw new AdapterError('429', 'rate_limited', 50)
      return send(chatId, out)
    }
    const d = new OutboxDispatcher(db, new Map([['console', adapter as ChatAdapter]]))
    expect(await d.flush()).toBe(0)
    fail = false
    await new Promise((r) => setTimeout(r, 1100))
    expect(await d.flush()).toBe(2)
    expect(adapter.sent.map((s) => s.text)).toEqual(['first', 'second'])
  })
})
