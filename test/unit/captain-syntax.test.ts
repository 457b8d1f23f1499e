import { describe, expect, it } from 'vitest'
import { parseBuildingList, parseCandidateChoice, parseSignature } from '../../src/domain/captain-syntax.ts'
import { letterOf } from '../../src/domain/election.ts'
import { buildingOf } from '../../src/domain/rooms.ts'

describe('captain syntax', () => {
  it('reads building lists as the roster stores buildings', () => {
    expect(parseBuildingList('3栋,5栋')).toEqual(['3', '5'])
    expect(parseBuildingList('三栋、5号楼 3')).toEqual(['3', '5'])
    expect(parseBuildingList('十一栋，a座，０７')).toEqual(['11', 'A', '7'])
    expect(parseBuildingList('')).toEqual([])
    expect(buildingOf('building 12')).toBe('12')
    expect(buildingOf('3棟')).toBe('3')
  })

  it('reads an election choice by letter or name, at most the seats', () => {
    const c = ['王芳', '李明', '张强']
    expect(parseCandidateChoice('A C', c, 2)).toEqual({ ok: true, indices: [0, 2] })
    expect(parseCandidateChoice('ca', c, 2)).toEqual({ ok: true, indices: [0, 2] })
    expect(parseCandidateChoice('李明、a', c, 2)).toEqual({ ok: true, indices: [0, 1] })
    expect(parseCandidateChoice('A a 王芳', c, 1)).toEqual({ ok: true, indices: [0] })
    expect(parseCandidateChoice('ABC', c, 2)).toMatchObject({ ok: false, key: 'record.tooManyCandidates', params: { seats: 2, count: 3 } })
    expect(parseCandidateChoice('D', c, 2)).toMatchObject({ ok: false, key: 'record.unknownCandidate', params: { choice: 'D', last: 'C' } })
    expect(parseCandidateChoice('  ', c, 2)).toMatchObject({ ok: false, key: 'record.choiceMissing' })
    // a candidate named like letters is their name, not letters
    expect(parseCandidateChoice('AB', ['AB', 'X', 'Y'], 1)).toEqual({ ok: true, indices: [0] })
    // read as 选 reads it: a full-width letter, an @name
    expect(parseCandidateChoice('Ｂ @张强', c, 2)).toEqual({ ok: true, indices: [1, 2] })
    expect(letterOf(0)).toBe('A')
    expect(letterOf(25)).toBe('Z')
  })

  it('reads a signature: stance first (不同意 is not 同意), or an opinion alone', () => {
    expect(parseSignature('同意')).toEqual({ ok: true, options: [0], note: null })
    expect(parseSignature('不同意，噪音太大')).toEqual({ ok: true, options: [1], note: '噪音太大' })
    expect(parseSignature('反對 太貴')).toEqual({ ok: true, options: [1], note: '太貴' })
    expect(parseSignature('agree but fix the lift')).toEqual({ ok: true, options: [0], note: 'but fix the lift' })
    expect(parseSignature('同意见上')).toEqual({ ok: true, options: [], note: '同意见上' })
    expect(parseSignature('希望低楼层少摊')).toEqual({ ok: true, options: [], note: '希望低楼层少摊' })
    expect(parseSignature(' ')).toMatchObject({ ok: false, key: 'record.signatureMissing' })
  })
})
