// linli settings --compound <name> [--group-repair-offers on|off]: a compound's switches, shown, and set when a
// flag is given (like `linli schedule` for the disclosure times). One row per setting in SETTINGS: its flag,
// its key in compounds.settings, its default and how it reads.
import { eq } from 'drizzle-orm'
import { compounds, type CompoundSettings } from '../../db/schema.ts'
import { args, type CliCommand, print, requireCompound, UsageError, withDatabase } from './common.ts'

interface OnOff {
  flag: string
  key: keyof CompoundSettings & string
  default: boolean
  what: string
}

const SETTINGS: readonly OnOff[] = [
  {
    flag: 'group-repair-offers',
    key: 'groupRepairOffers',
    default: true,
    what: 'offer 要登记报修吗？回复「是」 for an unaddressed repair report in the group (docs/INTENTS.md)',
  },
]

function onOff(flag: string, v: string): boolean {
  if (v === 'on') return true
  if (v === 'off') return false
  throw new UsageError(`--${flag} must be on or off, got "${v}"`)
}

export const settingsCmd: CliCommand = {
  name: 'settings',
  usage: `linli settings --compound <name> ${SETTINGS.map((s) => `[--${s.flag} on|off]`).join(' ')}   (shown when given no change)`,
  async run(argv, config) {
    const options = Object.fromEntries([['compound', { type: 'string' as const }], ...SETTINGS.map((s) => [s.flag, { type: 'string' as const }])])
    const { values } = args(argv, options, 0)
    const given = values as Record<string, string | undefined>
    if (!given.compound) throw new UsageError('--compound <name> is required')
    const changes: Partial<CompoundSettings> = {}
    for (const s of SETTINGS) {
      const v = given[s.flag]
      if (v !== undefined) changes[s.key] = onOff(s.flag, v)
    }
    return withDatabase(config, async (db) => {
      const c = await requireCompound(db, given.compound)
      let settings = c.settings
      if (Object.keys(changes).length > 0) {
        settings = { ...settings, ...changes }
        await db.db.update(compounds).set({ settings }).where(eq(compounds.id, c.id))
      }
      print(`settings of "${c.name}":`)
      for (const s of SETTINGS) {
        const v = typeof settings[s.key] === 'boolean' ? (settings[s.key] as boolean) : s.default
        print(`  ${s.flag}: ${v ? 'on' : 'off'}${settings[s.key] === undefined ? ' (default)' : ''} — ${s.what}`)
      }
      return 0
    })
  },
}
