// 分类 #<n> <类别> [紧急|不急]: the committee corrects a guessed category or urgency. Making a ticket
// urgent tells the committee privately, as for a ticket reported urgent.
import { z } from 'zod'
import { parseCategoryWord, type RepairCategory } from '../src/domain/repair-category.ts'
import { defineCommand, reply, type Reply, UserError } from '../src/pipeline/command.ts'
import {
  appendTicketEvent,
  categoryLabel,
  committeeMemberIds,
  loadTicket,
  short,
  splitTicketNo,
  ticketNo,
  ticketView,
  updateTicket,
  what,
} from '../src/services/repairs.ts'

const URGENCY: Record<string, boolean> = {
  紧急: true, 緊急: true, 急: true, 加急: true, urgent: true,
  不急: false, 不紧急: false, 不緊急: false, 普通: false, 一般: false, normal: false,
}

/** `水管 紧急` → category and urgency; null when a word is neither or nothing is given. */
export function parseCorrection(text: string): { category?: RepairCategory; urgent?: boolean } | null {
  const words = text.split(/[\s,，、]+/).filter(Boolean)
  if (words.length === 0) return null
  const out: { category?: RepairCategory; urgent?: boolean } = {}
  for (const w of words) {
    const lower = w.toLowerCase()
    if (lower in URGENCY && out.urgent === undefined) out.urgent = URGENCY[lower]
    else {
      const c = parseCategoryWord(w)
      if (!c || out.category !== undefined) return null
      out.category = c
    }
  }
  return out
}

export default defineCommand({
  name: 'category',
  keywords: { 'zh-CN': ['分类'], 'zh-TW': ['分類'], en: ['category'] },
  role: 'committee',
  parse(raw) {
    const { no, rest } = splitTicketNo(raw)
    return { no, correction: parseCorrection(rest) }
  },
  args: z.object({
    no: ticketNo,
    correction: z.object({ category: z.string().optional(), urgent: z.boolean().optional() }, { message: 'repairs.categoryInvalid' }),
  }),
  async run(ctx, args) {
    const { tx, t } = ctx
    const ticket = await loadTicket(ctx, args.no)
    const category = (args.correction.category as RepairCategory | undefined) ?? ticket.category
    const urgent = args.correction.urgent ?? ticket.urgent
    const urgentText = args.correction.urgent === undefined ? '' : t(urgent ? 'repairs.urgentMark' : 'repairs.notUrgentMark')
    if (category === ticket.category && urgent === ticket.urgent) {
      throw new UserError('repairs.categoryUnchanged', { no: ticket.no, category: categoryLabel(t, category), urgent: urgentText })
    }
    const updated = await updateTicket(tx, ticket, { category, urgent }, ctx.now)
    if (category !== ticket.category) {
      await appendTicketEvent(tx, { ticket, actorMemberId: ctx.member.id, action: 'category', note: `${ticket.category}>${category}`, at: ctx.now })
    }
    if (urgent !== ticket.urgent) {
      await appendTicketEvent(tx, { ticket, actorMemberId: ctx.member.id, action: 'urgency', note: String(urgent), at: ctx.now })
    }
    const out: Reply[] = [reply.chat(t('repairs.categoryChanged', { no: ticket.no, category: categoryLabel(t, category), urgent: urgentText }))]
    if (urgent && !ticket.urgent) {
      const view = (await ticketView(tx, updated.id))!
      const notice = t('repairs.urgentNotice', { no: ticket.no, what: what(t, view), desc: short(ticket.description, 100), name: view.reporterName })
      for (const id of await committeeMemberIds(tx, ctx.compound.id)) if (id !== ctx.member.id) out.push(reply.member(id, notice))
    }
    return out
  },
})
