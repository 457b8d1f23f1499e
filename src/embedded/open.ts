// Opening a data folder's embedded database, one owner at a time (docs/DEPLOY.md "One data folder, one owner").
//
// - Folder free: this process takes the lock and opens PGlite; a bot (`linli start` / `linli sandbox`) also
//   serves it on a Unix socket, so CLI commands run next to it.
// - Held by a bot: a CLI command goes through the bot's socket with postgres.js: one database, every write
//   seen by both at once. A second bot is refused: it would not own the data it serves (it would stop
//   working when the first one exits), and two console sandboxes would share one outbox and print each
//   other's replies.
// - Held by a CLI command: wait for it to finish (they take a second or two), then take the folder.
// - Held by a process on another host: refused; its pid cannot be checked from here.
import { mkdirSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { hostname } from 'node:os'
import { resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { PGlite } from '@electric-sql/pglite'
import { type Database, type OpenOptions, openDatabase } from '../../db/client.ts'
import { log } from '../log.ts'
import { checkDatabaseFolder, DataFolderError, pgliteDir, socketPathFor } from './folder.ts'
import { acquireLock, type FolderLock, type LockInfo, lockPath } from './lock.ts'
import { SessionServer } from './server.ts'

export interface FolderOptions extends Pick<OpenOptions, 'onQuery'> {
  /** PGlite under `<dataDir>/pglite`, created when the folder is new */
  dataDir: string
  /** 'bot' (linli start, sandbox) owns the folder and serves it to other processes; 'cli' (the default) goes
   *  through a running bot, or owns the folder for its run */
  role?: 'bot' | 'cli'
  /** how long to wait for another process to let go of the folder (default 60 s) */
  waitMs?: number
  /** called once the folder is this process's and checked, before PGlite takes seconds to open */
  onOwned?: () => void
}

export async function openDataFolder(opts: FolderOptions): Promise<Database> {
  const dataDir = resolve(opts.dataDir)
  const role = opts.role ?? 'cli'
  const waitMs = opts.waitMs ?? 60_000
  const deadline = Date.now() + waitMs
  const command = `linli ${process.argv.slice(2).join(' ')}`.trim()
  mkdirSync(dataDir, { recursive: true })
  for (;;) {
    const got = acquireLock(dataDir, { role, socket: role === 'bot' ? socketPathFor(dataDir) : null, command })
    if (got.ok) {
      if (got.tookOver) log.warn({ dataDir, stale: got.tookOver }, 'took over the data folder from a process that is gone')
      try {
        return await own(dataDir, got.lock, opts)
      } catch (err) {
        got.lock.release()
        throw err
      }
    }
    const holder = got.holder
    if (holder.host !== hostname()) throw refusal(dataDir, holder, 'host')
    if (holder.role === 'bot' && role === 'bot') throw refusal(dataDir, holder, 'bot')
    if (holder.role === 'bot' && holder.socket && (await listening(holder.socket))) {
      const db = await openDatabase({ ...opts, url: 'postgres://linli@localhost/linli', socketPath: holder.socket, poolSize: 1 })
      log.debug({ dataDir, pid: holder.pid }, 'using the data folder through the running bot')
      return { ...db, through: holder }
    }
    // a bot still starting (its socket comes up once PGlite is open), or a CLI command finishing
    if (Date.now() >= deadline) throw refusal(dataDir, holder, 'timeout', waitMs)
    await sleep(100)
  }
}

async function own(dataDir: string, lock: FolderLock, opts: FolderOptions): Promise<Database> {
  checkDatabaseFolder(dataDir)
  opts.onOwned?.()
  const pg = await PGlite.create(pgliteDir(dataDir))
  const socket = lock.info.socket
  let server: SessionServer | undefined
  if (socket) {
    server = new SessionServer({ pglite: pg, path: socket })
    try {
      await server.listen()
    } catch (err) {
      await pg.close()
      throw err
    }
  }
  // a process ending without close() (process.exit, an uncaught exception) still leaves no lock behind
  const onExit = () => {
    lock.release()
    if (socket) rmSync(socket, { force: true })
  }
  process.on('exit', onExit)
  const db = await openDatabase({ pglite: pg, onQuery: opts.onQuery })
  let closing: Promise<void> | undefined
  const close = () =>
    (closing ??= (async () => {
      try {
        await server?.close()
        await db.close()
      } finally {
        lock.release()
        process.off('exit', onExit)
        owned.delete(close)
      }
    })())
  owned.add(close)
  return { ...db, close }
}

const owned = new Set<() => Promise<void>>()

/** Close every data folder this process owns (a CLI command stopped by a signal): PGlite shut down cleanly, unlocked. */
export async function closeOwnedFolders(): Promise<void> {
  await Promise.all([...owned].map((close) => close().catch(() => {})))
}

/** Whether something accepts connections on the socket (a bot whose PGlite is open). */
function listening(path: string): Promise<boolean> {
  return new Promise((res) => {
    const s = connect(path)
    s.once('connect', () => {
      s.destroy()
      res(true)
    })
    s.once('error', () => res(false))
  })
}

function refusal(dataDir: string, holder: LockInfo, why: 'bot' | 'host' | 'timeout', waitMs = 0): DataFolderError {
  const who = `${holder.pid}（${holder.command}，${holder.started} 起）`
  const whoEn = `process ${holder.pid} (${holder.command}, since ${holder.started})`
  if (why === 'host') {
    return new DataFolderError(
      [
        `数据目录 ${dataDir} 被主机 ${holder.host} 上的进程 ${who}锁定。`,
        `The data folder ${dataDir} is locked by ${whoEn} on host ${holder.host}.`,
        `If that process no longer runs, delete ${lockPath(dataDir)} and try again.`,
      ].join('\n'),
    )
  }
  if (why === 'bot') {
    return new DataFolderError(
      [
        `数据目录 ${dataDir} 正由进程 ${who}使用：一个数据目录只能运行一个机器人。`,
        `The data folder ${dataDir} is in use by ${whoEn}: one bot per data folder.`,
        `Stop it first (Ctrl-C in its terminal, or kill ${holder.pid}), or use another folder (LINLI_DATA_DIR or --data-dir).`,
        'CLI commands (npm run -s linli -- …) work while it runs.',
      ].join('\n'),
    )
  }
  return new DataFolderError(
    [
      `数据目录 ${dataDir} 正由进程 ${who}使用，${Math.round(waitMs / 1000)} 秒内没有释放。`,
      `The data folder ${dataDir} is in use by ${whoEn}, which did not let go of it within ${Math.round(waitMs / 1000)} s.`,
      `Try again when it has finished, or stop it (kill ${holder.pid}).`,
    ].join('\n'),
  )
}
