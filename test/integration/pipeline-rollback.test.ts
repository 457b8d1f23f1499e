// A command that is refused or fails after it wrote something: its writes are undone, the message is answered
// once, and it counts as handled (a redelivery is a duplicate). The pipeline runs a command without a savepoint
// and, when it throws, rolls the message's transaction back and answers in a new one (src/pipeline/pipeline.ts).
import { eq } from 'drizzle-orm'
import { z } from 'zod'
import { describe, expect, it } from 'vitest'
import { commands } from '../../commands/index.ts'
import { households, inbox, outbox } from '../../db/schema.ts'
import { App } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { defineCommand, UserError } from '../../src/pipeline/command.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { setUpTown } from '../helpers/fixtures.ts'
import { RecordingAdapter } from '../helpers/recording-adapter.ts'
import { TestClock, world } from '../helpers/world.ts'

const dbs = useTestDatabases()

/** 试写 <room> [崩]: writes a household, then refuses (or, with 崩, crashes) */
const writesThenFails = defineCommand({
  name: 'writes-then-fails',
  keywords: { 'zh-CN': ['试写'], 'zh-TW': ['試寫'], en: ['trywrite'] },
  role: 'resident',
  hidden: true,
  parse: (raw) => ({ room: raw.split(' ')[0] ?? '', crash: raw.includes('崩') }),
  args: z.object({ room: z.string().min(1), crash: z.boolean() }),
  async run(ctx, args) {
    await ctx.tx.insert(households).values({ compoundId: ctx.compound.id, building: '9', room: '901', code: args.room, areaCentiM2: 100n })
    if (args.crash) throw new Error('boom')
    throw new UserError('fee.notYours', { room: args.room })
  },
})

describe('a command that fails after writing', () => {
  it('is undone, answered once, and handled once', async () => {
    const clock = new TestClock()
    const town = await world(dbs, { clock })
    await setUpTown(town)
    const db = town.db
    // the same database, with one more command
    const adapter = new RecordingAdapter('console')
    const app = new App({ database: db, config: loadConfig({ LINLI_BOT_NAME: '邻里' } as NodeJS.ProcessEnv), clock, adapters: [adapter], commands: [...commands, writesThenFails] })
    const deliver = async (msg: ReturnType<typeof town.message>) => {
      const before = adapter.sent.length
      const outcome = await app.handle(msg)
      return { outcome, texts: adapter.sent.slice(before).map((r) => r.text) }
    }
    const roster = (await db.db.select().from(households)).length

    for (const [text, error, reply] of [
      ['试写 9-9-901', 'user', '9-9-901 不是你已认证绑定的房屋'],
      ['试写 9-9-902 崩', 'internal', '出了点问题'],
    ] as const) {
      const msg = town.message('amy', text)
      const first = await deliver(msg)
      expect(first.outcome).toMatchObject({ status: 'handled', command: 'writes-then-fails', error })
      expect(first.texts.join('\n')).toContain(reply)
      // its write is undone; the message is in the inbox, with its command, and its answer in the outbox once
      expect(await db.db.select().from(households)).toHaveLength(roster)
      const claimed = await db.db.select().from(inbox).where(eq(inbox.messageId, msg.id))
      expect(claimed).toMatchObject([{ command: 'writes-then-fails' }])
      expect(await db.db.select().from(outbox).where(eq(outbox.inboxId, claimed[0]!.id))).toHaveLength(1)
      // the platform delivers it again: a duplicate, no second answer
      const again = await deliver(msg)
      expect(again.outcome).toEqual({ status: 'duplicate' })
      expect(again.texts).toEqual([])
    }
  })
})
