import { describe, expect, it } from 'vitest'
import { parseElection, parseMarks } from '../../src/domain/election-syntax.ts'

const NOW = new Date('2026-11-23T02:00:00Z') // 10:00 in Shanghai
const TZ = 'Asia/Shanghai'
const LIMITS = { maxSeats: 15, maxCandidates: 20, maxName: 20 }
const parse = (text: string) => parseElection(text, NOW, TZ, LIMITS)

describe('parseElection', () => {
  it('reads name, seats, candidates, deadline; secret by default; 7 days without a deadline', () => {
    expect(parse('第一届物管会 名额 3 候选人 张三/@李四/王五')).toEqual({
      ok: true,
      spec: { title: '第一届物管会', seats: 3, candidates: ['张三', '@李四', '王五'], deadline: new Date('2026-11-30T02:00:00Z'), secret: true, nomination: null },
    })
    const r = parse('物管会 名額 2人 候選人 A、B 截止 12月1日 18:00 記名')
    expect(r).toMatchObject({ ok: true, spec: { seats: 2, candidates: ['A', 'B'], deadline: new Date('2026-12-01T10:00:00Z'), secret: false } })
    expect(parse('Committee seats 1 candidates Zhang Li public')).toMatchObject({ ok: true, spec: { candidates: ['Zhang', 'Li'], secret: false } })
  })
  it('a 截止 after 推荐 ends nomination; voting then runs 7 days from it unless given', () => {
    expect(parse('物管会 名额 3 推荐 2户 截止 11月25日 12:00')).toMatchObject({
      ok: true,
      spec: { candidates: [], nomination: { support: 2, until: new Date('2026-11-25T04:00:00Z') }, deadline: new Date('2026-12-02T04:00:00Z') },
    })
    expect(parse('物管会 名额 3 截止 12月5日 推荐 2户 截止 11月25日')).toMatchObject({ ok: true, spec: { deadline: new Date('2026-12-05T15:59:00Z') } })
    expect(parse('物管会 名额 3 截止 11月24日 推荐 2户 截止 11月25日')).toMatchObject({ ok: false, key: 'election.deadlineBeforeNomination' })
    expect(parse('物管会 名额 3 推荐 两户 截止 11月25日')).toMatchObject({ ok: false, key: 'election.supportInvalid' })
    expect(parse('物管会 名额 3 推荐 2户')).toMatchObject({ ok: false, key: 'election.supportInvalid' })
  })
  it('refuses what it cannot read', () => {
    expect(parse('名额 3 候选人 A/B')).toMatchObject({ ok: false, key: 'election.nameMissing' })
    expect(parse('物管会 候选人 A/B')).toMatchObject({ ok: false, key: 'election.seatsMissing' })
    expect(parse('物管会 名额 16 候选人 A/B')).toMatchObject({ ok: false, key: 'election.seatsInvalid' })
    expect(parse('物管会 名额 3')).toMatchObject({ ok: false, key: 'election.candidatesMissing' })
    expect(parse('物管会 名额 3 候选人 张三/张 三')).toMatchObject({ ok: false, key: 'election.duplicateCandidate' })
    expect(parse('物管会 名额 3 候选人 A/B 名额 2')).toMatchObject({ ok: false, key: 'election.clauseTwice' })
    expect(parse('物管会 名额 3 候选人 A/B 截止 昨天')).toMatchObject({ ok: false, key: 'election.deadlineInvalid' })
  })
})

describe('parseMarks', () => {
  const options = ['张三', '李四', '王五', 'Amy']
  it('takes letters in any case or width, runs of letters, and names', () => {
    expect(parseMarks('A C', options)).toEqual({ ok: true, indices: [0, 2] })
    expect(parseMarks('ｃ,a', options)).toEqual({ ok: true, indices: [0, 2] })
    expect(parseMarks('ABD', options)).toEqual({ ok: true, indices: [0, 1, 3] })
    expect(parseMarks('张三 王五 张三', options)).toEqual({ ok: true, indices: [0, 2] })
    expect(parseMarks('Amy', options)).toEqual({ ok: true, indices: [3] })
    expect(parseMarks('E', options)).toEqual({ ok: false, unknown: 'E' })
    expect(parseMarks('赵六', options)).toEqual({ ok: false, unknown: '赵六' })
  })
})
