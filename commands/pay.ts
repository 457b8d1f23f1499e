// 缴费 <房号> <金额> [备注]: a collector or committee member records a household's payment. The receipt
// (serial number and new balance) goes privately to the recorder, and to every member with a verified
// binding to the household (with the chain head); the group sees only that it was recorded, plus a short
// "3-2-201 已缴费" when the compound's publicPaymentNotice setting is on. The same household and amount
// recorded again within 10 minutes is held as a suspected duplicate until the recorder sends 确认重复.
// Booking and receipts: src/services/ledger.ts.
import { z } from 'zod'
import { formatMoney } from '../src/domain/money.ts'
import { extractRoom, parseRoom } from '../src/domain/rooms.ts'
import { tokens } from '../src/domain/text.ts'
import { defineCommand } from '../src/pipeline/command.ts'
import {
  CONFIRM_MINUTES,
  CONFIRM_WINDOW_MS,
  describeEntry,
  holdDuplicate,
  lockLedger,
  prefetchLedgerHead,
  recentSamePayment,
  recordPayment,
  requireAmount,
  splitAmount,
} from '../src/services/ledger.ts'
import { requireHousehold } from '../src/services/roster.ts'
import { person } from '../src/domain/group-privacy.ts'

export default defineCommand({
  name: 'pay',
  keywords: { 'zh-CN': ['缴费', '交费'], 'zh-TW': ['繳費', '交費'], en: ['pay'] },
  role: 'collector',
  parse(raw) {
    const words = tokens(raw)
    let room: string | undefined
    let rest: string[]
    if (words[0] && parseRoom(words[0])) {
      room = words[0]
      rest = words.slice(1)
    } else {
      const found = extractRoom(raw)
      if (found) {
        room = found.matched
        rest = tokens(found.rest)
      } else {
        room = words[0]
        rest = words.slice(1)
      }
    }
    const { amount, rest: note } = splitAmount(rest)
    return { room, amount, note: note.join(' ') || undefined }
  },
  args: z.object({
    room: z.string({ message: 'common.missingRoom' }).min(1, 'common.missingRoom'),
    amount: z.string({ message: 'money.empty' }).min(1, 'money.empty'),
    note: z.string().max(200).optional(),
  }),
  async run(ctx, args) {
    const { t } = ctx
    // the room and the chain lock are independent: asked together, one round trip
    const [household] = await Promise.all([requireHousehold(ctx, args.room), lockLedger(ctx.tx, ctx.compound.id)])
    const fen = requireAmount(ctx, args.amount)
    // under the chain lock, so two recorders of the same payment cannot both miss each other; the chain's head
    // is read with it for the append that most likely follows
    const since = new Date(ctx.now.getTime() - CONFIRM_WINDOW_MS)
    const [earlier] = await Promise.all([
      recentSamePayment(ctx.tx, ctx.compound.id, household.id, fen, since, ctx.now),
      prefetchLedgerHead(ctx.tx, ctx.compound.id),
    ])
    if (earlier) {
      const { howTo, buttons } = await holdDuplicate(ctx, earlier, {
        kind: 'payment',
        householdId: household.id,
        amountFen: fen.toString(),
        note: args.note ?? null,
      })
      const d = await describeEntry(ctx, earlier)
      const text = [t('dup.payment', { room: household.code, amount: formatMoney(fen), minutes: CONFIRM_MINUTES, ...d }), howTo].join('\n')
      const name = person(ctx.member.displayName)
      return [
        {
          to: 'private',
          text,
          buttons,
          groupAck: t('dup.groupAck', { name }),
          groupFallback: t('dup.groupFallback', { name, serial: earlier.serial, minutes: CONFIRM_MINUTES }),
        },
      ]
    }
    return recordPayment(ctx, household, fen, args.note ?? null)
  },
})
