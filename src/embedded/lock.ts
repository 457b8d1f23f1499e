// One owner per data folder: `<dataDir>/linli.lock`, created with O_EXCL, says which process holds the folder's
// embedded database. A lock whose process is gone (or whose pid now belongs to a younger process) is stale
// and is taken over; two processes taking over the same stale lock at once are serialised by a second
// O_EXCL file, so only one of them can replace it.
import { linkSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'

export interface LockInfo {
  pid: number
  host: string
  /** ISO time the lock was taken */
  started: string
  /** 'bot': `linli start` / `linli sandbox`, serving the database on `socket`; 'cli': a one-off command */
  role: 'bot' | 'cli'
  socket: string | null
  /** what the process runs, for messages */
  command: string
}

export type Acquired = { ok: true; lock: FolderLock; tookOver?: LockInfo }
export type Held = { ok: false; holder: LockInfo }

export const lockPath = (dataDir: string) => join(dataDir, 'linli.lock')

/** `started` of the locks this process holds (a process may hold several folders, e.g. in tests) */
const heldHere = new Map<string, number>()

export class FolderLock {
  private released = false
  constructor(
    readonly path: string,
    readonly info: LockInfo,
    private readonly raw: string,
  ) {}

  /** Remove the lock file if it is still ours (synchronous: also runs from process.on('exit')). */
  release(): void {
    if (this.released) return
    this.released = true
    const n = (heldHere.get(this.info.started) ?? 1) - 1
    if (n > 0) heldHere.set(this.info.started, n)
    else heldHere.delete(this.info.started)
    try {
      if (readFileSync(this.path, 'utf8') === this.raw) rmSync(this.path, { force: true })
    } catch {
      // already gone
    }
  }
}

/** Take the folder's lock, or say who holds it (a live process). */
export function acquireLock(dataDir: string, want: Pick<LockInfo, 'role' | 'socket' | 'command'>): Acquired | Held {
  const path = lockPath(dataDir)
  const info: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString(), ...want }
  const raw = `${JSON.stringify(info)}\n`
  let tookOver: LockInfo | undefined
  for (let attempt = 0; attempt < 20; attempt++) {
    if (createExclusive(path, raw)) {
      heldHere.set(info.started, (heldHere.get(info.started) ?? 0) + 1)
      return { ok: true, lock: new FolderLock(path, info, raw), tookOver }
    }
    const current = readLock(path)
    if (current === 'missing') continue
    if (current !== 'unreadable' && isLive(current)) return { ok: false, holder: current }
    // a lock file that cannot be parsed is one being written this instant, unless it is old (a crash mid-write)
    if (current === 'unreadable' && ageMs(path) < 5_000) {
      sleepSync(50)
      continue
    }
    if (takeOver(path, current)) tookOver = current === 'unreadable' ? undefined : current
  }
  throw new Error(`could not take the lock ${path}: it keeps changing`)
}

/** The holder of the folder's lock if a live process holds it. */
export function lockHolder(dataDir: string): LockInfo | null {
  const current = readLock(lockPath(dataDir))
  return typeof current === 'object' && isLive(current) ? current : null
}

/** Whether the process that wrote `info` still runs. Another host's process cannot be checked: assumed live. */
export function isLive(info: LockInfo): boolean {
  if (info.host !== hostname()) return true
  // our own pid: live if this process took it, else the lock is from an earlier process that had this pid
  if (info.pid === process.pid) return heldHere.has(info.started)
  try {
    process.kill(info.pid, 0)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  // a process that started after the lock was written is not the one that wrote it (pid reuse, e.g. a container restart)
  const started = processStartMs(info.pid)
  return started === null || started <= Date.parse(info.started) + 2_000
}

/** When a process started, from /proc (Linux); null where that cannot be read. */
function processStartMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // fields after the command name (in parentheses, may contain spaces); starttime is field 22
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[19])
    const btime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1])
    if (!Number.isFinite(ticks) || !Number.isFinite(btime)) return null
    return btime * 1000 + (ticks / 100) * 1000 // USER_HZ is 100 on Linux
  } catch {
    return null
  }
}

/** Write the whole file under a temporary name, then link it into place: fails if the lock exists, never half-written. */
function createExclusive(path: string, raw: string): boolean {
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, raw)
  try {
    linkSync(tmp, path)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  } finally {
    rmSync(tmp, { force: true })
  }
}

function readLock(path: string): LockInfo | 'missing' | 'unreadable' {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing'
    throw err
  }
  try {
    const o = JSON.parse(text) as LockInfo
    return typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.started === 'string' ? o : 'unreadable'
  } catch {
    return 'unreadable'
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs
  } catch {
    return 0
  }
}

/**
 * Remove a stale lock, holding `<lock>.takeover` (O_EXCL) so that of two processes that both found it stale
 * only one removes it — the other then finds the new owner's lock. Returns whether this process removed it.
 */
function takeOver(path: string, stale: LockInfo | 'unreadable'): boolean {
  const guard = `${path}.takeover`
  const mine = `${JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString() })}\n`
  for (let i = 0; i < 100; i++) {
    if (createExclusive(guard, mine)) {
      try {
        const now = readLock(path)
        const same = now === 'unreadable' ? stale === 'unreadable' : typeof now === 'object' && typeof stale === 'object' && JSON.stringify(now) === JSON.stringify(stale)
        if (!same) return false
        rmSync(path, { force: true })
        return true
      } finally {
        rmSync(guard, { force: true })
      }
    }
    // the guard's holder died mid-takeover: its guard is stale too
    const holder = readLock(guard)
    if (holder === 'missing') continue
    if ((holder === 'unreadable' && ageMs(guard) > 5_000) || (holder !== 'unreadable' && !isLive(holder))) {
      rmSync(guard, { force: true })
      continue
    }
    sleepSync(20)
  }
  return false
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}
