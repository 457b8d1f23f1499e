// The data folder's lock file (src/embedded/lock.ts) and the database folder check (src/embedded/folder.ts).
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { checkDatabaseFolder, DataFolderError, socketPathFor } from '../../src/embedded/folder.ts'
import { acquireLock, isLive, type LockInfo, lockHolder, lockPath } from '../../src/embedded/lock.ts'

const dirs: string[] = []
const newDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'linli-lock-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const want = { role: 'cli' as const, socket: null, command: 'linli test' }

function writeLock(dir: string, info: Partial<LockInfo>): LockInfo {
  const full: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString(), role: 'bot', socket: null, command: 'linli start', ...info }
  writeFileSync(lockPath(dir), `${JSON.stringify(full)}\n`)
  return full
}

/** The pid of a process that has ended. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''])
  await new Promise((res) => child.on('exit', res))
  return child.pid!
}

describe('folder lock', () => {
  it('is taken once: a second taker is told who holds it, and can take it after release', () => {
    const dir = newDir()
    const first = acquireLock(dir, want)
    expect(first.ok).toBe(true)
    const second = acquireLock(dir, { ...want, command: 'linli other' })
    expect(second).toMatchObject({ ok: false, holder: { pid: process.pid, command: 'linli test' } })
    expect(lockHolder(dir)?.pid).toBe(process.pid)
    if (first.ok) first.lock.release()
    expect(existsSync(lockPath(dir))).toBe(false)
    const third = acquireLock(dir, want)
    expect(third.ok).toBe(true)
    if (third.ok) third.lock.release()
  })

  it('takes over the lock of a process that is gone, and says whose it was', async () => {
    const dir = newDir()
    const pid = await deadPid()
    writeLock(dir, { pid })
    expect(lockHolder(dir)).toBeNull()
    const got = acquireLock(dir, want)
    expect(got).toMatchObject({ ok: true, tookOver: { pid } })
    expect(JSON.parse(readFileSync(lockPath(dir), 'utf8'))).toMatchObject({ pid: process.pid, command: 'linli test' })
    if (got.ok) got.lock.release()
  })

  it('takes over a lock whose pid now belongs to a younger process (pid reuse after a restart)', () => {
    const dir = newDir()
    // this process is alive, but started long after this lock was written
    writeLock(dir, { pid: process.ppid, started: '2001-01-01T00:00:00.000Z' })
    const got = acquireLock(dir, want)
    expect(got.ok).toBe(true)
    if (got.ok) got.lock.release()
  })

  it('respects a live process, and one on another host (which it cannot check)', () => {
    const dir = newDir()
    writeLock(dir, { pid: process.ppid, started: new Date().toISOString() })
    expect(acquireLock(dir, want)).toMatchObject({ ok: false, holder: { pid: process.ppid } })
    writeLock(dir, { pid: 1, host: 'elsewhere.example' })
    expect(isLive(JSON.parse(readFileSync(lockPath(dir), 'utf8')) as LockInfo)).toBe(true)
    expect(acquireLock(dir, want)).toMatchObject({ ok: false, holder: { host: 'elsewhere.example' } })
  })

  it('does not remove a lock that is no longer its own', () => {
    const dir = newDir()
    const got = acquireLock(dir, want)
    if (!got.ok) throw new Error('not acquired')
    const other = writeLock(dir, { pid: process.ppid, command: 'linli start' })
    got.lock.release()
    expect(JSON.parse(readFileSync(lockPath(dir), 'utf8'))).toEqual(other)
  })
})

describe('database folder check', () => {
  it('makes a database only where there is none: no pglite folder or an empty one', () => {
    const dir = newDir()
    expect(checkDatabaseFolder(dir)).toBe('new')
    mkdirSync(join(dir, 'pglite'))
    expect(checkDatabaseFolder(dir)).toBe('new')
  })

  it('refuses a pglite folder with files that is not a database, naming what is missing', () => {
    const dir = newDir()
    mkdirSync(join(dir, 'pglite', 'base'), { recursive: true })
    mkdirSync(join(dir, 'pglite', 'global'), { recursive: true })
    writeFileSync(join(dir, 'pglite', 'global', 'pg_control'), 'x')
    expect(() => checkDatabaseFolder(dir)).toThrow(DataFolderError)
    expect(() => checkDatabaseFolder(dir)).toThrow(/缺少 PG_VERSION[\s\S]*missing: PG_VERSION/)
    writeFileSync(join(dir, 'pglite', 'PG_VERSION'), '17\n')
    expect(checkDatabaseFolder(dir)).toBe('existing')
  })

  it('keeps the socket path short enough for a Unix socket', () => {
    expect(socketPathFor('/srv/linli')).toBe('/srv/linli/linli.sock')
    const deep = `/tmp/${'x'.repeat(120)}`
    expect(Buffer.byteLength(socketPathFor(deep))).toBeLessThanOrEqual(100)
    expect(socketPathFor(deep)).toBe(socketPathFor(deep))
  })
})
