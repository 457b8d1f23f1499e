// The disclosure summary (公示) of one compound and period, as chat text. Pure: the caller gathers the
// data (src/disclosure/build.ts); this renders it in the compound's language, money with formatMoney,
// dates in the compound's time zone, and splits it into messages no longer than a platform allows
// (Telegram: 4096) without ever breaking an item.
//
// Privacy (docs/DEVELOPING.md "Privacy in group messages"): a public summary never shows a phone number or a full owner name. Free text
// typed by the committee (expense reasons, payees, poll titles) passes through `redact`: digit runs that
// look like phone numbers become ***, and every known private name (roster owners, members' display
// names) is masked to its first character and * (张三 → 张*). Arrears (charges past due and unpaid at the
// period's end) are a count; room numbers only when the head turned `arrearsRoomsPublic` on. The elected of a
// closed election are the one exception to masking: named in full, as the election's own posts name them.
import { type Lang, type Translator, translator } from '../i18n/index.ts'
import { localDateString, type Period } from '../domain/calendar.ts'
import { candidate, maskNames, maskPhones, ownerNameParts } from '../domain/group-privacy.ts'
import { formatMoney } from '../domain/money.ts'
import { formatLocal } from '../domain/poll-time.ts'
import { formatDeadline } from './polls.ts'

/** Telegram's limit for one text message (UTF-16 code units). */
export const MESSAGE_LIMIT = 4096

export interface SummaryItem {
  /** ledger serial of the entry */
  serial: number
  at: Date
  /** the entry's effect in the period: positive, or negative for a reversal */
  amountFen: bigint
  category: string | null
  note: string | null
  /** payee of an expense, payer of an income */
  party: string | null
  ticketNo: number | null
  /** set on a reversal: the serial it reverses */
  reversesSerial: number | null
}

export interface SummaryPoll {
  no: number
  title: string
  /** the rendered result sentence of a closed poll; null while it is open */
  outcome: string | null
  deadline: Date
  /**
   * A closed election: who was elected, by ballot name, shown in full (standing is consent, 公示; the outbox
   * row lets them through the group scrub: summaryPublicNames). Their line replaces `outcome`.
   */
  elected?: readonly string[]
}

export interface SummaryInput {
  compound: { name: string; timeZone: string; language: Lang; settings: { arrearsRoomsPublic?: boolean } }
  period: Period
  /** when the data was read; before `period.to` the period is not over (an on-demand 公示) */
  asOf: Date
  /** posted after its scheduled time (catch-up after downtime) */
  late: boolean
  openingFen: bigint
  closingFen: bigint
  payments: { households: number; totalFen: bigint }
  otherIncome: { totalFen: bigint; items: SummaryItem[] }
  expenses: { totalFen: bigint; items: SummaryItem[] }
  repairs: { opened: number; done: number; open: number; overdue: number }
  polls: SummaryPoll[]
  /** ledger chain head (full hash; 12 hex characters are shown) and number of entries */
  chain: { head: string; count: number }
  /** households with charges past due and unpaid at `asOf` (the period's end, or now while it runs) */
  arrears: { asOf: Date; count: number; totalFen: bigint; rooms: string[] }
  /** full names that must never appear (roster owner names, members' display names) */
  privateNames: readonly string[]
}

// ---- privacy ---------------------------------------------------------------------------------

export interface Redactor {
  (text: string): string
}

/**
 * A redactor for free text: phone numbers become ***, the given full names are masked (张三 → 张*), with the
 * group scrub's own functions (src/domain/group-privacy.ts) so a summary, a CSV and a chat message agree.
 */
export function redactor(privateNames: readonly string[]): Redactor {
  // a roster's owner_name may carry more than the name ("李建国 13812345678"): mask its name parts too
  const names = privateNames.flatMap((n) => [n.trim(), ...ownerNameParts(n)])
  return (text: string) => maskNames(maskPhones(text), names).replace(/\s+/g, ' ').trim()
}

// ---- rendering -------------------------------------------------------------------------------

export function categoryLabel(t: Translator, category: string | null): string {
  const key = `ledger.cat.${category || 'other'}`
  const s = t(key)
  return s === key ? (category ?? key) : s
}

export function periodLabel(t: Translator, p: Pick<Period, 'kind' | 'key'>): string {
  switch (p.kind) {
    case 'week': {
      const [year, week] = p.key.split('-W') as [string, string]
      return t('disclosure.period.week', { year, week: Number(week) })
    }
    case 'month': {
      const [year, month] = p.key.split('-') as [string, string]
      return t('disclosure.period.month', { year, month: Number(month) })
    }
    case 'year':
      return t('disclosure.period.year', { year: p.key })
  }
}

/** `2026-11-16` to `2026-11-22`: the period's first and last local day. */
function periodDays(p: Period, timeZone: string): { from: string; to: string } {
  return { from: localDateString(p.from, timeZone), to: localDateString(new Date(p.to.getTime() - 1), timeZone) }
}

function itemLine(t: Translator, item: SummaryItem, timeZone: string, redact: Redactor, partyKey: string): string {
  let line = t('disclosure.item', {
    date: localDateString(item.at, timeZone).slice(5),
    category: categoryLabel(t, item.category),
    amount: formatMoney(item.amountFen),
  })
  if (item.reversesSerial !== null) line += t('disclosure.item.reversal', { serial: item.reversesSerial })
  const note = item.note ? redact(item.note) : ''
  if (note) line += t('disclosure.item.note', { note })
  if (item.ticketNo !== null) line += t('disclosure.item.ticket', { no: item.ticketNo })
  const party = item.party ? redact(item.party) : ''
  if (party) line += t(partyKey, { name: party })
  return line
}

/** The summary as lines: the header first, then one line per item. */
export function summaryLines(input: SummaryInput): { header: string; continued: string; lines: string[] } {
  const t = translator(input.compound.language)
  const tz = input.compound.timeZone
  const redact = redactor(input.privateNames)
  const compound = input.compound.name
  const period = periodLabel(t, input.period)
  const days = periodDays(input.period, tz)
  const header = t('disclosure.title', { compound, period, from: days.from, to: days.to })
  const continued = t('disclosure.titleCont', { compound, period })
  const lines: string[] = []
  if (input.late) lines.push(t('disclosure.late'))
  if (input.asOf.getTime() < input.period.to.getTime()) lines.push(t('disclosure.asOf', { time: formatLocal(input.asOf, tz) }))

  lines.push(t('disclosure.section.money'))
  lines.push(t('disclosure.opening', { amount: formatMoney(input.openingFen) }))
  lines.push(t('disclosure.fees', { amount: formatMoney(input.payments.totalFen), households: input.payments.households }))
  lines.push(t('disclosure.income', { amount: formatMoney(input.otherIncome.totalFen), count: input.otherIncome.items.length }))
  for (const item of input.otherIncome.items) lines.push(itemLine(t, item, tz, redact, 'disclosure.item.payer'))
  lines.push(t('disclosure.expenses', { amount: formatMoney(input.expenses.totalFen), count: input.expenses.items.length }))
  for (const item of input.expenses.items) lines.push(itemLine(t, item, tz, redact, 'disclosure.item.payee'))
  lines.push(t('disclosure.closing', { amount: formatMoney(input.closingFen) }))
  // the day the arrears are counted at: the period's last day (the instant is the end of it), or today
  const arrearsDate = localDateString(new Date(input.arrears.asOf.getTime() - 1), tz)
  if (input.arrears.count === 0) lines.push(t('disclosure.arrearsNone', { date: arrearsDate }))
  else {
    lines.push(t('disclosure.arrears', { date: arrearsDate, count: input.arrears.count, amount: formatMoney(input.arrears.totalFen) }))
    if (input.compound.settings.arrearsRoomsPublic === true && input.arrears.rooms.length > 0) {
      lines.push(t('disclosure.arrearsRooms', { rooms: input.arrears.rooms.join('、') }))
    }
  }

  lines.push(t('disclosure.section.repairs'))
  lines.push(t('disclosure.repairs', { ...input.repairs }))

  lines.push(t('disclosure.section.polls'))
  if (input.polls.length === 0) lines.push(t('disclosure.pollsNone'))
  for (const p of input.polls) {
    const title = redact(p.title)
    if (p.elected && p.elected.length > 0) {
      lines.push(t('disclosure.electionElected', { no: p.no, title, list: p.elected.map(candidate).join('、') }))
      continue
    }
    lines.push(
      p.outcome === null
        ? t('disclosure.pollOpen', { no: p.no, title, deadline: formatDeadline(p.deadline, tz) })
        : t('disclosure.pollClosed', { no: p.no, title, outcome: redact(p.outcome) }),
    )
  }

  lines.push(t('disclosure.chain', { head: input.chain.head.slice(0, 12), count: input.chain.count }))
  return { header, continued, lines }
}

/**
 * Pack lines into messages of at most `max` characters (UTF-16 units, as Telegram counts): the first
 * starts with `header`, later ones with `continued`; a line is never split across messages (one longer
 * than a whole message is cut short with …).
 */
export function packMessages(header: string, continued: string, lines: readonly string[], max = MESSAGE_LIMIT): string[] {
  const out: string[] = []
  let current = header
  let hasItem = false
  for (const raw of lines) {
    const room = max - continued.length - 1
    const line = raw.length > room ? `${raw.slice(0, Math.max(0, room - 1))}…` : raw
    if (current.length + 1 + line.length > max && hasItem) {
      out.push(current)
      current = continued
    }
    current += `\n${line}`
    hasItem = true
  }
  out.push(current.length > max ? `${current.slice(0, max - 1)}…` : current)
  return out
}

/** The names a summary shows in full where marked candidate(): the elected of its closed elections. */
export function summaryPublicNames(input: Pick<SummaryInput, 'polls'>): string[] {
  return input.polls.flatMap((p) => p.elected ?? [])
}

/** The summary as chat messages in the compound's language. */
export function renderSummary(input: SummaryInput, max = MESSAGE_LIMIT): string[] {
  const { header, continued, lines } = summaryLines(input)
  return packMessages(header, continued, lines, max)
}

/** The caption of the chart image. */
export function chartCaption(input: Pick<SummaryInput, 'compound' | 'period'>): string {
  const t = translator(input.compound.language)
  return t('disclosure.chart.caption', { compound: input.compound.name, period: periodLabel(t, input.period) })
}
