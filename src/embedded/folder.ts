// What a data folder holds: the PGlite database (`pglite/`), its lock and, while a bot runs, its socket.
import { createHash } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

/** A data folder that cannot be used: refused with a message saying why and what to do. */
export class DataFolderError extends Error {}

export const pgliteDir = (dataDir: string) => resolve(dataDir, 'pglite')

/** Files every PostgreSQL data directory has; PGlite runs initdb over a directory without PG_VERSION. */
const REQUIRED = ['PG_VERSION', 'global/pg_control', 'base']

/**
 * 'new' when there is no database yet (no `pglite/` folder, or an empty one), 'existing' when it looks like
 * one. A `pglite/` folder with files but not a database is refused: PGlite would initialise it as a new,
 * empty database over whatever is left of the old one.
 */
export function checkDatabaseFolder(dataDir: string): 'new' | 'existing' {
  const dir = pgliteDir(dataDir)
  if (!existsSync(dir) || readdirSync(dir).length === 0) return 'new'
  const missing = REQUIRED.filter((f) => !existsSync(join(dir, f)))
  if (missing.length === 0) return 'existing'
  throw new DataFolderError(
    [
      `数据目录 ${dir} 里有文件，但不是完整的数据库（缺少 ${missing.join('、')}）。Linli 不会在上面新建数据库：那会丢掉原有的数据。`,
      `The data folder ${dir} has files but is not a complete database (missing: ${missing.join(', ')}).`,
      'Linli will not create a new database over it, which would lose what is left of the old one.',
      'Restore the folder from a backup, or point LINLI_DATA_DIR (or --data-dir) at an empty or new folder.',
    ].join('\n'),
  )
}

/**
 * Where a bot serves its database: `<dataDir>/linli.sock`, or a file in the temp folder when that path is
 * too long for a Unix socket (about 107 bytes). The lock file records it, so clients never guess.
 */
export function socketPathFor(dataDir: string): string {
  const path = resolve(dataDir, 'linli.sock')
  if (Buffer.byteLength(path) <= 100) return path
  return join(tmpdir(), `linli-${createHash('sha256').update(path).digest('hex').slice(0, 16)}.sock`)
}
