import { describe, it, expect } from 'vitest'
import {
  canonicalCode, extractRoom, parseRoom, resolveRoom, type HouseholdRef, type RoomAddress,
} from '../../src/domain/rooms.ts'

const A = (building: string, unit: string | null, room: string): RoomAddress => ({ building, unit, room })

describe('canonicalCode', () => {
  it('writes building-unit-room, or building-room without a unit', () => {
    expect(canonicalCode(A('3', '2', '201'))).toBe('3-2-201')
    expect(canonicalCode(A('3', null, '201'))).toBe('3-201')
  })
})

describe('parseRoom', () => {
  const withUnit: string[] = [
    '3-2-201', '3栋2单元201', '3幢2单元201室', '3号楼2单元201', '3號樓2單元201室', '3棟2單元201',
    '３－２－２０１', '三栋二单元201', '三栋二单元二零一', '3栋2单元201号', '3-2-201室', ' 3 - 2 - 201 ',
    // more: full-width, traditional, spacing, leading zeros, dash look-alikes, Chinese numerals
    '３栋２单元２０１', '３－２－２０１室', '３號樓２單元２０１號', '3棟2單元201室', '三棟二單元201',
    '3 栋 2 单元 201 室', '3栋 2单元 201', '\u30003-2-201\u3000', '03-02-201', '003栋02单元201',
    '3—2—201', '3–2–201', '3－2－201号', '3座2单元201', '三号楼两单元201', '3-2-201 室',
  ]
  it.each(withUnit)('%j → 3-2-201', (input) => {
    expect(parseRoom(input)).toEqual(A('3', '2', '201'))
  })

  const withoutUnit: string[] = ['3-201', '3栋201', '3幢201室', '3号楼201', '３－２０１', '3號樓201號', '三栋201', '3 - 201']
  it.each(withoutUnit)('%j → 3-201', (input) => {
    expect(parseRoom(input)).toEqual(A('3', null, '201'))
  })

  it.each<[string, RoomAddress]>([
    ['A-1-101', A('A', '1', '101')],
    ['a-1-101', A('A', '1', '101')],
    ['Ａ栋1单元101', A('A', '1', '101')],
    ['B座502', A('B', null, '502')],
    ['3-2-0201', A('3', '2', '0201')], // room digits kept as typed
    ['十栋101', A('10', null, '101')],
    ['十二栋三单元1101', A('12', '3', '1101')],
    ['二十三栋101', A('23', null, '101')],
    ['九十九栋十一单元101', A('99', '11', '101')],
    ['两栋101', A('2', null, '101')],
    ['12-3-1502', A('12', '3', '1502')],
    ['3-5', A('3', null, '5')], // small compounds number rooms 1, 2, 3…
    ['3栋12号', A('3', null, '12')],
    ['3栋2单元二零一', A('3', '2', '201')],
  ])('%j → %j', (input, expected) => {
    expect(parseRoom(input)).toEqual(expected)
  })

  it.each([
    'hello', '', '   ', '3栋2单元', '99999999', '120', '201室', '3/2/201', '3-2-201-5', '3-123456',
    '0-1-101', '3-0-101', '1000-1-101', '3-100-201', 'AB-101', '3楼201', '3栋2楼', '3栋一楼', '3-2-201 业主',
  ])('%j → null', (input) => {
    expect(parseRoom(input)).toBeNull()
  })
})

describe('resolveRoom', () => {
  let id = 0
  const H = (code: string): HouseholdRef => {
    const parts = code.split('-')
    const [building = '', a = '', b] = parts
    return b === undefined
      ? { id: ++id, building, unit: null, room: a, code }
      : { id: ++id, building, unit: a, room: b, code }
  }
  const households = [H('3-2-201'), H('3-1-202'), H('3-2-202'), H('5-101'), H('7-1-301'), H('7-10-301'), H('7-2-301'), H('8-201'), H('8-1-201')]

  it('matches every way of writing the same room', () => {
    for (const input of ['3-2-201', '3栋2单元201室', '３－２－２０１', '三栋二单元201', '3號樓2單元201'])
      expect(resolveRoom(input, households)).toEqual({ ok: true, household: households[0] })
  })
  it('matches a room in a building without units', () => {
    expect(resolveRoom('5栋101', households)).toMatchObject({ ok: true, household: { code: '5-101' } })
  })
  it('accepts an omitted unit when only one unit has that room', () => {
    expect(resolveRoom('3-201', households)).toMatchObject({ ok: true, household: { code: '3-2-201' } })
    expect(resolveRoom('3栋201室', households)).toMatchObject({ ok: true, household: { code: '3-2-201' } })
  })
  it('prefers the unit-less household over guessing a unit', () => {
    expect(resolveRoom('8-201', households)).toMatchObject({ ok: true, household: { code: '8-201' } })
  })
  it('is ambiguous when several units have that room, candidates in natural order', () => {
    expect(resolveRoom('3-202', households)).toEqual({
      ok: false, reason: 'ambiguous', understood: '3-202', candidates: ['3-1-202', '3-2-202'],
    })
    expect(resolveRoom('7栋301', households)).toEqual({
      ok: false, reason: 'ambiguous', understood: '7-301', candidates: ['7-1-301', '7-2-301', '7-10-301'],
    })
  })
  it('reports unknown rooms with what was understood', () => {
    expect(resolveRoom('3栋2单元999', households)).toEqual({ ok: false, reason: 'unknown', understood: '3-2-999' })
    expect(resolveRoom('9-201', households)).toEqual({ ok: false, reason: 'unknown', understood: '9-201' })
    expect(resolveRoom('3-3-201', households)).toEqual({ ok: false, reason: 'unknown', understood: '3-3-201' })
    expect(resolveRoom('3-2-0201', households)).toEqual({ ok: false, reason: 'unknown', understood: '3-2-0201' })
  })
  it('does not drop a typed unit to match a unit-less household', () => {
    expect(resolveRoom('5-1-101', households)).toEqual({ ok: false, reason: 'unknown', understood: '5-1-101' })
  })
  it('reports unparseable input verbatim', () => {
    expect(resolveRoom('楼下那家', households)).toEqual({ ok: false, reason: 'unparseable', input: '楼下那家' })
    expect(resolveRoom('', [])).toEqual({ ok: false, reason: 'unparseable', input: '' })
  })
})

describe('extractRoom', () => {
  it.each<[string, string, string, string]>([
    // [text, canonical code, matched, rest]
    ['楼道灯不亮 3-2-201', '3-2-201', '3-2-201', '楼道灯不亮'],
    ['楼道灯坏了 3-2-201', '3-2-201', '3-2-201', '楼道灯坏了'],
    ['3栋2单元201 业主', '3-2-201', '3栋2单元201', '业主'],
    ['3栋2单元201楼道灯不亮', '3-2-201', '3栋2单元201', '楼道灯不亮'],
    ['楼道灯不亮3栋2单元201室', '3-2-201', '3栋2单元201室', '楼道灯不亮'],
    ['樓道燈壞了 3棟2單元201', '3-2-201', '3棟2單元201', '樓道燈壞了'],
    ['楼道灯坏了，３－２－２０１。', '3-2-201', '３－２－２０１', '楼道灯坏了'],
    ['3-2-201 1084', '3-2-201', '3-2-201', '1084'],
    ['3-201 水管漏了', '3-201', '3-201', '水管漏了'],
    ['3栋2单元201室内漏水', '3-2-201', '3栋2单元201', '室内漏水'], // 室内 = indoors, not 201室
    ['3-2-201 灯坏了 5-1-101', '5-1-101', '5-1-101', '3-2-201 灯坏了'], // end wins
    ['3-2-201', '3-2-201', '3-2-201', ''],
    ['下水道堵了 13-2-201', '13-2-201', '13-2-201', '下水道堵了'],
    ['门禁坏了 A-1-101', 'A-1-101', 'A-1-101', '门禁坏了'],
  ])('%j → %s', (text, code, matched, rest) => {
    const r = extractRoom(text)
    expect(r).not.toBeNull()
    expect(canonicalCode(r!.address)).toBe(code)
    expect(r!.matched).toBe(matched)
    expect(r!.rest).toBe(rest)
  })

  it.each([
    '支出 120 买灯泡', '120', '楼道灯不亮', '', '3栋2单元楼道灯坏了', '3号楼2单元楼道灯坏了', '3栋2单元2楼灯坏了',
    '1-2号楼灯坏', '等 1-2 天', '电话 138-1234-5678', '2024-05-01 停水', '楼道灯坏了3-2-201也坏了',
  ])('%j → null', (text) => {
    expect(extractRoom(text)).toBeNull()
  })
})
