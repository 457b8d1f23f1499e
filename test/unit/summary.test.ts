// The disclosure summary (pure): golden text in all three languages, splitting into messages that fit a
// platform limit without breaking an item, and privacy — over generated rosters no output contains a
// phone number or a full owner name.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { periodFromKey } from '../../src/domain/calendar.ts'
import { packMessages, redactor, renderSummary, type SummaryInput, type SummaryItem, summaryLines, summaryPublicNames } from '../../src/render/summary.ts'
import { scrubGroupText } from '../../src/domain/group-privacy.ts'
import type { Lang } from '../../src/i18n/index.ts'

const TZ = 'Asia/Shanghai'
const at = (iso: string) => new Date(iso)

function fixture(language: Lang, over: Partial<SummaryInput> = {}): SummaryInput {
  return {
    compound: { name: language === 'en' ? 'Xingfuli' : '幸福里小区', timeZone: TZ, language, settings: {} },
    period: periodFromKey('2026-W47', TZ)!,
    asOf: at('2026-11-23T01:00:00Z'),
    late: false,
    openingFen: 1_250_000n,
    closingFen: 1_523_450n,
    payments: { households: 12, totalFen: 320_000n },
    otherIncome: {
      totalFen: 60_000n,
      items: [{ serial: 14, at: at('2026-11-18T02:30:00Z'), amountFen: 60_000n, category: 'parking', note: '地下车位 11 月', party: '李四', ticketNo: null, reversesSerial: null }],
    },
    expenses: {
      totalFen: 46_550n,
      items: [
        { serial: 12, at: at('2026-11-16T03:00:00Z'), amountFen: 8_000n, category: 'cleaning', note: '楼道保洁', party: '绿城保洁', ticketNo: null, reversesSerial: null },
        { serial: 13, at: at('2026-11-17T16:30:00Z'), amountFen: 20_000n, category: 'cleaning', note: '垃圾清运', party: null, ticketNo: null, reversesSerial: null },
        { serial: 15, at: at('2026-11-19T08:00:00Z'), amountFen: 26_550n, category: 'repair', note: '更换楼道灯 联系 138 1234 5678', party: '王五', ticketNo: 3, reversesSerial: null },
        { serial: 16, at: at('2026-11-20T09:00:00Z'), amountFen: -8_000n, category: 'cleaning', note: '重复登记', party: '绿城保洁', ticketNo: null, reversesSerial: 12 },
      ],
    },
    repairs: { opened: 4, done: 2, open: 3, overdue: 1 },
    polls: [
      { no: 1, title: '更换小区大门', outcome: '表决有效，「同意」获得通过。', deadline: at('2026-11-20T02:00:00Z') },
      { no: 2, title: '路灯颜色', outcome: null, deadline: at('2026-11-25T10:00:00Z') },
    ],
    chain: { head: '3fa9c0d2e1b4a7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6', count: 57 },
    // as of the period's end (the end of Sunday 2026-11-22, local)
    arrears: { asOf: at('2026-11-22T16:00:00Z'), count: 5, totalFen: 123_400n, rooms: ['1-1-101', '3-2-201'] },
    privateNames: ['李四', '王五', '张三丰'],
    ...over,
  }
}

describe('a closed election in the summary', () => {
  const election = { no: 3, title: '第一届物管会', outcome: '', deadline: at('2026-11-21T02:00:00Z'), elected: ['李四', '周九'] }
  const want = {
    'zh-CN': '  · #3 第一届物管会：当选 李四、周九',
    'zh-TW': '  · #3 第一届物管会：當選 李四、周九',
    en: '  · #3 第一届物管会: elected 李四、周九',
  } as const
  for (const lang of ['zh-CN', 'zh-TW', 'en'] as const) {
    it(`names the elected in full in ${lang}, while the same roster name elsewhere stays masked`, () => {
      const input = fixture(lang, { polls: [election] })
      expect(summaryPublicNames(input)).toEqual(['李四', '周九'])
      // as the outbox scrubs a group row that lists them (src/outbox/write.ts)
      const text = scrubGroupText(renderSummary(input).join('\n'), input.privateNames, summaryPublicNames(input))
      expect(text).toContain(want[lang])
      // 李四 is also a payer of other income: masked there
      expect(text).toMatch(/李\*/)
      expect(text.match(/李四/g)).toHaveLength(1)
      // without the row's permission the election line is masked like any name
      expect(scrubGroupText(renderSummary(input).join('\n'), input.privateNames)).toContain(want[lang].replace('李四、周九', '李*、周*'))
    })
  }
})

describe('summary golden text', () => {
  for (const lang of ['zh-CN', 'zh-TW', 'en'] as const) {
    it(`renders the week in ${lang}`, async () => {
      const parts = renderSummary(fixture(lang))
      expect(parts).toHaveLength(1)
      await expect(parts[0]).toMatchFileSnapshot(`../fixtures/disclosure/summary.${lang}.txt`)
    })
  }

  it('marks a late post and an unfinished period, and lists arrears rooms only when the head allowed it', async () => {
    const base = fixture('zh-CN')
    const late = renderSummary({ ...base, late: true })[0]!
    expect(late.split('\n')[1]).toBe('（补发：本期公示未能按时发出，现补发。）')
    const month = periodFromKey('2026-11', TZ)!
    const onDemand = renderSummary({ ...base, period: month, asOf: at('2026-11-23T02:05:00Z') })[0]!
    expect(onDemand).toContain('【幸福里小区 公示】2026年11月（2026-11-01 至 2026-11-30）\n（截至 2026-11-23 10:05，本期尚未结束）')
    expect(renderSummary({ ...base, period: periodFromKey('2026', TZ)! })[0]).toContain('2026年度（2026-01-01 至 2026-12-31）')
    expect(late).not.toContain('1-1-101')
    const rooms = renderSummary({ ...base, compound: { ...base.compound, settings: { arrearsRoomsPublic: true } } })[0]!
    expect(rooms).toContain('欠费（截至 2026-11-22，已到期未缴）：5 户，共 ¥1,234.00\n欠费房号：1-1-101、3-2-201')
    expect(renderSummary({ ...base, arrears: { ...base.arrears, count: 0, totalFen: 0n, rooms: [] } })[0]).toContain('欠费（截至 2026-11-22）：无')
    expect(renderSummary({ ...base, late: true, compound: { ...base.compound, language: 'en' } })[0]).toContain('(Late:')
    expect(renderSummary({ ...base, late: true, compound: { ...base.compound, language: 'zh-TW' } })[0]).toContain('（補發：')
  })

  it('shows dates in the compound time zone', () => {
    const base = fixture('zh-CN')
    // 2026-11-17T16:30Z is 11-18 00:30 in Shanghai but 11-17 in New York
    expect(renderSummary(base)[0]).toContain('  · 11-18 保洁 ¥200.00 垃圾清运')
    const ny = renderSummary({ ...base, compound: { ...base.compound, timeZone: 'America/New_York' }, period: periodFromKey('2026-W47', 'America/New_York')! })[0]!
    expect(ny).toContain('  · 11-17 保洁 ¥200.00 垃圾清运')
  })
})

describe('splitting into messages', () => {
  const many = (n: number): SummaryItem[] =>
    Array.from({ length: n }, (_, i) => ({
      serial: 100 + i,
      at: at('2026-11-18T02:00:00Z'),
      amountFen: BigInt(1000 + i),
      category: 'repair',
      note: `第 ${i + 1} 项 更换水管配件和阀门，含人工费与材料费`,
      party: '五金店',
      ticketNo: i,
      reversesSerial: null,
    }))

  it('keeps every message within 4096 characters and every item whole, in order', () => {
    const input = fixture('zh-CN', { expenses: { totalFen: 1n, items: many(300) } })
    const { lines } = summaryLines(input)
    const parts = renderSummary(input)
    expect(parts.length).toBeGreaterThan(2)
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(4096)
    expect(parts[0]!.startsWith('【幸福里小区 公示】2026年第47周（2026-11-16 至 2026-11-22）\n')).toBe(true)
    for (const p of parts.slice(1)) expect(p.startsWith('【幸福里小区 公示】2026年第47周（续）\n')).toBe(true)
    // the lines after the headers are exactly the item lines, none cut
    const body = parts.flatMap((p) => p.split('\n').slice(1))
    expect(body).toEqual(lines)
  })

  it('packs at any limit without splitting a line; an over-long line is shortened', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 0, maxLength: 80 }).map((s) => s.replace(/\n/g, ' ')), { maxLength: 60 }), fc.integer({ min: 100, max: 600 }), (lines, max) => {
        const parts = packMessages('HEAD', 'CONT', lines, max)
        for (const p of parts) expect(p.length).toBeLessThanOrEqual(max)
        expect(parts.flatMap((p) => p.split('\n').slice(1))).toEqual(lines)
      }),
    )
    const [only] = packMessages('H', 'C', ['x'.repeat(500)], 100)
    expect(only!.length).toBeLessThanOrEqual(100)
    expect(only!.endsWith('…')).toBe(true)
  })
})

describe('privacy', () => {
  it('masks phone numbers and known names in free text, keeps dates and room codes', () => {
    const r = redactor(['张三', '张三丰', 'Alice Wong'])
    expect(r('张三丰 和 张三 13812345678')).toBe('张* 和 张* ***')
    expect(r('call +86 138-1234-5678 or 021-62345678, ask alice wong')).toBe('call *** or ***, ask A*')
    expect(r('１３８１２３４５６７８')).toBe('***')
    expect(r('2026-11-23 修 12-3-1201 水管 3栋2单元201')).toBe('2026-11-23 修 12-3-1201 水管 3栋2单元201')
  })

  const SURNAMES = [...'王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高']
  const GIVEN = [...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华建国秀兰']
  const name = fc
    .tuple(fc.constantFrom(...SURNAMES), fc.array(fc.constantFrom(...GIVEN), { minLength: 1, maxLength: 2 }))
    .map(([s, g]) => s + g.join(''))
  const mobile = fc.tuple(fc.constantFrom('13', '15', '17', '18', '19'), fc.integer({ min: 0, max: 999_999_999 })).map(([p, n]) => p + String(n).padStart(9, '0'))
  const phone = fc
    .tuple(mobile, fc.constantFrom('plain', 'dash', 'space', 'cc', 'fullwidth'))
    .map(([m, style]) => {
      switch (style) {
        case 'dash':
          return { m, text: `${m.slice(0, 3)}-${m.slice(3, 7)}-${m.slice(7)}` }
        case 'space':
          return { m, text: `${m.slice(0, 3)} ${m.slice(3, 7)} ${m.slice(7)}` }
        case 'cc':
          return { m, text: `+86 ${m}` }
        case 'fullwidth':
          return { m, text: [...m].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('') }
        default:
          return { m, text: m }
      }
    })

  it('no summary output contains a phone number or a full owner name (generated rosters)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ name, phone }), { minLength: 1, maxLength: 12 }),
        fc.constantFrom<Lang>('zh-CN', 'zh-TW', 'en'),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('修水管', '买灯泡', '保洁', '付款', '')), { maxLength: 15 }),
        (roster, lang, uses) => {
          const pick = (i: number) => roster[i % roster.length]!
          const items: SummaryItem[] = uses.map(([a, b, what], i) => ({
            serial: i + 1,
            at: at('2026-11-18T02:00:00Z'),
            amountFen: BigInt(100 + i),
            category: 'repair',
            note: `${what}${pick(a).name} 电话${pick(b).phone.text}`,
            party: `${pick(b).name}（${pick(a).phone.text}）`,
            ticketNo: null,
            reversesSerial: null,
          }))
          const input = fixture(lang, {
            expenses: { totalFen: 1n, items },
            otherIncome: { totalFen: 1n, items: items.slice(0, 3) },
            polls: uses.slice(0, 3).map(([a, b], i) => ({ no: i + 1, title: `选举${pick(a).name}为委员 ${pick(b).phone.text}`, outcome: i % 2 ? null : `${pick(b).name}当选`, deadline: at('2026-11-25T10:00:00Z') })),
            privateNames: roster.map((r) => r.name),
          })
          const out = renderSummary(input).join('\n')
          const compact = out.replace(/[\s\-+]/g, '')
          for (const r of roster) {
            expect(out).not.toContain(r.name)
            expect(out).not.toContain(r.phone.text)
            expect(compact).not.toContain(r.phone.m)
          }
        },
      ),
      { numRuns: 200 },
    )
  })
})
