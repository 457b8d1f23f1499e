// The engine's readers for the commands' own arguments, so `账目 3月` and `投票 #2 赞成` read exactly as the
// same words do in a sentence: one period reader and one choice reader, not a copy per command.
import { parsePeriod } from './period.ts'
import { prepare } from './text.ts'
import { choiceOf, stanceOf } from './vote.ts'

/** The period key (`2026-03`, `2026-W47`, `2026`) of a loose period (3月, 三月份, 上个月, 2026年3月, last month), or null. */
export function readPeriod(input: string, now: Date, timeZone: string): string | null {
  return parsePeriod(prepare(input).folded, now, timeZone, 'zh-CN')?.key ?? null
}

/**
 * The 0-based option a loose choice names: by number word, digit, letter or ordinal (一 / 1 / A / 第一个 /
 * the first one), or by a synonym of an option that is a stance (赞成 / 支持 → 同意, 不同意 → 反对). An option's
 * own words are the command's strict reading; they are not searched for inside the text here (不是 ≠ 是).
 */
export function readChoice(input: string, options: readonly string[]): number | null {
  const c = choiceOf(prepare(input).folded)
  if (c?.option !== undefined) return c.option >= 1 && c.option <= options.length ? c.option - 1 : null
  if (!c?.stance) return null
  // only when exactly one option takes that stance (支持 between 支持甲方案 / 支持乙方案 names neither)
  const matching = options.flatMap((o, i) => (stanceOf(prepare(o).folded) === c.stance ? [i] : []))
  return matching.length === 1 ? matching[0]! : null
}
