// linli settings --compound <name> [--group-repair-offers on|off] [--quiet-hours "21:00-08:00"|off] [--objection-days N]
// [--notice-reminder-hours N]: a compound's
// settings, shown, and set when a flag is given (like `linli schedule` for the disclosure times). One row per
// setting in SETTINGS: its flag, its key in compounds.settings, how a flag value is read and how it is shown.
import { eq } from 'drizzle-orm'
import { compounds, type CompoundSettings } from '../../db/schema.ts'
import { DEFAULT_QUIET_HOURS, describeQuietHours, parseQuietHours, quietHoursOf } from '../domain/quiet-hours.ts'
import { noticeReminderHoursOf } from '../services/notices.ts'
import { objectionDaysOf } from '../services/objections.ts'
import { args, type CliCommand, print, requireCompound, UsageError, withDatabase } from './common.ts'

interface Setting {
  flag: string
  key: keyof CompoundSettings & string
  /** what the flag takes, for the usage line */
  values: string
  what: string
  /** the value stored for the flag's value (a UsageError when it cannot be read) */
  parse(v: string): unknown
  /** how the compound's value reads (its default when unset) */
  show(settings: CompoundSettings): string
}

function onOff(flag: string, key: Setting['key'], fallback: boolean, what: string): Setting {
  return {
    flag,
    key,
    values: 'on|off',
    what,
    parse(v) {
      if (v === 'on') return true
      if (v === 'off') return false
      throw new UsageError(`--${flag} must be on or off, got "${v}"`)
    },
    show: (settings) => ((typeof settings[key] === 'boolean' ? (settings[key] as boolean) : fallback) ? 'on' : 'off'),
  }
}

const SETTINGS: readonly Setting[] = [
  onOff('group-repair-offers', 'groupRepairOffers', true, 'offer 要登记报修吗？回复「是」 for an unaddressed repair report in the group (docs/INTENTS.md)'),
  {
    flag: 'quiet-hours',
    key: 'quietHours',
    values: `"${describeQuietHours(DEFAULT_QUIET_HOURS)}"|off`,
    what: 'local hours in which no poll or notice reminder, election post or 补发 of a missed 公示 is posted to the groups (docs/POLLS.md, docs/GOVERNANCE.md)',
    parse(v) {
      const q = parseQuietHours(v)
      if (q === 'invalid') throw new UsageError(`--quiet-hours "${v}" is not a time range like "${describeQuietHours(DEFAULT_QUIET_HOURS)}" (or off)`)
      return q === null ? false : describeQuietHours(q)
    },
    show: (settings) => describeQuietHours(quietHoursOf(settings)),
  },
  {
    flag: 'objection-days',
    key: 'objectionDays',
    values: '<days>',
    what: 'the objection period (公示期) after a poll or election result, in days (docs/POLLS.md)',
    parse(v) {
      if (!/^\d{1,3}$/.test(v)) throw new UsageError(`--objection-days must be a whole number of days (0–999), got "${v}"`)
      return Number(v)
    },
    show: (settings) => String(objectionDaysOf(settings)),
  },
  {
    flag: 'notice-reminder-hours',
    key: 'noticeReminderHours',
    values: `<hours>|0`,
    what: 'hours after a notice (通知) when its one reminder goes to the groups, 0 for none; applies to notices posted from then on (docs/GOVERNANCE.md)',
    parse(v) {
      if (!/^\d{1,4}$/.test(v.trim())) throw new UsageError(`--notice-reminder-hours must be a whole number of hours (0: no reminder), got "${v}"`)
      return Number(v.trim())
    },
    show: (settings) => {
      const h = noticeReminderHoursOf(settings)
      return h === null ? '0 (no reminder)' : String(h)
    },
  },
]

export const settingsCmd: CliCommand = {
  name: 'settings',
  usage: `linli settings --compound <name> ${SETTINGS.map((s) => `[--${s.flag} ${s.values}]`).join(' ')}   (shown when given no change)`,
  async run(argv, config) {
    const options = Object.fromEntries([['compound', { type: 'string' as const }], ...SETTINGS.map((s) => [s.flag, { type: 'string' as const }])])
    const { values } = args(argv, options, 0)
    const given = values as Record<string, string | undefined>
    if (!given.compound) throw new UsageError('--compound <name> is required')
    const changes: Partial<CompoundSettings> = {}
    for (const s of SETTINGS) {
      const v = given[s.flag]
      if (v !== undefined) changes[s.key] = s.parse(v)
    }
    return withDatabase(config, async (db) => {
      const c = await requireCompound(db, given.compound)
      let settings = c.settings
      if (Object.keys(changes).length > 0) {
        settings = { ...settings, ...changes }
        await db.db.update(compounds).set({ settings }).where(eq(compounds.id, c.id))
      }
      print(`settings of "${c.name}":`)
      for (const s of SETTINGS) print(`  ${s.flag}: ${s.show(settings)}${settings[s.key] === undefined ? ' (default)' : ''} — ${s.what}`)
      return 0
    })
  },
}
