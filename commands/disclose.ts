// 公示 [本周|本月|今年] / 公示 [本週|本月|今年] / disclose [week|month|year]: a committee member posts the
// current period's summary (so far) and chart to every chat of the compound now. It does not use up the
// scheduled disclosure: that one still goes out after the period ends. The chain head it shows is recorded
// (src/services/disclosure.ts discloseNow) for 核验 to check later; when the ledger fails verification the
// chats get what is wrong instead of the figures, and the committee is told privately. A community supervisor
// gets the summary to themselves instead (`oversee`).
import { z } from 'zod'
import { type PeriodKind, periodOf } from '../src/domain/calendar.ts'
import { periodLabel } from '../src/render/summary.ts'
import { defineCommand, type Reply, reply, UserError } from '../src/pipeline/command.ts'
import { disclosurePreview, discloseNow } from '../src/services/disclosure.ts'
import { checkLedger, checkLedgerOrAlert, untrustedDisclosureText } from '../src/services/ledger-trust.ts'
import { overseenCompound, toSupervisor } from '../src/services/oversight.ts'
import type { Translator } from '../src/i18n/index.ts'
import { periodFromInput } from './ledger.ts'

const WORDS: Record<string, PeriodKind> = {}
const add = (kind: PeriodKind, words: string[]) => {
  for (const w of words) WORDS[w] = kind
}
add('week', ['', '本周', '本週', '这周', '這週', '本星期', '周', '週', 'week', 'thisweek', 'weekly'])
add('month', ['本月', '这个月', '這個月', '当月', '當月', '月', 'month', 'thismonth', 'monthly'])
add('year', ['今年', '本年', '本年度', '年', 'year', 'thisyear', 'yearly'])

/**
 * What a 公示 that names no current period gets: a past period it names (公示 上个月, 公示 去年) is 账目's to show,
 * so the reply gives that command for it; anything else is the usage.
 */
function badPeriod(t: Translator, input: string, now: Date, timeZone: string): UserError {
  const asked = periodFromInput(input, now, timeZone)
  // only a period that has ended: 公示 下周 is not something to look up
  if (asked && asked.to.getTime() <= now.getTime()) return new UserError('disclose.otherPeriod', { period: periodLabel(t, asked), key: asked.key })
  return new UserError('disclose.badPeriod', { input }, true)
}

/** The period kind a 公示 asks for; null when it cannot be read. */
export function discloseKind(input: string): PeriodKind | null {
  return WORDS[input.trim().toLowerCase().replace(/\s+/g, '')] ?? null
}

export default defineCommand({
  name: 'disclose',
  keywords: { 'zh-CN': ['公示'], 'zh-TW': ['公示'], en: ['disclose'] },
  role: 'committee',
  parse: (raw) => ({ period: raw.trim() }),
  args: z.object({ period: z.string().max(20) }),
  async run(ctx, args) {
    const kind = discloseKind(args.period)
    if (!kind) throw badPeriod(ctx.t, args.period, ctx.now, ctx.compound.timeZone)
    const period = periodOf(kind, ctx.now, ctx.compound.timeZone)
    const v = await checkLedgerOrAlert(ctx.tx, ctx.compound, ctx.now)
    if (!v.ok) {
      const notice = untrustedDisclosureText(ctx.t, ctx.compound, period, v)
      return ctx.message.chat.kind === 'private' ? [reply.compound(notice), reply.chat(notice)] : [reply.compound(notice)]
    }
    const { parts, chart, publicNames } = await discloseNow(ctx.tx, ctx.compound, period, ctx.now)
    // the elected of a closed election are named in full (src/render/summary.ts)
    const out: Reply[] = parts.map((text) => ({ to: 'compound', text, ...(publicNames && { publicNames }) }))
    if (chart) out.push(reply.compound(chart.caption ?? '', chart))
    if (ctx.message.chat.kind === 'private') out.push(reply.chat(ctx.t('disclose.postedPrivately', { period: periodLabel(ctx.t, period) })))
    return out
  },
  // a community supervisor (docs/OVERSIGHT.md) reads the current summary themselves: nothing is posted to the
  // groups or recorded, and only they get it
  async oversee(ctx, args) {
    const compound = overseenCompound(ctx)
    const kind = discloseKind(args.period)
    if (!kind) throw badPeriod(ctx.t, args.period, ctx.now, compound.timeZone)
    const period = periodOf(kind, ctx.now, compound.timeZone)
    const v = await checkLedger(ctx.tx, compound.id)
    const parts = v.ok ? await disclosurePreview(ctx.tx, compound, period, ctx.now) : [untrustedDisclosureText(ctx.t, compound, period, v)]
    return [...parts, ctx.t('oversight.previewNote')].map((text) => toSupervisor(ctx, text))
  },
})
