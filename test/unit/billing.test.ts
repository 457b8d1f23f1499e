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
  chargeDueAt,
  dueAtFor,
  dueDayString,
  duesOf,
  scheduleDueAt,
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

const s = (over: Partial<ScheduleLike>): ScheduleLike => ({ id: 1, basis: 'per_m2_month', rateFen: 80n, startMonth: '2026-11', endMonth: null, dueDay: null, ...over })

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
      'Asia/Shanghai',
    )
    // due at the end of the billed month (00:00 local on the 1st of the next), UTC+8
    const endOfNov = new Date('2026-11-30T16:00:00Z')
    expect(plan).toEqual([
      { scheduleId: 1, householdId: 1, amountFen: 90n, billingKey: 'fee:1:1:2026-11', dueAt: endOfNov },
      { scheduleId: 3, householdId: 1, amountFen: 1000n, billingKey: 'fee:3:1:once', dueAt: endOfNov },
      { scheduleId: 3, householdId: 2, amountFen: 1000n, billingKey: 'fee:3:2:once', dueAt: endOfNov },
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

describe('due dates: a charge is overdue from the local midnight after its due day', () => {
  const SH = 'Asia/Shanghai'
  it.each([
    [null, '2026-03', SH, '2026-03-31T16:00:00.000Z'], // the last day of the month billed (default)
    [15, '2026-03', SH, '2026-03-15T16:00:00.000Z'],
    [1, '2026-03', SH, '2026-03-01T16:00:00.000Z'],
    [31, '2026-02', SH, '2026-02-28T16:00:00.000Z'], // clamped to the month's length
    [30, '2028-02', SH, '2028-02-29T16:00:00.000Z'], // a leap year
    [31, '2026-04', SH, '2026-04-30T16:00:00.000Z'],
    [null, '2026-12', SH, '2026-12-31T16:00:00.000Z'], // into the next year
    [null, '2026-03', 'America/New_York', '2026-04-01T04:00:00.000Z'], // after the DST change (EDT)
    [7, '2026-03', 'America/New_York', '2026-03-08T05:00:00.000Z'], // midnight before the 02:00 change: still EST
  ])('due day %s of %s in %s → overdue from %s', (day, month, tz, iso) => {
    expect(dueAtFor(day, month, tz).toISOString()).toBe(iso)
  })

  it('the due day shown is the local day before that instant', () => {
    expect(dueDayString(new Date('2026-03-31T16:00:00.000Z'), SH)).toBe('2026-03-31')
    expect(dueDayString(dueAtFor(15, '2026-03', SH), SH)).toBe('2026-03-15')
  })

  it('a monthly schedule is due in the month billed; a one-off levy on that day of its start month', () => {
    expect(scheduleDueAt(s({ dueDay: 15 }), '2026-12', SH).toISOString()).toBe('2026-12-15T16:00:00.000Z')
    expect(scheduleDueAt(s({ basis: 'one_off', startMonth: '2026-11', dueDay: 20 }), '2027-02', SH).toISOString()).toBe('2026-11-20T16:00:00.000Z')
    expect(scheduleDueAt(s({ basis: 'one_off', startMonth: '2026-11' }), '2026-11', SH).toISOString()).toBe('2026-11-30T16:00:00.000Z')
  })

  it('one rule for every charge: its due_at, else the end of the month its billing key bills, else of the month it was recorded in', () => {
    const stored = new Date('2026-03-15T16:00:00Z')
    expect(chargeDueAt({ dueAt: stored, billingKey: 'fee:1:2:2026-03', recordedAt: new Date('2026-03-01T00:00:00Z') }, SH)).toEqual(stored)
    // old charges without a due date: the month billed, whenever they were recorded (a late billing run)
    expect(chargeDueAt({ dueAt: null, billingKey: 'fee:1:2:2026-03', recordedAt: new Date('2026-04-05T00:00:00Z') }, SH).toISOString()).toBe(
      '2026-03-31T16:00:00.000Z',
    )
    // a one-off key or a charge with no key: the local month it was recorded in (01:00 on 1 April local is April)
    expect(chargeDueAt({ dueAt: null, billingKey: 'fee:1:2:once', recordedAt: new Date('2026-03-10T00:00:00Z') }, SH).toISOString()).toBe(
      '2026-03-31T16:00:00.000Z',
    )
    expect(chargeDueAt({ dueAt: null, billingKey: null, recordedAt: new Date('2026-03-31T17:00:00Z') }, SH).toISOString()).toBe(
      '2026-04-30T16:00:00.000Z',
    )
  })
})

describe('duesOf: overdue, not yet due, paid in advance', () => {
  const d = (iso: string) => new Date(iso)
  const mar = { amountFen: 10000n, dueAt: d('2026-03-31T16:00:00Z') }
  const apr = { amountFen: 12000n, dueAt: d('2026-04-30T16:00:00Z') }
  const levy = { amountFen: 5000n, dueAt: d('2026-04-15T16:00:00Z') }
  const on2Apr = d('2026-04-02T02:00:00Z')

  it('splits at the instant: March overdue, April not yet due', () => {
    expect(duesOf([mar, apr], 0n, on2Apr)).toEqual({
      overdueFen: 10000n,
      pendingFen: 12000n,
      prepaidFen: 0n,
      overdueSince: mar.dueAt,
      nextDueAt: apr.dueAt,
    })
    // exactly at the due instant (local midnight) it is overdue; a millisecond before it is not
    expect(duesOf([mar], 0n, mar.dueAt).overdueFen).toBe(10000n)
    expect(duesOf([mar], 0n, new Date(mar.dueAt.getTime() - 1)).overdueFen).toBe(0n)
  })

  it('payments settle the oldest due charges first; a surplus goes to bills not yet due, then is paid in advance', () => {
    expect(duesOf([mar, apr], 4000n, on2Apr)).toMatchObject({ overdueFen: 6000n, pendingFen: 12000n, overdueSince: mar.dueAt })
    expect(duesOf([mar, apr], 15000n, on2Apr)).toMatchObject({ overdueFen: 0n, pendingFen: 7000n, overdueSince: null, nextDueAt: apr.dueAt })
    expect(duesOf([mar, apr], 25000n, on2Apr)).toEqual({ overdueFen: 0n, pendingFen: 0n, prepaidFen: 3000n, overdueSince: null, nextDueAt: null })
  })

  it('orders by due date, not by the order given: a levy due before April\'s bill is settled first', () => {
    // on 20 April: March and the levy are overdue; April's bill is not
    const at = d('2026-04-20T00:00:00Z')
    expect(duesOf([apr, levy, mar], 12000n, at)).toMatchObject({ overdueFen: 3000n, pendingFen: 12000n, overdueSince: levy.dueAt })
  })

  it('property: overdue + not yet due − paid in advance = billed − paid, all non-negative, overdue only from charges due', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ amountFen: fc.bigInt(1n, 100000n), day: fc.integer({ min: 0, max: 120 }) }), { maxLength: 12 }),
        fc.bigInt(0n, 600000n),
        fc.integer({ min: 0, max: 120 }),
        (list, paid, atDay) => {
          const base = Date.UTC(2026, 0, 1)
          const charges = list.map((c) => ({ amountFen: c.amountFen, dueAt: new Date(base + c.day * 86_400_000) }))
          const at = new Date(base + atDay * 86_400_000 + 1000)
          const r = duesOf(charges, paid, at)
          const billed = charges.reduce((s, c) => s + c.amountFen, 0n)
          const due = charges.filter((c) => c.dueAt <= at).reduce((s, c) => s + c.amountFen, 0n)
          expect(r.overdueFen + r.pendingFen - r.prepaidFen).toBe(billed - paid)
          expect(r.overdueFen).toBe(due > paid ? due - paid : 0n)
          for (const v of [r.overdueFen, r.pendingFen, r.prepaidFen]) expect(v >= 0n).toBe(true)
          expect(r.overdueSince === null).toBe(r.overdueFen === 0n)
          expect(r.nextDueAt === null).toBe(r.pendingFen === 0n)
        },
      ),
    )
  })
})
