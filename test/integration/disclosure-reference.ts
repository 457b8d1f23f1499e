// The reference the set-based disclosure reads (src/disclosure/facts.ts) are checked against: one item's facts
// from the per-aggregate queries the other commands print (账目, 欠费, 核验, 报修列表, 投票), one compound and
// one figure at a time — what gatherDisclosure used to run, about 30 queries per compound. Used by
// test/integration/disclosure-batch.test.ts and by the benchmark's verify phase (bench/disclosure-child.ts).
import type { Queryable } from '../../db/client.ts'
import { privateNamesOf, ticketNosByIds } from '../../db/disclosure.ts'
import { arrearsOf, balanceAt, ledgerInPeriod, periodTotals } from '../../db/ledger-sums.ts'
import { ledgerEntryBySerial, ledgerHead } from '../../db/ledger.ts'
import { pollsInPeriod } from '../../db/polls.ts'
import { ticketsInPeriod } from '../../db/ticket-queries.ts'
import { type Period, previousPeriod } from '../../src/domain/calendar.ts'
import type { SummaryItem } from '../../src/render/summary.ts'
import { type DisclosureItem, disclosureAsOf, type PeriodFacts, TREND_PERIODS, trendStart } from '../../src/disclosure/facts.ts'

/**
 * The reference: one item's facts from the per-aggregate queries, one compound and one figure at a time
 * (what gatherDisclosure used to run, ~30 queries per compound).
 */
export async function factsByAggregate(q: Queryable, { compound, period }: DisclosureItem, now: Date): Promise<PeriodFacts> {
  const totals = await periodTotals(q, compound.id, period.from, period.to)
  const expenses: SummaryItem[] = []
  const income: SummaryItem[] = []
  for (const entry of await ledgerInPeriod(q, compound.id, period.from, period.to)) {
    const reversal = entry.kind === 'reversal'
    const source = reversal && entry.reversesSerial !== null ? await ledgerEntryBySerial(q, compound.id, entry.reversesSerial) : entry
    if (!source || (source.kind !== 'expense' && source.kind !== 'income')) continue
    const nos = await ticketNosByIds(q, compound.id, source.ticketId === null ? [] : [source.ticketId])
    ;(source.kind === 'expense' ? expenses : income).push({
      serial: entry.serial,
      at: entry.recordedAt,
      amountFen: reversal ? -entry.amountFen : entry.amountFen,
      category: source.category,
      note: reversal ? (entry.note ?? source.note) : entry.note,
      party: source.counterparty,
      ticketNo: source.ticketId !== null ? (nos.get(source.ticketId) ?? null) : null,
      reversesSerial: reversal ? entry.reversesSerial : null,
    })
  }
  const periods: Period[] = [period]
  while (periods.length < TREND_PERIODS) periods.unshift(previousPeriod(periods[0]!, compound.timeZone))
  // from the compound's start: its creation, or its first entry if earlier
  const before = await ledgerInPeriod(q, compound.id, new Date(0), period.to)
  const start = trendStart(compound, before.length ? Math.min(...before.map((e) => e.recordedAt.getTime())) : undefined)
  const trend = []
  for (const p of periods) if (p === period || p.to.getTime() > start) trend.push({ period: p, closingFen: await balanceAt(q, compound.id, p.to) })
  return {
    paymentsFen: totals.paymentsFen,
    incomeFen: totals.incomeFen,
    expensesFen: totals.expensesFen,
    expensesByCategory: totals.expensesByCategory,
    incomeByCategory: totals.incomeByCategory,
    paidHouseholds: totals.paidHouseholds,
    openingFen: totals.openingFen,
    closingFen: totals.closingFen,
    trend,
    expenses,
    income,
    repairs: await ticketsInPeriod(q, compound.id, period.from, period.to, now),
    polls: await pollsInPeriod(q, compound.id, period.from, period.to),
    chain: await ledgerHead(q, compound.id),
    // as of the period's end (now while it runs), like the disclosure
    arrears: (await arrearsOf(q, compound, disclosureAsOf({ period }, now))).map((a) => ({ code: a.code, owedFen: a.owedFen, overdueSince: a.overdueSince })),
    privateNames: await privateNamesOf(q, compound.id),
  }
}

/** Facts compared as sets where the order is not part of the result (private names). */
export const comparable = (f: PeriodFacts) => ({ ...f, privateNames: [...f.privateNames].sort() })
