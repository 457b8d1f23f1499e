// 完工 #<n> [费用 <金额>] [说明]: the committee or the assignee marks a ticket done; the reporter is told
// privately and asked to confirm. A cost (docs/LEDGER.md "Repair costs: claims and approvals"):
// - from a committee member, at most the compound's approval limit (the head: any amount): booked as a
//   ledger expense linked to the ticket, in the same transaction — unless the ticket already has a
//   booked cost, then it is held as a suspected duplicate until the same person sends 确认重复;
// - from anyone else (an assignee who is not committee), or above the limit from a committee member who
//   is not the head: a pending claim, shown on the ticket but not booked, until 批准 / 拒绝.
import { z } from 'zod'
import { DEFAULT_MAX_FEN, formatMoney, type MoneyError, parseMoney } from '../src/domain/money.ts'
import type { Button } from '../src/core/messages.ts'
import { defineCommand, reply, type Reply, UserError } from '../src/pipeline/command.ts'
import { holdDuplicate, lockLedger } from '../src/services/ledger.ts'
import { bookRepairCost, fileClaim, latestBookedCost, limitText, needsHead, ticketCostHeldText } from '../src/services/repair-costs.ts'
import {
  assigneeName,
  chars,
  isCommittee,
  loadTicket,
  MAX_NOTE,
  requireTransition,
  short,
  splitTicketNo,
  ticketAssignee,
  ticketNo,
  ticketView,
  transitionTicket,
} from '../src/services/repairs.ts'
import { person } from '../src/domain/group-privacy.ts'

/** the most words an amount is written in: `¥ 1,084 元 整`, `人民币 1084 元 5角` */
const MAX_AMOUNT_WORDS = 4
const COST_WORD = /(?:^|\s)(?:费用|費用|花费|花費|cost)\s*[:：]?\s*/iu

/**
 * Split `费用 120 元 换了灯泡` into the amount text and the note. The amount is the longest run of at most
 * four words after the cost word that reads as money (so `¥ 1,084 元 整` works), else the first word (to
 * report why not). Four, not all of them: trying every prefix made `费用 1 1 1 …` quadratic (issue 12).
 */
export function splitCost(text: string, maxFen: bigint): { cost?: string; note: string } {
  const m = COST_WORD.exec(text)
  if (!m) return { note: text.trim() }
  const before = text.slice(0, m.index).trim()
  const words = text.slice(m.index + m[0].length).split(/\s+/).filter(Boolean)
  let take = words.length > 0 ? 1 : 0
  for (let k = Math.min(MAX_AMOUNT_WORDS, words.length); k >= 1; k--) {
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
  role: 'committee',
  or: ticketAssignee('done'),
  parse(raw) {
    const { no, rest } = splitTicketNo(raw)
    return { no, rest }
  },
  args: z.object({ no: ticketNo, rest: z.string() }),
  async run(ctx, args) {
    const { tx, t } = ctx
    const ticket = await loadTicket(ctx, args.no)
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

    // who may book decides what the cost becomes; a claim or a held duplicate is not in the done note
    let mode: 'none' | 'book' | 'claim' | 'held' = 'none'
    let earlier: Awaited<ReturnType<typeof latestBookedCost>>
    if (fen !== null) {
      if (!isCommittee(ctx) || needsHead(ctx, fen)) mode = 'claim'
      else {
        await lockLedger(tx, ctx.compound.id)
        earlier = await latestBookedCost(tx, ctx.compound.id, ticket.id)
        mode = earlier ? 'held' : 'book'
      }
    }
    const eventNote = [mode === 'book' ? formatMoney(fen!) : '', note].filter(Boolean).join(' ') || null
    const updated = await transitionTicket(tx, ticket, {
      action: 'done',
      to,
      actorMemberId: ctx.member.id,
      note: eventNote,
      at: ctx.now,
      set: { doneAt: ctx.now },
    })
    const view = (await ticketView(tx, updated.id))!
    let costText = ''
    const extra: string[] = []
    let buttons: Button[][] | undefined
    const notices: Reply[] = []
    if (mode === 'book') {
      const booked = await bookRepairCost(tx, updated, { fen: fen!, payee: assigneeName(view), recordedBy: ctx.member.id, at: ctx.now })
      costText = t('repairs.doneCost', { amount: formatMoney(fen!), serial: booked.entry.serial })
    } else if (mode === 'claim') {
      const filed = await fileClaim(ctx, updated, view, fen!, note || null)
      costText = filed.aboveLimit
        ? t('claims.pendingHead', { amount: formatMoney(fen!), limit: limitText(ctx) })
        : t('claims.pending', { amount: formatMoney(fen!) })
      for (const old of filed.superseded) extra.push(t('claims.superseded', { amount: formatMoney(old.amountFen) }))
      notices.push(...filed.notices)
    } else if (mode === 'held') {
      const held = await holdDuplicate(ctx, earlier!.entry, { kind: 'repairCost', ticketNo: ticket.no, amountFen: fen!.toString(), payee: assigneeName(view) })
      extra.push(await ticketCostHeldText(ctx, ticket.no, fen!, earlier!.entry, held.howTo))
      buttons = held.buttons
    }
    const text = [t('repairs.done', { no: ticket.no, cost: costText, reporter: person(view.reporterName) }), ...extra].join('\n')
    const out: Reply[] = [buttons ? { to: 'chat', text, buttons } : reply.chat(text)]
    if (ticket.reporterMemberId !== ctx.member.id) {
      out.push(reply.member(ticket.reporterMemberId, t('repairs.doneNotice', { no: ticket.no, desc: short(ticket.description, 40) })))
    }
    out.push(...notices)
    return out
  },
})
