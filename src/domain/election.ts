/**
 * Pure count of a committee election (选举) by the rules polls use (src/domain/tally.ts, docs/POLLS.md).
 *
 * - Each household of the frozen electorate marks up to `seats` candidates (a ballot with more, none, or an
 *   index outside the ballot is not counted: the command refuses those before they are cast).
 * - The election is valid when the participating households hold ≥ 2/3 of the area AND their owner units
 *   are ≥ 2/3 of the owners (民法典 第二百七十八条第二款, the same participation as an ordinary poll).
 * - A candidate qualifies with MORE than half of the participating area AND of the participating owners
 *   (过半数, strict), headcount per owner unit as tally.ts counts it (a unit counts for a candidate when all
 *   of its participating households marked them).
 * - Qualified candidates are ranked by households, then area; the first `seats` are elected. When the last
 *   seat falls inside a group of equal rank, nobody of that group is elected (no lot is drawn by the bot):
 *   the tie is reported and those seats stay unfilled, as seats are when too few qualify.
 * Exact arithmetic: bigint areas, cross-multiplied ratios.
 */
import { exceeds, type Fraction, tally, type TallyResult, type Voter } from './tally.ts'

export interface ElectionBallot {
  voterKey: string
  options: number[]
}

export interface ElectionInput {
  candidates: number
  seats: number
  voters: readonly Voter[]
  ballots: readonly ElectionBallot[]
}

export interface CandidateCount {
  idx: number
  voters: number
  areaCentiM2: bigint
  headcount: number
  /** more than half of the participating area and owners */
  qualified: boolean
}

export interface ElectionCount {
  seats: number
  candidates: CandidateCount[]
  totalVoters: number
  totalAreaCentiM2: bigint
  totalHeadcount: number
  participatingVoters: number
  participatingAreaCentiM2: bigint
  participatingHeadcount: number
  participation: TallyResult['participation']
  /** qualified candidates, best first */
  ranking: number[]
  /** elected candidates (indices), best first */
  elected: number[]
  /** candidates tied across the last seat (none of them elected) */
  tie: number[]
  unfilled: number
  outcome: 'elected' | 'invalid' | 'noVotes'
}

const HALF: Fraction = { num: 1n, den: 2n }

/** A ballot as counted: distinct, in range, 1…seats marks; otherwise undefined (not cast). */
export function validMarks(options: readonly number[], candidates: number, seats: number): number[] | undefined {
  const set = [...new Set(options)].sort((a, b) => a - b)
  if (set.length === 0 || set.length > seats) return undefined
  return set.every((o) => Number.isInteger(o) && o >= 0 && o < candidates) ? set : undefined
}

/** Compare two candidates by households, then area: negative when `a` ranks higher. */
export function rankOrder(a: Pick<CandidateCount, 'voters' | 'areaCentiM2'>, b: Pick<CandidateCount, 'voters' | 'areaCentiM2'>): number {
  if (a.voters !== b.voters) return b.voters - a.voters
  return a.areaCentiM2 === b.areaCentiM2 ? 0 : a.areaCentiM2 > b.areaCentiM2 ? -1 : 1
}

export function countElection(input: ElectionInput): ElectionCount {
  const { candidates, seats, voters } = input
  if (!Number.isSafeInteger(seats) || seats < 1) throw new RangeError(`bad seats ${seats}`)
  if (!Number.isSafeInteger(candidates) || candidates < 1) throw new RangeError(`bad candidate count ${candidates}`)
  const keys = new Set(voters.map((v) => v.key))
  // the last ballot of a voter is current (as tally.ts); an invalid one counts as not cast
  const current = new Map<string, number[] | undefined>()
  for (const b of input.ballots) if (keys.has(b.voterKey)) current.set(b.voterKey, validMarks(b.options, candidates, seats))
  const ballots = [...current].filter((e): e is [string, number[]] => e[1] !== undefined).map(([voterKey, options]) => ({ voterKey, options }))
  // per-candidate households, area and owner units: tally's simple count (multiple marks allowed there)
  const marks = tally({ rule: 'simple', optionCount: candidates, voters, ballots })
  // participation: tally's ordinary rule on "took part" ballots, so the 2/3 test and what is missing are the polls'
  const part = tally({ rule: 'ordinary', optionCount: 1, voters, ballots: ballots.map((b) => ({ voterKey: b.voterKey, options: [0] })) })
  const partArea = marks.participatingAreaCentiM2
  const partHead = BigInt(marks.participatingHeadcount)
  const counts: CandidateCount[] = marks.options.map((o) => ({
    idx: o.option,
    voters: o.voters,
    areaCentiM2: o.areaCentiM2,
    headcount: o.headcount,
    qualified: part.participation.met && exceeds(o.areaCentiM2, partArea, HALF) && exceeds(BigInt(o.headcount), partHead, HALF),
  }))
  const ranking = counts.filter((c) => c.qualified).sort((a, b) => rankOrder(a, b) || a.idx - b.idx)
  let elected = ranking.slice(0, seats)
  let tie: CandidateCount[] = []
  if (ranking.length > seats && rankOrder(ranking[seats - 1]!, ranking[seats]!) === 0) {
    const last = ranking[seats - 1]!
    tie = ranking.filter((c) => rankOrder(c, last) === 0)
    elected = elected.filter((c) => rankOrder(c, last) !== 0)
  }
  const outcome = marks.participatingVoters === 0 ? 'noVotes' : part.participation.met ? 'elected' : 'invalid'
  return {
    seats,
    candidates: counts,
    totalVoters: marks.totalVoters,
    totalAreaCentiM2: marks.totalAreaCentiM2,
    totalHeadcount: marks.totalHeadcount,
    participatingVoters: marks.participatingVoters,
    participatingAreaCentiM2: partArea,
    participatingHeadcount: marks.participatingHeadcount,
    participation: part.participation,
    ranking: ranking.map((c) => c.idx),
    elected: elected.map((c) => c.idx),
    tie: tie.map((c) => c.idx),
    unfilled: seats - elected.length,
    outcome,
  }
}

// ---- stored form (polls.result.election, bigints as strings) ----------------------------------

const big = (v: unknown): bigint => {
  if (typeof v === 'bigint') return v
  if ((typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^-?\d+$/.test(v))) return BigInt(v)
  throw new TypeError(`not an integer: ${String(v)}`)
}

export function electionToJson(c: ElectionCount): unknown {
  return JSON.parse(JSON.stringify(c, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)))
}

export function electionFromJson(json: unknown): ElectionCount | null {
  if (!json || typeof json !== 'object') return null
  const o = json as ElectionCount & Record<string, unknown>
  if (!Array.isArray(o.candidates) || !Array.isArray(o.elected)) return null
  try {
    return {
      ...o,
      candidates: o.candidates.map((c) => ({ ...c, areaCentiM2: big(c.areaCentiM2) })),
      totalAreaCentiM2: big(o.totalAreaCentiM2),
      participatingAreaCentiM2: big(o.participatingAreaCentiM2),
      participation: { ...o.participation, missingAreaCentiM2: big(o.participation.missingAreaCentiM2) },
    }
  } catch {
    return null
  }
}

/** The ballot letter of a candidate position: 0 → A … 25 → Z (elections have at most 20 candidates). */
export const letterOf = (idx: number): string => String.fromCharCode(65 + idx)
