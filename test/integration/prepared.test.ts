// db/prepared.ts: a query built once runs in whichever transaction it is given — on its connection, inside its
// transaction — and maps its rows as drizzle does, on PGlite and on PostgreSQL.
import { eq, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { createCompound } from '../../db/compounds.ts'
import { prepared } from '../../db/prepared.ts'
import { households, members } from '../../db/schema.ts'
import { useTestDatabases } from '../helpers/db.ts'

const dbs = useTestDatabases()

const insertRoom = prepared<{ compoundId: number; room: string; area: bigint }, (typeof households.$inferSelect)[]>('test_insert_room', (q) =>
  q
    .insert(households)
    .values({
      compoundId: sql.placeholder('compoundId'),
      building: '1',
      unit: null,
      room: sql.placeholder('room'),
      code: sql`'1-' || ${sql.placeholder('room')}`,
      areaCentiM2: sql.placeholder('area'),
    })
    .returning(),
)
const roomsOf = prepared<{ compoundId: number }, { code: string; area: bigint | null }[]>('test_rooms_of', (q) =>
  q
    .select({ code: households.code, area: households.areaCentiM2 })
    .from(households)
    .where(eq(households.compoundId, sql.placeholder('compoundId')))
    .orderBy(households.code),
)

// members: no trigger, so two open transactions inserting do not wait for each other (households bump the roster version)
const insertMember = prepared<{ platform: string; id: string; at: Date }, (typeof members.$inferSelect)[]>('test_insert_member', (q) =>
  q
    .insert(members)
    .values({ platform: sql.placeholder('platform'), platformUserId: sql.placeholder('id'), displayName: sql.placeholder('id'), createdAt: sql.placeholder('at') })
    .returning(),
)
const memberIdsOn = prepared<{ platform: string }, { id: string }[]>('test_members_on', (q) =>
  q.select({ id: members.platformUserId }).from(members).where(eq(members.platform, sql.placeholder('platform'))).orderBy(members.platformUserId),
)

describe('db/prepared', () => {
  it('runs in the transaction it is given: rolled back with it, committed with it, typed as drizzle maps it', async () => {
    const db = await dbs.fresh()
    const c = await createCompound(db.db, { name: '测试小区' })
    // built inside a transaction that then rolls back: the template outlives it, the row does not
    await expect(
      db.db.transaction(async (tx) => {
        const [row] = await insertRoom(tx, { compoundId: c.id, room: '101', area: 8950n })
        expect(row).toMatchObject({ compoundId: c.id, code: '1-101', areaCentiM2: 8950n })
        expect(await roomsOf(tx, { compoundId: c.id })).toEqual([{ code: '1-101', area: 8950n }])
        throw new Error('roll back')
      }),
    ).rejects.toThrow('roll back')
    expect(await roomsOf(db.db, { compoundId: c.id })).toEqual([])

    await db.db.transaction(async (tx) => {
      await insertRoom(tx, { compoundId: c.id, room: '102', area: 7000n })
      await insertRoom(tx, { compoundId: c.id, room: '103', area: 6000n })
    })
    expect(await roomsOf(db.db, { compoundId: c.id })).toEqual([
      { code: '1-102', area: 7000n },
      { code: '1-103', area: 6000n },
    ])
  })

  it('two transactions open at once each see only their own row (PostgreSQL: two connections)', async () => {
    const db = await dbs.fresh()
    const other = await dbs.reopen(db)
    const at = new Date('2026-11-30T01:02:03.004Z')
    // on PostgreSQL both insert, wait for each other, read, and wait again before committing (a read after the
    // other's COMMIT would see its row); PGlite runs transactions one at a time
    const together = dbs.driver === 'postgres'
    const barrier = () => {
      let arrived = 0
      let release!: () => void
      const all = new Promise<void>((r) => (release = r))
      return () => {
        if (++arrived === 2) release()
        return all
      }
    }
    const bothInserted = barrier()
    const bothRead = barrier()
    const seen = await Promise.all(
      (['u1', 'u2'] as const).map((id, i) =>
        (i === 0 ? db : other).db.transaction(async (tx) => {
          const [row] = await insertMember(tx, { platform: 'test', id, at })
          expect(row!.createdAt).toEqual(at)
          if (together) await bothInserted()
          const ids = (await memberIdsOn(tx, { platform: 'test' })).map((r) => r.id)
          if (together) await bothRead()
          return ids
        }),
      ),
    )
    if (together) expect(seen).toEqual([['u1'], ['u2']])
    else expect(seen).toEqual([['u1'], ['u1', 'u2']])
    expect((await memberIdsOn(db.db, { platform: 'test' })).map((r) => r.id)).toEqual(['u1', 'u2'])
  })
})
