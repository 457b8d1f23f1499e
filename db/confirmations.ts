// Held writes (docs/LEDGER.md "Suspected duplicates"): when a command looks like a double entry, the
// bot does not book it but keeps what it would have written here, and the same person may confirm it
// (`确认重复 <流水号>`) within a short window, once. `ref` is the serial of the earlier entry the reply
// named, so the confirmation says which duplicate the person accepts.
import { and, desc, eq, gt, isNull } from 'drizzle-orm'
import type { Queryable, Tx } from './client.ts'
import { confirmations } from './schema.ts'

export type ConfirmationRow = typeof confirmations.$inferSelect

/** How long a held write waits for its confirmation. */
export const CONFIRM_WINDOW_MS = 10 * 60_000

/**
 * Hold a write for `memberId` to confirm. An identical hold that is still open (same person, kind, ref and
 * payload) is returned instead of a second one, so repeating the command does not queue two bookings.
 */
export async function holdConfirmation(
  tx: Tx,
  h: { compoundId: number; memberId: number; kind: string; ref: string; payload: Record<string, unknown>; at: Date },
): Promise<ConfirmationRow> {
  const open = await openConfirmations(tx, h.compoundId, h.memberId, h.ref, h.at)
  const same = open.find((c) => c.kind === h.kind && canonical(c.payload) === canonical(h.payload))
  if (same) return same
  const [row] = await tx
    .insert(confirmations)
    .values({
      compoundId: h.compoundId,
      memberId: h.memberId,
      kind: h.kind,
      ref: h.ref,
      payload: h.payload,
      createdAt: h.at,
      expiresAt: new Date(h.at.getTime() + CONFIRM_WINDOW_MS),
    })
    .returning()
  return row!
}

/** JSON with sorted keys: jsonb gives keys back in its own order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(v)
}

/** The member's unused holds for `ref`, expired or not. */
const unusedHoldsOf = (compoundId: number, memberId: number, ref: string) =>
  and(eq(confirmations.compoundId, compoundId), eq(confirmations.memberId, memberId), eq(confirmations.ref, ref), isNull(confirmations.usedAt))

/** The member's unused holds for `ref`, newest first, whether expired or not (`now` is only for the caller). */
async function openConfirmations(q: Queryable, compoundId: number, memberId: number, ref: string, now: Date) {
  const rows = await q
    .select()
    .from(confirmations)
    .where(unusedHoldsOf(compoundId, memberId, ref))
    .orderBy(desc(confirmations.createdAt), desc(confirmations.id))
  return rows.filter((r) => r.expiresAt.getTime() > now.getTime())
}

/**
 * The hold takeConfirmation would take now (the member's newest open one for `ref`), locked so that it is
 * still the one taken later in the transaction; undefined when there is none.
 */
export async function nextConfirmation(tx: Tx, compoundId: number, memberId: number, ref: string, now: Date): Promise<ConfirmationRow | undefined> {
  const [row] = await tx
    .select()
    .from(confirmations)
    .where(and(unusedHoldsOf(compoundId, memberId, ref), gt(confirmations.expiresAt, now)))
    .orderBy(desc(confirmations.createdAt), desc(confirmations.id))
    .limit(1)
    .for('update')
  return row
}

/** Whether the member has an open hold of `kind` (any ref). */
export async function hasOpenConfirmation(q: Queryable, compoundId: number, memberId: number, kind: string, now: Date): Promise<boolean> {
  const rows = await q
    .select({ id: confirmations.id })
    .from(confirmations)
    .where(
      and(
        eq(confirmations.compoundId, compoundId),
        eq(confirmations.memberId, memberId),
        eq(confirmations.kind, kind),
        isNull(confirmations.usedAt),
        gt(confirmations.expiresAt, now),
      ),
    )
    .limit(1)
  return rows.length > 0
}

export type TakeResult =
  | { ok: true; confirmation: ConfirmationRow }
  | { ok: false; reason: 'none' | 'expired' | 'used' }

/**
 * Take the member's newest open hold for `ref` and mark it used, in the caller's transaction. The update
 * only succeeds while used_at is still empty, so two concurrent confirmations book once.
 */
export async function takeConfirmation(tx: Tx, compoundId: number, memberId: number, ref: string, now: Date): Promise<TakeResult> {
  const rows = await tx
    .select()
    .from(confirmations)
    .where(and(eq(confirmations.compoundId, compoundId), eq(confirmations.memberId, memberId), eq(confirmations.ref, ref)))
    .orderBy(desc(confirmations.createdAt), desc(confirmations.id))
  const open = rows.filter((r) => r.usedAt === null && r.expiresAt.getTime() > now.getTime())
  for (const c of open) {
    const [taken] = await tx
      .update(confirmations)
      .set({ usedAt: now })
      .where(and(eq(confirmations.compoundId, compoundId), eq(confirmations.id, c.id), isNull(confirmations.usedAt)))
      .returning()
    if (taken) return { ok: true, confirmation: taken }
  }
  if (rows.length === 0) return { ok: false, reason: 'none' }
  return { ok: false, reason: rows.some((r) => r.usedAt === null) ? 'expired' : 'used' }
}
