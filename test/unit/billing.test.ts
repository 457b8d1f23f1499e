// src/domain/billing.ts: month keys, schedule ranges, charges, billing keys, categories.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  addMonths,
  billingKeyFor,
  chargeFor,
  compareMonths,
  guessExpenseCategory,
  guessIncomeCategory,
  isMonthKey,
  maxAmountFen,
  monthFromIndex,
  monthIndex,
  monthOfBillingKey,
  parseMonthInput,
  planCharges,
  type ScheduleLike,
  scheduleBillsMonth,
  scheduleIsEmpty,
  firstUnpaidCharge,
} from '../../src/domain/billing.ts'
import { DEFAULT_MAX_FEN } from '../../src/domain/money.ts'

describe('month keys', () => {
  it('validates', () => {
    for (const k of ['2026-01', '2026-12', '2000-06']) expect(isMonthKey(k)).toBe(true)
    for (const k of ['2026-1', '2026-13', '2026-00', '26-11', '2026/11', '1999-12', '']) expect(isMonthKey(k)).toBe(false)
  })

  it('adds and compares across years', () => {
    expect(addMonths('2026-11', 1)).toBe('2026-12')
    expect(addMonths('2026-12', 1)).toBe('2027-01')
    expect(addMonths('2026-01', -1)).toBe('2025-12')
    expect(addMonths('2026-11', -23)).toBe('2024-12')
    expect(compareMonths('2026-12', '2027-01')).toBeLessThan(0)
    fc.assert(
      fc.property(fc.integer({ min: 2000 * 12, max: 2900 * 12 }), fc.integer({ min: -500, max: 500 }), (i, n) => {
        const k = monthFromIndex(i)
        expect(isMonthKey(k)).toBe(true)
        expect(monthIndex(k)).toBe(i)
        expect(compareMonths(addMonths(k, n), k)).toBe(n)
      }),
    )
  })

  it.each([
    ['2026-12', '2026-12'],
    ['2026-1', '2026-01'],
    ['2026/12', '2026-12'],
    ['2026.3', '2026-03'],
    ['2026年12月', '2026-12'],
    ['2027年1月份', '2027-01'],
    ['202612', '2026-12'],
    ['12月', '2026-12'],
    ['11月', '2026-11'],
    ['3月', '2027-03'], // the next March
    ['3', '2027-03'],
    ['2026-13', null],
    ['13月', null],
    ['下个月', null],
    ['', null],
  ])('parseMonthInput(%s) in 2026-11 → %s', (input, expected) => {
    expect(parseMonthInput(input, '2026-11')).toBe(expected)
  })
})

const s = (over: Partial<ScheduleLike>): ScheduleLike => ({ id: 1, basis: 'per_m2_month', rateFen: 80n, startMonth: '2026-11', endMonth: null, ...over })

describe('schedules', () => {
  it('bill months within [start, end]; a one-off from its start', () => {
    expect(scheduleBillsMonth(s({}), '2026-10')).toBe(false)
    expect(scheduleBillsMonth(s({}), '2026-11')).toBe(true)
    expect(scheduleBillsMonth(s({}), '2030-01')).toBe(true)
    expect(scheduleBillsMonth(s({ endMonth: '2026-12' }), '2026-12')).toBe(true)
    expect(scheduleBillsMonth(s({ endMonth: '2026-12' }), '2027-01')).toBe(false)
    expect(scheduleBillsMonth(s({ basis: 'one_off' }), '2027-05')).toBe(true)
    expect(scheduleIsEmpty(s({ endMonth: '2026-10' }))).toBe(true)
    expect(scheduleIsEmpty(s({ endMonth: '2026-11' }))).toBe(false)
  })

  it('charges: per m² rounded half-up, per household and one-off flat', () => {
    expect(chargeFor(s({ rateFen: 85n }), { id: 1, areaCentiM2: 8950n })).toBe(7608n) // 76.075 → 76.08
    expect(chargeFor(s({ rateFen: 80n }), { id: 1, areaCentiM2: 8950n })).toBe(7160n)
    expect(chargeFor(s({ rateFen: 1n }), { id: 1, areaCentiM2: 49n })).toBe(0n) // 0.49 fen → 0
    expect(chargeFor(s({ basis: 'per_household_month', rateFen: 500n }), { id: 1, areaCentiM2: 8950n })).toBe(500n)
    expect(chargeFor(s({ basis: 'one_off', rateFen: 108400n }), { id: 1, areaCentiM2: 1n })).toBe(108400n)
  })

  it('billing keys are per month, or once', () => {
    expect(billingKeyFor({ id: 3, basis: 'per_m2_month' }, 7, '2026-11')).toBe('fee:3:7:2026-11')
    expect(billingKeyFor({ id: 3, basis: 'one_off' }, 7, '2026-11')).toBe('fee:3:7:once')
    expect(monthOfBillingKey('fee:3:7:2026-11')).toBe('2026-11')
    expect(monthOfBillingKey('fee:3:7:once')).toBe('once')
    expect(monthOfBillingKey('other')).toBeNull()
  })

  it('plans one charge per applicable schedule and household, skipping zero', () => {
    const hh = [
      { id: 1, areaCentiM2: 8950n },
      { id: 2, areaCentiM2: 10n },
    ]
    const plan = planCharges(
      [s({ id: 1, rateFen: 1n }), s({ id: 2, basis: 'per_household_month', rateFen: 500n, startMonth: '2026-12' }), s({ id: 3, basis: 'one_off', rateFen: 1000n })],
      hh,
      '2026-11',
    )
    expect(plan).toEqual([
      { scheduleId: 1, householdId: 1, amountFen: 90n, billingKey: 'fee:1:1:2026-11' },
      { scheduleId: 3, householdId: 1, amountFen: 1000n, billingKey: 'fee:3:1:once' },
      { scheduleId: 3, householdId: 2, amountFen: 1000n, billingKey: 'fee:3:2:once' },
    ])
  })
})

describe('limits and categories', () => {
  it('max amount from the compound settings', () => {
    expect(maxAmountFen({}, DEFAULT_MAX_FEN)).toBe(DEFAULT_MAX_FEN)
    expect(maxAmountFen({ maxAmountFen: '500000' }, DEFAULT_MAX_FEN)).toBe(500000n)
    for (const bad of ['abc', '-5', '0', '', 12, null]) expect(maxAmountFen({ maxAmountFen: bad }, DEFAULT_MAX_FEN)).toBe(DEFAULT_MAX_FEN)
    expect(maxAmountFen(null, 7n)).toBe(7n)
  })

  it.each([
    ['楼道保洁 十一月', 'cleaning'],
    ['垃圾清运', 'cleaning'],
    ['换楼道灯', 'repair'],
    ['电工维修水泵', 'repair'],
    ['十一月公共电费', 'utilities'],
    ['修剪树枝', 'greenery'],
    ['门卫工资', 'security'],
    ['打印公示', 'office'],
    ['开会买水', 'other'],
  ])('expense %s → %s', (text, cat) => {
    expect(guessExpenseCategory(text)).toBe(cat)
  })

  it('a linked ticket makes a repair', () => {
    expect(guessExpenseCategory('张师傅工钱', true)).toBe('repair')
  })

  it.each([
    ['十一月停车租金', 'parking'],
    ['电梯广告', 'advertising'],
    ['门面出租', 'lease'],
    ['卖废品', 'other'],
  ])('income %s → %s', (text, cat) => {
    expect(guessIncomeCategory(text)).toBe(cat)
  })
})

describe('firstUnpaidCharge: payments settle the oldest charges first', () => {
  const charges = [
    { amountFen: 10000n, at: '2026-09' },
    { amountFen: 10000n, at: '2026-10' },
    { amountFen: 5000n, at: '2026-11' },
  ]
  it.each([
    [0n, '2026-09'],
    [9999n, '2026-09'],
    [10000n, '2026-10'],
    [19999n, '2026-10'],
    [20000n, '2026-11'],
    [24999n, '2026-11'],
    [25000n, '2026-11'], // all covered: the last charge
  ])('paid %s fen → arrears begin %s', (paid, at) => {
    expect(firstUnpaidCharge(charges, paid).at).toBe(at)
  })
})
