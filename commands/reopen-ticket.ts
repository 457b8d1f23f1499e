// 驳回 #<n> <原因>: the reporter (or the committee) says the fix did not hold; the ticket is reopened
// and goes back to its assignee (派单 may give it to someone else). Not 关闭 (close-ticket.ts).
import { defineCommand, reply } from '../src/pipeline/command.ts'
import { loadTicket, MAX_NOTE, requireTransition, ticketReporter, ticketWithReason, transitionTicket } from '../src/services/repairs.ts'

export default defineCommand({
  name: 'reopen',
  keywords: { 'zh-CN': ['驳回'], 'zh-TW': ['駁回'], en: ['reopen'] },
  role: 'committee',
  or: ticketReporter('reopen'),
  ...ticketWithReason('repairs.missingReason', MAX_NOTE),
  async run(ctx, args) {
    const ticket = await loadTicket(ctx, args.no)
    const to = requireTransition(ctx, ticket, 'reopen')
    await transitionTicket(ctx.tx, ticket, {
      action: 'reopen',
      to,
      actorMemberId: ctx.member.id,
      note: args.reason,
      at: ctx.now,
      set: { doneAt: null },
    })
    return [reply.chat(ctx.t('repairs.reopened', { no: ticket.no, reason: args.reason }))]
  },
})
