// The disclosure (公示) of a period: the pure summary input (src/render/summary.ts) and the chart model
// (./chart.ts), built from the facts ./facts.ts reads. The one place that decides what a summary and a chart
// show: the scheduler's batch (./batch.ts), postDisclosure (./post.ts) and the on-demand 公示
// (commands/disclose.ts) all come through `disclosureData`.
import type { Queryable } from '../../db/client.ts'
import type { CompoundRow } from '../../db/compounds.ts'
import type { Period } from '../domain/calendar.ts'
import { outcomeText } from '../render/polls.ts'
import { countsFromJson } from '../domain/opinion.ts'
import { snapshotFromJson } from '../domain/poll-snapshot.ts'
import { categoryLabel, periodLabel, type SummaryInput, type SummaryPoll } from '../render/summary.ts'
import { isLang, type Lang, type Translator, translator } from '../i18n/index.ts'
import type { LedgerFailure } from '../../db/ledger-check.ts'
import { untrustedDisclosureText } from '../services/ledger-trust.ts'
import { electionSnapshotFromJson } from '../services/elections.ts'
import { pollView } from '../services/polls.ts'
import type { ChartModel } from './chart.ts'
import { type DisclosureItem, disclosureAsOf, gatherFacts, type PeriodFacts, type PollRow } from './facts.ts'

export { type DisclosureItem, TREND_PERIODS } from './facts.ts'

export interface DisclosureData {
  summary: SummaryInput
  chart: ChartModel
}

export function compoundLang(c: Pick<CompoundRow, 'language'>): Lang {
  return isLang(c.language) ? c.language : 'zh-CN'
}

/** The summary and the chart of one item from its facts, as of `now`. Pure. */
export function disclosureData(item: DisclosureItem, facts: PeriodFacts, now: Date): DisclosureData {
  const { compound, period } = item
  const lang = compoundLang(compound)
  const t = translator(lang)

  const polls: SummaryPoll[] = facts.polls.map((p) => {
    const closedInTime = p.status === 'closed' && p.closedAt !== null && p.closedAt.getTime() < period.to.getTime()
    if (p.kind === 'election') return electionSummary(t, p, closedInTime)
    if (p.kind === 'opinion') {
      // an opinion round has counts, not a tally (src/services/opinions.ts)
      const counts = closedInTime ? countsFromJson((p.result as { counts?: unknown } | null)?.counts) : null
      const outcome = counts
        ? t('opinion.summaryOutcome', {
            agree: counts.agree.households,
            disagree: counts.disagree.households,
            only: counts.opinionOnly.households,
            notSigned: counts.notSigned.households,
          })
        : null
      return { no: p.no, title: p.title, deadline: p.deadline, outcome }
    }
    const snap = closedInTime ? snapshotFromJson(p.result) : null
    return { no: p.no, title: p.title, deadline: p.deadline, outcome: snap ? outcomeText(t, pollView(p), snap.tally) : null }
  })

  const summary: SummaryInput = {
    compound: {
      name: compound.name,
      timeZone: compound.timeZone,
      language: lang,
      settings: { arrearsRoomsPublic: compound.settings.arrearsRoomsPublic === true },
    },
    period,
    asOf: now,
    late: item.late ?? false,
    openingFen: facts.openingFen,
    closingFen: facts.closingFen,
    payments: { households: facts.paidHouseholds, totalFen: facts.paymentsFen },
    otherIncome: { totalFen: facts.incomeFen, items: facts.income },
    expenses: { totalFen: facts.expensesFen, items: facts.expenses },
    repairs: facts.repairs,
    polls,
    chain: facts.chain,
    // arrears as of the period's end (now while it runs): charges past due then and unpaid then, so a 补发 of
    // February shows February's arrears, and next month's bills (billed, not yet due) never count
    arrears: {
      asOf: disclosureAsOf(item, now),
      count: facts.arrears.length,
      totalFen: facts.arrears.reduce((s, a) => s + a.owedFen, 0n),
      rooms: facts.arrears.map((a) => a.code),
    },
    privateNames: facts.privateNames,
  }

  // chart: income (fees collected, then other income by category), then expenses by category. Never one label for
  // both: a name on both sides (其他, 维修) is said with its side, 其他（收入） and 其他（支出）
  const incomeCats: [string, bigint][] = facts.incomeByCategory.map((c) => [categoryLabel(t, c.category || null), c.fen])
  if (facts.paymentsFen !== 0n) incomeCats.unshift([t('disclosure.chart.fees'), facts.paymentsFen])
  const expenseCats: [string, bigint][] = facts.expensesByCategory.map((c) => [categoryLabel(t, c.category || null), c.fen])
  const both = new Set(incomeCats.map(([l]) => l).filter((l) => expenseCats.some(([e]) => e === l)))
  // English labels in sentence case like the chart's own ('Income', 'Fees'), not the text's lower case ('repairs')
  const cap = (s: string) => (lang === 'en' ? s.charAt(0).toUpperCase() + s.slice(1) : s)
  const side = (label: string, key: 'disclosure.chart.income' | 'disclosure.chart.expense') =>
    cap(!both.has(label) ? label : lang === 'en' ? `${label} (${t(key).toLowerCase()})` : `${label}（${t(key)}）`)
  const cats: { label: string; income: bigint; expense: bigint }[] = [
    ...incomeCats.map(([l, fen]) => ({ label: side(l, 'disclosure.chart.income'), income: fen, expense: 0n })),
    ...expenseCats.map(([l, fen]) => ({ label: side(l, 'disclosure.chart.expense'), income: 0n, expense: fen })),
  ]
  if (cats.length === 0) cats.push({ label: t('disclosure.chart.empty'), income: 0n, expense: 0n })
  const toYuan = (fen: bigint) => Number(fen) / 100

  const chart: ChartModel = {
    title: `${compound.name} ${cap(periodLabel(t, period))}`,
    categories: cats.map((c) => c.label),
    income: cats.map((c) => toYuan(c.income)),
    expense: cats.map((c) => toYuan(c.expense)),
    trendLabels: facts.trend.map(({ period: p }) => (p.kind === 'week' ? p.key.slice(5) : p.key)),
    trend: facts.trend.map((p) => toYuan(p.closingFen)),
    labels: {
      byCategory: t('disclosure.chart.byCategory'),
      trend: t('disclosure.chart.trend', { n: facts.trend.length }),
      income: t('disclosure.chart.income'),
      expense: t('disclosure.chart.expense'),
      balance: t('disclosure.chart.balance'),
    },
  }
  return { summary, chart }
}

/** An election in the summary: open, or its outcome; the elected by name (shown in full: SummaryPoll.elected). */
function electionSummary(t: Translator, p: PollRow, closedInTime: boolean): SummaryPoll {
  const base = { no: p.no, title: p.title, deadline: p.deadline }
  if (!closedInTime) return { ...base, outcome: null }
  // closed without a count: nomination ended with nobody on the ballot
  const snap = electionSnapshotFromJson(p.result)
  if (!snap) return { ...base, outcome: t('disclosure.electionNoCandidates') }
  const c = snap.count
  if (c.outcome === 'noVotes') return { ...base, outcome: t('election.results.noVotes') }
  if (c.outcome === 'invalid') return { ...base, outcome: t('election.results.invalid') }
  if (snap.elected.length === 0) return { ...base, outcome: t('election.results.noneElected') }
  // the summary's elected line replaces the outcome sentence
  return { ...base, outcome: '', elected: snap.elected.map((e) => e.name) }
}

/**
 * What the chats get instead of the summary when the compound's ledger failed verification: what is wrong, and
 * that the committee has been told; no figures and no chart (docs/LEDGER.md).
 */
export function untrustedDisclosure(item: DisclosureItem, failure: LedgerFailure): { parts: string[]; chart: null } {
  const t = translator(compoundLang(item.compound))
  return { parts: [untrustedDisclosureText(t, item.compound, item.period, failure)], chart: null }
}

/**
 * Everything the summary and the chart of each item's period show, as of `now`, in the order of `items`:
 * about a dozen queries for the whole list (pass a chunk of a few hundred compounds).
 */
export async function gatherDisclosures(q: Queryable, items: readonly DisclosureItem[], opts: { now: Date }): Promise<DisclosureData[]> {
  const facts = await gatherFacts(q, items, opts)
  return items.map((item, ix) => disclosureData(item, facts[ix]!, opts.now))
}

/** Everything the summary and the chart of `period` show, as of `now` (gatherDisclosures for one compound). */
export async function gatherDisclosure(
  q: Queryable,
  compound: CompoundRow,
  period: Period,
  opts: { now: Date; late?: boolean },
): Promise<DisclosureData> {
  const [data] = await gatherDisclosures(q, [{ compound, period, late: opts.late }], { now: opts.now })
  return data!
}
