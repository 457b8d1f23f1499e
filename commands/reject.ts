// 关闭 #<n> <原因>: the committee closes a ticket that is not a repair, or a duplicate.
import { z } from 'zod'
import { transitionTicket } from '../db/tickets.ts'
import { defineCommand, reply } from '../src/pipeline/command.ts'
import { MAX_NOTE } from './progress.ts'
import { chars, loadTicket, requireTransition, splitTicketNo, ticketNo } from './repair-shared.ts'

export default defineCommand({
  name: 'reject',
  keywords: { 'zh-CN': ['关闭'], 'zh-TW': ['關閉'], en: ['reject'] },
  role: 'committee',
  parse(raw) {
    const { no, rest } = splitTicketNo(raw)
    return { no, reason: rest }
  },
  args: z.object({
    no: ticketNo,
    reason: z
      .string()
      .trim()
      .min(1, 'repairs.missingRejectReason')
      .refine((s) => chars(s) <= MAX_NOTE, 'repairs.reasonTooLong'),
  }),
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
