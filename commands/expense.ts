// 支出 <金额> <事由> [#工单] [收款人 <名>]: the committee records an expense. A receipt photo sent with
// the command is part of the hashed entry (receipt_ref); a photo sent by the same member within two
// minutes afterwards is linked through ledger_receipts (the entry itself is append-only), by the
// passive handler below. An expense linked to a ticket that already has a booked cost is held as a
// suspected duplicate until the recorder sends 确认重复 (docs/LEDGER.md).
import { z } from 'zod'
import { guessExpenseCategory } from '../src/domain/billing.ts'
import { formatMoney } from '../src/domain/money.ts'
import { defineCommand, type PassiveHandler, reply, UserError } from '../src/pipeline/command.ts'
import { tokens } from '../src/domain/text.ts'
import {
  addLedgerReceipt,
  holdDuplicate,
  lockLedger,
  recentExpenseWithoutReceipt,
  recordExpense,
  requireAmount,
  splitAmount,
} from '../src/services/ledger.ts'
import { latestBookedCost, ticketCostHeldText } from '../src/services/repair-costs.ts'
import { findTicket, type TicketRow } from '../src/services/repairs.ts'

/** How long after 支出 a photo from the same member is taken as its receipt. */
export const RECEIPT_WINDOW_MS = 2 * 60_000

const TICKET = /(?:^|\s)(?:工单|工單|报修|報修|ticket)?\s*#\s*(\d{1,7})(?=\s|$)/iu
const PAYEE = /(?:^|\s)(?:收款人|收款方|付给|付給|支付给|支付給|payee)\s*[:：]?\s*(\S{1,40})\s*$/iu

/** Pull `#12` and a trailing `收款人 张师傅` out of the description. */
export function splitExpenseText(text: string): { reason: string; ticketNo?: number; payee?: string } {
  let rest = text
  let ticketNo: number | undefined
  const tm = TICKET.exec(rest)
  if (tm) {
    ticketNo = Number(tm[1])
    rest = `${rest.slice(0, tm.index)} ${rest.slice(tm.index + tm[0].length)}`
  }
  let payee: string | undefined
  const pm = PAYEE.exec(rest)
  if (pm) {
    payee = pm[1]
    rest = rest.slice(0, pm.index)
  }
  return { reason: rest.replace(/\s+/g, ' ').trim(), ticketNo, payee }
}

export default defineCommand({
  name: 'expense',
  keywords: { 'zh-CN': ['支出'], 'zh-TW': ['支出'], en: ['expense'] },
  role: 'committee',
  parse(raw) {
    const { amount, rest } = splitAmount(tokens(raw))
    const { reason, ticketNo, payee } = splitExpenseText(rest.join(' '))
    return { amount, reason: reason || undefined, ticketNo, payee }
  },
  args: z.object({
    amount: z.string({ message: 'money.empty' }).min(1, 'money.empty'),
    reason: z.string({ message: 'expense.missingReason' }).min(1, 'expense.missingReason').max(200),
    ticketNo: z.number().int().positive().optional(),
    payee: z.string().max(40).optional(),
  }),
  async run(ctx, args) {
    const fen = requireAmount(ctx, args.amount)
    let ticket: TicketRow | undefined
    if (args.ticketNo !== undefined) {
      ticket = await findTicket(ctx.tx, ctx.compound.id, args.ticketNo, { forUpdate: true })
      if (!ticket) throw new UserError('expense.unknownTicket', { no: args.ticketNo })
    }
    const category = guessExpenseCategory(args.reason, ticket !== undefined)
    const images = ctx.message.images.map((i) => i.ref)
    if (ticket) {
      // one booked cost per ticket: a further one is held until the recorder confirms it (docs/LEDGER.md)
      await lockLedger(ctx.tx, ctx.compound.id)
      const earlier = await latestBookedCost(ctx.tx, ctx.compound.id, ticket.id)
      if (earlier) {
        const { howTo, buttons } = await holdDuplicate(ctx, earlier.entry, {
          kind: 'expense',
          amountFen: fen.toString(),
          reason: args.reason,
          category,
          payee: args.payee ?? null,
          ticketNo: ticket.no,
          images,
        })
        return [{ to: 'chat', text: await ticketCostHeldText(ctx, ticket.no, fen, earlier.entry, howTo), buttons }]
      }
    }
    return recordExpense(ctx, { fen, reason: args.reason, category, payee: args.payee ?? null, ticket, images })
  },
})

/** A photo-only message from a committee member right after their 支出: the receipt. Null when none applies. */
export const expenseReceiptHandler: PassiveHandler = {
  name: 'expenseReceipt',
  role: 'committee',
  async onImages(ctx) {
    if (ctx.message.images.length === 0) return null
    const since = new Date(ctx.now.getTime() - RECEIPT_WINDOW_MS)
    const entry = await recentExpenseWithoutReceipt(ctx.tx, ctx.compound.id, ctx.member.id, since)
    if (!entry) return null
    for (const img of ctx.message.images) {
      await addLedgerReceipt(ctx.tx, { compoundId: ctx.compound.id, entryId: entry.id, fileRef: img.ref, addedBy: ctx.member.id, addedAt: ctx.now })
    }
    return [
      reply.chat(ctx.t('expense.receiptAttached', { serial: entry.serial, amount: formatMoney(entry.amountFen), reason: entry.note ?? '' })),
    ]
  },
}
