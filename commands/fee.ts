// 查费 [房号]: billed, paid, owed and the latest payments of a household, answered privately.
// A resident sees only households they are verified for (a pending binding gets a polite refusal);
// the committee may ask about any room. The group only ever sees that an answer was sent privately.
import { z } from 'zod'
import { householdBalance, recentPayments } from '../db/ledger.ts'
import { formatMoney } from '../src/domain/money.ts'
import { type CompoundContext, defineCommand, type Household, hasRole, reply, UserError } from '../src/pipeline/command.ts'
import { requireHousehold } from '../src/pipeline/rooms.ts'
import { balanceLine, localDay } from './pay.ts'

async function statement(ctx: CompoundContext, h: Household): Promise<string> {
  const { t } = ctx
  const b = await householdBalance(ctx.tx, ctx.compound.id, h.id)
  const lines = [
    t('fee.title', { room: h.code, date: localDay(ctx, ctx.now) }),
    t('fee.billed', { amount: formatMoney(b.billedFen) }),
    t('fee.paid', { amount: formatMoney(b.paidFen) }),
    balanceLine(t, b),
  ]
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

export default defineCommand({
  name: 'fee',
  keywords: { 'zh-CN': ['查费', '查询费用'], 'zh-TW': ['查費', '查詢費用'], en: ['fee', 'fees'] },
  role: 'resident',
  parse(raw) {
    return { room: raw.trim() || undefined }
  },
  args: z.object({ room: z.string().max(40).optional() }),
  async run(ctx, args) {
    const { t } = ctx
    let targets: Household[]
    if (args.room) {
      const h = await requireHousehold(ctx, args.room)
      if (!hasRole(ctx.role, 'committee')) {
        const binding = ctx.bindings.find((b) => b.household.id === h.id)
        if (binding?.status === 'pending') throw new UserError('fee.pendingOnly')
        if (binding?.status !== 'verified') throw new UserError('fee.notYours', { room: h.code })
      }
      targets = [h]
    } else {
      const verified = ctx.bindings.filter((b) => b.status === 'verified')
      if (verified.length === 0) throw new UserError(ctx.bindings.length > 0 ? 'fee.pendingOnly' : 'fee.noBinding')
      targets = verified.map((b) => b.household)
    }
    const parts: string[] = []
    for (const h of targets) parts.push(await statement(ctx, h))
    const name = ctx.member.displayName
    return [
      reply.private(parts.join('\n\n'), {
        groupAck: t('common.answeredPrivately', { name }),
        groupFallback: t('common.cannotDm', { name }),
      }),
    ]
  },
})
