import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { translator } from '../../src/i18n/index.ts'
import { launchButtons, launchText, resultsText } from '../../src/render/polls.ts'
import { maskName, needAtLeast, needMore, type PollView, snapshotFromJson, snapshotToJson } from '../../src/domain/poll-snapshot.ts'
import { parseDeadline, parseLaunch, splitOptions } from '../../src/domain/poll-syntax.ts'
import { formatLocal } from '../../src/domain/poll-time.ts'
import { exceeds, meetsAtLeast, tally, type Voter } from '../../src/domain/tally.ts'

const t = translator('zh-CN')
const view = (over: Partial<PollView> = {}): PollView => ({
  no: 3,
  title: '更换大门',
  options: ['同意', '反对', '弃权'],
  multiple: false,
  rule: 'ordinary',
  electorate: 'owners',
  secret: false,
  deadline: new Date('2026-12-01T10:00:00Z'),
  status: 'open',
  closedAt: null,
  ...over,
})

describe('threshold figures shown are exactly the thresholds applied', () => {
  const fractions = [
    { num: 2n, den: 3n },
    { num: 1n, den: 2n },
    { num: 3n, den: 4n },
  ]
  it('needAtLeast is the smallest part that meets an inclusive threshold', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 15n }), fc.constantFrom(...fractions), (whole, f) => {
        const need = needAtLeast(whole, f)
        expect(meetsAtLeast(need, whole, f)).toBe(true)
        expect(meetsAtLeast(need - 1n, whole, f)).toBe(false)
      }),
    )
  })
  it('needMore is the smallest part that exceeds a strict threshold', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 15n }), fc.constantFrom(...fractions), (whole, f) => {
        const need = needMore(whole, f)
        expect(exceeds(need, whole, f)).toBe(true)
        expect(exceeds(need - 1n, whole, f)).toBe(false)
      }),
    )
  })
})

describe('result snapshot', () => {
  const voterArb = fc.array(
    fc.record({ area: fc.bigInt({ min: 1n, max: 10n ** 12n }), owner: fc.integer({ min: 0, max: 8 }), vote: fc.integer({ min: -1, max: 2 }) }),
    { minLength: 1, maxLength: 30 },
  )
  it('round-trips through JSON (bigints as strings) for every rule', () => {
    fc.assert(
      fc.property(voterArb, fc.constantFrom('simple' as const, 'ordinary' as const, 'major' as const), fc.boolean(), (vs, rule, secret) => {
        const voters: Voter[] = vs.map((v, i) => ({ key: `h:${i}`, areaCentiM2: v.area, ownerKeys: [`m:${v.owner}`] }))
        const ballots = vs.flatMap((v, i) => (v.vote >= 0 ? [{ voterKey: `h:${i}`, options: [v.vote] }] : []))
        const snap = { tally: tally({ rule, optionCount: 3, voters, ballots }), voted: secret ? null : ['1-1-101'], casts: ballots.length }
        const json = snapshotToJson(snap)
        expect(JSON.stringify(json)).not.toMatch(/\d+n/)
        const back = snapshotFromJson(JSON.parse(JSON.stringify(json)))
        expect(back).toEqual(snap)
        // and renders the same
        const p = view({ rule, secret, status: 'closed', closedAt: new Date('2026-12-01T10:00:00Z') })
        expect(resultsText(t, p, back!, 'Asia/Shanghai')).toBe(resultsText(t, p, snap, 'Asia/Shanghai'))
      }),
      { numRuns: 60 },
    )
  })
  it('refuses what is not a snapshot', () => {
    expect(snapshotFromJson(null)).toBeNull()
    expect(snapshotFromJson({ tally: { options: [{ areaCentiM2: 'x' }] } })).toBeNull()
  })
})

describe('launch post', () => {
  it('numbers the options, says the rule, the deadline and how to vote; one button per option', () => {
    const text = launchText(t, view(), 'Asia/Shanghai')
    expect(text.split('\n')).toEqual([
      '【投票 #3】更换大门',
      expect.stringContaining('一般事项（民法典第二百七十八条）'),
      '投票人：经认证的业主，每户一票。',
      '1. 同意',
      '2. 反对',
      '3. 弃权',
      '截止：2026-12-01 18:00',
      '投票方法：发送「投票 #3 1」或「投票 #3 同意」；截止前可以改票，以最后一次为准。',
    ])
    expect(launchButtons(view())).toEqual([
      [{ text: '1. 同意', data: '/vote 3 1' }],
      [{ text: '2. 反对', data: '/vote 3 2' }],
      [{ text: '3. 弃权', data: '/vote 3 3' }],
    ])
    expect(launchButtons(view({ multiple: true }))).toBeUndefined()
    expect(launchText(t, view(), 'Europe/London')).toContain('截止：2026-12-01 10:00 (Europe/London)')
  })
  it('masks names', () => {
    expect(maskName('张三丰')).toBe('张*')
    expect(maskName('Alice')).toBe('A*')
    expect(maskName('')).toBe('*')
  })
})

describe('syntax properties', () => {
  const word = fc.stringMatching(/^[\u4e00-\u9fa5A-Za-z0-9]{1,8}$/).filter((s) => !/^(选项|截止|规则|截至|options|choices|deadline|rule|多选|不记名|全体住户|紧急|urgent|secret|multiple|multi|residents|匿名|anonymous)/i.test(s))
  it('any distinct option list joined with / parses back to itself', () => {
    fc.assert(
      fc.property(fc.uniqueArray(word, { minLength: 2, maxLength: 20, selector: (s) => s.toLowerCase() }), fc.constantFrom('/', '、', '／'), (opts, sep) => {
        expect(splitOptions(opts.join(sep))).toEqual(opts)
        const r = parseLaunch(`议题 选项 ${opts.join(sep)}`, {
          now: new Date('2026-11-23T02:00:00Z'),
          timeZone: 'Asia/Shanghai',
          noticeDays: 7,
          isHead: false,
          defaultOptions: ['同意', '反对', '弃权'],
        })
        expect(r.ok && r.spec.options).toEqual(opts)
      }),
    )
  })
  it('a deadline typed as the compound shows it reads back to the same instant', () => {
    const now = new Date('2026-11-23T02:00:00Z')
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 360 * 24 * 60 }),
        fc.constantFrom('Asia/Shanghai', 'Asia/Taipei', 'Europe/Berlin', 'America/New_York', 'UTC'),
        (minutes, tz) => {
          const d = new Date(now.getTime() + minutes * 60_000)
          const typed = formatLocal(d, tz)
          const back = parseDeadline(typed, now, tz)!
          // DST overlaps show one wall time twice: the earlier instant is taken
          expect(formatLocal(back, tz)).toBe(typed)
          expect(back.getTime() <= d.getTime()).toBe(true)
        },
      ),
    )
  })
})
