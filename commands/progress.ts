// 进度 #<n> <说明>: a progress note by the committee or the assignee; the ticket is then in progress.
import { z } from 'zod'
import { defineCommand, reply } from '../src/pipeline/command.ts'
import { chars, loadTicket, MAX_NOTE, requireTransition, splitTicketNo, ticketAssignee, ticketNo, transitionTicket } from '../src/services/repairs.ts'

export default defineCommand({
  name: 'progress',
  keywords: { 'zh-CN': ['进度'], 'zh-TW': ['進度'], en: ['progress'] },
  role: 'committee',
  or: ticketAssignee('progress'),
  parse(raw) {
    const { no, rest } = splitTicketNo(raw)
    return { no, note: rest }
  },
  args: z.object({
    no: ticketNo,
    note: z
      .string()
      .trim()
      .min(1, 'repairs.missingNote')
      .refine((s) => chars(s) <= MAX_NOTE, 'repairs.noteTooLong'),
  }),
  async run(ctx, args) {
    const ticket = await loadTicket(ctx, args.no)
    const to = requireTransition(ctx, ticket, 'progress')
    await transitionTicket(ctx.tx, ticket, { action: 'progress', to, actorMemberId: ctx.member.id, note: args.note, at: ctx.now })
    return [reply.chat(ctx.t('repairs.progressed', { no: ticket.no, note: args.note }))]
  },
})
