import { and, eq, sql } from 'drizzle-orm'
import type { Queryable } from './client.ts'
import { chats, compounds, roles } from './schema.ts'

export type CompoundRow = typeof compounds.$inferSelect

export async function findCompoundByName(q: Queryable, name: string): Promise<CompoundRow | undefined> {
  const [row] = await q.select().from(compounds).where(eq(compounds.name, name)).limit(1)
  return row
}

export async function findCompoundById(q: Queryable, id: number): Promise<CompoundRow | undefined> {
  const [row] = await q.select().from(compounds).where(eq(compounds.id, id)).limit(1)
  return row
}

export async function createCompound(
  q: Queryable,
  values: { name: string; timeZone?: string; language?: string },
): Promise<CompoundRow> {
  const [row] = await q.insert(compounds).values(values).returning()
  return row!
}

export async function findChat(q: Queryable, platform: string, platformChatId: string) {
  const [row] = await q
    .select({ chat: chats, compound: compounds })
    .from(chats)
    .innerJoin(compounds, eq(chats.compoundId, compounds.id))
    .where(and(eq(chats.platform, platform), eq(chats.platformChatId, platformChatId)))
    .limit(1)
  return row
}

export async function linkChat(
  q: Queryable,
  values: { compoundId: number; platform: string; platformChatId: string; title?: string | null },
) {
  const [row] = await q
    .insert(chats)
    .values({ ...values, title: values.title?.replace(/\u0000/g, '') ?? null }) // PostgreSQL text cannot hold NUL
    .onConflictDoUpdate({ target: [chats.platform, chats.platformChatId], set: { compoundId: values.compoundId } })
    .returning()
  return row!
}

export async function chatsOfCompound(q: Queryable, compoundId: number) {
  return q.select().from(chats).where(eq(chats.compoundId, compoundId)).orderBy(chats.id)
}

export async function roleOf(q: Queryable, compoundId: number, memberId: number) {
  const [row] = await q
    .select()
    .from(roles)
    .where(and(eq(roles.compoundId, compoundId), eq(roles.memberId, memberId)))
    .limit(1)
  return row?.role
}

/** `grantedAt` is the caller's clock (a command's ctx.now); without one the database's now(), on insert as on update. */
export async function setRole(
  q: Queryable,
  values: {
    compoundId: number
    memberId: number
    role: 'collector' | 'committee' | 'head'
    grantedBy?: number | null
    grantedAt?: Date
  },
) {
  await q
    .insert(roles)
    .values(values)
    .onConflictDoUpdate({
      target: [roles.compoundId, roles.memberId],
      set: { role: values.role, grantedBy: values.grantedBy ?? null, grantedAt: values.grantedAt ?? sql`now()` },
    })
}

export async function removeRole(q: Queryable, compoundId: number, memberId: number): Promise<boolean> {
  const rows = await q
    .delete(roles)
    .where(and(eq(roles.compoundId, compoundId), eq(roles.memberId, memberId)))
    .returning({ id: roles.id })
  return rows.length > 0
}

/** How many heads the compound has (the last one cannot be dismissed). */
export async function countHeads(q: Queryable, compoundId: number): Promise<number> {
  const [row] = await q
    .select({ n: sql<number>`count(*)::int` })
    .from(roles)
    .where(and(eq(roles.compoundId, compoundId), eq(roles.role, 'head')))
  return row?.n ?? 0
}
