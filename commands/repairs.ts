// 报修列表: tickets not yet repaired, oldest first, overdue ones marked.
import { z } from 'zod'
import { defineCommand, reply } from '../src/pipeline/command.ts'
import { activeTickets, countAwaitingConfirmation, LIST_LIMIT, listLine, ticketCostsOf } from '../src/services/repairs.ts'

export default defineCommand({
  name: 'repairs',
  keywords: { 'zh-CN': ['报修列表'], 'zh-TW': ['報修列表'], en: ['repairs'] },
  role: 'resident',
  args: z.object({ text: z.string() }),
  async run(ctx) {
    const { tx, t } = ctx
    const open = await activeTickets(tx, ctx.compound.id)
    const awaiting = await countAwaitingConfirmation(tx, ctx.compound.id)
    const lines: string[] = []
    if (open.length === 0) lines.push(t('repairs.list.none'))
    else {
      lines.push(t('repairs.list.title', { n: open.length }))
      const shown = open.slice(0, LIST_LIMIT)
      const costs = await ticketCostsOf(tx, ctx.compound.id, shown.map((v) => v.ticket.id))
      for (const view of shown) lines.push(listLine(ctx, view, costs))
      if (open.length > LIST_LIMIT) lines.push(t('repairs.list.more', { n: open.length - LIST_LIMIT }))
    }
    if (awaiting > 0) lines.push(t('repairs.list.awaiting', { n: awaiting }))
    if (open.length > 0) lines.push(t('repairs.list.footer'))
    return [reply.chat(lines.join('\n'))]
  },
})
