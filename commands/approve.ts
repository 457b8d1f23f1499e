// 批准 #<n>: a committee member approves the ticket's pending cost claim; it is booked as an expense linked
// to the ticket in the same transaction and the claimant is told privately. A claim above the compound's
// limit needs the head; nobody approves their own claim; if the ticket already has a booked cost the
// approval is held as a suspected duplicate until the approver sends 确认重复 (docs/LEDGER.md).
import { z } from 'zod'
import { formatMoney } from '../src/domain/money.ts'
import { defineCommand, UserError } from '../src/pipeline/command.ts'
import { holdDuplicate, lockLedger } from '../src/services/ledger.ts'
import { approveClaim, latestBookedCost, limitText, needsHead, pendingClaimsOf, ticketCostHeldText } from '../src/services/repair-costs.ts'
import { loadTicket, splitTicketNo, ticketNo } from '../src/services/repairs.ts'

export default defineCommand({
  name: 'approve',
  keywords: { 'zh-CN': ['批准'], 'zh-TW': ['批准'], en: ['approve'] },
  role: 'committee',
  parse(raw) {
    const { no, rest } = splitTicketNo(raw)
    return { no, rest }
  },
  // what follows the number is kept as the decision's note
  args: z.object({ no: ticketNo, rest: z.string().max(200, 'repairs.reasonTooLong') }),
  async run(ctx, args) {
    const ticket = await loadTicket(ctx, args.no)
    const [claim] = await pendingClaimsOf(ctx.tx, ctx.compound.id, ticket.id)
    if (!claim) throw new UserError('claims.none', { no: ticket.no })
    const amount = formatMoney(claim.amountFen)
    if (claim.claimedBy === ctx.member.id) throw new UserError('claims.ownClaim', { no: ticket.no, amount })
    if (needsHead(ctx, claim.amountFen)) throw new UserError('claims.needsHead', { no: ticket.no, amount, limit: limitText(ctx) })
    await lockLedger(ctx.tx, ctx.compound.id)
    const earlier = await latestBookedCost(ctx.tx, ctx.compound.id, ticket.id)
    if (earlier) {
      const { howTo, buttons } = await holdDuplicate(ctx, earlier.entry, { kind: 'claim', ticketNo: ticket.no, claimId: claim.id, note: args.rest })
      return [{ to: 'chat', text: await ticketCostHeldText(ctx, ticket.no, claim.amountFen, earlier.entry, howTo), buttons }]
    }
    return approveClaim(ctx, ticket, claim, args.rest)
  },
})
