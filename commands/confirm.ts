// 确认 #<n>: the reporter (or the committee) confirms the fix; the ticket is closed.
import { z } from 'zod'
import { defineCommand, reply } from '../src/pipeline/command.ts'
import { loadTicket, requireTransition, splitTicketNo, ticketNo, ticketReporter, transitionTicket } from '../src/services/repairs.ts'

export default defineCommand({
  name: 'confirm',
  keywords: { 'zh-CN': ['确认'], 'zh-TW': ['確認'], en: ['confirm'] },
  role: 'committee',
  or: ticketReporter('confirm'),
  parse(raw) {
    return { no: splitTicketNo(raw).no }
  },
  args: z.object({ no: ticketNo }),
  async run(ctx, args) {
    const ticket = await loadTicket(ctx, args.no)
    const to = requireTransition(ctx, ticket, 'confirm')
    await transitionTicket(ctx.tx, ticket, { action: 'confirm', to, actorMemberId: ctx.member.id, at: ctx.now, set: { closedAt: ctx.now } })
    return [reply.chat(ctx.t('repairs.confirmed', { no: ticket.no }))]
  },
})
