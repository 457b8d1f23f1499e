// 欠费 [楼栋]: households in arrears — with bills past their due date and not paid — the longest overdue first,
// then how many households have bills not yet due (not arrears). Privately to the collector or committee member
// who asks (collectors chase payments), never to the group (the group sees only that the list was sent privately).
import { z } from 'zod'
import { asOfNow, dueDayString } from '../src/domain/billing.ts'
import { formatMoney } from '../src/domain/money.ts'
import { defineCommand, reply, UserError } from '../src/pipeline/command.ts'
import { arrearsFromDues, compoundDues } from '../src/services/ledger.ts'
import { householdsOf } from '../src/services/roster.ts'
import { buildingOf } from '../src/domain/rooms.ts'
import { person } from '../src/domain/group-privacy.ts'

/** At most this many lines in one message; the rest are counted. */
export const ARREARS_MAX_LINES = 60

// the building normalization lives with the room parsing; re-exported for the tests that know it here
export { buildingOf } from '../src/domain/rooms.ts'

export default defineCommand({
  name: 'arrears',
  keywords: { 'zh-CN': ['欠费', '欠费名单'], 'zh-TW': ['欠費', '欠費名單'], en: ['arrears'] },
  role: 'collector',
  parse(raw) {
    return { building: raw.trim() || undefined }
  },
  args: z.object({ building: z.string().max(20).optional() }),
  async run(ctx, args) {
    const { t } = ctx
    let dues = await compoundDues(ctx.tx, ctx.compound, asOfNow(ctx.now))
    let building: string | undefined
    if (args.building) {
      building = buildingOf(args.building)
      const inBuilding = new Set((await householdsOf(ctx.tx, ctx.compound.id)).filter((h) => h.building === building).map((h) => h.id))
      if (inBuilding.size === 0) throw new UserError('arrears.unknownBuilding', { building })
      dues = dues.filter((d) => inBuilding.has(d.householdId))
    }
    const list = arrearsFromDues(dues)
    const lines: string[] = []
    if (list.length === 0) {
      lines.push(building ? t('arrears.noneInBuilding', { building }) : t('arrears.none'))
    } else {
      const total = list.reduce((s, a) => s + a.owedFen, 0n)
      lines.push(t('arrears.title', { count: list.length, total: formatMoney(total) }))
      for (const a of list.slice(0, ARREARS_MAX_LINES)) {
        lines.push(t('arrears.item', { room: a.code, amount: formatMoney(a.owedFen), due: dueDayString(a.overdueSince, ctx.compound.timeZone) }))
      }
      if (list.length > ARREARS_MAX_LINES) lines.push(t('arrears.more', { count: list.length - ARREARS_MAX_LINES }))
    }
    const pending = dues.filter((d) => d.pendingFen > 0n)
    if (pending.length > 0) {
      lines.push(t('arrears.pending', { count: pending.length, total: formatMoney(pending.reduce((s, d) => s + d.pendingFen, 0n)) }))
    }
    const name = person(ctx.member.displayName)
    return [reply.private(lines.join('\n'), { groupAck: t('common.answeredPrivately', { name }), groupFallback: t('common.cannotDm', { name }) })]
  },
})
