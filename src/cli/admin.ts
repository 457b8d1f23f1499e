// Operator commands: migrate, compound create, roster import/remove, chat link/list, role grant.
import { readFileSync } from 'node:fs'
import { eq } from 'drizzle-orm'
import { createCompound, findCompoundByName, linkChat, setRole } from '../../db/compounds.ts'
import { findMember, upsertMember } from '../../db/members.ts'
import { chats, compounds } from '../../db/schema.ts'
import { isLang } from '../i18n/index.ts'
import { canonicalCode, parseRoom } from '../domain/rooms.ts'
import { formatArea } from '../domain/tally.ts'
import { removeHousehold } from '../services/roster.ts'
import { importRoster, parseRoster, RosterError } from './roster.ts'
import { args, type CliCommand, nowFrom, print, requireCompound, UsageError, withDatabase } from './common.ts'

export const PLATFORMS = ['console', 'telegram', 'wechat']
const ROLES = ['collector', 'committee', 'head']

export const migrateCmd: CliCommand = {
  name: 'migrate',
  usage: 'linli migrate',
  async run(argv, config) {
    args(argv, {}, 0)
    await withDatabase(config, async () => {})
    print('migrations applied')
    return 0
  },
}

export const compoundCreate: CliCommand = {
  name: 'compound create',
  usage: 'linli compound create <name> [--tz Asia/Shanghai] [--lang zh-CN|zh-TW|en]',
  async run(argv, config) {
    const { values, positionals } = args(argv, { tz: { type: 'string' }, lang: { type: 'string' } }, 1)
    const name = positionals[0]!.trim()
    if (name.length < 2 || name.length > 40) throw new UsageError('the name needs 2 to 40 characters')
    const tz = values.tz ?? config.LINLI_DEFAULT_TZ
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz })
    } catch {
      throw new UsageError(`unknown time zone "${tz}"`)
    }
    const lang = values.lang ?? 'zh-CN'
    if (!isLang(lang)) throw new UsageError('--lang must be zh-CN, zh-TW or en')
    return withDatabase(config, async (db) => {
      if (await findCompoundByName(db.db, name)) {
        print(`compound "${name}" already exists`)
        return 1
      }
      const c = await createCompound(db.db, { name, timeZone: tz, language: lang })
      print(`created compound #${c.id} "${c.name}" (${c.timeZone}, ${c.language})`)
      return 0
    })
  },
}

export const rosterImport: CliCommand = {
  name: 'roster import',
  usage: 'linli roster import <file.csv> --compound <name>   (columns: building,unit,room,area_m2[,occupancy][,owner_name])',
  async run(argv, config) {
    const { values, positionals } = args(argv, { compound: { type: 'string' } }, 1)
    let csv: string
    try {
      csv = readFileSync(positionals[0]!, 'utf8')
    } catch (err) {
      throw new UsageError(`cannot read ${positionals[0]}: ${(err as Error).message}`)
    }
    let rows
    try {
      rows = parseRoster(csv)
    } catch (err) {
      if (err instanceof RosterError) {
        process.stderr.write(`roster not imported: ${err.message}\n`)
        return 1
      }
      throw err
    }
    return withDatabase(config, async (db) => {
      const c = await requireCompound(db, values.compound)
      const r = await importRoster(db.db, c.id, rows, nowFrom(undefined, config))
      print(`imported ${rows.length} households into "${c.name}": ${r.inserted} new, ${r.updated} updated`)
      return 0
    })
  },
}

export const rosterRemove: CliCommand = {
  name: 'roster remove',
  usage: 'linli roster remove <room> --compound <name>   (refused while a ballot, ledger entry or repair ticket refers to it; its bindings go with it)',
  async run(argv, config) {
    const { values, positionals } = args(argv, { compound: { type: 'string' } }, 1)
    const address = parseRoom(positionals[0]!)
    if (!address) throw new UsageError(`not a room: ${positionals[0]} (write it like 3-2-201)`)
    const code = canonicalCode(address)
    return withDatabase(config, async (db) => {
      const c = await requireCompound(db, values.compound)
      const res = await db.db.transaction((tx) => removeHousehold(tx, c.id, code))
      if (res.ok) {
        print(`removed ${res.household.code} (${formatArea(res.household.areaCentiM2)} m²) from "${c.name}" with ${res.bindings} binding(s); open polls keep it in their electorate`)
        return 0
      }
      if (res.reason === 'unknown') {
        process.stderr.write(`no room ${code} in the roster of "${c.name}"\n`)
        return 1
      }
      const { ballots, ledger, tickets } = res.refs
      process.stderr.write(`${code} not removed: referenced by ${ballots} ballot(s), ${ledger} ledger entry(ies), ${tickets} repair ticket(s)\n`)
      return 1
    })
  },
}

export const chatLink: CliCommand = {
  name: 'chat link',
  usage: 'linli chat link <platform> <chat-id> --compound <name>',
  async run(argv, config) {
    const { values, positionals } = args(argv, { compound: { type: 'string' } }, 2)
    const [platform, chatId] = positionals as [string, string]
    if (!PLATFORMS.includes(platform)) throw new UsageError(`platform must be one of ${PLATFORMS.join(', ')}`)
    return withDatabase(config, async (db) => {
      const c = await requireCompound(db, values.compound)
      await linkChat(db.db, { compoundId: c.id, platform, platformChatId: chatId })
      print(`linked ${platform} chat ${chatId} to "${c.name}"`)
      return 0
    })
  },
}

export const chatList: CliCommand = {
  name: 'chat list',
  usage: 'linli chat list [--compound <name>]',
  async run(argv, config) {
    const { values } = args(argv, { compound: { type: 'string' } }, 0)
    return withDatabase(config, async (db) => {
      const rows = await db.db
        .select({ chat: chats, compound: compounds })
        .from(chats)
        .innerJoin(compounds, eq(chats.compoundId, compounds.id))
        .orderBy(chats.id)
      for (const r of rows.filter((r) => !values.compound || r.compound.name === values.compound)) {
        print(`${r.chat.platform}\t${r.chat.platformChatId}\t${r.compound.name}\t${r.chat.title ?? ''}`)
      }
      return 0
    })
  },
}

export const roleGrant: CliCommand = {
  name: 'role grant',
  usage: 'linli role grant <platform> <user-id> <collector|committee|head> --compound <name> [--name <display name>]',
  async run(argv, config) {
    const { values, positionals } = args(argv, { compound: { type: 'string' }, name: { type: 'string' } }, 3)
    const [platform, userId, role] = positionals as [string, string, string]
    if (!PLATFORMS.includes(platform)) throw new UsageError(`platform must be one of ${PLATFORMS.join(', ')}`)
    if (!ROLES.includes(role)) throw new UsageError(`role must be one of ${ROLES.join(', ')}`)
    return withDatabase(config, async (db) => {
      const c = await requireCompound(db, values.compound)
      const known = await findMember(db.db, platform, userId)
      const m = known && !values.name ? known : await upsertMember(db.db, platform, userId, values.name ?? userId)
      await setRole(db.db, { compoundId: c.id, memberId: m.id, role: role as 'head' })
      print(`${platform} user ${userId} is now ${role} of "${c.name}"`)
      return 0
    })
  },
}
