// Elections (issue 17): a poll of kind 'election' whose options are the candidates. Counting, the stored result
// (polls.result: the count, the elected with their members, who voted when open) and the candidates. The
// launch, nomination and voting commands use this module; closing goes through closePoll (./polls.ts), which
// calls electionSnapshot for an election. Owners' eligibility and castBallot are the polls' own.
import type { Queryable } from '../../db/client.ts'
import { candidatesOf, supportOf } from '../../db/elections.ts'
import { castCount, currentBallotsOf, electorateOf, type PollRow } from '../../db/polls.ts'
import { countElection, type ElectionCount, electionFromJson, electionToJson } from '../domain/election.ts'
import type { ElectionView } from '../render/elections.ts'
import { bindingsOf } from '../../db/members.ts'
import type { CompoundContext } from '../pipeline/command.ts'
import { lookupMember, mentionFor, refusal } from './members.ts'

export { candidatesOf, insertCandidates, insertNomination, nominatingOf, supportOf } from '../../db/elections.ts'

/** Launch limits. */
export const MAX_SEATS = 15
export const MAX_CANDIDATES = 20
export const MAX_CANDIDATE_NAME = 20

export interface Elected {
  idx: number
  name: string
  memberId: number | null
}

/** What polls.result holds for a closed election. */
export interface ElectionSnapshot {
  kind: 'election'
  count: ElectionCount
  /** rooms that voted; null when secret */
  voted: string[] | null
  casts: number
  elected: Elected[]
}

export function electionView(p: PollRow): ElectionView {
  return {
    no: p.no,
    title: p.title,
    options: p.options,
    seats: p.seats ?? 1,
    secret: p.secret,
    deadline: p.deadline,
    status: p.status,
    closedAt: p.closedAt,
    nominationSupport: p.nominationSupport,
    nominationUntil: p.nominationUntil,
  }
}

/** Count an election from its current ballots and frozen electorate, with the elected's members. */
export async function electionSnapshot(q: Queryable, poll: PollRow): Promise<ElectionSnapshot> {
  const [current, casts, frozen, candidates] = await Promise.all([
    currentBallotsOf(q, poll.compoundId, poll.id),
    castCount(q, poll.compoundId, poll.id),
    electorateOf(q, poll.compoundId, poll.id),
    candidatesOf(q, poll.compoundId, poll.id),
  ])
  const count = countElection({
    candidates: Math.max(1, poll.options.length),
    seats: poll.seats ?? 1,
    voters: frozen.map((v) => ({ key: v.voterKey, areaCentiM2: v.areaCentiM2, ownerKeys: v.ownerKeys })),
    ballots: current.map((b) => ({ voterKey: b.voterKey, options: b.options })),
  })
  const byIdx = new Map(candidates.filter((c) => c.idx !== null).map((c) => [c.idx!, c]))
  const votedKeys = new Set(current.map((b) => b.voterKey))
  return {
    kind: 'election',
    count,
    voted: poll.secret ? null : frozen.filter((v) => votedKeys.has(v.voterKey)).map((v) => v.code ?? v.voterKey),
    casts,
    elected: count.elected.map((idx) => ({ idx, name: poll.options[idx] ?? '', memberId: byIdx.get(idx)?.memberId ?? null })),
  }
}

export function electionSnapshotToJson(s: ElectionSnapshot): unknown {
  return { ...s, count: electionToJson(s.count) }
}

export function electionSnapshotFromJson(json: unknown): ElectionSnapshot | null {
  if (!json || typeof json !== 'object') return null
  const o = json as Record<string, unknown>
  if (o.kind !== 'election') return null
  const count = electionFromJson(o.count)
  if (!count) return null
  return {
    kind: 'election',
    count,
    voted: Array.isArray(o.voted) ? o.voted.map(String) : null,
    casts: typeof o.casts === 'number' ? o.casts : 0,
    elected: Array.isArray(o.elected) ? (o.elected as Elected[]) : [],
  }
}

/** The stored result once closed (null for one closed without a vote), else counted now. */
export async function electionResult(q: Queryable, poll: PollRow): Promise<ElectionSnapshot | null> {
  if (poll.status === 'closed') return electionSnapshotFromJson(poll.result)
  return electionSnapshot(q, poll)
}

/** Candidates while nominating, with how many households support each nominee. */
export async function nominationStatus(q: Queryable, poll: PollRow) {
  const [candidates, support] = await Promise.all([candidatesOf(q, poll.compoundId, poll.id), supportOf(q, poll.compoundId, poll.id)])
  return candidates.map((c) => ({ name: c.name, source: c.source, memberId: c.memberId, support: support.get(c.name) ?? 0 }))
}

/**
 * Who a candidate written at launch or in 推荐 is: an @mention or a typed @name must be a member (refused
 * otherwise); a bare name is linked only when it reads as exactly one member who is a verified owner of this
 * compound — anything else stays a name only (the head appoints them by hand if elected).
 */
export async function candidateMember(ctx: CompoundContext, written: string): Promise<{ name: string; memberId: number | null }> {
  const name = written.replace(/^@\s*/, '')
  const strict = written.startsWith('@') || mentionFor(ctx.message, written) !== undefined
  const found = await lookupMember(ctx, written)
  if (strict) {
    if (found.kind !== 'member') throw refusal(ctx, found)
    return { name, memberId: found.member.id }
  }
  if (found.kind !== 'member') return { name, memberId: null }
  const owner = (await bindingsOf(ctx.tx, found.member.id, ctx.compound.id)).some((b) => b.binding.relation === 'owner' && b.binding.status === 'verified')
  return { name, memberId: owner ? found.member.id : null }
}
