// Shared CLI plumbing: argument parsing with usage errors, opening the configured database.
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { type Database, openDatabase } from '../../db/client.ts'
import type { FolderOptions } from '../embedded/open.ts'
import { migrate } from '../../db/migrate.ts'
import { findCompoundByName } from '../../db/compounds.ts'
import type { Config } from '../config.ts'

export class UsageError extends Error {}

export interface CliCommand {
  /** first word(s) after `linli` */
  name: string
  usage: string
  run(argv: string[], config: Config): Promise<number>
}

export function args<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, positionals: number) {
  let parsed
  // Telegram group ids are negative numbers: keep them positional instead of flags
  const hidden = argv.map((a) => (/^-\d+$/.test(a) ? `\u0000${a}` : a))
  try {
    parsed = parseArgs({ args: hidden, options, allowPositionals: true, strict: true })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  parsed.positionals = parsed.positionals.map((p) => p.replace(/^\u0000/, ''))
  if (parsed.positionals.length !== positionals) {
    throw new UsageError(`expected ${positionals} argument(s), got ${parsed.positionals.length}`)
  }
  return parsed
}

/**
 * The configured database (DATABASE_URL, or the data dir's PGlite), migrated. A bot owns its data dir and
 * serves it; a CLI command goes through the bot running on it, if one is (src/embedded/open.ts).
 */
export async function openConfigured(
  config: Config,
  dataDir?: string,
  role: 'bot' | 'cli' = 'cli',
  hooks: Pick<FolderOptions, 'onOwned'> = {},
): Promise<Database> {
  // the data folder's modules are loaded only when there is no DATABASE_URL (bench/startup.ts)
  const db = config.DATABASE_URL
    ? await openDatabase({ url: config.DATABASE_URL })
    : await (await import('../embedded/open.ts')).openDataFolder({ dataDir: dataDir ?? config.LINLI_DATA_DIR, role, ...hooks })
  try {
    await migrate(db)
  } catch (err) {
    await db.close()
    throw err
  }
  return db
}

export async function withDatabase<T>(config: Config, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openConfigured(config)
  try {
    return await fn(db)
  } finally {
    await db.close()
  }
}

export async function requireCompound(db: Database, name: string | undefined) {
  if (!name) throw new UsageError('--compound <name> is required')
  const c = await findCompoundByName(db.db, name)
  if (!c) throw new UsageError(`no compound named "${name}" (create it with: linli compound create "${name}")`)
  return c
}

/** The CLI's clock: --now, else LINLI_NOW (the sandbox's clock), else the system clock. */
export function nowFrom(value: string | undefined, config: Config): Date {
  const raw = value ?? config.LINLI_NOW
  if (!raw) return new Date()
  const d = new Date(raw)
  if (Number.isNaN(d.getTime())) throw new UsageError(`--now / LINLI_NOW must be an ISO 8601 time, got "${raw}"`)
  return d
}

export const print = (s: string) => process.stdout.write(`${s}\n`)
