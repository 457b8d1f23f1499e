// Notice texts (issue 17): the post with its 收到 button, the committee's list of households that have not
// acknowledged (per building), and the one reminder (a count only). Values in, text out.
import type { Button } from '../core/messages.ts'
import { formatLocal } from '../domain/poll-time.ts'
import type { Translator } from '../i18n/index.ts'
import { packMessages } from './summary.ts'

export function noticeText(t: Translator, no: number, text: string): string {
  return t('notice.post', { no, text })
}

/** Telegram: one 收到 button, fed back as `/ack <no>` by the presser. */
export function noticeButtons(t: Translator, no: number): Button[][] {
  return [[{ text: t('notice.button'), data: `/ack ${no}` }]]
}

export interface UnreadView {
  no: number
  createdAt: Date
  total: number
  acked: number
  /** buildings in roster order, each with the rooms that have not acknowledged */
  missing: { building: string; rooms: string[] }[]
  /** people who acknowledged without a verified room (they count for no household) */
  unboundAckers: number
}

/** The committee's private answer to 通知 #n 未读. */
export function unreadTexts(t: Translator, v: UnreadView, timeZone: string): string[] {
  const date = formatLocal(v.createdAt, timeZone)
  const missing = v.missing.reduce((n, b) => n + b.rooms.length, 0)
  const header = t('notice.unread.header', { no: v.no, date, acked: v.acked, total: v.total, missing })
  const lines = v.missing.map((b) => t('notice.unread.building', { building: b.building, count: b.rooms.length, rooms: b.rooms.join('、') }))
  if (missing === 0) lines.push(t('notice.unread.all', { total: v.total }))
  if (v.unboundAckers > 0) lines.push(t('notice.unread.members', { members: v.unboundAckers }))
  return packMessages(header, t('notice.unread.cont', { no: v.no }), lines)
}

/** The first line of a notice, shortened: what the reminder quotes. */
export function excerpt(text: string, max = 60): string {
  const first = text.split('\n').find((l) => l.trim() !== '')?.trim() ?? ''
  const chars = [...first]
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : first
}

export function reminderText(t: Translator, n: { no: number; createdAt: Date; text: string }, count: number, timeZone: string): string {
  return t('notice.remind', { no: n.no, date: formatLocal(n.createdAt, timeZone), count, excerpt: excerpt(n.text) })
}
