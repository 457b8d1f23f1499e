// 确认重复 <流水号>: the person whose payment, expense, repair cost or claim approval was held as a
// suspected duplicate of entry <流水号> says it really is another one; the held write is booked now.
// Only that person, within 10 minutes of the hold, once (db/confirmations.ts). On Telegram the hold
// carries a button whose data is this command. docs/LEDGER.md "Suspected duplicates".
import { z } from 'zod'
import { formatMoney } from '../src/domain/money.ts'
import { defineCommand, reply, type RoleAlternative, UserError } from '../src/pipeline/command.ts'
import { forbidden } from '../src/pipeline/permissions.ts'
import {
  CONFIRM_MINUTES,
  hasOpenConfirmation,
  heldWriteOf,
  nextConfirmation,
  recordExpense,
  recordPayment,
  takeConfirmation,
} from '../src/services/ledger.ts'
import { approveClaim, bookRepairCost, claimById, limitText, needsHead } from '../src/services/repair-costs.ts'
import { appendTicketEvent, loadTicket } from '../src/services/repairs.ts'
import { householdById } from '../src/services/roster.ts'

/**
 * A collector confirms their own held payments; the other held writes (expense, repair cost, claim approval)
 * are the committee's, checked on the hold 确认重复 will take: the role may have been taken away since.
 */
const ownPayment: RoleAlternative<{ serial: number }> = {
  name: 'ownPayment',
  from: 'collector',
  async check(ctx, { serial }) {
    // no open hold: the command says why (none, expired, used)
    const hold = await nextConfirmation(ctx.tx, ctx.compound.id, ctx.member.id, String(serial), ctx.now)
    if (hold && hold.kind !== 'payment') throw forbidden(ctx.t, 'committee')
  },
  applies: (ctx) => hasOpenConfirmation(ctx.tx, ctx.compound.id, ctx.member.id, 'payment', ctx.now),
}

export default defineCommand({
  name: 'confirmdup',
  keywords: { 'zh-CN': ['确认重复'], 'zh-TW': ['確認重複'], en: ['confirmdup'] },
  role: 'committee',
  or: ownPayment,
  parse(raw) {
    const m = /^(?:#|流水号?|流水號?)?\s*(\d{1,9})$/u.exec(raw.trim())
    return { serial: m ? Number(m[1]) : undefined }
  },
  args: z.object({ serial: z.number({ message: 'dup.badSerial' }).int().positive('dup.badSerial') }),
  async run(ctx, args) {
    const { t } = ctx
    const taken = await takeConfirmation(ctx.tx, ctx.compound.id, ctx.member.id, String(args.serial), ctx.now)
    if (!taken.ok) throw new UserError(`dup.${taken.reason}`, { serial: args.serial, minutes: CONFIRM_MINUTES })
    const held = heldWriteOf(taken.confirmation.kind, taken.confirmation.payload)
    const lead = t('dup.confirmed')
    switch (held.kind) {
      case 'payment': {
        const household = await householdById(ctx.tx, ctx.compound.id, held.householdId)
        if (!household) throw new UserError('dup.none', { serial: args.serial })
        return recordPayment(ctx, household, BigInt(held.amountFen), held.note, lead)
      }
      case 'expense': {
        const ticket = await loadTicket(ctx, held.ticketNo)
        return recordExpense(
          ctx,
          { fen: BigInt(held.amountFen), reason: held.reason, category: held.category, payee: held.payee, ticket, images: held.images },
          lead,
        )
      }
      case 'repairCost': {
        const ticket = await loadTicket(ctx, held.ticketNo)
        const fen = BigInt(held.amountFen)
        if (needsHead(ctx, fen)) throw new UserError('claims.needsHead', { no: ticket.no, amount: formatMoney(fen), limit: limitText(ctx) })
        const { entry } = await bookRepairCost(ctx.tx, ticket, { fen, payee: held.payee, recordedBy: ctx.member.id, at: ctx.now })
        await appendTicketEvent(ctx.tx, { ticket, actorMemberId: ctx.member.id, action: 'cost', note: `${formatMoney(fen)} (#${entry.serial})`, at: ctx.now })
        return [reply.chat([lead, t('repairs.costBooked', { no: ticket.no, amount: formatMoney(fen), serial: entry.serial })].join('\n'))]
      }
      case 'claim': {
        const ticket = await loadTicket(ctx, held.ticketNo)
        const claim = await claimById(ctx.tx, ctx.compound.id, held.claimId)
        if (!claim || claim.status !== 'pending') throw new UserError('dup.claimDecided', { no: ticket.no })
        if (needsHead(ctx, claim.amountFen)) {
          throw new UserError('claims.needsHead', { no: ticket.no, amount: formatMoney(claim.amountFen), limit: limitText(ctx) })
        }
        return approveClaim(ctx, ticket, claim, held.note, lead)
      }
    }
  },
})
