// 我的报修: the asker's tickets that are not closed, oldest first; done ones say how to confirm.
import { z } from 'zod'
import { defineCommand, reply } from '../src/pipeline/command.ts'
import { countClosedTicketsOf, LIST_LIMIT, listLine, ticketCostsOf, unclosedTicketsOf } from '../src/services/repairs.ts'

export default defineCommand({
  name: 'myrepairs',
  keywords: { 'zh-CN': ['我的报修'], 'zh-TW': ['我的報修'], en: ['myrepairs'] },
  role: 'resident',
  args: z.object({ text: z.string() }),
  async run(ctx) {
    const { tx, t } = ctx
    const mine = await unclosedTicketsOf(tx, ctx.compound.id, ctx.member.id)
    const closed = await countClosedTicketsOf(tx, ctx.compound.id, ctx.member.id)
    const lines: string[] = []
    if (mine.length === 0) lines.push(t('repairs.mine.none'))
    else {
      lines.push(t('repairs.mine.title', { n: mine.length }))
      const shown = mine.slice(0, LIST_LIMIT)
      const costs = await ticketCostsOf(tx, ctx.compound.id, shown.map((v) => v.ticket.id))
      for (const view of shown) {
        const hint = view.ticket.status === 'done' ? t('repairs.mine.confirmHint', { no: view.ticket.no }) : ''
        lines.push(listLine(ctx, view, costs) + hint)
      }
      if (mine.length > LIST_LIMIT) lines.push(t('repairs.list.more', { n: mine.length - LIST_LIMIT }))
    }
    if (closed > 0) lines.push(t('repairs.mine.closed', { n: closed }))
    return [reply.chat(lines.join('\n'))]
  },
})
