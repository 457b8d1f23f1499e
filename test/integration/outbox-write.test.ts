// The one outbox writer (src/outbox/write.ts writeOutbox): every row a group will see is scrubbed with the
// roster of its own compound, whether the rows come from one compound (the pipeline) or many (the disclosure
// batch); private texts keep names; rows go in in order, in chunks, skipping dedupe keys already written.
import { asc, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { compounds, households, outbox } from '../../db/schema.ts'
import { person } from '../../src/domain/group-privacy.ts'
import { enqueueReplies } from '../../src/outbox/enqueue.ts'
import { type NewOutboxRow, writeOutbox } from '../../src/outbox/write.ts'
import { useTestDatabases } from '../helpers/db.ts'

const dbs = useTestDatabases()
const NOW = new Date('2026-11-09T02:00:00Z')

/** Two compounds: 幸福里 with owner 王秀英, 和平苑 with owner 李建国. */
async function twoCompounds(db: Database): Promise<[number, number]> {
  const [a, b] = await db.db.insert(compounds).values([{ name: '幸福里' }, { name: '和平苑' }]).returning({ id: compounds.id })
  const room = { building: '1', room: '101', code: '1-101', areaCentiM2: 7500n }
  await db.db.insert(households).values([
    { ...room, compoundId: a!.id, ownerName: '王秀英' },
    { ...room, compoundId: b!.id, ownerName: '李建国 13812345678' },
  ])
  return [a!.id, b!.id]
}

const TEXT = `王秀英和李建国 电话 13812345678，${person('张三')}`
const chatRow = (compoundId: number, targetId: string): NewOutboxRow => ({ compoundId, platform: 'console', targetKind: 'chat', targetId, text: TEXT })

describe('the outbox writer', () => {
  it('scrubs group rows with their own compound roster, one compound or many, and leaves private texts as written', async () => {
    const db = await dbs.fresh()
    const [a, b] = await twoCompounds(db)
    const many = [chatRow(a, 'ga'), chatRow(b, 'gb'), { ...chatRow(a, 'u1'), targetKind: 'user' as const }]
    await writeOutbox(db.db, many)
    await writeOutbox(db.db, [chatRow(b, 'gb2')])
    const rows = await db.db.select().from(outbox).orderBy(asc(outbox.id))
    expect(rows.map((r) => [r.targetId, r.text])).toEqual([
      ['ga', '王*和李建国 电话 ***，张*'],
      ['gb', '王秀英和李* 电话 ***，张*'],
      ['u1', '王秀英和李建国 电话 13812345678，张三'],
      // one compound's rows (the cached roster read) are scrubbed as in a batch of many
      ['gb2', '王秀英和李* 电话 ***，张*'],
    ])
  })

  it('writes thousands of rows in chunks, in order, and returns only the rows it wrote', async () => {
    const statements: string[] = []
    let recording = false
    const db = await dbs.fresh({ onQuery: (q) => recording && statements.push(q) })
    const [a] = await twoCompounds(db)
    const row = (k: number): NewOutboxRow => ({ ...chatRow(a, `g${k % 7}`), text: String(k), dedupeKey: `k:${k}` })
    await writeOutbox(db.db, [row(5), row(1500)])
    recording = true
    const written = await writeOutbox(db.db, Array.from({ length: 2500 }, (_, k) => row(k)))
    recording = false
    expect(written).toHaveLength(2498)
    expect(written.map((w) => w.dedupeKey)).not.toContain('k:5')
    expect(written.map((w) => w.dedupeKey)).not.toContain('k:1500')
    expect(statements.filter((q) => /^insert into "outbox"/i.test(q))).toHaveLength(3)
    const texts = (await db.db.select().from(outbox).where(sql`${outbox.id} > ${written[0]!.id - 1}`).orderBy(asc(outbox.id))).map((r) => Number(r.text))
    expect(texts).toEqual(Array.from({ length: 2500 }, (_, k) => k).filter((k) => k !== 5 && k !== 1500))
  })

  it('refuses a reply to the chat when there is no message to answer', async () => {
    const db = await dbs.fresh()
    const [a] = await twoCompounds(db)
    // the detached form of enqueueReplies has no message: a chat reply there is a programming error
    const call = enqueueReplies as (...args: unknown[]) => Promise<number[]>
    await expect(call(db.db, { id: a }, [{ to: 'chat', text: 'hi' }], { now: NOW })).rejects.toThrow(/needs the message/)
    expect(await db.db.select().from(outbox)).toHaveLength(0)
  })
})
