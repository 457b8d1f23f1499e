/**
 * Pure poll tally for owners' joint decisions (业主共同决定).
 *
 * Legal basis:
 * - 民法典 第二百七十八条第二款: a joint decision needs participation of owners holding
 *   ≥ 2/3 of exclusive area AND ≥ 2/3 of headcount. Ordinary matters then need approval
 *   by owners holding > 1/2 of participating area AND > 1/2 of participating headcount
 *   (过半数); major matters (第一款 (六)–(八)) need ≥ 3/4 of both (四分之三以上).
 * - 民法典 第一千二百五十九条: "以上" includes the number itself; "过半数" is strict.
 * - 最高人民法院《关于审理建筑物区分所有权纠纷案件适用法律若干问题的解释》(2020 修正)
 *   第八条: area = registered exclusive area; 第九条: headcount is counted per exclusive unit
 *   (一个专有部分按一人计算), but one buyer of several units, and the developer's unsold /
 *   undelivered units, count as one person.
 *
 * Headcount model (documented choice): households and owner persons form a bipartite
 * graph (a household is linked to each of its owners). Every connected component is one
 * "owner unit" and counts as one head. This merges co-owners of a household (第九条: one
 * unit = one person) and a multi-household owner (第九条: one buyer = one person), and,
 * transitively, chains of both. A household with no registered owner is its own unit.
 * The developer's unsold units count as one when the caller gives them one owner key.
 *
 * Arithmetic is exact: areas are integer centi-m² (bigint), ratios are compared by
 * cross-multiplication. No floats anywhere.
 */

export type PollRule = 'simple' | 'ordinary' | 'major'
/** A household (key = household id) or, for person electorates, a person (areaCentiM2 0n, ownerKeys [key]). */
export interface Voter { key: string; areaCentiM2: bigint; ownerKeys: string[] }
/** Current ballot only. */
export interface Ballot { voterKey: string; options: number[] }
export interface TallyInput { rule: PollRule; optionCount: number; voters: readonly Voter[]; ballots: readonly Ballot[]; approveOption?: number }
export interface Fraction { num: bigint; den: bigint }
export interface OptionTally { option: number; voters: number; areaCentiM2: bigint; headcount: number }
export interface TallyResult {
  rule: PollRule
  options: OptionTally[]
  totalVoters: number; totalAreaCentiM2: bigint; totalHeadcount: number
  participatingVoters: number; participatingAreaCentiM2: bigint; participatingHeadcount: number
  /** 2/3 quorum; missing* = still needed to reach it (0 when met). Simple polls: met, 0 missing. */
  participation: { areaMet: boolean; headcountMet: boolean; met: boolean; missingAreaCentiM2: bigint; missingHeadcount: number; missingVoters: number }
  /** Ordinary/major only. required* is the threshold ratio (1/2 strict for ordinary, 3/4 inclusive for major). */
  approval?: { areaMet: boolean; headcountMet: boolean; met: boolean; agreeAreaCentiM2: bigint; agreeHeadcount: number; requiredArea: Fraction; requiredHeadcount: Fraction }
  /** 'invalid' = participation not met. */
  outcome: 'passed' | 'failed' | 'invalid' | 'winner' | 'tie' | 'noVotes'
  /** simple: option(s) with the most ballots; ordinary/major: []. */
  winners: number[]
}

const TWO_THIRDS: Fraction = { num: 2n, den: 3n } // 第二百七十八条: 三分之二以上 (participation)
const HALF: Fraction = { num: 1n, den: 2n } // 过半数 (ordinary, strict)
const THREE_QUARTERS: Fraction = { num: 3n, den: 4n } // 四分之三以上 (major, inclusive)

/** part/whole ≥ f, exact. An empty or non-positive whole never meets a threshold. */
export function meetsAtLeast(part: bigint, whole: bigint, f: Fraction): boolean {
  if (whole <= 0n || f.den <= 0n) return false
  return part * f.den >= f.num * whole
}

/** part/whole > f, exact. An empty or non-positive whole never exceeds a threshold. */
export function exceeds(part: bigint, whole: bigint, f: Fraction): boolean {
  if (whole <= 0n || f.den <= 0n) return false
  return part * f.den > f.num * whole
}

/** Centi-m² as square metres with two decimals: 34050n → "340.50". */
export function formatArea(centi: bigint): string {
  const neg = centi < 0n
  const abs = neg ? -centi : centi
  return `${neg ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`
}

/** Smallest x ≥ 0 with (part + x)/whole ≥ f, i.e. ceil(whole·f) − part, floored at 0. */
function shortfall(part: bigint, whole: bigint, f: Fraction): bigint {
  const need = (whole * f.num + f.den - 1n) / f.den
  return need > part ? need - part : 0n
}

/** Owner units: union-find over households, joined through shared owner keys. */
function ownerUnits(voters: readonly Voter[]): { unitOf: number[]; count: number } {
  const parent = voters.map((_, i) => i)
  const find = (i: number): number => {
    let r = i
    while (parent[r] !== r) r = parent[r]!
    while (parent[i] !== r) { const n = parent[i]!; parent[i] = r; i = n }
    return r
  }
  const firstHousehold = new Map<string, number>()
  voters.forEach((v, i) => {
    for (const p of v.ownerKeys) {
      const j = firstHousehold.get(p)
      if (j === undefined) firstHousehold.set(p, i)
      else parent[find(i)] = find(j)
    }
  })
  const ids = new Map<number, number>()
  const unitOf = voters.map((_, i) => {
    const r = find(i)
    let id = ids.get(r)
    if (id === undefined) { id = ids.size; ids.set(r, id) }
    return id
  })
  return { unitOf, count: ids.size }
}

/**
 * Validated, deduplicated, sorted option list, or undefined when the ballot is not
 * counted: empty, an index outside [0, optionCount), or (ordinary/major) more than one
 * distinct option — multiple choice is allowed for `simple` polls only.
 */
function normalize(options: readonly number[], rule: PollRule, optionCount: number): number[] | undefined {
  const set = [...new Set(options)].sort((a, b) => a - b)
  if (set.length === 0 || (rule !== 'simple' && set.length !== 1)) return undefined
  return set.every((o) => Number.isInteger(o) && o >= 0 && o < optionCount) ? set : undefined
}

/**
 * Greedy count of extra non-participating households needed to meet both 2/3 thresholds.
 * Each step takes the largest remaining area (ties: key ascending); while headcount is
 * still short, it takes the largest household of a not-yet-participating owner unit when
 * one exists (a household of an already-participating unit adds no head). This is an
 * estimate: it can exceed the true minimum in contrived rosters. If the thresholds cannot
 * be met at all (zero total area), it returns the number of all remaining households.
 */
function greedyMissing(
  voters: readonly Voter[], unitOf: number[], voted: boolean[],
  area: bigint, head: number, totalArea: bigint, totalHead: number,
): number {
  const active = new Set<number>()
  voters.forEach((_, i) => { if (voted[i]) active.add(unitOf[i]!) })
  const rest = voters.map((_, i) => i).filter((i) => !voted[i]).sort((a, b) => {
    const x = voters[a]!, y = voters[b]!
    if (x.areaCentiM2 !== y.areaCentiM2) return x.areaCentiM2 > y.areaCentiM2 ? -1 : 1
    return x.key < y.key ? -1 : x.key > y.key ? 1 : 0
  })
  const headMet = () => meetsAtLeast(BigInt(head), BigInt(totalHead), TWO_THIRDS)
  let added = 0
  while (rest.length > 0 && !(headMet() && meetsAtLeast(area, totalArea, TWO_THIRDS))) {
    let k = headMet() ? 0 : rest.findIndex((i) => !active.has(unitOf[i]!))
    if (k < 0) k = 0
    const i = rest.splice(k, 1)[0]!
    area += voters[i]!.areaCentiM2
    if (!active.has(unitOf[i]!)) { active.add(unitOf[i]!); head++ }
    added++
  }
  return added
}

/**
 * Tallies one poll. Input handling (documented choices):
 * - Ballots whose voterKey is not a voter are ignored (not eligible).
 * - Several ballots for one voter: the last one in array order is current.
 * - A ballot that fails `normalize` counts as not cast.
 * - Area is always summed per household; headcount per owner unit (see file header).
 * - An owner unit participates if ANY of its households has a counted ballot. It counts
 *   for option o (and, for ordinary/major, as agreeing when o = approveOption) only if
 *   ALL of its participating households chose o; a split unit counts for no option.
 * - `simple`: plurality by `voters` (ballots); area and headcount are informational.
 * - 'noVotes' when no counted ballot exists (any rule, including an empty electorate).
 * Throws RangeError on a bad optionCount/approveOption, duplicate voter keys or negative area.
 */
export function tally(input: TallyInput): TallyResult {
  const { rule, optionCount, voters, ballots } = input
  const approve = input.approveOption ?? 0
  if (!Number.isSafeInteger(optionCount) || optionCount < 1) throw new RangeError(`bad optionCount ${optionCount}`)
  if (!Number.isSafeInteger(approve) || approve < 0 || approve >= optionCount) throw new RangeError(`bad approveOption ${approve}`)
  const index = new Map<string, number>()
  voters.forEach((v, i) => {
    if (index.has(v.key)) throw new RangeError(`duplicate voter ${v.key}`)
    if (v.areaCentiM2 < 0n) throw new RangeError(`negative area for ${v.key}`)
    index.set(v.key, i)
  })

  const choice: (number[] | undefined)[] = voters.map(() => undefined)
  for (const b of ballots) {
    const i = index.get(b.voterKey)
    if (i !== undefined) choice[i] = normalize(b.options, rule, optionCount)
  }
  const voted = choice.map((c) => c !== undefined)

  const { unitOf, count: totalHeadcount } = ownerUnits(voters)
  const unitVoted = new Array<number>(totalHeadcount).fill(0) // participating households per unit
  const unitChose = new Map<number, number[]>() // unit → per-option household count
  const options: OptionTally[] = Array.from({ length: optionCount }, (_, option) => ({ option, voters: 0, areaCentiM2: 0n, headcount: 0 }))
  let totalArea = 0n
  let partArea = 0n
  let partVoters = 0
  voters.forEach((v, i) => {
    totalArea += v.areaCentiM2
    const c = choice[i]
    if (c === undefined) return
    const u = unitOf[i]!
    partVoters++
    partArea += v.areaCentiM2
    unitVoted[u]!++
    let counts = unitChose.get(u)
    if (!counts) { counts = new Array<number>(optionCount).fill(0); unitChose.set(u, counts) }
    for (const o of c) {
      const t = options[o]!
      t.voters++
      t.areaCentiM2 += v.areaCentiM2
      counts[o]!++
    }
  })
  for (const [u, counts] of unitChose) {
    counts.forEach((n, o) => { if (n === unitVoted[u]) options[o]!.headcount++ })
  }
  const partHead = unitChose.size

  const base = {
    rule, options,
    totalVoters: voters.length, totalAreaCentiM2: totalArea, totalHeadcount,
    participatingVoters: partVoters, participatingAreaCentiM2: partArea, participatingHeadcount: partHead,
  }

  if (rule === 'simple') {
    const participation = { areaMet: true, headcountMet: true, met: true, missingAreaCentiM2: 0n, missingHeadcount: 0, missingVoters: 0 }
    if (partVoters === 0) return { ...base, participation, outcome: 'noVotes', winners: [] }
    const max = Math.max(...options.map((t) => t.voters))
    const winners = options.filter((t) => t.voters === max).map((t) => t.option)
    return { ...base, participation, outcome: winners.length > 1 ? 'tie' : 'winner', winners }
  }

  // 第二百七十八条第二款: participation ≥ 2/3 of area and ≥ 2/3 of headcount.
  const areaMet = meetsAtLeast(partArea, totalArea, TWO_THIRDS)
  const headcountMet = meetsAtLeast(BigInt(partHead), BigInt(totalHeadcount), TWO_THIRDS)
  const met = areaMet && headcountMet
  const participation = {
    areaMet, headcountMet, met,
    missingAreaCentiM2: shortfall(partArea, totalArea, TWO_THIRDS),
    missingHeadcount: Number(shortfall(BigInt(partHead), BigInt(totalHeadcount), TWO_THIRDS)),
    missingVoters: met ? 0 : greedyMissing(voters, unitOf, voted, partArea, partHead, totalArea, totalHeadcount),
  }

  // Ordinary: > 1/2 of participating area and headcount; major: ≥ 3/4 of both.
  const agree = options[approve]!
  const f = rule === 'major' ? THREE_QUARTERS : HALF
  const cmp = rule === 'major' ? meetsAtLeast : exceeds
  const apArea = cmp(agree.areaCentiM2, partArea, f)
  const apHead = cmp(BigInt(agree.headcount), BigInt(partHead), f)
  const approval = {
    areaMet: apArea, headcountMet: apHead, met: apArea && apHead,
    agreeAreaCentiM2: agree.areaCentiM2, agreeHeadcount: agree.headcount,
    requiredArea: { ...f }, requiredHeadcount: { ...f },
  }
  const outcome = partVoters === 0 ? 'noVotes' : !met ? 'invalid' : approval.met ? 'passed' : 'failed'
  return { ...base, participation, approval, outcome, winners: [] }
}
