// 关闭 #<n> <原因>: the committee closes a ticket that is not a repair, or a duplicate (status `rejected`).
// Its id stays `reject`: it is what users type (/reject) and the action stored in ticket events.
import { defineCommand, reply } from '../src/pipeline/command.ts'
import { loadTicket, MAX_NOTE, requireTransition, ticketWithReason, transitionTicket } from '../src/services/repairs.ts'

export default defineCommand({
  name: 'reject',
  keywords: { 'zh-CN': ['关闭'], 'zh-TW': ['關閉'], en: ['reject'] },
  role: 'committee',
  ...ticketWithReason('repairs.missingRejectReason', MAX_NOTE),
  async run(ctx, args) {
    const ticket = await loadTicket(ctx, args.no)
    const to = requireTransition(ctx, ticket, 'reject')
    await transitionTicket(ctx.tx, ticket, {
      action: 'reject',
      to,
      actorMemberId: ctx.member.id,
      note: args.reason,
      at: ctx.now,
      set: { closedAt: ctx.now },
    })
    return [reply.chat(ctx.t('repairs.rejected', { no: ticket.no, reason: args.reason }))]
  },
})
