// Notices with acknowledgement (通知 / 收到, issue 17). A notice is numbered per compound and posted to every chat
// of it; each member acknowledges once (notice_acks, append-only, one row per member), and a household counts as
// having acknowledged when a member with a verified binding to it has (or a building captain recorded it for
// the household). One reminder goes to the groups `noticeReminderHours` after posting (setting, default 48; 0:
// none), naming only how many households have not confirmed — never in the compound's quiet hours, never twice
// (notices.reminded_at, set in the transaction that posts it).
import type { Db, Queryable, Tx } from '../../db/client.ts'
import {
  ackedHouseholds,
  createNotice,
  dueNoticeReminders,
  insertAck,
  markReminded,
  type NoticeRow,
  noticeHouseholds,
  unboundAckers,
} from '../../db/notices.ts'
import { compoundOf } from '../../db/polls.ts'
import { compoundIsQuiet } from '../domain/quiet-hours.ts'
import { enqueueReplies } from '../outbox/enqueue.ts'
import { reminderText, type UnreadView } from '../render/notices.ts'
import { compoundTranslator } from './polls.ts'

export { findNotice, latestNoticeSince, type NoticeRow } from '../../db/notices.ts'

export const DEFAULT_NOTICE_REMINDER_HOURS = 48
/** A bare 收到 acknowledges the compound's newest notice of this many days. */
export const ACK_WINDOW_DAYS = 14
export const MAX_NOTICE = 1500

/** Hours after posting when the one reminder goes; null: no reminder (setting 0). */
export function noticeReminderHoursOf(settings: { noticeReminderHours?: unknown } | null | undefined): number | null {
  const v = settings?.noticeReminderHours
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v === 0 ? null : v
  return DEFAULT_NOTICE_REMINDER_HOURS
}

export async function postNotice(
  tx: Tx,
  compound: { id: number; settings: { noticeReminderHours?: unknown } },
  n: { text: string; memberId: number; now: Date },
): Promise<NoticeRow> {
  const hours = noticeReminderHoursOf(compound.settings)
  return createNotice(tx, {
    compoundId: compound.id,
    text: n.text,
    createdBy: n.memberId,
    createdAt: n.now,
    remindAt: hours === null ? null : new Date(n.now.getTime() + hours * 3_600_000),
  })
}

/** A member's 收到: false when they had acknowledged this notice already (nothing written). */
export async function acknowledge(tx: Tx, notice: NoticeRow, a: { memberId: number; householdId: number | null; now: Date }): Promise<boolean> {
  return insertAck(tx, { compoundId: notice.compoundId, noticeId: notice.id, memberId: a.memberId, householdId: a.householdId, ackedAt: a.now })
}

/** Who has not acknowledged, per building (for the committee), with the totals. */
export async function unreadOf(q: Queryable, notice: NoticeRow): Promise<UnreadView> {
  const [all, acked, unbound] = await Promise.all([
    noticeHouseholds(q, notice.compoundId),
    ackedHouseholds(q, notice.compoundId, notice.id),
    unboundAckers(q, notice.compoundId, notice.id),
  ])
  const missing = new Map<string, string[]>()
  let ackedCount = 0
  for (const h of all) {
    if (acked.has(h.id)) {
      ackedCount++
      continue
    }
    missing.set(h.building, [...(missing.get(h.building) ?? []), h.code])
  }
  return {
    no: notice.no,
    createdAt: notice.createdAt,
    total: all.length,
    acked: ackedCount,
    missing: [...missing].map(([building, rooms]) => ({ building, rooms })),
    unboundAckers: unbound,
  }
}

/**
 * Send the reminders that are due: one post per notice to every chat of its compound with the number of households
 * that have not confirmed (no rooms in a group). A compound in its quiet hours is left for a later tick; a notice
 * everyone acknowledged is marked reminded without a post. Returns the notices reminded (posted).
 */
export async function remindDueNotices(db: Db, now: Date): Promise<{ compoundId: number; no: number; count: number }[]> {
  const out: { compoundId: number; no: number; count: number }[] = []
  const due = await dueNoticeReminders(db, now)
  for (const notice of due) {
    const done = await db.transaction(async (tx) => {
      const compound = await compoundOf(tx, notice.compoundId)
      if (!compound || compoundIsQuiet(compound, now)) return null
      if (!(await markReminded(tx, notice.id, now))) return null
      const view = await unreadOf(tx, notice)
      const count = view.total - view.acked
      if (count === 0) return null
      const t = compoundTranslator(compound)
      const text = reminderText(t, notice, count, compound.timeZone)
      await enqueueReplies(tx, compound, [{ to: 'compound', text, dedupeKey: `notice-remind:${notice.id}` }], { now })
      return { compoundId: compound.id, no: notice.no, count }
    })
    if (done) out.push(done)
  }
  return out
}
