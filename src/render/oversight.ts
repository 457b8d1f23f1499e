// The community supervisor's digest (docs/OVERSIGHT.md) as chat text: one block per compound — the last
// scheduled 公示 on time or not, balance, arrears rate, open and overdue repairs, polls with their legal-calendar
// flags. Pure: src/services/oversight.ts gathers the values. Private to the supervisor only, never to a group.
import type { Period, PeriodKind } from '../domain/calendar.ts'
import { formatMoney } from '../domain/money.ts'
import { formatLocal } from '../domain/poll-time.ts'
import type { Translator } from '../i18n/index.ts'
import { formatDeadline } from './polls.ts'
import { packMessages, periodLabel } from './summary.ts'

/** The scheduled 公示 of one period kind: posted on time, late, not at all, nothing to post, or not due yet. */
export interface DisclosureCheck {
  kind: PeriodKind
  period: Pick<Period, 'kind' | 'key'>
  /** the slot it was (or is) due at */
  dueAt: Date
  status: 'onTime' | 'late' | 'missing' | 'empty' | 'pending'
  /** when it was posted (onTime, late) */
  postedAt: Date | null
}

export interface OversightPoll {
  no: number
  title: string
  kind: 'poll' | 'election' | 'opinion'
  status: 'nominating' | 'open' | 'closed'
  deadline: Date
  closedAt: Date | null
  rule: 'simple' | 'ordinary' | 'major'
  /** too short a notice for an ordinary/major poll (days given, days required) */
  shortNotice: { days: number; min: number } | null
  /** closed over 3 days ago and its result never reached a chat */
  resultNotPosted: boolean
}

export interface OversightView {
  compound: { name: string; timeZone: string }
  asOf: Date
  /** the week's and the month's scheduled 公示 (a kind switched off is left out) */
  disclosures: DisclosureCheck[]
  /** the ledger fails verification: the figures cannot be trusted */
  untrusted: boolean
  balanceFen: bigint
  arrears: { households: number; billed: number }
  repairs: { open: number; overdue: number }
  polls: OversightPoll[]
}

/** Households in arrears over households billed, as a percentage with one decimal. */
export function arrearsRate(a: OversightView['arrears']): string {
  return `${((a.households * 100) / a.billed).toFixed(1)}%`
}

/** One compound's block. */
export function oversightLines(t: Translator, v: OversightView): string[] {
  const tz = v.compound.timeZone
  const lines = [t('oversight.compound', { name: v.compound.name })]
  if (v.disclosures.length === 0) lines.push(t('oversight.disclosure.off'))
  for (const d of v.disclosures) {
    const period = periodLabel(t, d.period)
    const time = formatLocal(d.status === 'late' && d.postedAt ? d.postedAt : d.dueAt, tz)
    lines.push(t(`oversight.disclosure.${d.status}`, { period, time }))
  }
  if (v.untrusted) lines.push(t('oversight.untrusted'))
  lines.push(t('oversight.balance', { amount: formatMoney(v.balanceFen) }))
  lines.push(
    v.arrears.billed === 0
      ? t('oversight.arrearsNone')
      : t('oversight.arrears', { rate: arrearsRate(v.arrears), count: v.arrears.households, billed: v.arrears.billed }),
  )
  lines.push(t('oversight.repairs', { open: v.repairs.open, overdue: v.repairs.overdue }))
  if (v.polls.length === 0) lines.push(t('oversight.polls.none'))
  else lines.push(t('oversight.polls'))
  for (const p of v.polls) {
    const kind = t(`oversight.kind.${p.kind}`)
    const params = { kind, no: p.no, title: p.title, deadline: formatDeadline(p.deadline, tz), date: p.closedAt ? formatLocal(p.closedAt, tz) : '' }
    lines.push(t(`oversight.poll.${p.status}`, params))
    if (p.shortNotice) lines.push(t('oversight.flag.shortNotice', { rule: t(`disclosure.rule.${p.rule}`), days: p.shortNotice.days, min: p.shortNotice.min }))
    if (p.resultNotPosted) lines.push(t('oversight.flag.resultNotPosted'))
  }
  return lines
}

/** The digest of several compounds, split into messages a platform accepts (never inside a compound's line). */
export function oversightTexts(t: Translator, views: readonly OversightView[], timeZone: string): string[] {
  if (views.length === 0) return []
  const header = t('oversight.title', { time: formatLocal(views[0]!.asOf, timeZone) })
  const lines = views.flatMap((v, i) => (i === 0 ? oversightLines(t, v) : ['', ...oversightLines(t, v)]))
  return packMessages(header, header, lines)
}
