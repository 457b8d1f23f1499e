import { and, eq, inArray, sql } from 'drizzle-orm'
import { ownerNameParts } from '../src/domain/group-privacy.ts'
import type { HouseholdRef, RoomResolution } from '../src/domain/rooms.ts'
import { canonicalCode, parseRoom, resolveRoom } from '../src/domain/rooms.ts'
import type { Queryable, Tx } from './client.ts'
import { prepared } from './prepared.ts'
import { ballots, householdBindings, households, ledgerEntries, rosterVersions, tickets } from './schema.ts'

export type HouseholdRow = typeof households.$inferSelect

export async function householdsOf(q: Queryable, compoundId: number): Promise<HouseholdRow[]> {
  return q.select().from(households).where(eq(households.compoundId, compoundId)).orderBy(households.id)
}

/** householdsOf for several compounds in one statement, by compound (each in id order). */
export async function householdsOfMany(q: Queryable, compoundIds: readonly number[]): Promise<Map<number, HouseholdRow[]>> {
  const out = new Map<number, HouseholdRow[]>()
  if (compoundIds.length === 0) return out
  const rows = await q
    .select()
    .from(households)
    .where(sql`${households.compoundId} = ANY(string_to_array(${compoundIds.join(',')}, ',')::int[])`)
    .orderBy(households.compoundId, households.id)
  for (const r of rows) {
    const list = out.get(r.compoundId)
    if (list) list.push(r)
    else out.set(r.compoundId, [r])
  }
  return out
}

export async function householdById(q: Queryable, compoundId: number, id: number) {
  const [row] = await q
    .select()
    .from(households)
    .where(and(eq(households.compoundId, compoundId), eq(households.id, id)))
    .limit(1)
  return row
}

/** Resolve what a resident typed to a household of this compound; never creates one. */
const householdByCodeQuery = prepared<{ compoundId: number; code: string }, HouseholdRow[]>('household_by_code', (q) =>
  q
    .select()
    .from(households)
    .where(and(eq(households.compoundId, sql.placeholder('compoundId')), eq(households.code, sql.placeholder('code'))))
    .limit(1),
)

export async function resolveHousehold(
  q: Queryable,
  compoundId: number,
  input: string,
): Promise<RoomResolution & { row?: HouseholdRow }> {
  // the common case, a full room number of the roster: one row by the unique (compound_id, code) index
  // instead of the whole roster; resolveRoom answers the same for it (an exact code wins)
  const address = parseRoom(input)
  if (address) {
    const [row] = await householdByCodeQuery(q, { compoundId, code: canonicalCode(address) })
    if (row) return { ok: true, household: { id: row.id, building: row.building, unit: row.unit, room: row.room, code: row.code }, row }
  }
  const rows = await householdsOf(q, compoundId)
  const refs: HouseholdRef[] = rows.map((r) => ({ id: r.id, building: r.building, unit: r.unit, room: r.room, code: r.code }))
  const res = resolveRoom(input, refs)
  if (res.ok) return { ...res, row: rows.find((r) => r.id === res.household.id) }
  return res
}

/**
 * The names in the compound's roster owner_name fields ("李建国 13812345678" → 李建国): what a group
 * message must mask (src/domain/group-privacy.ts). Read as they are now; src/outbox/write.ts keeps them per
 * compound and roster version.
 */
export async function ownerNamesOf(q: Queryable, compoundId: number): Promise<string[]> {
  const rows = await q
    .select({ name: households.ownerName })
    .from(households)
    .where(and(eq(households.compoundId, compoundId), sql`${households.ownerName} IS NOT NULL`))
  return [...new Set(rows.flatMap((r) => ownerNameParts(r.name ?? '')))]
}

/** The compound's roster version (rosterVersions: a new value whenever its households change); '' when it has none. */
export async function rosterVersionOf(q: Queryable, compoundId: number): Promise<string> {
  const [row] = await q.select({ v: rosterVersions.version }).from(rosterVersions).where(eq(rosterVersions.compoundId, compoundId))
  return row?.v ?? ''
}

/**
 * Which of these households still exist, each held FOR KEY SHARE until the transaction ends: a write that will
 * refer to them (a ballot) waits for a removal in flight and then sees the room gone, instead of failing on
 * the foreign key; a removal waits for it and then sees the reference. Ids in ascending order (one lock order).
 */
export async function holdHouseholds(tx: Tx, compoundId: number, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set()
  const rows = await tx
    .select({ id: households.id })
    .from(households)
    .where(and(eq(households.compoundId, compoundId), inArray(households.id, ids)))
    .orderBy(households.id)
    .for('key share')
  return new Set(rows.map((r) => r.id))
}

/** A household by its exact canonical code, locked until the transaction ends (a removal holds it). */
export async function lockHouseholdByCode(tx: Tx, compoundId: number, code: string): Promise<HouseholdRow | undefined> {
  const [row] = await tx
    .select()
    .from(households)
    .where(and(eq(households.compoundId, compoundId), eq(households.code, code)))
    .limit(1)
    .for('update')
  return row
}

export interface HouseholdReferences {
  ballots: number
  ledger: number
  tickets: number
}

/** What still refers to a household and keeps it in the roster: ballots, ledger entries, repair tickets (one statement). */
export async function householdReferences(q: Queryable, compoundId: number, householdId: number): Promise<HouseholdReferences> {
  const [row] = await q
    .select({
      ballots: sql<number>`(select count(*)::int from ${ballots} where ${and(eq(ballots.compoundId, compoundId), eq(ballots.householdId, householdId))})`,
      ledger: sql<number>`(select count(*)::int from ${ledgerEntries} where ${and(eq(ledgerEntries.compoundId, compoundId), eq(ledgerEntries.householdId, householdId))})`,
      tickets: sql<number>`(select count(*)::int from ${tickets} where ${and(eq(tickets.compoundId, compoundId), eq(tickets.householdId, householdId))})`,
    })
    .from(households)
    .where(eq(households.id, householdId))
  return { ballots: Number(row?.ballots ?? 0), ledger: Number(row?.ledger ?? 0), tickets: Number(row?.tickets ?? 0) }
}

/** Delete a household and its bindings (pending or verified); the number of bindings removed. */
export async function deleteHousehold(tx: Tx, compoundId: number, householdId: number): Promise<number> {
  const gone = await tx
    .delete(householdBindings)
    .where(and(eq(householdBindings.compoundId, compoundId), eq(householdBindings.householdId, householdId)))
    .returning({ id: householdBindings.id })
  await tx.delete(households).where(and(eq(households.compoundId, compoundId), eq(households.id, householdId)))
  return gone.length
}
