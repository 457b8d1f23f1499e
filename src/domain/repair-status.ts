// The repair ticket status machine. Pure: the commands ask it before writing anything.
//
//   open → assigned → in_progress → done → confirmed
//                 ↖        ↑         │
//                  reopened ←────────┘ (驳回: the fix did not hold)
//   open | assigned | in_progress | reopened → rejected (committee: not a repair, duplicate)
//
// 派单 may also re-assign (assigned, in_progress) and takes a reopened ticket back to assigned;
// the assignee may resume a reopened ticket directly with 进度 or 完工.

export const TICKET_STATUSES = ['open', 'assigned', 'in_progress', 'done', 'confirmed', 'reopened', 'rejected'] as const
export type TicketStatus = (typeof TICKET_STATUSES)[number]

export const TICKET_ACTIONS = ['assign', 'progress', 'done', 'confirm', 'reopen', 'reject'] as const
export type TicketAction = (typeof TICKET_ACTIONS)[number]

const RULES: Record<TicketAction, { from: readonly TicketStatus[]; to: TicketStatus }> = {
  assign: { from: ['open', 'assigned', 'in_progress', 'reopened'], to: 'assigned' },
  progress: { from: ['assigned', 'in_progress', 'reopened'], to: 'in_progress' },
  done: { from: ['assigned', 'in_progress', 'reopened'], to: 'done' },
  confirm: { from: ['done'], to: 'confirmed' },
  reopen: { from: ['done'], to: 'reopened' },
  reject: { from: ['open', 'assigned', 'in_progress', 'reopened'], to: 'rejected' },
}

/** The status after `action`, or null when the action is not allowed from `status`. */
export function nextStatus(status: string, action: TicketAction): TicketStatus | null {
  const rule = RULES[action]
  return (rule.from as readonly string[]).includes(status) ? rule.to : null
}

/** Statuses from which `action` is allowed (for tests and messages). */
export function allowedFrom(action: TicketAction): readonly TicketStatus[] {
  return RULES[action].from
}

/** Not yet repaired: these count as open in the list and can become overdue. */
const ACTIVE_STATUSES: readonly TicketStatus[] = ['open', 'assigned', 'in_progress', 'reopened']

export function isActive(status: string): boolean {
  return (ACTIVE_STATUSES as readonly string[]).includes(status)
}
