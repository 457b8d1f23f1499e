import { describe, expect, it } from 'vitest'
import { mergeParts, postRoles } from '../../src/disclosure/catch-up.ts'

describe('catch-up posts (src/disclosure/catch-up.ts)', () => {
  it('merges a compound’s non-empty periods, led by the longest; leaves others alone', () => {
    expect(
      postRoles([
        { compoundId: 1, kind: 'week', empty: false },
        { compoundId: 1, kind: 'month', empty: false },
        { compoundId: 1, kind: 'year', empty: true },
        { compoundId: 2, kind: 'week', empty: false },
        { compoundId: 3, kind: 'week', empty: true },
        { compoundId: 4, kind: 'week', empty: false },
        { compoundId: 4, kind: 'year', empty: false },
        { compoundId: 4, kind: 'month', empty: false },
      ]),
    ).toEqual(['joined', 'lead', 'empty', 'alone', 'empty', 'joined', 'lead', 'joined'])
  })

  it('joins messages while they fit in one, never splits one', () => {
    expect(mergeParts([['a'], ['b', 'c'], ['d']], 10)).toEqual(['a\n\nb\n\nc\n\nd'])
    expect(mergeParts([['aaaa'], ['bbbb'], ['cccc']], 10)).toEqual(['aaaa\n\nbbbb', 'cccc'])
    expect(mergeParts([['a'.repeat(10)], ['b']], 10)).toEqual(['a'.repeat(10), 'b'])
    expect(mergeParts([], 10)).toEqual([])
  })
})
