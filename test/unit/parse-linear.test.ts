// Issue 12 item 17: `完工 #1 费用 1 1 1 …` (40 KB) blocked the process for 17 s — splitCost tried every prefix
// of the words with parseMoney. An amount is read from at most four words: the work is counted (parseMoney
// calls), not timed. (The pipeline's argument cap, which keeps such text from any parser, is tested in
// test/integration/hostile-args.test.ts.)
import { describe, expect, it, vi } from 'vitest'

// parseMoney, counted: the same function, with a counter that also stops a runaway loop early
const money = vi.hoisted(() => ({ calls: 0, limit: Infinity }))
vi.mock('../../src/domain/money.ts', async (importOriginal) => {
  const mod = await importOriginal<typeof import('../../src/domain/money.ts')>()
  return {
    ...mod,
    parseMoney: (...args: Parameters<typeof mod.parseMoney>) => {
      if (++money.calls > money.limit) throw new Error(`parseMoney called more than ${money.limit} times`)
      return mod.parseMoney(...args)
    },
  }
})

const { splitCost } = await import('../../commands/done.ts')
const { splitAmount } = await import('../../src/services/ledger.ts')
const { tokens } = await import('../../src/domain/text.ts')

function counted<T>(f: () => T): { value: T; calls: number } {
  money.calls = 0
  money.limit = 100
  try {
    return { value: f(), calls: money.calls }
  } finally {
    money.limit = Infinity
  }
}

const KB40 = 40 * 1024

describe('amounts are read from a few words, never from every prefix', () => {
  it('完工 … 费用 1 1 1 … (40 KB): at most a handful of parseMoney calls', () => {
    const rest = `费用 ${'1 '.repeat(KB40 / 2)}`
    const { value, calls } = counted(() => splitCost(rest, 100_000_000n))
    expect(calls).toBeLessThanOrEqual(4)
    expect(value.cost).toBe('1')
  })

  it('still takes the longest amount of up to four words', () => {
    expect(counted(() => splitCost('费用 120 元 换了灯泡', 100_000_000n)).value).toEqual({ cost: '120 元', note: '换了灯泡' })
    expect(counted(() => splitCost('换了灯泡 费用：¥ 1,084 元', 100_000_000n)).value).toEqual({ cost: '¥ 1,084 元', note: '换了灯泡' })
    expect(counted(() => splitCost('费用 abc 换了灯泡', 100_000_000n)).value).toEqual({ cost: 'abc', note: '换了灯泡' })
    expect(counted(() => splitCost('换了灯泡', 100_000_000n)).value).toEqual({ note: '换了灯泡' })
  })

  it('缴费/支出/收入 (splitAmount): at most four parseMoney calls on 40 KB', () => {
    const words = tokens(`${'1 '.repeat(KB40 / 2)}`)
    const { value, calls } = counted(() => splitAmount(words))
    expect(calls).toBeLessThanOrEqual(4)
    expect(value.amount).toBe('1')
    expect(counted(() => splitAmount(tokens('1084 元 物业费 3-2-201'))).value).toEqual({ amount: '1084 元', rest: ['物业费', '3-2-201'] })
  })
})
