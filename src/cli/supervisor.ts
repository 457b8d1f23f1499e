// `linli supervisor grant|revoke|list`: community (社区/街道) supervisors, read-only across the compounds granted
// (docs/OVERSIGHT.md). Keyed by platform identity: a grant may come before the person's first message. A revoke
// deletes the grant rows (supervisors is no audit table); grants and revokes are logged for the operator.
import { findCompoundByName } from '../../db/compounds.ts'
import { grantSupervisor, listSupervisors, revokeSupervisor } from '../../db/supervisors.ts'
import type { Database } from '../../db/client.ts'
import { log } from '../log.ts'
import { args, type CliCommand, nowFrom, print, UsageError, withDatabase } from './common.ts'
import { PLATFORMS } from './admin.ts'

function who(positionals: string[]): { platform: string; user: string } {
  const [platform, user] = positionals as [string, string]
  if (!PLATFORMS.includes(platform)) throw new UsageError(`platform must be one of ${PLATFORMS.join(', ')}`)
  if (!user.trim()) throw new UsageError('the user id is empty')
  return { platform, user: user.trim() }
}

/** `--compounds A,B` (，、 too) as names, each once. */
function compoundNames(value: string | undefined, required: boolean): string[] | undefined {
  if (value === undefined) {
    if (required) throw new UsageError('--compounds <name,name,…> is required')
    return undefined
  }
  const names = [...new Set(value.split(/[,，、]/).map((s) => s.trim()).filter((s) => s !== ''))]
  if (names.length === 0) throw new UsageError('--compounds names no compound')
  return names
}

async function compoundIds(db: Database, names: string[]): Promise<{ id: number; name: string }[]> {
  const out: { id: number; name: string }[] = []
  for (const name of names) {
    const c = await findCompoundByName(db.db, name)
    if (!c) throw new UsageError(`no compound named "${name}"`)
    out.push({ id: c.id, name: c.name })
  }
  return out
}

export const supervisorGrant: CliCommand = {
  name: 'supervisor grant',
  usage: 'linli supervisor grant <platform> <user-id> --compounds <name,name,…>   (read-only oversight and a weekly digest)',
  async run(argv, config) {
    const { values, positionals } = args(argv, { compounds: { type: 'string' } }, 2)
    const { platform, user } = who(positionals)
    const names = compoundNames(values.compounds, true)!
    return withDatabase(config, async (db) => {
      const list = await compoundIds(db, names)
      const added = await grantSupervisor(db.db, { platform, platformUserId: user, compoundIds: list.map((c) => c.id), grantedBy: 'cli', at: nowFrom(undefined, config) })
      log.info({ platform, user, compounds: added }, 'supervisor granted')
      const already = list.filter((c) => !added.includes(c.id)).map((c) => c.name)
      print(`${platform} user ${user} now supervises ${list.map((c) => `"${c.name}"`).join(', ')}${already.length ? ` (already: ${already.join(', ')})` : ''}`)
      return 0
    })
  },
}

export const supervisorRevoke: CliCommand = {
  name: 'supervisor revoke',
  usage: 'linli supervisor revoke <platform> <user-id> [--compounds <name,name,…>]   (all of them when not given)',
  async run(argv, config) {
    const { values, positionals } = args(argv, { compounds: { type: 'string' } }, 2)
    const { platform, user } = who(positionals)
    const names = compoundNames(values.compounds, false)
    return withDatabase(config, async (db) => {
      const list = names ? await compoundIds(db, names) : undefined
      const removed = await revokeSupervisor(db.db, platform, user, list?.map((c) => c.id))
      log.info({ platform, user, compounds: removed }, 'supervisor revoked')
      if (removed.length === 0) {
        process.stderr.write(`${platform} user ${user} supervised none of those\n`)
        return 1
      }
      print(`${platform} user ${user} no longer supervises ${removed.length} compound(s)`)
      return 0
    })
  },
}

export const supervisorList: CliCommand = {
  name: 'supervisor list',
  usage: 'linli supervisor list',
  async run(argv, config) {
    args(argv, {}, 0)
    return withDatabase(config, async (db) => {
      for (const r of await listSupervisors(db.db)) print(`${r.platform}\t${r.platformUserId}\t${r.compound}\t${r.grantedAt.toISOString()}`)
      return 0
    })
  },
}
