// 收入 <金额> <事由>: the committee records other income from common parts (parking rent, ads, leases).
import { z } from 'zod'
import { guessIncomeCategory } from '../src/domain/billing.ts'
import { formatMoney } from '../src/domain/money.ts'
import { defineCommand, reply } from '../src/pipeline/command.ts'
import { tokens } from '../src/domain/text.ts'
import { appendLedgerEntry, categoryName, requireAmount, splitAmount } from '../src/services/ledger.ts'

const PAYER = /(?:^|\s)(?:付款人|付款方|来自|來自|from)\s*[:：]?\s*(\S{1,40})\s*$/iu

export default defineCommand({
  name: 'income',
  keywords: { 'zh-CN': ['收入'], 'zh-TW': ['收入'], en: ['income'] },
  role: 'committee',
  parse(raw) {
    const { amount, rest } = splitAmount(tokens(raw))
    let reason = rest.join(' ')
    let payer: string | undefined
    const m = PAYER.exec(reason)
    if (m) {
      payer = m[1]
      reason = reason.slice(0, m.index).trim()
    }
    return { amount, reason: reason || undefined, payer }
  },
  args: z.object({
    amount: z.string({ message: 'money.empty' }).min(1, 'money.empty'),
    reason: z.string({ message: 'income.missingReason' }).min(1, 'income.missingReason').max(200),
    payer: z.string().max(40).optional(),
  }),
  async run(ctx, args) {
    const { t } = ctx
    const fen = requireAmount(ctx, args.amount)
    const category = guessIncomeCategory(args.reason)
    const entry = await appendLedgerEntry(ctx.tx, {
      compoundId: ctx.compound.id,
      kind: 'income',
      amountFen: fen,
      category,
      counterparty: args.payer ?? null,
      note: args.reason,
      recordedBy: ctx.member.id,
      recordedAt: ctx.now,
    })
    return [
      reply.chat(t('income.recorded', { amount: formatMoney(fen), reason: args.reason, category: categoryName(t, category), serial: entry.serial })),
    ]
  },
})
