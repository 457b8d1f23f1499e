import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { countElection, electionFromJson, electionToJson, type ElectionBallot } from '../../src/domain/election.ts'
import type { Voter } from '../../src/domain/tally.ts'

const hh = (key: string, area: number, owners?: string[]): Voter => ({ key, areaCentiM2: BigInt(area), ownerKeys: owners ?? [`o-${key}`] })
const b = (voterKey: string, ...options: number[]): ElectionBallot => ({ voterKey, options })

describe('countElection: examples', () => {
  const ten = Array.from({ length: 10 }, (_, i) => hh(`h${i}`, 100))
  it('elects by more than half of the participating area and owners, ranked, at most the seats', () => {
    // 7 of 10 take part; A 7, B 5, C 4, D 3 (more than half of 7 is 4)
    const ballots = [b('h0', 0, 1, 2), b('h1', 0, 1, 2), b('h2', 0, 1, 2), b('h3', 0, 1, 3), b('h4', 0, 1, 3), b('h5', 0, 2, 3), b('h6', 0)]
    const r = countElection({ candidates: 4, seats: 3, voters: ten, ballots })
    expect(r.outcome).toBe('elected')
    expect(r.candidates.map((c) => c.voters)).toEqual([7, 5, 4, 3])
    expect(r.ranking).toEqual([0, 1, 2])
    expect(r.elected).toEqual([0, 1, 2])
    expect(countElection({ candidates: 4, seats: 2, voters: ten, ballots: ballots.map((x) => b(x.voterKey, ...x.options.slice(0, 2))) }).elected).toHaveLength(2)
    expect(r.unfilled).toBe(0)
  })
  it('reports a tie at the last seat and leaves it unfilled', () => {
    const ballots = [b('h0', 0, 1), b('h1', 0, 2), b('h2', 0, 1), b('h3', 0, 2), b('h4', 1, 2), b('h5', 0, 1), b('h6', 0, 2)]
    const r = countElection({ candidates: 3, seats: 2, voters: ten, ballots })
    expect(r.elected).toEqual([0])
    expect(r.tie).toEqual([1, 2])
    expect(r.unfilled).toBe(1)
  })
  it('is invalid below 2/3 participation and elects nobody', () => {
    const r = countElection({ candidates: 2, seats: 1, voters: ten, ballots: [b('h0', 0), b('h1', 0)] })
    expect(r.outcome).toBe('invalid')
    expect(r.elected).toEqual([])
    expect(r.unfilled).toBe(1)
    expect(r.participation.met).toBe(false)
  })
  it('ignores a ballot with more marks than seats, and survives JSON', () => {
    const r = countElection({ candidates: 3, seats: 1, voters: ten.slice(0, 3), ballots: [b('h0', 0, 1), b('h1', 0), b('h2', 0)] })
    expect(r.participatingVoters).toBe(2)
    expect(electionFromJson(electionToJson(r))).toEqual(r)
  })
})

// ---- brute-force reference ---------------------------------------------------------------------

/** Owner units by repeated merging (no union-find), each a set of household indices. */
function unitsOf(voters: Voter[]): number[][] {
  let groups = voters.map((v, i) => ({ members: [i], owners: new Set(v.ownerKeys) }))
  let merged = true
  while (merged) {
    merged = false
    outer: for (let i = 0; i < groups.length; i++) {
      for (let j = i + 1; j < groups.length; j++) {
        if ([...groups[i]!.owners].some((o) => groups[j]!.owners.has(o))) {
          groups[i] = { members: [...groups[i]!.members, ...groups[j]!.members], owners: new Set([...groups[i]!.owners, ...groups[j]!.owners]) }
          groups = groups.filter((_, k) => k !== j)
          merged = true
          break outer
        }
      }
    }
  }
  return groups.map((g) => g.members)
}

function reference(candidates: number, seats: number, voters: Voter[], ballots: ElectionBallot[]) {
  const last = new Map<string, number[]>()
  for (const x of ballots) last.set(x.voterKey, x.options)
  const marks = voters.map((v) => {
    const o = last.get(v.key)
    if (!o) return null
    const s = [...new Set(o)]
    return s.length >= 1 && s.length <= seats && s.every((i) => i >= 0 && i < candidates) ? new Set(s) : null
  })
  const units = unitsOf(voters)
  const totalArea = voters.reduce((s, v) => s + v.areaCentiM2, 0n)
  const partArea = voters.reduce((s, v, i) => s + (marks[i] ? v.areaCentiM2 : 0n), 0n)
  const partUnits = units.filter((u) => u.some((i) => marks[i]))
  const valid = totalArea > 0n && 3n * partArea >= 2n * totalArea && 3 * partUnits.length >= 2 * units.length
  const counts = Array.from({ length: candidates }, (_, c) => {
    const hs = voters.map((_, i) => i).filter((i) => marks[i]?.has(c))
    const area = hs.reduce((s, i) => s + voters[i]!.areaCentiM2, 0n)
    const head = partUnits.filter((u) => u.filter((i) => marks[i]).every((i) => marks[i]!.has(c))).length
    const qualified = valid && 2n * area > partArea && 2 * head > partUnits.length
    return { c, n: hs.length, area, qualified }
  })
  const q = counts.filter((x) => x.qualified)
  const better = (x: (typeof q)[0], y: (typeof q)[0]) => y.n > x.n || (y.n === x.n && y.area > x.area)
  const same = (x: (typeof q)[0], y: (typeof q)[0]) => y.n === x.n && y.area === x.area
  // elected: those whose whole rank group fits into the seats
  const elected = q.filter((x) => q.filter((y) => better(x, y)).length + q.filter((y) => same(x, y)).length <= seats).map((x) => x.c)
  const tie = q.filter((x) => {
    const above = q.filter((y) => better(x, y)).length
    return above < seats && above + q.filter((y) => same(x, y)).length > seats
  }).map((x) => x.c)
  return { valid, elected: elected.sort(), tie: tie.sort(), unfilled: seats - elected.length }
}

const rosterArb = fc
  .integer({ min: 1, max: 9 })
  .chain((n) =>
    fc.record({
      voters: fc.tuple(
        ...Array.from({ length: n }, (_, i) =>
          fc.record({ area: fc.integer({ min: 0, max: 4 }).map((a) => a * 2500), owners: fc.subarray(['p', 'q', 'r', 's', `u${i}`], { minLength: 0, maxLength: 2 }) }),
        ),
      ),
      candidates: fc.integer({ min: 1, max: 5 }),
      seats: fc.integer({ min: 1, max: 4 }),
      ballots: fc.array(fc.record({ voter: fc.integer({ min: 0, max: n }), options: fc.array(fc.integer({ min: -1, max: 5 }), { maxLength: 4 }) }), { maxLength: 14 }),
    }),
  )

describe('countElection: property against a brute-force reference', () => {
  it('elects, ties and leaves unfilled exactly what the reference says', () => {
    fc.assert(
      fc.property(rosterArb, ({ voters: vs, candidates, seats, ballots: bs }) => {
        const voters = vs.map((v, i) => hh(`h${i}`, v.area, v.owners.length > 0 ? v.owners : [`own-${i}`]))
        const ballots = bs.map((x) => b(`h${x.voter}`, ...x.options)) // h<n> is outside the roster: ignored
        const r = countElection({ candidates, seats, voters, ballots })
        const ref = reference(candidates, seats, voters, ballots)
        expect([...r.elected].sort()).toEqual(ref.elected)
        expect([...r.tie].sort()).toEqual(ref.tie)
        expect(r.unfilled).toBe(ref.unfilled)
        expect(r.participation.met).toBe(ref.valid)
        expect(r.elected.length).toBeLessThanOrEqual(seats)
      }),
      { numRuns: 600 },
    )
  })
})
