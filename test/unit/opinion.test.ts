// The pure parts of opinion rounds (src/domain/opinion.ts): the 签字 and 征求意见 syntax, the counts, and the
// theme extraction the group sees instead of the answers.
import { describe, expect, it } from 'vitest'
import { countOpinions, countsFromJson, countsToJson, extractThemes, parseConsult, parseSign, stanceOptions } from '../../src/domain/opinion.ts'

describe('签字 syntax', () => {
  it('reads the number, the stance and the note', () => {
    expect(parseSign('#3 同意')).toEqual({ no: 3, stance: 'agree', note: null })
    expect(parseSign('#3 不同意')).toEqual({ no: 3, stance: 'disagree', note: null })
    expect(parseSign('#3 同意 但希望晚上不施工')).toEqual({ no: 3, stance: 'agree', note: '但希望晚上不施工' })
    expect(parseSign('#3 同意，但希望晚上不施工')).toEqual({ no: 3, stance: 'agree', note: '但希望晚上不施工' })
    expect(parseSign('#3同意')).toEqual({ no: 3, stance: 'agree', note: null })
    expect(parseSign('#3 希望晚上不施工')).toEqual({ no: 3, stance: null, note: '希望晚上不施工' })
    expect(parseSign('3 反对')).toEqual({ no: 3, stance: 'disagree', note: null })
    expect(parseSign('同意')).toEqual({ stance: 'agree', note: null })
    expect(parseSign('3 agree but not at night')).toEqual({ no: 3, stance: 'agree', note: 'but not at night' })
    expect(parseSign('3 disagree')).toEqual({ no: 3, stance: 'disagree', note: null })
    // a word that only starts like a stance is a note; digits in an opinion are not a number
    expect(parseSign('3 agreements matter')).toEqual({ no: 3, stance: null, note: 'agreements matter' })
    expect(parseSign('30天后再施工')).toEqual({ stance: null, note: '30天后再施工' })
  })

  it('refuses what says nothing', () => {
    expect(parseSign('')).toMatchObject({ ok: false, key: 'sign.missing' })
    expect(parseSign('#3')).toMatchObject({ ok: false, key: 'sign.choiceMissing', params: { no: 3 } })
    expect(parseSign(`#3 ${'长'.repeat(501)}`)).toMatchObject({ ok: false, key: 'sign.tooLong' })
  })

  it('maps stances to ballot options', () => {
    expect([stanceOptions('agree'), stanceOptions('disagree'), stanceOptions(null)]).toEqual([[0], [1], []])
  })
})

describe('征求意见 syntax', () => {
  const now = new Date('2026-11-20T02:00:00Z')
  const ctx = { now, timeZone: 'Asia/Shanghai' }
  it('reads the topic and the deadline (default seven days)', () => {
    expect(parseConsult('外墙翻新方案 截止 12月10日', ctx)).toEqual({ ok: true, title: '外墙翻新方案', deadline: new Date('2026-12-10T15:59:00Z') })
    expect(parseConsult('外墙翻新方案', ctx)).toEqual({ ok: true, title: '外墙翻新方案', deadline: new Date('2026-11-27T02:00:00Z') })
    expect(parseConsult('facade plan deadline 3 days', ctx)).toMatchObject({ ok: true, title: 'facade plan' })
  })
  it('refuses an empty topic, an unreadable or past deadline', () => {
    expect(parseConsult('', ctx)).toMatchObject({ ok: false, key: 'consult.titleMissing' })
    expect(parseConsult('截止 12-10', ctx)).toMatchObject({ ok: false, key: 'consult.titleMissing' })
    expect(parseConsult('外墙 截止 下雨天', ctx)).toMatchObject({ ok: false, key: 'poll.deadlineInvalid' })
    expect(parseConsult('外墙 截止 2026-11-01', ctx)).toMatchObject({ ok: false, key: 'poll.deadlinePast' })
    expect(parseConsult('长'.repeat(101), ctx)).toMatchObject({ ok: false, key: 'consult.titleTooLong' })
  })
})

describe('counts', () => {
  it('counts each household of the electorate once, by its current signature', () => {
    const electorate = [
      { voterKey: 'h:1', areaCentiM2: 10000n },
      { voterKey: 'h:2', areaCentiM2: 5000n },
      { voterKey: 'h:3', areaCentiM2: 7550n },
      { voterKey: 'h:4', areaCentiM2: 2500n },
    ]
    const c = countOpinions(electorate, [
      { voterKey: 'h:1', options: [0], note: '好' },
      { voterKey: 'h:2', options: [1], note: null },
      { voterKey: 'h:3', options: [], note: '噪音' },
      { voterKey: 'h:9', options: [0], note: 'outside' },
    ])
    expect(c).toEqual({
      agree: { households: 1, areaCentiM2: 10000n },
      disagree: { households: 1, areaCentiM2: 5000n },
      opinionOnly: { households: 1, areaCentiM2: 7550n },
      notSigned: { households: 1, areaCentiM2: 2500n },
      total: { households: 4, areaCentiM2: 25050n },
      notes: 2,
    })
    expect(countsFromJson(JSON.parse(JSON.stringify(countsToJson(c))))).toEqual(c)
    expect(countsFromJson({ agree: 1 })).toBeNull()
  })
})

describe('themes', () => {
  it('finds the words several households share, longest and most frequent first, without overlaps', () => {
    const notes = [
      '希望施工时间不要太早',
      '施工时间太长了，噪音很大',
      '晚上施工噪音影响休息',
      '施工时间改到白天',
      '施工时间要提前公示',
      '施工时间能不能缩短',
      '噪音扰民',
    ]
    expect(extractThemes(notes)).toEqual([
      { term: '施工时间', count: 5 },
      { term: '噪音', count: 3 },
    ])
  })

  it('one household’s words are no theme; filler words never are; digits and owner names never are', () => {
    expect(extractThemes(['电梯坏了'])).toEqual([])
    expect(extractThemes(['希望可以', '希望可以', '我们觉得'])).toEqual([])
    expect(extractThemes(['3栋201漏水', '3栋201漏水'])).toEqual([{ term: '漏水', count: 2 }])
    expect(extractThemes(['王秀英家门口停车', '王秀英家门口停车'], { exclude: ['王秀英'] })).toEqual([{ term: '家门口停车', count: 2 }])
  })

  it('prefers the compound’s own words when as frequent, and reads English words', () => {
    expect(extractThemes(['电梯维修太慢', '电梯维修费用太高'], { vocabulary: ['电梯'] })[0]).toEqual({ term: '电梯维修', count: 2 })
    expect(extractThemes(['the parking fee is too high', 'parking at night is noisy', 'noisy parking lot'])).toEqual([
      { term: 'parking', count: 3 },
      { term: 'noisy', count: 2 },
    ])
  })

  it('is deterministic whatever the order of the notes', () => {
    const notes = ['绿化太少', '停车位不够', '绿化要加强', '停车位收费', '垃圾分类', '垃圾清运']
    const a = extractThemes(notes)
    expect(extractThemes([...notes].reverse())).toEqual(a)
    expect(a.map((t) => t.term)).toEqual(['停车位', '垃圾', '绿化'])
  })
})
