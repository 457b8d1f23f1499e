// The state most tests start from, built one way: a compound opened by its head in a chat (through the real
// 开通), its roster, and members with roles and bound rooms written directly, as the committee would have
// set them up — so a test states only what it is about. Used by the integration, adapter and reliability
// suites; test/helpers/world.ts is the conversation harness these work on.
import { and, eq, type SQL, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.ts'
import { linkChat, setRole } from '../../db/compounds.ts'
import { upsertMember } from '../../db/members.ts'
import { compounds, householdBindings, households, members } from '../../db/schema.ts'
import { importRoster, parseRoster } from '../../src/cli/roster.ts'
import type { TestDatabases } from './db.ts'
import { type TestClock, type World, world } from './world.ts'

// ---- rosters -----------------------------------------------------------------------------------

export const ROSTER_HEADER = 'building,unit,room,area_m2,occupancy,owner_name\n'

/** Three households: 3-2-201 (王秀英, owner-occupied), 3-2-202 (李建国, rented), 5-101 (vacant, no owner). */
export const ROSTER = `${ROSTER_HEADER}3,2,201,89.50,owner_occupied,王秀英
3,2,202,75.00,rented,李建国
5,,101,60.00,vacant,
`

/** A roster CSV: `count` households in buildings 1…, units 1–2, rooms 101…, areas 60–140 m². */
export function rosterCsv(count: number, ownerName?: (i: number) => string): string {
  const lines = [ROSTER_HEADER.trimEnd()]
  for (let i = 0; i < count; i++) {
    const building = 1 + Math.floor(i / 8)
    const unit = 1 + (Math.floor(i / 4) % 2)
    const room = 101 + (i % 4)
    const area = (60 + ((i * 37) % 81) + (i % 3) * 0.25).toFixed(2)
    lines.push(`${building},${unit},${room},${area},owner_occupied,${ownerName?.(i) ?? ''}`)
  }
  return `${lines.join('\n')}\n`
}

/** Room codes of `rosterCsv(count)`, in order. */
export function rosterRooms(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${1 + Math.floor(i / 8)}-${1 + (Math.floor(i / 4) % 2)}-${101 + (i % 4)}`)
}

// ---- a compound, its members, their roles and rooms --------------------------------------------

export type Role = 'collector' | 'committee' | 'head'
export type Relation = 'owner' | 'tenant' | 'family'
export type BindingStatus = 'verified' | 'pending'

export interface Person {
  /** platform (console) user id */
  id: string
  name: string
  role?: Role
  /** bound to these rooms */
  rooms?: string[]
  relation?: Relation
  status?: BindingStatus
  /** says 帮助 in the compound's chat first: known to the compound by its inbox, not only by a role or room */
  speaks?: boolean
}

export interface TownOptions {
  /** 幸福里 */
  name?: string
  /** the chat 开通 is sent in: g1 */
  chat?: string
  /** the chat admin who sends 开通 and becomes head: boss (老王) */
  head?: { id: string; name: string }
  /** CSV imported after 开通; none when absent */
  roster?: string | null
  /** members, in this order (their member ids follow it) */
  people?: Person[]
  /** further chats of the compound */
  chats?: { id: string; title?: string }[]
  settings?: Record<string, unknown>
  language?: string
  timeZone?: string
  /** ISO: when the compound was created (periods before it are not disclosed) */
  createdAt?: string
}

export interface Town {
  compoundId: number
  /** household id by room code */
  hh: Record<string, number>
  /** member id by platform user id (the head and `people`) */
  members: Record<string, number>
}

/** 开通 by the head in `chat`, then the compound's settings, chats, roster, and people. */
export async function setUpTown(w: World, opts: TownOptions = {}): Promise<Town> {
  const name = opts.name ?? '幸福里'
  const chat = opts.chat ?? 'g1'
  const head = opts.head ?? { id: 'boss', name: '老王' }
  await w.says(head.id, `开通 ${name}`, { admin: true, name: head.name, chat }).then((r) => r.expectReply(`已开通「${name}」`))
  const [c] = await w.db.db.select().from(compounds).where(eq(compounds.name, name))
  const compoundId = c!.id
  const set = {
    ...(opts.settings && { settings: opts.settings }),
    ...(opts.language && { language: opts.language }),
    ...(opts.timeZone && { timeZone: opts.timeZone }),
    ...(opts.createdAt && { createdAt: new Date(opts.createdAt) }),
  }
  if (Object.keys(set).length > 0) await w.db.db.update(compounds).set(set).where(eq(compounds.id, compoundId))
  for (const more of opts.chats ?? []) {
    await linkChat(w.db.db, { compoundId, platform: 'console', platformChatId: more.id, title: more.title })
  }
  if (opts.roster) await importRoster(w.db.db, compoundId, parseRoster(opts.roster), w.clock.now())
  const rows = await w.db.db.select().from(households).where(eq(households.compoundId, compoundId))
  const hh: Record<string, number> = Object.fromEntries(rows.map((h) => [h.code, h.id]))
  const town: Town = { compoundId, hh, members: { [head.id]: (await upsertMember(w.db.db, 'console', head.id, head.name)).id } }
  for (const p of opts.people ?? []) await addPerson(w, town, p, chat)
  return town
}

/** A new world (a fresh database unless `db`) with `setUpTown` done in it. */
export async function townWorld(dbs: TestDatabases, opts: TownOptions & { db?: Database; clock?: TestClock } = {}): Promise<Town & { w: World }> {
  const w = await world(dbs, { db: opts.db, clock: opts.clock })
  return { w, ...(await setUpTown(w, opts)) }
}

/** One member of the town: known to the world by name, with a role and bound rooms when given. */
export async function addPerson(w: World, town: Town, p: Person, chat = 'g1'): Promise<number> {
  if (p.speaks) await w.says(p.id, '帮助', { name: p.name, chat })
  else w.message(p.id, '', { name: p.name }) // like a platform, the world remembers the display name
  const m = await upsertMember(w.db.db, 'console', p.id, p.name)
  town.members[p.id] = m.id
  if (p.role) await setRole(w.db.db, { compoundId: town.compoundId, memberId: m.id, role: p.role })
  for (const room of p.rooms ?? []) {
    const householdId = town.hh[room]
    if (householdId === undefined) throw new Error(`no room ${room} in the roster`)
    await bindRoom(w.db, { compoundId: town.compoundId, memberId: m.id, householdId, relation: p.relation, status: p.status })
  }
  return m.id
}

/** A binding as 认证 leaves it (verified owner unless said otherwise). */
export async function bindRoom(
  db: Database,
  b: { compoundId: number; memberId: number; householdId: number; relation?: Relation; status?: BindingStatus },
): Promise<void> {
  await db.db.insert(householdBindings).values({ ...b, relation: b.relation ?? 'owner', status: b.status ?? 'verified' })
}

/** A console member named as their id, bound to rooms of the compound (verified owner by default). */
export async function bindMember(
  w: World,
  compoundId: number,
  user: string,
  rooms: string[],
  relation: Relation = 'owner',
  status: BindingStatus = 'verified',
) {
  const m = await upsertMember(w.db.db, 'console', user, user)
  for (const code of rooms) {
    const [h] = await w.db.db.select().from(households).where(and(eq(households.compoundId, compoundId), eq(households.code, code)))
    await bindRoom(w.db, { compoundId, memberId: m.id, householdId: h!.id, relation, status })
  }
  return m
}

/** The member id of a console user. */
export async function memberId(w: World, platformUserId: string): Promise<number> {
  const [m] = await w.db.db.select().from(members).where(eq(members.platformUserId, platformUserId))
  return m!.id
}

// ---- raw SQL -----------------------------------------------------------------------------------

/** Rows of a raw query on either driver (postgres.js gives an array, PGlite `{ rows }`). */
export async function query<T>(db: Database, q: SQL | string): Promise<T[]> {
  const res: unknown = await db.db.execute(typeof q === 'string' ? sql.raw(q) : q)
  return ((res as { rows?: T[] }).rows ?? [...(res as T[])]) as T[]
}
