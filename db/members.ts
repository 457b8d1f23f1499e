import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Queryable } from './client.ts'
import { householdBindings, households, members, roles } from './schema.ts'

export type MemberRow = typeof members.$inferSelect

/** The member for a platform identity, created on first sight; the display name follows the platform. */
export async function upsertMember(q: Queryable, platform: string, platformUserId: string, displayName: string) {
  // PostgreSQL text cannot hold NUL: a display name carrying one must not fail every message of its sender
  const name = displayName.replace(/\u0000/g, '').slice(0, 100) || platformUserId
  // every message passes here: read first, and write (a new row version, WAL, a row lock held to the end
  // of the transaction) only for a new member or a changed name
  const known = await findMember(q, platform, platformUserId)
  if (known && known.displayName === name) return known
  const [row] = await q
    .insert(members)
    .values({ platform, platformUserId, displayName: name })
    .onConflictDoUpdate({ target: [members.platform, members.platformUserId], set: { displayName: name } })
    .returning()
  return row!
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

/** Members of a compound known by display name (for @-mentions in 认证 and 任命). */
export async function membersByName(q: Queryable, platform: string, displayName: string) {
  return q
    .select()
    .from(members)
    .where(and(eq(members.platform, platform), eq(members.displayName, displayName)))
}

export async function membersByIds(q: Queryable, ids: number[]) {
  if (ids.length === 0) return []
  return q.select().from(members).where(inArray(members.id, ids))
}

/**
 * Members of a compound by display name (an @-mention) or platform user id: someone who spoke in one of its
 * chats, holds a role, or has a binding there.
 */
export async function findCompoundMembers(q: Queryable, compoundId: number, platform: string, nameOrId: string) {
  const needle = nameOrId.replace(/^@/, '').trim()
  const res = await q.execute(sql`
    SELECT m.* FROM members m
    WHERE m.platform = ${platform}
      AND (m.display_name = ${needle} OR m.platform_user_id = ${needle})
      AND (EXISTS (SELECT 1 FROM inbox i WHERE i.member_id = m.id AND i.compound_id = ${compoundId})
        OR EXISTS (SELECT 1 FROM roles r WHERE r.member_id = m.id AND r.compound_id = ${compoundId})
        OR EXISTS (SELECT 1 FROM household_bindings b WHERE b.member_id = m.id AND b.compound_id = ${compoundId}))
    ORDER BY m.id`)
  const rows = ((res as { rows?: unknown[] }).rows ?? (res as unknown as unknown[])) as Record<string, unknown>[]
  return rows.map((r) => ({ id: Number(r.id), displayName: String(r.display_name), platformUserId: String(r.platform_user_id) }))
}
