// 缴费 <房号> <金额> [备注]: a collector or committee member records a household's payment. The receipt
// (serial number and new balance) goes privately to the recorder, and to every member with a verified
// binding to the household (with the chain head); the group sees only that it was recorded, plus a short
// "3-2-201 已缴费" when the compound's publicPaymentNotice setting is on. The same household and amount
// recorded again within 10 minutes is held as a suspected duplicate until the recorder sends 确认重复.
// Also home of the helpers the money commands share (amounts, categories, dates).
import { z } from 'zod'
import { CONFIRM_WINDOW_MS } from '../db/confirmations.ts'
import { appendLedgerEntry, type HouseholdBalance, householdBalance, lockLedger, recentSamePayment } from '../db/ledger.ts'
import { maxAmountFen } from '../src/domain/billing.ts'
import { localDateString } from '../src/domain/calendar.ts'
import { DEFAULT_MAX_FEN, formatMoney, parseMoney } from '../src/domain/money.ts'
import { extractRoom, parseRoom } from '../src/domain/rooms.ts'
import type { Translator } from '../src/i18n/index.ts'
import { type CompoundContext, defineCommand, reply, type Reply, UserError } from '../src/pipeline/command.ts'
import { tokens } from '../src/domain/text.ts'
import { requireHousehold } from '../src/services/roster.ts'
import { CONFIRM_MINUTES, describeEntry, holdDuplicate, payerReceipts } from './cost-shared.ts'
import { person } from '../src/domain/group-privacy.ts'

// ---- helpers shared by the money commands ---------------------------------------------------

/** The compound's largest accepted amount (settings.maxAmountFen, default 1,000,000 元). */
export function compoundMaxFen(ctx: CompoundContext): bigint {
  return maxAmountFen(ctx.compound.settings, DEFAULT_MAX_FEN)
}

/**
 * Split the amount off the front of `words`: the longest run of up to four words that reads as money
 * (so `1084 元` works), else the first word (so the refusal can say why it is not money). At most four
 * parseMoney calls, however long the message: the parse stays linear.
 */
export function splitAmount(words: readonly string[]): { amount?: string; rest: string[] } {
  for (let k = Math.min(4, words.length); k >= 1; k--) {
    const candidate = words.slice(0, k).join(' ')
    const r = parseMoney(candidate)
    if (r.ok || r.error === 'tooLarge') return { amount: candidate, rest: words.slice(k) }
  }
  return { amount: words[0], rest: words.slice(1) }
}

/** Parse an amount for the compound or refuse (the usage line follows). */
export function requireAmount(ctx: CompoundContext, input: string): bigint {
  const max = compoundMaxFen(ctx)
  const r = parseMoney(input, max)
  if (r.ok) return r.fen
  throw new UserError(`money.${r.error}`, { input, max: formatMoney(max) }, true)
}

/** A ledger category for people: known keys translated, anything else as stored. */
export function categoryName(t: Translator, category: string | null): string {
  const key = `ledger.cat.${category ?? 'other'}`
  const s = t(key)
  return s === key ? (category ?? t('ledger.cat.other')) : s
}

export function kindName(t: Translator, kind: string): string {
  return t(`ledger.kind.${kind}`)
}

export function localDay(ctx: CompoundContext, d: Date): string {
  return localDateString(d, ctx.compound.timeZone)
}

/** 欠费 ¥x / 已结清 / 预缴 ¥x */
export function balanceLine(t: Translator, b: HouseholdBalance): string {
  if (b.owedFen > 0n) return t('fee.owed', { amount: formatMoney(b.owedFen) })
  if (b.owedFen < 0n) return t('fee.prepaid', { amount: formatMoney(-b.owedFen) })
  return t('fee.settled')
}

// ---- the command --------------------------------------------------------------------------

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
    const household = await requireHousehold(ctx, args.room)
    const fen = requireAmount(ctx, args.amount)
    // under the chain lock, so two recorders of the same payment cannot both miss each other
    await lockLedger(ctx.tx, ctx.compound.id)
    const since = new Date(ctx.now.getTime() - CONFIRM_WINDOW_MS)
    const earlier = await recentSamePayment(ctx.tx, ctx.compound.id, household.id, fen, since, ctx.now)
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

/**
 * Book a payment and build its replies: the recorder's private receipt (after `lead`, if given), the
 * optional public notice, and the payer's receipts. Shared with 确认重复.
 */
export async function recordPayment(
  ctx: CompoundContext,
  household: { id: number; code: string },
  fen: bigint,
  note: string | null,
  lead?: string,
): Promise<Reply[]> {
  const { t } = ctx
  const entry = await appendLedgerEntry(ctx.tx, {
    compoundId: ctx.compound.id,
    kind: 'payment',
    amountFen: fen,
    householdId: household.id,
    note,
    recordedBy: ctx.member.id,
    recordedAt: ctx.now,
  })
  const balance = await householdBalance(ctx.tx, ctx.compound.id, household.id)
  const text = [
    ...(lead ? [lead] : []),
    t('pay.recorded', { room: household.code, amount: formatMoney(fen), serial: entry.serial }),
    t('fee.billed', { amount: formatMoney(balance.billedFen) }),
    t('fee.paid', { amount: formatMoney(balance.paidFen) }),
    balanceLine(t, balance),
  ].join('\n')
  const name = person(ctx.member.displayName)
  const out: Reply[] = [reply.private(text, { groupAck: t('pay.groupAck', { name }), groupFallback: t('pay.groupFallback', { name }) })]
  if (ctx.compound.settings.publicPaymentNotice === true) out.push(reply.compound(t('pay.publicNotice', { room: household.code })))
  out.push(...(await payerReceipts(ctx, household, entry, balanceLine(t, balance))))
  return out
}
