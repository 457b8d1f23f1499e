// 派单 #<n> <@成员或姓名>: give a ticket to a member (who may then report progress and completion)
// or to a free-text name such as 王师傅 (the committee reports for them). A platform mention, `@name`,
// or (with no name) a reply to the person's message must be a member of the compound; a plain name is
// that member when exactly one has it, refused when several do, and free text when none does.
import { z } from 'zod'
import { person } from '../src/domain/group-privacy.ts'
import { defineCommand, reply, type Reply, UserError } from '../src/pipeline/command.ts'
import { lookupMember, memberLabels, refusal } from '../src/services/members.ts'
import { chars, loadTicket, requireTransition, short, splitTicketNo, ticketNo, ticketView, transitionTicket, what } from '../src/services/repairs.ts'

export const MAX_ASSIGNEE = 30

export default defineCommand({
  name: 'assign',
  keywords: { 'zh-CN': ['派单'], 'zh-TW': ['派單'], en: ['assign'] },
  role: 'committee',
  parse(raw, message) {
    const { no, rest } = splitTicketNo(raw)
    return { no, name: rest, reply: message.replyTo?.sender !== undefined }
  },
  args: z
    .object({
      no: ticketNo,
      name: z.string().trim().refine((s) => chars(s) <= MAX_ASSIGNEE, 'repairs.assigneeTooLong'),
      reply: z.boolean(),
    })
    // no name: the person replied to (only when the platform states who that is)
    .refine((a) => a.name.length > 0 || a.reply, { message: 'repairs.missingAssignee', path: ['name'] }),
  async run(ctx, args) {
    const { tx, t } = ctx
    const ticket = await loadTicket(ctx, args.no)
    const to = requireTransition(ctx, ticket, 'assign')

    let memberId: number | null = null
    // `name` is stored (event note, free-text assignee); `shown` is the reply's form of it
    let name = args.name.replace(/^@\s*/, '')
    let shown = person(name)
    const found = await lookupMember(ctx, args.name)
    if (found.kind === 'member') {
      memberId = found.member.id
      name = found.member.displayName
      shown = (await memberLabels(ctx, [found.member])).get(found.member.id)!
    } else if (found.kind !== 'none' || found.strict) {
      // several members with this name, or a mention / @name of nobody known: never a guess, never free text
      throw refusal(ctx, found)
    }
    const same = memberId !== null ? ticket.assigneeMemberId === memberId : ticket.assigneeMemberId === null && ticket.assigneeName === name
    if (same && ticket.status !== 'reopened') throw new UserError('repairs.assigneeSame', { no: ticket.no, name: shown })

    const updated = await transitionTicket(tx, ticket, {
      action: 'assign',
      to,
      actorMemberId: ctx.member.id,
      note: name,
      at: ctx.now,
      set: { assigneeMemberId: memberId, assigneeName: memberId === null ? name : null },
    })
    const out: Reply[] = [reply.chat(t('repairs.assigned', { no: ticket.no, name: shown }))]
    if (memberId !== null && memberId !== ctx.member.id) {
      const view = (await ticketView(tx, updated.id))!
      out.push(reply.member(memberId, t('repairs.assignedNotice', { no: ticket.no, what: what(t, view), desc: short(ticket.description, 100) })))
    }
    return out
  },
})
