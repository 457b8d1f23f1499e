// 查费 [房号]: billed, paid, what is overdue (逾期) and what is billed but not yet due (待缴，未到期), and the
// latest payments of a household, answered privately. A resident sees only households they are verified
// for (a pending binding gets a polite refusal); a collector or the committee may ask about any room
// (collectors chase payments). The group only ever sees that an answer was sent privately.
import { z } from 'zod'
import { asOfNow, dueDayString } from '../src/domain/billing.ts'
import { formatMoney } from '../src/domain/money.ts'
import type { Translator } from '../src/i18n/index.ts'
import { type CompoundContext, defineCommand, type Household, reply, type RoleAlternative, UserError } from '../src/pipeline/command.ts'
import { type HouseholdDues, householdDues, localDay, recentPayments } from '../src/services/ledger.ts'
import { requireHousehold } from '../src/services/roster.ts'
import { person } from '../src/domain/group-privacy.ts'

/**
 * 已出账 / 已缴, then 逾期 (or 逾期：无) and 待缴（未到期） when anything is owed, else 已结清 / 预缴: a household's
 * dues (db/ledger-sums.ts householdDues) for people. Also for anyone else who shows a balance (a payment receipt).
 */
export function duesLines(t: Translator, d: HouseholdDues, timeZone: string): string[] {
  const lines = [t('fee.billed', { amount: formatMoney(d.billedFen) }), t('fee.paid', { amount: formatMoney(d.paidFen) })]
  if (d.overdueFen === 0n && d.pendingFen === 0n) {
    lines.push(d.prepaidFen > 0n ? t('fee.prepaid', { amount: formatMoney(d.prepaidFen) }) : t('fee.settled'))
  } else {
    lines.push(
      d.overdueFen > 0n
        ? t('fee.overdue', { amount: formatMoney(d.overdueFen), due: dueDayString(d.overdueSince!, timeZone) })
        : t('fee.noOverdue'),
    )
    if (d.pendingFen > 0n) lines.push(t('fee.pending', { amount: formatMoney(d.pendingFen), due: dueDayString(d.nextDueAt!, timeZone) }))
  }
  return lines
}

async function statement(ctx: CompoundContext, h: Household): Promise<string> {
  const { t } = ctx
  const d = await householdDues(ctx.tx, ctx.compound, h.id, asOfNow(ctx.now))
  const lines = [t('fee.title', { room: h.code, date: localDay(ctx, ctx.now) }), ...duesLines(t, d, ctx.compound.timeZone)]
  const payments = await recentPayments(ctx.tx, ctx.compound.id, h.id, 3)
  if (payments.length === 0) lines.push(t('fee.noPayments'))
  else {
    lines.push(t('fee.lastPayments'))
    for (const p of payments) {
      lines.push(t('fee.paymentItem', { date: localDay(ctx, p.recordedAt), amount: formatMoney(p.amountFen), serial: p.serial }))
    }
  }
  return lines.join('\n')
}

/** A resident asks about their own verified rooms (no room: all of them); collectors and up about any room. */
const ownRooms: RoleAlternative<{ room?: string }> = {
  name: 'ownRooms',
  from: 'resident',
  async check(ctx, { room }) {
    if (!room) return
    const h = await requireHousehold(ctx, room)
    const binding = ctx.bindings.find((b) => b.household.id === h.id)
    if (binding?.status === 'pending') throw new UserError('fee.pendingOnly')
    if (binding?.status !== 'verified') throw new UserError('fee.notYours', { room: h.code })
  },
  applies: async () => true,
}

export default defineCommand({
  name: 'fee',
  keywords: { 'zh-CN': ['查费', '查询费用'], 'zh-TW': ['查費', '查詢費用'], en: ['fee', 'fees'] },
  role: 'collector',
  or: ownRooms,
  parse(raw) {
    return { room: raw.trim() || undefined }
  },
  args: z.object({ room: z.string().max(40).optional() }),
  async run(ctx, args) {
    const { t } = ctx
    let targets: Household[]
    if (args.room) {
      targets = [await requireHousehold(ctx, args.room)]
    } else {
      const verified = ctx.bindings.filter((b) => b.status === 'verified')
      if (verified.length === 0) throw new UserError(ctx.bindings.length > 0 ? 'fee.pendingOnly' : 'fee.noBinding')
      targets = verified.map((b) => b.household)
    }
    const parts: string[] = []
    for (const h of targets) parts.push(await statement(ctx, h))
    const name = person(ctx.member.displayName)
    return [
      reply.private(parts.join('\n\n'), {
        groupAck: t('common.answeredPrivately', { name }),
        groupFallback: t('common.cannotDm', { name }),
      }),
    ]
  },
})
