// Gathers one compound's data for a period from the database into the pure summary input
// (src/domain/summary.ts) and the chart model (./chart.ts).
import type { Queryable } from '../../db/client.ts'
import type { CompoundRow } from '../../db/compounds.ts'
import { privateNamesOf, ticketNosByIds } from '../../db/disclosure.ts'
import { arrearsOf, balanceAt, ledgerEntryBySerial, ledgerHead, ledgerInPeriod, type LedgerEntryRow, periodTotals } from '../../db/ledger.ts'
import { pollsInPeriod } from '../../db/polls.ts'
import { ticketsInPeriod } from '../../db/tickets.ts'
import { type Period, previousPeriod } from '../domain/calendar.ts'
import { outcomeText, snapshotFromJson } from '../domain/poll-render.ts'
import { categoryLabel, periodLabel, type SummaryInput, type SummaryItem, type SummaryPoll } from '../domain/summary.ts'
import { isLang, type Lang, translator } from '../i18n/index.ts'
import { pollView } from '../ops/polls.ts'
import type { ChartModel } from './chart.ts'

/** How many periods the balance trend shows. */
export const TREND_PERIODS = 12

export interface DisclosureData {
  summary: SummaryInput
  chart: ChartModel
}

export function compoundLang(c: Pick<CompoundRow, 'language'>): Lang {
  return isLang(c.language) ? c.language : 'zh-CN'
}

/** The expense and income items of the period, reversals as negative items of the kind they undo. */
async function periodItems(q: Queryable, compoundId: number, entries: LedgerEntryRow[]) {
  const expenses: SummaryItem[] = []
  const income: SummaryItem[] = []
  const ticketIds = new Set<number>()
  const rows: { entry: LedgerEntryRow; kind: 'expense' | 'income'; source: LedgerEntryRow }[] = []
  for (const e of entries) {
    if (e.kind === 'expense' || e.kind === 'income') rows.push({ entry: e, kind: e.kind, source: e })
    else if (e.kind === 'reversal' && e.reversesSerial !== null) {
      const orig = await ledgerEntryBySerial(q, compoundId, e.reversesSerial)
      if (orig && (orig.kind === 'expense' || orig.kind === 'income')) rows.push({ entry: e, kind: orig.kind, source: orig })
    }
  }
  for (const r of rows) if (r.source.ticketId !== null) ticketIds.add(r.source.ticketId)
  const nos = await ticketNosByIds(q, compoundId, [...ticketIds])
  for (const { entry, kind, source } of rows) {
    const reversal = entry.kind === 'reversal'
    const item: SummaryItem = {
      serial: entry.serial,
      at: entry.recordedAt,
      amountFen: reversal ? -entry.amountFen : entry.amountFen,
      category: source.category,
      note: reversal ? (entry.note ?? source.note) : entry.note,
      party: source.counterparty,
      ticketNo: source.ticketId !== null ? (nos.get(source.ticketId) ?? null) : null,
      reversesSerial: reversal ? entry.reversesSerial : null,
    }
    ;(kind === 'expense' ? expenses : income).push(item)
  }
  return { expenses, income }
}

/** Everything the summary and the chart of `period` show, as of `now`. */
export async function gatherDisclosure(
  q: Queryable,
  compound: CompoundRow,
  period: Period,
  opts: { now: Date; late?: boolean },
): Promise<DisclosureData> {
  const lang = compoundLang(compound)
  const t = translator(lang)
  const tz = compound.timeZone
  const totals = await periodTotals(q, compound.id, period.from, period.to)
  const entries = await ledgerInPeriod(q, compound.id, period.from, period.to)
  const items = await periodItems(q, compound.id, entries)
  const repairs = await ticketsInPeriod(q, compound.id, period.from, period.to, opts.now)
  const head = await ledgerHead(q, compound.id)
  // arrears are as of now (who owes today), not as of the period's end: the ledger keeps no history of it
  const arrears = await arrearsOf(q, compound.id)

  const polls: SummaryPoll[] = []
  for (const p of await pollsInPeriod(q, compound.id, period.from, period.to)) {
    const closedInTime = p.status === 'closed' && p.closedAt !== null && p.closedAt.getTime() < period.to.getTime()
    const snap = closedInTime ? snapshotFromJson(p.result) : null
    polls.push({ no: p.no, title: p.title, deadline: p.deadline, outcome: snap ? outcomeText(t, pollView(p), snap.tally) : null })
  }

  const summary: SummaryInput = {
    compound: { name: compound.name, timeZone: tz, language: lang, settings: { arrearsRoomsPublic: compound.settings.arrearsRoomsPublic === true } },
    period,
    asOf: opts.now,
    late: opts.late ?? false,
    openingFen: totals.openingFen,
    closingFen: totals.closingFen,
    payments: { households: totals.paidHouseholds, totalFen: totals.paymentsFen },
    otherIncome: { totalFen: totals.incomeFen, items: items.income },
    expenses: { totalFen: totals.expensesFen, items: items.expenses },
    repairs: { opened: repairs.opened, done: repairs.done, open: repairs.open, overdue: repairs.overdue },
    polls,
    chain: head,
    arrears: { count: arrears.length, totalFen: arrears.reduce((s, a) => s + a.owedFen, 0n), rooms: arrears.map((a) => a.code) },
    privateNames: await privateNamesOf(q, compound.id),
  }

  // chart: income (fees collected, then other income by category) and expenses by category
  const cats = new Map<string, { income: bigint; expense: bigint }>()
  const bump = (label: string, k: 'income' | 'expense', fen: bigint) => {
    const c = cats.get(label) ?? { income: 0n, expense: 0n }
    c[k] += fen
    cats.set(label, c)
  }
  if (totals.paymentsFen !== 0n) bump(t('disclosure.chart.fees'), 'income', totals.paymentsFen)
  for (const c of totals.incomeByCategory) bump(categoryLabel(t, c.category || null), 'income', c.fen)
  for (const c of totals.expensesByCategory) bump(categoryLabel(t, c.category || null), 'expense', c.fen)
  if (cats.size === 0) cats.set(t('disclosure.chart.empty'), { income: 0n, expense: 0n })
  const toYuan = (fen: bigint) => Number(fen) / 100

  const trendPeriods: Period[] = [period]
  while (trendPeriods.length < TREND_PERIODS) trendPeriods.unshift(previousPeriod(trendPeriods[0]!, tz))
  const trend: number[] = []
  for (const p of trendPeriods) trend.push(toYuan(p === period ? totals.closingFen : await balanceAt(q, compound.id, p.to)))

  const chart: ChartModel = {
    title: `${compound.name} ${periodLabel(t, period)}`,
    categories: [...cats.keys()],
    income: [...cats.values()].map((c) => toYuan(c.income)),
    expense: [...cats.values()].map((c) => toYuan(c.expense)),
    trendLabels: trendPeriods.map((p) => (p.kind === 'week' ? p.key.slice(5) : p.key)),
    trend,
    labels: {
      byCategory: t('disclosure.chart.byCategory'),
      trend: t('disclosure.chart.trend', { n: TREND_PERIODS }),
      income: t('disclosure.chart.income'),
      expense: t('disclosure.chart.expense'),
      balance: t('disclosure.chart.balance'),
    },
  }
  return { summary, chart }
}
