import { and, eq, ne, type SQL, sql } from 'drizzle-orm'
import { cleanDisplayName } from '../src/domain/display-name.ts'
import type { Queryable } from './client.ts'
import { prepared } from './prepared.ts'
import { householdBindings, households, inbox, members, roles } from './schema.ts'

/**
 * The member for a platform identity, created on first sight; the display name (cleaned: no bidi overrides,
 * zero-width or control characters) and the platform handle follow the platform. `username`: a Telegram
 * @username (any case, with or without '@'), null when the user has none, undefined when the platform has no
 * such thing (WeChat, console without one) — then the stored one is left alone.
 */
export async function upsertMember(
  q: Queryable,
  platform: string,
  platformUserId: string,
  displayName: string,
  username?: string | null,
) {
  const name = cleanDisplayName(displayName, platformUserId)
  const handle = username === undefined ? undefined : normalizeUsername(username)
  // every message passes here: read first, and write (a new row version, WAL, a row lock held to the end
  // of the transaction) only for a new member or a changed name or handle
  const known = await findMember(q, platform, platformUserId)
  if (known && isCurrentMember(known, displayName, username)) return known
  const set = handle === undefined ? { displayName: name } : { displayName: name, username: handle }
  const [row] = await q
    .insert(members)
    .values({ platform, platformUserId, ...set })
    .onConflictDoUpdate({ target: [members.platform, members.platformUserId], set })
    .returning()
  if (handle && known?.username !== handle) {
    // a handle belongs to one account at a time: whoever held it before has given it up (Telegram lets a freed
    // username be taken), so a mention of it must no longer find them
    await q
      .update(members)
      .set({ username: null })
      .where(and(eq(members.platform, platform), eq(members.username, handle), ne(members.platformUserId, platformUserId)))
  }
  return row!
}

/** Whether a stored member already has the name and handle a message of theirs shows (upsertMember would not write). */
export function isCurrentMember(
  known: { platformUserId: string; displayName: string; username: string | null },
  displayName: string,
  username?: string | null,
): boolean {
  if (known.displayName !== cleanDisplayName(displayName, known.platformUserId)) return false
  return username === undefined || known.username === normalizeUsername(username)
}

/** `@Alice` → `alice`; empty → null. */
function normalizeUsername(username: string | null): string | null {
  const u = (username ?? '').trim().replace(/^@/, '').toLowerCase()
  return u || null
}

/**
 * The member for a platform identity the platform itself stated (a mention's user id, a quoted message's
 * author): found, or created with the platform's name. An existing member's name is never changed here —
 * only their own messages do that — so a mention's text cannot rename anyone.
 */
export async function ensureMember(q: Queryable, platform: string, platformUserId: string, displayName: string) {
  const known = await findMember(q, platform, platformUserId)
  if (known) return known
  await q
    .insert(members)
    .values({ platform, platformUserId, displayName: cleanDisplayName(displayName, platformUserId) })
    .onConflictDoNothing()
  return (await findMember(q, platform, platformUserId))!
}

export async function findMember(q: Queryable, platform: string, platformUserId: string) {
  const [row] = await q
    .select()
    .from(members)
    .where(and(eq(members.platform, platform), eq(members.platformUserId, platformUserId)))
    .limit(1)
  return row
}

export async function findMemberById(q: Queryable, id: number) {
  const [row] = await q.select().from(members).where(eq(members.id, id)).limit(1)
  return row
}

/** Members by id, in one statement (the daily jobs' private messages of many compounds). */
export async function membersByIds(q: Queryable, ids: readonly number[]) {
  if (ids.length === 0) return new Map<number, typeof members.$inferSelect>()
  const rows = await q.select().from(members).where(sql`${members.id} = ANY(string_to_array(${[...new Set(ids)].join(',')}, ',')::int[])`)
  return new Map(rows.map((m) => [m.id, m]))
}

export async function bindingsOf(q: Queryable, memberId: number, compoundId?: number) {
  const where = compoundId === undefined
    ? eq(householdBindings.memberId, memberId)
    : and(eq(householdBindings.memberId, memberId), eq(householdBindings.compoundId, compoundId))
  return q
    .select({ binding: householdBindings, household: households })
    .from(householdBindings)
    .innerJoin(households, eq(householdBindings.householdId, households.id))
    .where(where)
    .orderBy(householdBindings.id)
}

/** Compounds a member belongs to (by role or binding): how a private chat finds its compound. */
export async function compoundIdsOfMember(q: Queryable, memberId: number): Promise<number[]> {
  const a = await q.select({ id: roles.compoundId }).from(roles).where(eq(roles.memberId, memberId))
  const b = await q
    .select({ id: householdBindings.compoundId })
    .from(householdBindings)
    .where(eq(householdBindings.memberId, memberId))
  return [...new Set([...a, ...b].map((r) => r.id))].sort((x, y) => x - y)
}

/** A member of a compound as the identity commands see it: who, their handle, and a room to tell namesakes apart. */
export interface CompoundMember {
  id: number
  displayName: string
  platformUserId: string
  username: string | null
  /** a household this member is bound to in the compound (verified first), or null */
  room: string | null
}

/** `m` spoke in one of the compound's chats, holds a role there, or has a binding there. */
const inCompound = (compoundId: number, alias = 'm') => sql`(
  EXISTS (SELECT 1 FROM inbox i WHERE i.member_id = ${sql.raw(alias)}.id AND i.compound_id = ${compoundId})
  OR EXISTS (SELECT 1 FROM roles r WHERE r.member_id = ${sql.raw(alias)}.id AND r.compound_id = ${compoundId})
  OR EXISTS (SELECT 1 FROM household_bindings b WHERE b.member_id = ${sql.raw(alias)}.id AND b.compound_id = ${compoundId}))`

/**
 * The key names are compared by, in SQL: NFKC (full-width = half-width), no spaces, lower case. The typed side
 * goes through the same lower(): whatever the server's locale does, it does to both.
 */
const nameKeySql = (column: SQL) => sql`lower(replace(normalize(${column}, NFKC), ' ', ''))`
const typedKey = (name: string) => sql`lower(${cleanDisplayName(name).normalize('NFKC').replace(/\s+/g, '')})`

async function compoundMembersWhere(q: Queryable, compoundId: number, where: SQL): Promise<CompoundMember[]> {
  const res = await q.execute(sql`
    SELECT m.id, m.display_name, m.platform_user_id, m.username,
      (SELECT h.code FROM household_bindings b JOIN households h ON h.id = b.household_id
        WHERE b.member_id = m.id AND b.compound_id = ${compoundId}
        ORDER BY (b.status = 'verified') DESC, b.id LIMIT 1) AS room
    FROM members m
    WHERE ${where} AND ${inCompound(compoundId)}
    ORDER BY m.id
    LIMIT 20`)
  const rows = ((res as { rows?: unknown[] }).rows ?? (res as unknown as unknown[])) as Record<string, unknown>[]
  return rows.map((r) => ({
    id: Number(r.id),
    displayName: String(r.display_name),
    platformUserId: String(r.platform_user_id),
    username: r.username == null ? null : String(r.username),
    room: r.room == null ? null : String(r.room),
  }))
}

/** Members of the compound on `platform` whose display name reads the same as `name` (a typed name, without '@'). */
export function compoundMembersByName(q: Queryable, compoundId: number, platform: string, name: string) {
  return compoundMembersWhere(q, compoundId, sql`m.platform = ${platform} AND ${nameKeySql(sql`m.display_name`)} = ${typedKey(name)}`)
}

/** The member of the compound holding a platform handle (Telegram @username). */
export function compoundMembersByUsername(q: Queryable, compoundId: number, platform: string, username: string) {
  return compoundMembersWhere(q, compoundId, sql`m.platform = ${platform} AND m.username = ${normalizeUsername(username)}`)
}

/** The member of the compound with this platform user id, if they belong to it. */
export async function compoundMemberByPlatformId(q: Queryable, compoundId: number, platform: string, platformUserId: string) {
  const [row] = await compoundMembersWhere(q, compoundId, sql`m.platform = ${platform} AND m.platform_user_id = ${platformUserId}`)
  return row
}

/** The member behind a binding number of the compound (the 序号 of the 认证 list). */
export async function compoundMemberByBinding(q: Queryable, compoundId: number, bindingId: number) {
  const [row] = await compoundMembersWhere(
    q,
    compoundId,
    sql`m.id = (SELECT b.member_id FROM household_bindings b WHERE b.id = ${bindingId} AND b.compound_id = ${compoundId})`,
  )
  return row
}

/**
 * Which of `memberIds` share their name (as a reader sees it) with another member of the compound, on any
 * platform: lists show those with something that tells them apart.
 */
export async function namesakesIn(q: Queryable, compoundId: number, memberIds: readonly number[]): Promise<Set<number>> {
  const ids = [...new Set(memberIds)]
  if (ids.length === 0) return new Set()
  const res = await q.execute(sql`
    SELECT a.id FROM members a
    WHERE a.id IN (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})
      AND EXISTS (
        SELECT 1 FROM members m
        WHERE m.id <> a.id
          AND ${nameKeySql(sql`m.display_name`)} = ${nameKeySql(sql`a.display_name`)}
          AND ${inCompound(compoundId)})`)
  const rows = ((res as { rows?: unknown[] }).rows ?? (res as unknown as unknown[])) as Record<string, unknown>[]
  return new Set(rows.map((r) => Number(r.id)))
}

// ---- household bindings (绑定, 认证) -------------------------------------------------------------

export type BindingRelation = (typeof householdBindings.$inferSelect)['relation']

/** A member's binding to one household, pending or verified; undefined when there is none. */
export async function bindingOf(q: Queryable, memberId: number, householdId: number) {
  const [row] = await q
    .select()
    .from(householdBindings)
    .where(and(eq(householdBindings.memberId, memberId), eq(householdBindings.householdId, householdId)))
  return row
}

/** A binding asked for (绑定): pending until the committee verifies it. */
export async function requestBinding(
  q: Queryable,
  b: { compoundId: number; memberId: number; householdId: number; relation: BindingRelation; at: Date },
): Promise<void> {
  await q.insert(householdBindings).values({
    compoundId: b.compoundId,
    memberId: b.memberId,
    householdId: b.householdId,
    relation: b.relation,
    createdAt: b.at,
  })
}

/** The compound's pending bindings with their household and member, in binding order (the 认证 list). */
export async function pendingBindingsOf(q: Queryable, compoundId: number) {
  return q
    .select({ binding: householdBindings, household: households, member: members })
    .from(householdBindings)
    .innerJoin(households, eq(householdBindings.householdId, households.id))
    .innerJoin(members, eq(householdBindings.memberId, members.id))
    .where(and(eq(householdBindings.compoundId, compoundId), eq(householdBindings.status, 'pending')))
    .orderBy(householdBindings.id)
}

export async function verifyBinding(q: Queryable, compoundId: number, bindingId: number, verifiedBy: number, at: Date): Promise<void> {
  await q
    .update(householdBindings)
    .set({ status: 'verified', verifiedBy, verifiedAt: at })
    .where(and(eq(householdBindings.compoundId, compoundId), eq(householdBindings.id, bindingId)))
}

/** The members with a verified binding to the household, each once, in id order (who gets a payer's receipt). */
const verifiedMembersQuery = prepared<{ compoundId: number; householdId: number }, { memberId: number }[]>('verified_members', (q) =>
  q
    .select({ memberId: householdBindings.memberId })
    .from(householdBindings)
    .where(
      and(
        eq(householdBindings.compoundId, sql.placeholder('compoundId')),
        eq(householdBindings.householdId, sql.placeholder('householdId')),
        eq(householdBindings.status, 'verified'),
      ),
    ),
)

export async function verifiedMemberIdsOf(q: Queryable, compoundId: number, householdId: number): Promise<number[]> {
  const rows = await verifiedMembersQuery(q, { compoundId, householdId })
  return [...new Set(rows.map((r) => r.memberId))].sort((a, b) => a - b)
}

/** How often the member sent each command, most used first (help lists those first): their handled inbox rows. */
export async function commandCounts(q: Queryable, memberId: number): Promise<{ command: string; n: number }[]> {
  return q
    .select({ command: sql<string>`${inbox.command}`, n: sql<number>`count(*)::int` })
    .from(inbox)
    .where(and(eq(inbox.memberId, memberId), sql`${inbox.command} IS NOT NULL`))
    .groupBy(inbox.command)
    .orderBy(sql`count(*) DESC`, inbox.command)
}
