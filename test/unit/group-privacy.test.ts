// Issue 12 item 15: phone numbers in every form are masked in group text, and nothing that is not a phone
// number (amounts, dates, times, room codes, serials, hashes, percentages, areas, periods) ever is; owner
// names are found after width and space folding; a display name holding a phone number is masked too.
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  candidate,
  maskedOwners,
  maskNames,
  maskPhones,
  namesOwner,
  ownerNameParts,
  person,
  resolvePersons,
  scrubGroupText,
  scrubRows,
  showPerson,
  type ScrubbableRow,
} from '../../src/domain/group-privacy.ts'
import { formatMoney } from '../../src/domain/money.ts'
import { redactor } from '../../src/render/summary.ts'

const SEED = 20261123
const fullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))
const digitsOf = (s: string) => s.normalize('NFKC').replace(/\D/g, '')

describe('phone numbers', () => {
  const written = [
    '138.1234.5678',
    '138-1234-5678',
    '138 1234 5678',
    '(138)12345678',
    '+86 138 1234 5678',
    '＋８６１３８１２３４５６７８',
    '86-13812345678',
    '+86-138-1234-5678',
    '0086 13812345678',
    '(+86)13812345678',
    '１３８－１２３４－５６７８',
    '138　1234　5678',
    '138 - 1234 - 5678',
    '(010) 12345678',
    '010-12345678',
    '0755 1234 5678',
    '0755-12345678',
    '（０１０）１２３４５６７８',
    '+86 10 12345678',
  ]
  it.each(written)('%s is masked whole, in Chinese and in English text', (p) => {
    expect(maskPhones(`请联系${p}。`)).toBe('请联系***。')
    expect(maskPhones(`call ${p}, thanks`)).toBe('call ***, thanks')
    expect(maskPhones(`${p}`)).toBe('***')
  })

  const notPhones = [
    '¥1,084.00',
    '1084.5',
    '¥9,378.98',
    '2026-11-23',
    '2026.11.23',
    '2026/11/23',
    '09:00',
    '2026-11-23 09:00',
    '3-2-201',
    '12-1-1502',
    '100-12-12345',
    '#12',
    '#13812345678',
    '流水 #138',
    'a3f9c2e1d4b5',
    '13812345678abcdef',
    '45.5%',
    '66.7%',
    '165.80 m²',
    '2,500.00 m²',
    '2026-W47',
    '20261123',
    '¥13,812,345,678.00',
    '13812345678.50',
  ]
  it.each(notPhones)('%s is left alone', (s) => {
    expect(maskPhones(`共 ${s} 元`)).toBe(`共 ${s} 元`)
    expect(maskPhones(s)).toBe(s)
  })

  // How people write a mobile number: prefix, grouping, separators, width.
  const mobileArb = fc.tuple(fc.constantFrom('13', '14', '15', '16', '17', '18', '19'), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 })).map(([p, d]) => `${p}${d.join('')}`)
  const sepArb = fc.constantFrom('', ' ', '-', '.', '　', ' - ', '  ', '－', '．')
  const prefixArb = fc.constantFrom('', '+86 ', '+86', '86-', '0086 ', '(+86)', '＋８６ ', '+86-')
  const styleArb = fc.tuple(prefixArb, sepArb, fc.boolean(), fc.boolean()).map(
    ([prefix, sep, parens, wide]) =>
      (m: string) => {
        const body = parens ? `(${m.slice(0, 3)})${m.slice(3, 7)}${sep}${m.slice(7)}` : `${m.slice(0, 3)}${sep}${m.slice(3, 7)}${sep}${m.slice(7)}`
        const s = `${prefix}${body}`
        return wide ? fullWidth(s) : s
      },
  )
  const landlineArb = fc
    .tuple(fc.constantFrom('010', '021', '0755', '0571', '0371'), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 8, maxLength: 8 }), fc.constantFrom('-', ' ', ' - ', ') '), fc.boolean())
    .map(([area, d, sep, wide]) => {
      const local = d.join('').replace(/^0/, '2')
      const s = sep === ') ' ? `(${area}) ${local}` : `${area}${sep}${local.slice(0, 4)} ${local.slice(4)}`
      return { digits: `${area}${local}`, text: wide ? fullWidth(s) : s }
    })
  // Text around a number: Chinese, punctuation, amounts, dates; never a digit or hex letter touching it.
  const aroundArb = fc.constantFrom('', '请联系', '电话：', '王师傅 ', '（手机）', '，', ' 谢谢', '。', '¥120.00 ', ' 2026-11-23 ', '：', 'tel: ', '\n')

  it('every generated mobile number, however written, is gone (and the text around it stays)', () => {
    fc.assert(
      fc.property(mobileArb, styleArb, aroundArb, aroundArb, (m, style, before, after) => {
        const text = `${before}${style(m)}${after}`
        const out = maskPhones(text)
        expect(out).toBe(`${before}***${after}`)
        expect(digitsOf(out)).not.toContain(m)
      }),
      { seed: SEED, numRuns: 500 },
    )
  })

  it('every generated landline is gone', () => {
    fc.assert(
      fc.property(landlineArb, aroundArb, aroundArb, (l, before, after) => {
        const out = maskPhones(`${before}${l.text}${after}`)
        expect(out).toBe(`${before}***${after}`)
        expect(digitsOf(out)).not.toContain(l.digits)
      }),
      { seed: SEED, numRuns: 300 },
    )
  })

  // What a summary, a ledger reply or a tally prints: none of it is ever touched.
  const numbersArb = fc.oneof(
    fc.bigInt({ min: -100_000_000_000n, max: 100_000_000_000n }).map(formatMoney),
    fc.bigInt({ min: 1n, max: 100_000_000n }).map((f) => `${f / 100n}.${(f % 100n).toString().padStart(2, '0')}`),
    fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
    fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10).replaceAll('-', '.')),
    fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 16).replace('T', ' ')),
    fc.tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 1, max: 99 }), fc.integer({ min: 101, max: 99999 })).map(([b, u, r]) => `${b}-${u}-${r}`),
    fc.tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 101, max: 99999 })).map(([b, r]) => `${b}-${r}`),
    fc.integer({ min: 1, max: 99_999_999 }).map((n) => `#${n}`),
    fc.string().map((s) => createHash('sha256').update(s).digest('hex')),
    fc.string().map((s) => createHash('sha256').update(s).digest('hex').slice(0, 12)),
    fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 9 })).map(([a, b]) => `${a}.${b}%`),
    fc.integer({ min: 1, max: 10_000_000 }).map((c) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')} m²`),
    fc.tuple(fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: 1, max: 53 })).map(([y, w]) => `${y}-W${String(w).padStart(2, '0')}`),
    fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${h}:${String(m).padStart(2, '0')}`),
  )
  it('amounts, dates, times, rooms, serials, hashes, percentages, areas and periods are never masked', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(numbersArb, fc.constantFrom(' ', '，', '、', '：', ' / ', '（', '）', '\n')), { minLength: 1, maxLength: 6 }), (parts) => {
        const text = parts.map(([n, sep]) => `${n}${sep}`).join('')
        expect(maskPhones(text)).toBe(text)
      }),
      { seed: SEED, numRuns: 1000 },
    )
  })
})

describe('owner names', () => {
  it('are matched after width and space folding', () => {
    const names = ownerNameParts('王秀英 13812345678')
    expect(names).toEqual(['王秀英'])
    for (const typed of ['王秀英', '王 秀英', '王　秀英', '王秀 英', '王 秀 英']) expect(scrubGroupText(`请${typed}签字`, names)).toBe('请王*签字')
    expect(scrubGroupText('ask ＡＬＩＣＥ  WONG or alice wong', ownerNameParts('Alice Wong'))).toBe('ask A*  W* or A* W*')
    expect(maskNames('ask ＡＬＩＣＥ WONG', ['Alice Wong'])).toBe('ask A*')
  })

  it('a Latin name is a whole word; the longest name wins; role words are not names', () => {
    expect(maskNames('Lily lives in Li Wei flat', ['Li'])).toBe('Lily lives in L* Wei flat')
    expect(maskNames('张三丰和张三', ['张三', '张三丰'])).toBe('张*和张*')
    expect(ownerNameParts('主任/委员 王秀英')).toEqual(['王秀英'])
    // a name whose first character is outside the BMP (a rare surname written with an extension-B character)
    expect(maskNames('请𠀀伟来', ['𠀀伟'])).toBe('请𠀀*来')
  })

  it('the summary redactor masks the same way as the group scrub', () => {
    const r = redactor(['王秀英 13812345678', '张三'])
    expect(r('付款 王 秀英 ＋８６ １３８ １２３４ ５６７８ 和 张 三')).toBe('付款 王* *** 和 张*')
  })
})

describe('people named by commands', () => {
  it('one form in a group (王*), as written in private; a display name with a phone number is masked too', () => {
    const text = `已任命 ${person('张三 13812345678')} 为委员`
    expect(scrubGroupText(text)).toBe('已任命 张* 为委员')
    expect(resolvePersons(text, false)).toBe('已任命 张三 13812345678 为委员')
    expect(showPerson('13812345678张三')).toBe('张*')
    expect(showPerson('王秀英')).toBe(showPerson('王 秀英'))
    expect(showPerson('13812345678')).toBe('*')
    // unmarked, in free text, the phone number still goes
    expect(scrubGroupText('联系张三 13812345678')).toBe('联系张三 ***')
  })

  it('stray or forged marks never show and never hide text', () => {
    expect(resolvePersons('a\uE000b', true)).toBe('ab')
    expect(resolvePersons(`x${person('a\uE001b')}y`, false)).toBe('xaby')
  })

  it('scrubRows: group texts scrubbed, private texts resolved as written', () => {
    const rows: ScrubbableRow[] = [
      { compoundId: 1, targetKind: 'chat', text: `${person('王秀英')} 报修，电话 138-1234-5678`, buttons: [[{ text: `1. 聘请王秀英`, data: '/vote 1 1' }]] },
      { compoundId: 1, targetKind: 'user', text: `${person('王秀英')} 138-1234-5678`, groupAckText: `@${person('王秀英')} 已私信`, groupFallbackText: '王秀英 13812345678' },
    ]
    scrubRows(rows, (id) => (id === 1 ? ['王秀英'] : []))
    expect(rows[0]).toMatchObject({ text: '王* 报修，电话 ***', buttons: [[{ text: '1. 聘请王*', data: '/vote 1 1' }]] })
    expect(rows[1]).toMatchObject({ text: '王秀英 138-1234-5678', groupAckText: '@王* 已私信', groupFallbackText: '王* ***' })
  })

  it('an election candidate is shown in full only where marked and listed by the row; the same name elsewhere stays masked', () => {
    const roster = ['王秀英', '李建国']
    const text = `A. ${candidate('王秀英')}\nB. ${candidate('周九 13812345678')}\n异议：王秀英拉票，李建国作证，${person('李建国')}`
    const rows: ScrubbableRow[] = [
      { compoundId: 1, targetKind: 'chat', text, publicNames: ['王秀英', '周九 13812345678'] },
      // not listed by the row: a candidate mark is a person like any other
      { compoundId: 1, targetKind: 'chat', text, publicNames: ['周九 13812345678'] },
      { compoundId: 1, targetKind: 'chat', text },
      { compoundId: 1, targetKind: 'user', text, publicNames: [] },
    ]
    scrubRows(rows, () => roster)
    expect(rows[0]!.text).toBe('A. 王秀英\nB. 周九 ***\n异议：王*拉票，李*作证，李*')
    expect(rows[1]!.text).toBe('A. 王*\nB. 周九 ***\n异议：王*拉票，李*作证，李*')
    expect(rows[2]!.text).toBe('A. 王*\nB. 周*\n异议：王*拉票，李*作证，李*')
    expect(rows[3]!.text).toBe('A. 王秀英\nB. 周九 13812345678\n异议：王秀英拉票，李建国作证，李建国')
    // folded like every name (width, spaces), and a mark cannot be nested into another or smuggled in a name
    expect(scrubGroupText(`${candidate('王 秀英')}`, roster, ['王秀英'])).toBe('王 秀英')
    expect(scrubGroupText(`${person(`x${candidate('王秀英')}`)}`, roster, ['王秀英'])).toBe('x*')
    expect(resolvePersons(`${candidate('王秀英')}\uE002`, true)).toBe('王*')
  })
})

describe('a claim against the roster (认证)', () => {
  it('matches a display name to the owner_name field as the scrub folds names, and masks the owners', () => {
    const field = '李建国/陈美 13812345678'
    for (const said of ['李建国', '李 建国', '陈美', '３-２０１ 李建国', '李建国 13900000000']) expect(namesOwner(said, field), said).toBe(true)
    for (const said of ['李建', '李建国国', '张三', '13812345678', '']) expect(namesOwner(said, field), said).toBe(false)
    expect(namesOwner('ＷＡＮＧ fang', 'Wang Fang')).toBe(true)
    expect(namesOwner('王秀英', null)).toBe(false)
    expect(namesOwner('业主', '业主')).toBe(false)
    expect(maskedOwners(field)).toEqual(['李*', '陈*'])
    expect(maskedOwners('Wang Fang')).toEqual(['W*'])
    expect(maskedOwners('"王 秀英 13812345678"')).toEqual(['王*'])
    expect(maskedOwners(null)).toEqual([])
    expect(maskedOwners('业主')).toEqual([])
  })

  it('a display name that matches an owner is one the group scrub masks entirely with that roster', () => {
    for (const [said, field] of [['王 秀英', '王秀英'], ['ＷＡＮＧ fang', 'Wang Fang'], ['陈美', '李建国/陈美 13812345678']] as const) {
      expect(namesOwner(said, field)).toBe(true)
      const masked = maskNames(said, ownerNameParts(field))
      expect(masked, said).not.toMatch(/秀英|ang|美/)
    }
  })
})
