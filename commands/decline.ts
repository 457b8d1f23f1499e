// 拒绝 #<n> <原因> (不批准): a committee member declines the ticket's pending cost claim. Nothing is booked;
// the decision and its reason are kept on the claim and in the ticket's history, and the claimant is told
// privately. 驳回 is a different command: it reopens the ticket.
import { formatMoney } from '../src/domain/money.ts'
import { defineCommand, reply, type Reply, UserError } from '../src/pipeline/command.ts'
import { findMemberById } from '../src/services/members.ts'
import { decideClaim, pendingClaimsOf } from '../src/services/repair-costs.ts'
import { appendTicketEvent, loadTicket, MAX_NOTE, ticketWithReason } from '../src/services/repairs.ts'
import { person } from '../src/domain/group-privacy.ts'

export default defineCommand({
  name: 'decline',
  keywords: { 'zh-CN': ['拒绝', '不批准'], 'zh-TW': ['拒絕', '不批准'], en: ['decline'] },
  role: 'committee',
  ...ticketWithReason('claims.missingReason', MAX_NOTE),
  async run(ctx, args) {
    const { tx, t } = ctx
    const ticket = await loadTicket(ctx, args.no)
    const [claim] = await pendingClaimsOf(tx, ctx.compound.id, ticket.id)
    if (!claim) throw new UserError('claims.none', { no: ticket.no })
    const decided = await decideClaim(tx, ctx.compound.id, claim.id, { status: 'rejected', decidedBy: ctx.member.id, at: ctx.now, note: args.reason })
    if (!decided) throw new UserError('dup.claimDecided', { no: ticket.no })
    const amount = formatMoney(claim.amountFen)
    await appendTicketEvent(tx, { ticket, actorMemberId: ctx.member.id, action: 'decline', note: `${amount} ${args.reason}`, at: ctx.now })
    const claimant = person((await findMemberById(tx, claim.claimedBy))?.displayName ?? '?')
    const out: Reply[] = [reply.chat(t('claims.declined', { no: ticket.no, amount, claimant, reason: args.reason }))]
    if (claim.claimedBy !== ctx.member.id) {
      out.push(reply.member(claim.claimedBy, t('claims.declinedNotice', { no: ticket.no, amount, actor: ctx.member.displayName, reason: args.reason })))
    }
    return out
  },
})
