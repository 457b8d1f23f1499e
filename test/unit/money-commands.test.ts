// The money commands' argument parsing, without a database.
import { describe, expect, it } from 'vitest'
import { buildingOf } from '../../commands/arrears.ts'
import { splitExpenseText } from '../../commands/expense.ts'
import { parseDueDay, parseFeeRule } from '../../commands/feerule.ts'
import { periodFromInput } from '../../commands/ledger.ts'
import { splitAmount } from '../../src/services/ledger.ts'
import pay from '../../commands/pay.ts'
import reverse from '../../commands/reverse.ts'

const msg = {} as never

describe('收费标准 parsing', () => {
  it.each([
    ['', { action: 'list' }],
    ['物业费 0.80 每平米每月', { action: 'set', name: '物业费', amount: '0.80', basis: 'per_m2_month' }],
    ['物业费 0.80元/平米/月', { action: 'set', name: '物业费', amount: '0.80', basis: 'per_m2_month' }],
    ['物业费 0.80元每平米每月', { action: 'set', name: '物业费', amount: '0.80元', basis: 'per_m2_month' }],
    ['垃圾 清运费 5 每户每月 起始 2026-12', { action: 'set', name: '垃圾 清运费', amount: '5', basis: 'per_household_month', start: '2026-12' }],
    ['垃圾费 5 每户每月 起始2026-12', { action: 'set', name: '垃圾费', amount: '5', basis: 'per_household_month', start: '2026-12' }],
    ['垃圾费 5 每户每月 从2027年1月起', { action: 'set', name: '垃圾费', amount: '5', basis: 'per_household_month', start: '2027年1月' }],
    ['垃圾费 5 每户每月 2027-01起', { action: 'set', name: '垃圾费', amount: '5', basis: 'per_household_month', start: '2027-01' }],
    ['自筹 1084 每户一次', { action: 'set', name: '自筹', amount: '1084', basis: 'one_off' }],
    ['电梯维修一次性 500 每户一次', { action: 'set', name: '电梯维修一次性', amount: '500', basis: 'one_off' }],
    ['management 0.8 per_m2_month start 2026-12', { action: 'set', name: 'management', amount: '0.8', basis: 'per_m2_month', start: '2026-12' }],
    ['物业费 0.80', { action: 'set', name: '物业费', amount: '0.80', basis: undefined }],
    ['物业费 0.80 每平米每月 多余', { action: 'set', name: '物业费', amount: '0.80', basis: 'per_m2_month', extra: '多余' }],
    // the due day, anywhere after the name, alone or glued to its marker
    ['物业费 0.80 每平米每月 截止 15日', { action: 'set', name: '物业费', amount: '0.80', basis: 'per_m2_month', due: '15日' }],
    ['物业费 0.80 每平米每月 截止15号 起始 2026-12', { action: 'set', name: '物业费', basis: 'per_m2_month', due: '15号', start: '2026-12' }],
    ['自筹 1084 每户一次 到期 20', { action: 'set', name: '自筹', amount: '1084', basis: 'one_off', due: '20' }],
    ['mgmt 0.8 per_m2_month due 5 start 2026-12', { action: 'set', name: 'mgmt', basis: 'per_m2_month', due: '5', start: '2026-12' }],
    ['物业费 0.80 每平米每月 截止', { action: 'set', basis: 'per_m2_month', due: '' }],
    ['截止月底 0.80 每平米每月', { action: 'set', name: undefined, due: '月底' }],
    ['HOA dues 20 per_household_month', { action: 'set', name: 'HOA dues', amount: '20', due: undefined }],
  ])('%s', (input, expected) => {
    expect(parseFeeRule(input)).toMatchObject(expected)
  })

  it.each([
    ['15', 15],
    ['15日', 15],
    ['15号', 15],
    ['15號', 15],
    ['1st', 1],
    ['31', 31],
    ['月底', null],
    ['end', null],
    ['0', undefined],
    ['32', undefined],
    ['明天', undefined],
    ['', undefined],
    ['1.5', undefined],
  ])('due day %j → %j', (input, expected) => {
    expect(parseDueDay(input)).toBe(expected)
  })
})

describe('amounts and the rest', () => {
  it('takes the longest run of words that reads as money', () => {
    expect(splitAmount(['1084', '元', '备注'])).toEqual({ amount: '1084 元', rest: ['备注'] })
    expect(splitAmount(['¥', '120.50'])).toEqual({ amount: '¥ 120.50', rest: [] })
    expect(splitAmount(['abc', 'x'])).toEqual({ amount: 'abc', rest: ['x'] })
    expect(splitAmount(['9999999999'])).toEqual({ amount: '9999999999', rest: [] })
    expect(splitAmount([])).toEqual({ amount: undefined, rest: [] })
  })

  it('缴费 room first, amount, note', () => {
    expect(pay.parse!('3-2-201 1084 十一月', msg)).toEqual({ room: '3-2-201', amount: '1084', note: '十一月' })
    expect(pay.parse!('3栋2单元201 1084元', msg)).toEqual({ room: '3栋2单元201', amount: '1084元', note: undefined })
    expect(pay.parse!('3栋 2单元 201 500', msg)).toMatchObject({ amount: '500' })
    expect(pay.parse!('', msg)).toEqual({ room: undefined, amount: undefined, note: undefined })
  })

  it('支出 ticket and payee', () => {
    expect(splitExpenseText('换楼道灯 #12 收款人 张师傅')).toEqual({ reason: '换楼道灯', ticketNo: 12, payee: '张师傅' })
    expect(splitExpenseText('#3 换锁')).toEqual({ reason: '换锁', ticketNo: 3, payee: undefined })
    expect(splitExpenseText('工单#7 疏通')).toEqual({ reason: '疏通', ticketNo: 7, payee: undefined })
    expect(splitExpenseText('保洁 付给王阿姨')).toEqual({ reason: '保洁', ticketNo: undefined, payee: '王阿姨' })
    expect(splitExpenseText('保洁')).toEqual({ reason: '保洁', ticketNo: undefined, payee: undefined })
  })

  it('冲正 serial and reason', () => {
    expect(reverse.parse!('#12 录错了', msg)).toEqual({ serial: 12, reason: '录错了' })
    expect(reverse.parse!('流水12 录错了', msg)).toEqual({ serial: 12, reason: '录错了' })
    expect(reverse.parse!('12号 重复', msg)).toEqual({ serial: 12, reason: '重复' })
    expect(reverse.parse!('12', msg)).toEqual({ serial: 12, reason: undefined })
    expect(reverse.parse!('abc', msg)).toEqual({ serial: undefined, reason: undefined })
  })

  it('欠费 building', () => {
    expect(buildingOf('3栋')).toBe('3')
    expect(buildingOf('3号楼')).toBe('3')
    expect(buildingOf('三栋')).toBe('3')
    expect(buildingOf('a座')).toBe('A')
    expect(buildingOf('03')).toBe('3')
  })
})

describe('账目 periods', () => {
  const now = new Date('2026-11-23T02:00:00Z')
  const SH = 'Asia/Shanghai'
  it.each([
    ['', '2026-11'],
    ['本月', '2026-11'],
    ['本周', '2026-W48'],
    ['本週', '2026-W48'],
    ['week', '2026-W48'],
    ['今年', '2026'],
    ['上月', '2026-10'],
    ['上周', '2026-W47'],
    ['去年', '2025'],
    ['last month', '2026-10'],
    ['2026-03', '2026-03'],
    ['2025年12月', '2025-12'],
    ['2025', '2025'],
    ['2026-W01', '2026-W01'],
    // loose forms, read by src/intents: a month without a year is the latest one that has begun
    ['11月', '2026-11'],
    ['3月', '2026-03'],
    ['三月份', '2026-03'],
    ['12月', '2025-12'],
    ['上个月', '2026-10'],
    ['上個月', '2026-10'],
    ['2026年', '2026'],
    ['去年3月', '2025-03'],
    ['March 2026', '2026-03'],
  ])('%s → %s', (input, key) => {
    expect(periodFromInput(input, now, SH)?.key).toBe(key)
  })

  it('refuses what it cannot read', () => {
    for (const s of ['明天', '2026-13', 'x', '下周', '3个月前', '13月']) expect(periodFromInput(s, now, SH)).toBeNull()
  })
})
