// 派单 #<n> <@成员或姓名>: give a ticket to a member (who may then report progress and completion)
// or to a free-text name such as 王师傅 (the committee reports for them). A name written as an
// @-mention must be a member of the compound; a plain name is a member when one has it, else free text.
import { z } from 'zod'
import { findCompoundMembers } from '../db/members.ts'
import { transitionTicket, ticketView } from '../db/tickets.ts'
import { defineCommand, reply, type Reply, UserError } from '../src/pipeline/command.ts'
import { resolveMember } from '../src/pipeline/members.ts'
import { chars, loadTicket, requireTransition, short, splitTicketNo, ticketNo, what } from './repair-shared.ts'

export const MAX_ASSIGNEE = 30

export default defineCommand({
  name: 'assign',
  keywords: { 'zh-CN': ['派单'], 'zh-TW': ['派單'], en: ['assign'] },
  role: 'committee',
  parse(raw) {
    const { no, rest } = splitTicketNo(raw)
    return { no, name: rest }
  },
  args: z.object({
    no: ticketNo,
    name: z
      .string()
      .trim()
      .min(1, 'repairs.missingAssignee')
      .refine((s) => chars(s) <= MAX_ASSIGNEE, 'repairs.assigneeTooLong'),
  }),
  async run(ctx, args) {
    const { tx, t } = ctx
    const ticket = await loadTicket(ctx, args.no)
    const to = requireTransition(ctx, ticket, 'assign')

    let memberId: number | null = null
    let name = args.name.replace(/^@\s*/, '')
    if (args.name.startsWith('@')) {
      const m = await resolveMember(ctx, args.name)
      memberId = m.id
      name = m.displayName
    } else {
      const found = await findCompoundMembers(tx, ctx.compound.id, ctx.message.platform, name)
      if (found.length > 1) throw new UserError('common.ambiguousMember', { name })
      if (found.length === 1) {
        memberId = found[0]!.id
        name = found[0]!.displayName
      }
    }
    const same = memberId !== null ? ticket.assigneeMemberId === memberId : ticket.assigneeMemberId === null && ticket.assigneeName === name
    if (same && ticket.status !== 'reopened') throw new UserError('repairs.assigneeSame', { no: ticket.no, name })

    const updated = await transitionTicket(tx, ticket, {
      action: 'assign',
      to,
      actorMemberId: ctx.member.id,
      note: name,
      at: ctx.now,
      set: { assigneeMemberId: memberId, assigneeName: memberId === null ? name : null },
    })
    const out: Reply[] = [reply.chat(t('repairs.assigned', { no: ticket.no, name }))]
    if (memberId !== null && memberId !== ctx.member.id) {
      const view = (await ticketView(tx, updated.id))!
      out.push(reply.member(memberId, t('repairs.assignedNotice', { no: ticket.no, what: what(t, view), desc: short(ticket.description, 100) })))
    }
    return out
  },
})
