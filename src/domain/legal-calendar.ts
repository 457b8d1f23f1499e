// The legal calendar of a poll (art. 278 practice, docs/POLLS.md): the two things the committee is warned about
// daily (src/scheduler/reminders.ts) and a supervisor sees in the weekly digest (src/services/oversight.ts). Pure.

const DAY = 86_400_000
/** A closed poll's result must reach the chats within this long. */
export const RESULT_POST_DAYS = 3

export interface LegalPoll {
  rule: 'simple' | 'ordinary' | 'major'
  status: string
  urgent: boolean
  createdAt: Date
  deadline: Date
  closedAt: Date | null
}

/**
 * An open ordinary/major poll running with less notice than the compound requires (`minDays`), launched since
 * `since`; not one the head shortened on purpose (紧急), and never once it has closed.
 */
export function shortNotice(p: LegalPoll, now: Date, minDays: number, since: Date): boolean {
  const running = p.status === 'open' && p.deadline.getTime() > now.getTime()
  if (p.rule === 'simple' || !running || p.urgent || p.createdAt.getTime() < since.getTime()) return false
  return p.deadline.getTime() - p.createdAt.getTime() < minDays * DAY
}

/** The notice a poll was given, in whole days. */
export const noticeDays = (p: Pick<LegalPoll, 'createdAt' | 'deadline'>): number => Math.floor((p.deadline.getTime() - p.createdAt.getTime()) / DAY)

/** A poll closed (since `since`) RESULT_POST_DAYS ago or more: its result must have reached a chat by now. */
export function resultDue(p: LegalPoll, now: Date, since: Date): boolean {
  return p.status === 'closed' && p.closedAt !== null && p.closedAt.getTime() >= since.getTime() && now.getTime() - p.closedAt.getTime() >= RESULT_POST_DAYS * DAY
}
