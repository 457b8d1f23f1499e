// Who acts for which household in owner votes: 投票, 选, 推荐, 异议 and the frozen electorate check, shared so
// that polls and elections refuse the same people with the same reasons (docs/POLLS.md "Voting").
import { castBallot, electorateMembership, type PollRow } from '../../db/polls.ts'
import { holdHouseholds } from '../../db/households.ts'
import { type CompoundContext, UserError } from '../pipeline/command.ts'

/** A household an owner acts for (votes, nominates, objects): voter key `h:<id>` and its room code. */
export interface OwnerHousehold {
  key: string
  householdId: number
  label: string
}

/**
 * The households the sender acts for as an owner: their verified owner bindings, still on the roster, in one
 * lock order (no deadlock between co-owners). Refused with why: a pending binding, a tenant or family member,
 * nobody bound, or a room the head removed meanwhile (its bindings went with it).
 */
export async function ownerHouseholds(ctx: CompoundContext): Promise<OwnerHousehold[]> {
  const owned = ctx.bindings.filter((b) => b.relation === 'owner' && b.status === 'verified').sort((a, b) => a.household.id - b.household.id)
  if (owned.length === 0) {
    const rooms = [...new Set(ctx.bindings.map((b) => b.household.code))].join('、')
    if (ctx.bindings.some((b) => b.relation === 'owner')) throw new UserError('vote.ownerPending', { rooms })
    if (ctx.bindings.length > 0) throw new UserError('vote.notOwner', { rooms, relation: ctx.t(`relation.${ctx.bindings[0]!.relation}`) })
    throw new UserError('vote.notBound')
  }
  const present = await holdHouseholds(ctx.tx, ctx.compound.id, owned.map((b) => b.household.id))
  const still = owned.filter((b) => present.has(b.household.id))
  if (still.length === 0) throw new UserError('vote.notBound')
  return still.map((b) => ({ key: `h:${b.household.id}`, householdId: b.household.id, label: b.household.code }))
}

/**
 * Of the voters the sender acts for, those in the poll's electorate frozen at launch (or all, for a poll launched
 * before electorates were frozen), and the labels of those outside. Refused when none is inside.
 */
export async function withinElectorate<V extends { key: string; label: string }>(
  ctx: CompoundContext,
  poll: Pick<PollRow, 'id' | 'no' | 'electorate'>,
  voters: V[],
): Promise<{ inside: V[]; outside: string[] }> {
  const membership = await electorateMembership(ctx.tx, ctx.compound.id, poll.id, voters.map((v) => v.key))
  if (!membership.frozen) return { inside: voters, outside: [] }
  const inside = voters.filter((v) => membership.members.has(v.key))
  const outside = voters.filter((v) => !membership.members.has(v.key)).map((v) => v.label)
  if (inside.length === 0) {
    if (poll.electorate === 'residents') throw new UserError('vote.residentNotInElectorate', { no: poll.no })
    throw new UserError('vote.notInElectorate', { no: poll.no, rooms: outside.join('、') })
  }
  return { inside, outside }
}

/**
 * Cast one choice for every voter the sender acts for (投票 and 选): a later ballot replaces the earlier one.
 * `changed`: some voter had a ballot already; `replacedOther`: one of those was cast by someone else (another
 * member of the household, or a captain's paper record), which the reply mentions.
 */
export async function castForVoters(
  ctx: CompoundContext,
  poll: Pick<PollRow, 'id'>,
  voters: readonly { key: string; householdId: number | null }[],
  options: number[],
): Promise<{ changed: boolean; replacedOther: boolean }> {
  let changed = false
  let replacedOther = false
  for (const v of voters) {
    const { previous } = await castBallot(ctx.tx, {
      compoundId: ctx.compound.id,
      pollId: poll.id,
      voterKey: v.key,
      householdId: v.householdId,
      memberId: ctx.member.id,
      options,
      now: ctx.now,
    })
    if (previous) {
      changed = true
      if (previous.memberId !== ctx.member.id) replacedOther = true
    }
  }
  return { changed, replacedOther }
}
