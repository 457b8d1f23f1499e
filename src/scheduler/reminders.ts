// Daily messages to the committee (committee members and the head, privately): overdue repair tickets,
// and the legal calendar — an open ordinary/major poll running with less notice than the compound requires
// (not one the head shortened on purpose with 紧急: its launch post says so already; never once it has
// closed, when nothing can be done about it), or a closed poll whose result has not reached the chats
// within 3 days. Built here, written to the outbox by the tick (src/scheduler/tick.ts) with dedupe keys
// per poll, so each goes out once.
import { noticeDaysOf } from '../services/polls.ts'
import type { Queryable } from '../../db/client.ts'
import type { CompoundRow } from '../../db/compounds.ts'
import { pollResultSent, recentPollsOf } from '../../db/disclosure.ts'
import { activeTickets, committeeMemberIds, type TicketView } from '../../db/ticket-queries.ts'
import type { PollRow } from '../disclosure/facts.ts'
import { localDateString } from '../domain/calendar.ts'
import { daysOverdue, isOverdue, overdueDaysOf } from '../domain/repair-overdue.ts'
import { packMessages } from '../render/summary.ts'
import { formatLocal } from '../domain/poll-time.ts'
import { noticeDays, resultDue, shortNotice } from '../domain/legal-calendar.ts'
import { translator } from '../i18n/index.ts'
import type { DetachedReply } from '../outbox/enqueue.ts'
import { compoundLang } from '../disclosure/build.ts'

const DAY = 86_400_000
export { RESULT_POST_DAYS } from '../domain/legal-calendar.ts'
/** How far back the legal calendar looks. */
const LOOKBACK_DAYS = 30
const MAX_LISTED = 40

/**
 * What the daily run read for a whole chunk of compounds at once (src/scheduler/daily.ts): given, these
 * functions run no query of their own.
 */
export interface PrefetchedCommitteeData {
  /** activeTickets of the compound */
  tickets: TicketView[]
  /** committeeMemberIds of the compound */
  committee: number[]
  /** recentPollsOf the compound since LOOKBACK_DAYS before now */
  polls: PollRow[]
  /** of those polls, the ids whose result reached a chat (pollResultSent) */
  resultsSent: ReadonlySet<number>
}

/** How far back the legal calendar looks, from `now`. */
export const legalCalendarSince = (now: Date) => new Date(now.getTime() - LOOKBACK_DAYS * DAY)

/** Overdue tickets, privately to each committee member; `day` is the local date (one reminder a day). */
export async function overdueReminders(
  q: Queryable,
  compound: CompoundRow,
  now: Date,
  day: string,
  data?: PrefetchedCommitteeData,
): Promise<DetachedReply[]> {
  const t = translator(compoundLang(compound))
  const tz = compound.timeZone
  const limit = overdueDaysOf(compound.settings)
  const late = (data?.tickets ?? (await activeTickets(q, compound.id))).filter((v) => isOverdue(v.ticket.createdAt, now, limit, tz))
  if (late.length === 0) return []
  const committee = data?.committee ?? (await committeeMemberIds(q, compound.id))
  if (committee.length === 0) return []
  const lines = late.slice(0, MAX_LISTED).map((v) => {
    const name = v.assigneeMemberName ?? v.ticket.assigneeName
    const description = [...v.ticket.description].length > 40 ? `${[...v.ticket.description].slice(0, 39).join('')}…` : v.ticket.description
    return t('disclosure.overdue.item', {
      no: v.ticket.no,
      description,
      place: v.householdCode ?? v.ticket.place ?? t('disclosure.overdue.common'),
      date: localDateString(v.ticket.createdAt, tz),
      days: daysOverdue(v.ticket.createdAt, now, limit, tz),
      who: name ? t('disclosure.overdue.assignee', { name }) : t('disclosure.overdue.unassigned'),
    })
  })
  if (late.length > MAX_LISTED) lines.push('  …')
  const header = t('disclosure.overdue.header', { compound: compound.name, count: late.length, limit })
  const parts = packMessages(header, header, lines)
  return committee.flatMap((memberId) =>
    parts.map((text, i) => ({ to: 'member' as const, memberId, text, dedupeKey: `repair-overdue:${compound.id}:${day}:m${memberId}:${i + 1}` })),
  )
}

/** Legal-calendar flags, privately to each committee member; each flag once per poll. */
export async function legalCalendarFlags(q: Queryable, compound: CompoundRow, now: Date, data?: PrefetchedCommitteeData): Promise<DetachedReply[]> {
  const t = translator(compoundLang(compound))
  const tz = compound.timeZone
  const minDays = noticeDaysOf(compound.settings)
  const flags: { key: string; text: string }[] = []
  const since = legalCalendarSince(now)
  for (const p of data?.polls ?? (await recentPollsOf(q, compound.id, since))) {
    if (shortNotice(p, now, minDays, since)) {
      flags.push({
        key: `legal-notice:${p.id}`,
        text: t('disclosure.legal.shortNotice', { no: p.no, title: p.title, rule: t(`disclosure.rule.${p.rule}`), days: noticeDays(p), min: minDays }),
      })
    }
    if (resultDue(p, now, since) && !(data ? data.resultsSent.has(p.id) : await pollResultSent(q, p.id))) {
      flags.push({ key: `legal-result:${p.id}`, text: t('disclosure.legal.resultNotPosted', { no: p.no, title: p.title, date: formatLocal(p.closedAt!, tz) }) })
    }
  }
  if (flags.length === 0) return []
  const committee = data?.committee ?? (await committeeMemberIds(q, compound.id))
  return flags.flatMap((f) => committee.map((memberId) => ({ to: 'member' as const, memberId, text: f.text, dedupeKey: `${f.key}:m${memberId}` })))
}
