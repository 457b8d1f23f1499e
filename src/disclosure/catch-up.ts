// What a group gets when several of its compound's disclosures fall due at once, and when one has nothing in it
// (issue 15: a busy group sees at most one bot post a day that nobody asked for). Used by ./batch.ts; pure.
//
// - Several periods of one compound in one call (a catch-up after downtime; 1 January, when the week, the month
//   and the year fall due together) become ONE post per chat: the summaries one after another, the longest
//   period first, packed into as few messages as the platform allows, and ONE chart, the longest period's. The
//   other periods' charts are never drawn. Each period keeps its own `disclosures` row.
// - A period with no money in or out, no repair opened, done or still open and no poll is not posted by the
//   scheduler (`skipEmpty`): its `disclosures` rows are recorded without a chain head, so later ticks leave it,
//   and it is logged. 公示 on demand and `linli disclose` post any period: someone asked.
import type { PeriodKind } from '../domain/calendar.ts'
import { MESSAGE_LIMIT } from '../render/summary.ts'
import type { PeriodFacts } from './facts.ts'

/** How an item of a call is posted. */
export type PostRole =
  /** on its own: text and chart as usual */
  | 'alone'
  /** the first of a compound's merged post: its text first, and its chart is the post's chart */
  | 'lead'
  /** merged into its compound's post after the lead: text only, no chart drawn */
  | 'joined'
  /** nothing happened in the period: recorded, not posted */
  | 'empty'

const RANK: Record<PeriodKind, number> = { week: 1, month: 2, year: 3 }

/** The longer period first: a year covers its months, a month (mostly) its weeks. */
export const byLength = (a: { kind: PeriodKind }, b: { kind: PeriodKind }) => RANK[b.kind] - RANK[a.kind]

/** Nothing happened in the period: no money in or out, no repair opened, done or open, no poll. */
export function isEmptyPeriod(f: PeriodFacts): boolean {
  return (
    f.paymentsFen === 0n &&
    f.incomeFen === 0n &&
    f.expensesFen === 0n &&
    f.paidHouseholds === 0 &&
    f.income.length === 0 &&
    f.expenses.length === 0 &&
    f.repairs.opened === 0 &&
    f.repairs.done === 0 &&
    f.repairs.open === 0 &&
    f.polls.length === 0
  )
}

/**
 * The role of each item (`compoundId`, `kind`, whether its period is empty and may be skipped) in one call: a
 * compound's non-empty items are merged when there are several, led by the longest period (the first of equals).
 */
export function postRoles(items: readonly { compoundId: number; kind: PeriodKind; empty: boolean }[]): PostRole[] {
  const roles: PostRole[] = items.map((i) => (i.empty ? 'empty' : 'alone'))
  const byCompound = new Map<number, number[]>()
  items.forEach((i, k) => {
    if (!i.empty) byCompound.set(i.compoundId, [...(byCompound.get(i.compoundId) ?? []), k])
  })
  for (const ks of byCompound.values()) {
    if (ks.length < 2) continue
    const lead = ks.reduce((best, k) => (RANK[items[k]!.kind] > RANK[items[best]!.kind] ? k : best))
    for (const k of ks) roles[k] = k === lead ? 'lead' : 'joined'
  }
  return roles
}

/**
 * Several summaries' messages as one post: consecutive messages are joined by a blank line while they fit in one
 * message (`max`), so three short summaries are one message and a long one keeps its own split.
 */
export function mergeParts(summaries: readonly (readonly string[])[], max = MESSAGE_LIMIT): string[] {
  const out: string[] = []
  for (const part of summaries.flat()) {
    const last = out.at(-1)
    if (last !== undefined && last.length + 2 + part.length <= max) out[out.length - 1] = `${last}\n\n${part}`
    else out.push(part)
  }
  return out
}
