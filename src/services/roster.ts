// The roster as commands use it: finding a household by what a person typed (with the localized refusals
// every command shares) and removing one (删除房屋, and the operator's `linli roster remove`). Importing a
// roster from CSV is the CLI's (src/cli/roster.ts).
import type { Tx } from '../../db/client.ts'
import {
  deleteHousehold,
  type HouseholdReferences,
  type HouseholdRow,
  householdReferences,
  lockHouseholdByCode,
  resolveHousehold,
} from '../../db/households.ts'
import { type CompoundContext, UserError } from '../pipeline/command.ts'

export { householdById, householdsOf, resolveHousehold } from '../../db/households.ts'

export async function requireHousehold(ctx: CompoundContext, input: string) {
  const res = await resolveHousehold(ctx.tx, ctx.compound.id, input)
  if (res.ok && res.row) return res.row
  if (res.ok) throw new UserError('common.unknownRoom', { room: input })
  switch (res.reason) {
    case 'unparseable':
      throw new UserError('common.unparseableRoom', { input: res.input })
    case 'unknown':
      throw new UserError('common.unknownRoom', { room: res.understood })
    case 'ambiguous':
      throw new UserError('common.ambiguousRoom', { room: res.understood, candidates: res.candidates.join('、') })
  }
}

export type RemoveOutcome =
  | { ok: true; household: HouseholdRow; bindings: number }
  | { ok: false; reason: 'unknown'; code: string }
  | { ok: false; reason: 'referenced'; household: HouseholdRow; refs: HouseholdReferences }

/**
 * Remove one household from the roster, with its bindings (pending or verified), inside `tx`. Refused while a
 * ballot, a ledger entry or a repair ticket refers to it: history keeps the room it was about. Polls already
 * launched keep it in their frozen electorate (no foreign key), so their denominators do not move.
 * `code` is the canonical room code: a removal names the room exactly, never a guess.
 */
export async function removeHousehold(tx: Tx, compoundId: number, code: string): Promise<RemoveOutcome> {
  // FOR UPDATE: a vote, payment or ticket being written for it finishes first (and is then seen as a reference),
  // or waits and then fails on the foreign key
  const household = await lockHouseholdByCode(tx, compoundId, code)
  if (!household) return { ok: false, reason: 'unknown', code }
  const refs = await householdReferences(tx, compoundId, household.id)
  if (refs.ballots + refs.ledger + refs.tickets > 0) return { ok: false, reason: 'referenced', household, refs }
  const bindings = await deleteHousehold(tx, compoundId, household.id)
  return { ok: true, household, bindings }
}
