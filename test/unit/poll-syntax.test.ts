import { describe, expect, it } from 'vitest'
import { type LaunchContext, parseDeadline, parseLaunch, parseVote, resolveChoice, splitOptions } from '../../src/domain/poll-syntax.ts'
import { formatLocal, fromLocal } from '../../src/domain/poll-time.ts'
import { normalizeText } from '../../src/domain/text.ts'

const NOW = new Date('2026-11-23T02:00:00Z') // 2026-11-23 10:00 in Shanghai
const TZ = 'Asia/Shanghai'
const ctx = (over: Partial<LaunchContext> = {}): LaunchContext => ({
  now: NOW,
  timeZone: TZ,
  noticeDays: 7,
  isHead: false,
  defaultOptions: ['同意', '反对', '弃权'],
  ...over,
})
const local = (d: Date, tz = TZ) => formatLocal(d, tz)
// the pipeline hands commands NFKC-normalized text
const launch = (text: string, c = ctx()) => parseLaunch(normalizeText(text), c)

describe('发起投票 syntax: accepted', () => {
  const table: [string, Partial<{ title: string; options: string[]; rule: string; multiple: boolean; secret: boolean; electorate: string; deadline: string }>][] = [
    ['更换大门颜色 选项 红/绿/蓝', { title: '更换大门颜色', options: ['红', '绿', '蓝'], rule: 'simple', multiple: false, secret: false, electorate: 'owners', deadline: '2026-11-30 10:00' }],
    ['更换大门颜色 选项 红／绿', { options: ['红', '绿'] }],
    ['更换大门颜色 选项 红、绿、蓝', { options: ['红', '绿', '蓝'] }],
    ['更换大门颜色 选项 红 绿 蓝', { options: ['红', '绿', '蓝'] }],
    ['更换大门颜色 选项红/绿', { options: ['红', '绿'] }],
    ['更换大门颜色 选项：红/绿', { options: ['红', '绿'] }],
    ['更换 小区 大门 选项 红/绿', { title: '更换 小区 大门' }],
    ['「是否 不记名 表决」 选项 是/否', { title: '是否 不记名 表决', secret: false }],
    ['大门 选项 红/绿 截止 2026-12-01', { deadline: '2026-12-01 23:59' }],
    ['大门 选项 红/绿 截止 12-01', { deadline: '2026-12-01 23:59' }],
    ['大门 选项 红/绿 截止 12月1日', { deadline: '2026-12-01 23:59' }],
    ['大门 选项 红/绿 截止 12月1日18:00', { deadline: '2026-12-01 18:00' }],
    ['大门 选项 红/绿 截止 2026-12-01 18:00', { deadline: '2026-12-01 18:00' }],
    ['大门 选项 红/绿 截止 2026年12月1日 18点半', { deadline: '2026-12-01 18:30' }],
    ['大门 选项 红/绿 截止 明天 18:00', { deadline: '2026-11-24 18:00' }],
    ['大门 选项 红/绿 截止 3天', { deadline: '2026-11-26 10:00' }],
    ['大门 选项 红/绿 截止 1-5', { deadline: '2027-01-05 23:59' }], // no year: next occurrence
    ['大门 选项 红/绿 截止 １２－０１', { deadline: '2026-12-01 23:59' }], // full-width
    ['大门 选项 红/绿 多选', { multiple: true }],
    ['大门 选项 红/绿 不记名', { secret: true }],
    ['大门 选项 红/绿 全体住户', { electorate: 'residents' }],
    ['大门 选项 红/绿 规则 简单 多选 不记名 全体住户', { rule: 'simple', multiple: true, secret: true, electorate: 'residents' }],
    ['聘请物业 规则 一般', { rule: 'ordinary', options: ['同意', '反对', '弃权'], deadline: '2026-11-30 10:00' }],
    ['筹集维修资金 规则 重大 截止 2026-12-10', { rule: 'major', options: ['同意', '反对', '弃权'] }],
    ['聘请物业 选项 赞成/不赞成 规则 一般', { rule: 'ordinary', options: ['赞成', '不赞成'] }],
    ['聘請物業 選項 同意/反對 規則 一般 不記名', { title: '聘請物業', rule: 'ordinary', options: ['同意', '反對'], secret: true }],
    ['大門 選項 紅/綠 多選 全體住戶 截止 12月1日', { multiple: true, electorate: 'residents', deadline: '2026-12-01 23:59' }],
    ['Gate colour options Red/Green/Blue deadline 2026-12-01 rule simple multiple', { title: 'Gate colour', options: ['Red', 'Green', 'Blue'], multiple: true, deadline: '2026-12-01 23:59' }],
    ['Hire a property company options Agree/Against rule ordinary secret', { title: 'Hire a property company', rule: 'ordinary', secret: true }],
    ['Gate options Option A/Option B', { options: ['Option A', 'Option B'] }],
    ['Raise fund rule major deadline 2026-12-20 18:00', { rule: 'major', options: ['同意', '反对', '弃权'], deadline: '2026-12-20 18:00' }],
    ['Gate OPTIONS yes/no RULE Simple', { options: ['yes', 'no'], rule: 'simple' }],
  ]
  it.each(table)('%s', (text, want) => {
    const r = launch(text)
    expect(r.ok, JSON.stringify(r)).toBe(true)
    if (!r.ok) return
    const got = { ...r.spec, deadline: local(r.spec.deadline) }
    for (const [k, v] of Object.entries(want)) expect(got[k as keyof typeof got], k).toEqual(v)
  })
})

describe('发起投票 syntax: refused, with the reason', () => {
  const table: [string, string, Partial<LaunchContext>?][] = [
    ['', 'poll.titleMissing'],
    ['选项 红/绿', 'poll.titleMissing'],
    ['大门', 'poll.optionsMissing'],
    ['大门 选项', 'poll.optionsMissing'],
    ['大门 选项 红', 'poll.tooFewOptions'],
    ['大门 选项 红/', 'poll.tooFewOptions'],
    [`大门 选项 ${Array.from({ length: 21 }, (_, i) => `选${i}`).join('/')}`, 'poll.tooManyOptions'],
    ['大门 选项 红/绿/红', 'poll.duplicateOption'],
    ['Gate options Yes/yes', 'poll.duplicateOption'],
    [`大门 选项 红/${'很'.repeat(41)}`, 'poll.optionTooLong'],
    [`${'长'.repeat(61)} 选项 红/绿`, 'poll.titleTooLong'],
    ['大门 选项 红/绿 规则 随便', 'poll.ruleInvalid'],
    ['大门 选项 红/绿 规则 一般 多选', 'poll.multipleSimpleOnly'],
    ['大门 规则 重大 全体住户', 'poll.residentsSimpleOnly'],
    ['大门 选项 红/绿 截止 昨天', 'poll.deadlineInvalid'],
    ['大门 选项 红/绿 截止 2026-02-30', 'poll.deadlineInvalid'],
    ['大门 选项 红/绿 截止 2026-11-01', 'poll.deadlinePast'],
    ['大门 选项 红/绿 截止 今天 09:00', 'poll.deadlinePast'],
    ['大门 选项 红/绿 截止 2028-01-01', 'poll.deadlineTooFar'],
    ['大门 选项 红/绿 截止', 'poll.deadlineMissing'],
    ['聘请物业 规则 一般 截止 11-29', 'poll.noticeTooShort'],
    ['聘请物业 规则 一般 截止 11-25 紧急', 'poll.urgentHeadOnly'],
    ['大门 选项 红/绿 选项 蓝/白', 'poll.clauseTwice'],
    ['大门 选项 红/绿 规则 简单 多选 另外的字', 'poll.unexpectedText'],
  ]
  it.each(table)('%s → %s', (text, key, c) => {
    const r = launch(text, ctx(c))
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.key).toBe(key)
  })

  it('names the earliest allowed deadline when the notice period is short', () => {
    const r = launch('聘请物业 规则 一般 截止 11-29')
    expect(r).toMatchObject({ ok: false, key: 'poll.noticeTooShort', params: { days: 7, earliest: '2026-11-30 10:00' } })
  })
})

describe('notice period (指导规则 第三十九条)', () => {
  it('exactly the notice period is enough; the compound may set its own', () => {
    expect(launch('聘请物业 规则 一般 截止 11-30 10:00').ok).toBe(true)
    expect(launch('聘请物业 规则 一般 截止 11-30 09:59').ok).toBe(false)
    expect(launch('聘请物业 规则 一般 截止 11-25', ctx({ noticeDays: 2 })).ok).toBe(true)
    const r = launch('聘请物业 规则 一般', ctx({ noticeDays: 15 }))
    expect(r.ok && local(r.spec.deadline)).toBe('2026-12-08 10:00') // default deadline stretches to the notice
  })
  it('simple polls need no notice', () => {
    expect(launch('大门 选项 红/绿 截止 今天 18:00').ok).toBe(true)
  })
  it('the head may override it with 紧急 / 緊急 / urgent', () => {
    for (const word of ['紧急', '緊急', 'urgent']) {
      const r = launch(`聘请物业 规则 一般 截止 11-25 ${word}`, ctx({ isHead: true }))
      expect(r.ok && r.spec.urgent).toBe(true)
    }
  })
})

describe('deadlines in the compound time zone', () => {
  it('reads wall-clock time in the given zone', () => {
    expect(parseDeadline('2026-12-01 18:00', NOW, 'Asia/Shanghai')!.toISOString()).toBe('2026-12-01T10:00:00.000Z')
    expect(parseDeadline('2026-12-01 18:00', NOW, 'Europe/London')!.toISOString()).toBe('2026-12-01T18:00:00.000Z')
    expect(parseDeadline('2026-12-01 18:00', NOW, 'America/New_York')!.toISOString()).toBe('2026-12-01T23:00:00.000Z')
    expect(parseDeadline('12月1日', NOW, 'Asia/Taipei')!.toISOString()).toBe('2026-12-01T15:59:00.000Z')
  })
  it('"today" is the compound’s today', () => {
    // 2026-11-23 20:00 UTC is already 11-24 in Shanghai
    const late = new Date('2026-11-23T20:00:00Z')
    expect(local(parseDeadline('今天 18:00', late, TZ)!)).toBe('2026-11-24 18:00')
  })
  it('fromLocal round-trips, DST included', () => {
    for (const tz of ['Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'Australia/Sydney']) {
      for (const [m, d, h] of [[1, 15, 9], [3, 29, 12], [7, 1, 0], [10, 25, 12], [12, 31, 23]] as const) {
        const l = { year: 2026, month: m, day: d, hour: h, minute: 5 }
        expect(formatLocal(fromLocal(l, tz), tz)).toBe(`2026-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')} ${String(h).padStart(2, '0')}:05`)
      }
    }
  })
})

describe('投票 syntax', () => {
  const opts = ['同意', '反对', '弃权']
  it.each([
    ['#3 1', 3, '1'],
    ['#3 同意', 3, '同意'],
    ['3 1', 3, '1'],
    ['#3 1,2', 3, '1,2'],
    ['＃３ １', 3, '1'],
    ['#3:2', 3, '2'],
    ['同意', undefined, '同意'],
  ])('%s', (text, no, choice) => {
    expect(parseVote(text)).toEqual({ pollNo: no, choice })
  })
  it('a bare number is ambiguous', () => {
    expect(parseVote('3')).toMatchObject({ ok: false, key: 'vote.pollAndChoice' })
    expect(parseVote('')).toMatchObject({ ok: false, key: 'vote.pollAndChoice' })
  })
  it('resolves numbers and texts', () => {
    expect(resolveChoice('2', opts, false)).toEqual({ ok: true, indices: [1] })
    expect(resolveChoice('反对', opts, false)).toEqual({ ok: true, indices: [1] })
    expect(resolveChoice('反對', opts, false)).toEqual({ ok: true, indices: [1] })
    expect(resolveChoice('1,3', opts, true)).toEqual({ ok: true, indices: [0, 2] })
    expect(resolveChoice('3、1、1', opts, true)).toEqual({ ok: true, indices: [0, 2] })
    expect(resolveChoice('1 2', opts, true)).toEqual({ ok: true, indices: [0, 1] })
    expect(resolveChoice('Option A', ['Option A', 'Option B'], false)).toEqual({ ok: true, indices: [0] })
  })
  it('refuses a missing option, out of range, several on a single-choice poll', () => {
    expect(resolveChoice('4', opts, false)).toMatchObject({ ok: false, key: 'vote.optionOutOfRange', params: { count: 3 } })
    expect(resolveChoice('0', opts, false)).toMatchObject({ ok: false, key: 'vote.optionOutOfRange' })
    expect(resolveChoice('随便', opts, false)).toMatchObject({ ok: false, key: 'vote.unknownOption' })
    expect(resolveChoice('1,2', opts, false)).toMatchObject({ ok: false, key: 'vote.singleChoice' })
    expect(resolveChoice('', opts, false)).toMatchObject({ ok: false, key: 'vote.choiceMissing' })
  })
  it('splits option lists', () => {
    expect(splitOptions('A/B|C')).toEqual(['A', 'B', 'C'])
    expect(splitOptions(' 甲 、 乙 ')).toEqual(['甲', '乙'])
  })
})
