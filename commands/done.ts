// 完工 #<n> [费用 <金额>] [说明]: the committee or the assignee marks a ticket done. A cost is added to
// the ticket and booked as a ledger expense linked to it (db/tickets.ts bookRepairCost), in the same
// transaction; the reporter is told privately and asked to confirm.
import { z } from 'zod'
import { bookRepairCost, transitionTicket, ticketView } from '../db/tickets.ts'
import { DEFAULT_MAX_FEN, formatMoney, type MoneyError, parseMoney } from '../src/domain/money.ts'
import { defineCommand, reply, type Reply, UserError } from '../src/pipeline/command.ts'
import { MAX_NOTE } from './progress.ts'
import {
  assigneeName,
  chars,
  loadTicket,
  requireCommitteeOrAssignee,
  requireTransition,
  short,
  splitTicketNo,
  ticketNo,
} from './repair-shared.ts'

const COST_WORD = /(?:^|\s)(?:费用|費用|花费|花費|cost)\s*[:：]?\s*/iu

/**
 * Split `费用 120 元 换了灯泡` into the amount text and the note. The amount is the longest run of words
 * after the cost word that reads as money (so `120 元` works), else the first word (to report why not).
 */
export function splitCost(text: string, maxFen: bigint): { cost?: string; note: string } {
  const m = COST_WORD.exec(text)
  if (!m) return { note: text.trim() }
  const before = text.slice(0, m.index).trim()
  const words = text.slice(m.index + m[0].length).split(/\s+/).filter(Boolean)
  let take = words.length > 0 ? 1 : 0
  for (let k = words.length; k >= 1; k--) {
    if (parseMoney(words.slice(0, k).join(' '), maxFen).ok) {
      take = k
      break
    }
  }
  return { cost: words.slice(0, take).join(' '), note: [before, ...words.slice(take)].join(' ').trim() }
}

function maxFenOf(settings: { maxAmountFen?: string }): bigint {
  try {
    const v = settings.maxAmountFen ? BigInt(settings.maxAmountFen) : DEFAULT_MAX_FEN
    return v > 0n ? v : DEFAULT_MAX_FEN
  } catch {
    return DEFAULT_MAX_FEN
  }
}

export default defineCommand({
  name: 'done',
  keywords: { 'zh-CN': ['完工'], 'zh-TW': ['完工'], en: ['done'] },
  role: 'resident',
  parse(raw) {
    const { no, rest } = splitTicketNo(raw)
    return { no, rest }
  },
  args: z.object({ no: ticketNo, rest: z.string() }),
  async run(ctx, args) {
    const { tx, t } = ctx
    const ticket = await loadTicket(ctx, args.no)
    requireCommitteeOrAssignee(ctx, ticket, 'done')
    const to = requireTransition(ctx, ticket, 'done')

    const maxFen = maxFenOf(ctx.compound.settings)
    const { cost, note } = splitCost(args.rest, maxFen)
    let fen: bigint | null = null
    if (cost !== undefined) {
      const parsed = parseMoney(cost, maxFen)
      if (!parsed.ok) throw new UserError(`repairs.money.${parsed.error satisfies MoneyError}`, {}, true)
      fen = parsed.fen
    }
    if (chars(note) > MAX_NOTE) throw new UserError('repairs.noteTooLong')
    const eventNote = [fen !== null ? formatMoney(fen) : '', note].filter(Boolean).join(' ') || null
    let updated = await transitionTicket(tx, ticket, {
      action: 'done',
      to,
      actorMemberId: ctx.member.id,
      note: eventNote,
      at: ctx.now,
      set: { doneAt: ctx.now },
    })
    let costText = ''
    const view = (await ticketView(tx, updated.id))!
    if (fen !== null) {
      const booked = await bookRepairCost(tx, updated, {
        fen,
        payee: assigneeName(view),
        recordedBy: ctx.member.id,
        at: ctx.now,
      })
      updated = booked.ticket
      costText = t('repairs.doneCost', { amount: formatMoney(fen), serial: booked.entry.serial })
    }
    const out: Reply[] = [reply.chat(t('repairs.done', { no: ticket.no, cost: costText, reporter: view.reporterName }))]
    if (ticket.reporterMemberId !== ctx.member.id) {
      out.push(reply.member(ticket.reporterMemberId, t('repairs.doneNotice', { no: ticket.no, desc: short(ticket.description, 40) })))
    }
    return out
  },
})
