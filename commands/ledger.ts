// 账目 [本周|本月|今年|上周|上月|去年|2026-11|3月|上个月]: the period's fees collected, other income and expenses
// by category, opening and closing balance, and the chain head. Public: no household appears in it.
// The ledger is checked first (db/ledger-check.ts, cheap): when it fails verification the group gets what is
// wrong instead of the figures, and the committee is told privately (src/services/ledger-trust.ts).
// A community supervisor reads it too (`oversee`), for any compound they oversee.
import { z } from 'zod'
import { isMonthKey, parseMonthInput } from '../src/domain/billing.ts'
import { localDateString, monthKeyOf, type Period, type PeriodKind, periodFromKey, periodOf, previousPeriod } from '../src/domain/calendar.ts'
import { formatMoney } from '../src/domain/money.ts'
import { readPeriod } from '../src/intents/index.ts'
import type { Translator } from '../src/i18n/index.ts'
import { checkLedger, checkLedgerOrAlert, untrustedNotice } from '../src/services/ledger-trust.ts'
import { overseenCompound } from '../src/services/oversight.ts'
import { type CompoundContext, defineCommand, reply, UserError } from '../src/pipeline/command.ts'
import { categoryName, ledgerHead, periodTotals } from '../src/services/ledger.ts'

const WORDS: Record<string, { kind: PeriodKind; back: boolean }> = {}
const add = (kind: PeriodKind, back: boolean, words: string[]) => {
  for (const w of words) WORDS[w] = { kind, back }
}
add('week', false, ['本周', '本週', '这周', '這週', '这星期', '這星期', '本星期', 'week', 'thisweek'])
add('month', false, ['本月', '这个月', '這個月', '当月', '當月', 'month', 'thismonth'])
add('year', false, ['今年', '本年', '本年度', 'year', 'thisyear'])
add('week', true, ['上周', '上週', '上星期', 'lastweek'])
add('month', true, ['上月', '上个月', '上個月', 'lastmonth'])
add('year', true, ['去年', '上年', 'lastyear'])

/** The period a resident asked for, in the compound's zone; null when it cannot be read. */
export function periodFromInput(input: string, now: Date, timeZone: string): Period | null {
  const s = input.trim().toLowerCase().replace(/\s+/g, '')
  if (s === '') return periodOf('month', now, timeZone)
  const w = WORDS[s]
  if (w) {
    const p = periodOf(w.kind, now, timeZone)
    return w.back ? previousPeriod(p, timeZone) : p
  }
  const month = parseMonthInput(s, monthKeyOf(now, timeZone))
  if (month && isMonthKey(month) && /^\d{4}/.test(s)) return periodFromKey(month, timeZone)
  const y = /^(\d{4})年?$/.exec(s)
  if (y) return periodFromKey(y[1]!, timeZone)
  const wk = /^(\d{4})-?w(\d{1,2})$/.exec(s)
  if (wk) return periodFromKey(`${wk[1]}-W${wk[2]!.padStart(2, '0')}`, timeZone)
  // loose forms: 3月, 三月份, 上个月, 2026年3月, last month (src/intents, the reader plain sentences use)
  const loose = readPeriod(input, now, timeZone)
  return loose ? periodFromKey(loose, timeZone) : null
}

export function periodLabel(t: Translator, p: Period): string {
  switch (p.kind) {
    case 'week': {
      const [year, week] = p.key.split('-W') as [string, string]
      return t('ledger.periodWeek', { year, week: Number(week) })
    }
    case 'month': {
      const [year, month] = p.key.split('-') as [string, string]
      return t('ledger.periodMonth', { year, month: Number(month) })
    }
    case 'year':
      return t('ledger.periodYear', { year: p.key })
  }
}

/** The 账目 text for one period (also usable by the disclosure); `head`: the verified head, when known. */
export async function ledgerText(
  ctx: Pick<CompoundContext, 'tx' | 't' | 'compound'>,
  p: Period,
  verifiedHead?: { head: string; count: number },
): Promise<string> {
  const { t, compound } = ctx
  const tz = compound.timeZone
  const tot = await periodTotals(ctx.tx, compound.id, p.from, p.to)
  const head = verifiedHead ?? (await ledgerHead(ctx.tx, compound.id))
  const lines = [
    t('ledger.title', {
      compound: compound.name,
      period: periodLabel(t, p),
      from: localDateString(p.from, tz),
      to: localDateString(new Date(p.to.getTime() - 1), tz),
    }),
    t('ledger.opening', { amount: formatMoney(tot.openingFen) }),
    t('ledger.feesCollected', { amount: formatMoney(tot.paymentsFen), households: tot.paidHouseholds }),
    t('ledger.income', { amount: formatMoney(tot.incomeFen) }),
  ]
  for (const c of tot.incomeByCategory) lines.push(t('ledger.item', { name: categoryName(t, c.category || null), amount: formatMoney(c.fen) }))
  lines.push(t('ledger.expenses', { amount: formatMoney(tot.expensesFen) }))
  for (const c of tot.expensesByCategory) lines.push(t('ledger.item', { name: categoryName(t, c.category || null), amount: formatMoney(c.fen) }))
  lines.push(t('ledger.closing', { amount: formatMoney(tot.closingFen) }))
  lines.push(t('ledger.chain', { head: head.head.slice(0, 12), count: head.count }))
  return lines.join('\n')
}

export default defineCommand({
  name: 'ledger',
  keywords: { 'zh-CN': ['账目', '账本', '收支'], 'zh-TW': ['賬目', '帳目', '帳本'], en: ['ledger'] },
  role: 'resident',
  parse(raw) {
    return { period: raw.trim() }
  },
  args: z.object({ period: z.string().max(20) }),
  async run(ctx, args) {
    const p = periodFromInput(args.period, ctx.now, ctx.compound.timeZone)
    if (!p) throw new UserError('ledger.badPeriod', { input: args.period }, true)
    const v = await checkLedgerOrAlert(ctx.tx, ctx.compound, ctx.now)
    if (!v.ok) return [reply.chat(untrustedNotice(ctx.t, v, ctx.compound.timeZone))]
    return [reply.chat(await ledgerText(ctx, p, v))]
  },
  // a community supervisor (docs/OVERSIGHT.md): the same figures, `账目 幸福里 3月` naming the compound when they
  // oversee several; a failing ledger is said, but the committee is not alerted from here (a read writes nothing)
  async oversee(ctx, args) {
    const compound = overseenCompound(ctx)
    const p = periodFromInput(args.period, ctx.now, compound.timeZone)
    if (!p) throw new UserError('ledger.badPeriod', { input: args.period }, true)
    const v = await checkLedger(ctx.tx, compound.id)
    if (!v.ok) return [reply.chat(untrustedNotice(ctx.t, v, compound.timeZone))]
    return [reply.chat(await ledgerText({ tx: ctx.tx, t: ctx.t, compound }, p, v))]
  },
})
