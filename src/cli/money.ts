// Money operator commands: `linli bill --compound <name> [--month YYYY-MM]`.
import { isMonthKey } from '../domain/billing.ts'
import { monthKeyOf } from '../domain/calendar.ts'
import { formatMoney } from '../domain/money.ts'
import { billMonth } from '../services/fees.ts'
import { args, type CliCommand, nowFrom, print, requireCompound, UsageError, withDatabase } from './common.ts'

export const billCmd: CliCommand = {
  name: 'bill',
  usage: 'linli bill --compound <name> [--month YYYY-MM]   (charges of the fee schedules; safe to repeat)',
  async run(argv, config) {
    const { values } = args(argv, { compound: { type: 'string' }, month: { type: 'string' } }, 0)
    if (!values.compound) throw new UsageError('--compound <name> is required')
    if (values.month !== undefined && !isMonthKey(values.month)) throw new UsageError(`--month must be YYYY-MM, got "${values.month}"`)
    return withDatabase(config, async (db) => {
      const c = await requireCompound(db, values.compound)
      const now = nowFrom(undefined, config)
      const month = values.month ?? monthKeyOf(now, c.timeZone)
      const r = await billMonth(db.db, c.id, month, now)
      print(
        `billed ${month} for "${c.name}": ${r.charged} new charge(s) totalling ${formatMoney(r.chargedFen)}, ` +
          `${r.alreadyBilled} already billed; ${r.schedules} schedule(s), ${r.households} household(s)` +
          (r.dueDays.length > 0 ? `; due ${r.dueDays.join(', ')} (overdue from the next day)` : ''),
      )
      return 0
    })
  },
}
