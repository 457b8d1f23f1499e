// One embedded database, many processes (issue 13), with real processes on one data folder: a second bot is
// refused and a CLI command goes through the running one, so nothing acknowledged is lost; SIGTERM closes the
// folder cleanly and SIGKILL of `npm start` leaves no process behind; a damaged folder is refused, not
// re-created; a stale lock is taken over. Always on the embedded database (never DATABASE_URL).
import { spawn, spawnSync } from 'node:child_process'
import { closeSync, cpSync, existsSync, openSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDataFolder } from '../../src/embedded/open.ts'
import { childEnv, descendants, Running, runCli, running, script, startCli, tempDir } from '../helpers/cli.ts'

const dirs: string[] = []
const children: Running[] = []
let template: string

/** A data folder with a migrated database, copied from one made once (initdb is the slow part). */
function folder(): string {
  const dir = tempDir('linli-embedded-')
  dirs.push(dir)
  cpSync(join(template, 'pglite'), join(dir, 'pglite'), { recursive: true })
  return dir
}

function start(args: string[], env: NodeJS.ProcessEnv): Running {
  const r = startCli(args, env)
  children.push(r)
  return r
}

async function cli(dir: string, ...args: string[]) {
  const r = await runCli(args, { env: childEnv(dir) })
  expect(r.code, `linli ${args.join(' ')}\n${r.stderr}`).toBe(0)
  return r.stdout
}

/** Rows of a table in a data folder no process holds any more (this test process takes it for the count). */
async function countRows(dir: string, query: string): Promise<number> {
  const db = await openDataFolder({ dataDir: dir, role: 'cli', waitMs: 10_000 })
  try {
    const res = await db.db.execute(sql.raw(query))
    const rows = ((res as { rows?: unknown[] }).rows ?? res) as Array<{ n: number | string }>
    return Number(rows[0]!.n)
  } finally {
    await db.close()
  }
}

const receipts = (r: Running) => r.lines().filter((l) => l.user === 'u1' && /流水 #\d+/.test(l.text)).length

async function waitUntil(ok: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting until ${what}`)
    await sleep(200)
  }
}

function listing(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name)
      if (e.isDirectory()) walk(p)
      else out.push(`${p.slice(dir.length)} ${statSync(p).size}`)
    }
  }
  walk(dir)
  return out.sort()
}

beforeAll(async () => {
  template = tempDir('linli-embedded-tpl-')
  dirs.push(template)
  await cli(template, 'migrate')
}, 300_000)

afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL')
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('one data folder, several processes', { timeout: 900_000 }, () => {
  it('a second sandbox is refused, CLI commands go through the running one, and every acknowledged write is kept', async () => {
    const dir = folder()
    const rooms = Array.from({ length: 10 }, (_, i) => `1-1-${101 + i}`)
    writeFileSync(join(dir, 'roster.csv'), `building,unit,room,area_m2\n${rooms.map((r) => `${r.replaceAll('-', ',')},80`).join('\n')}\n`)
    await cli(dir, 'compound', 'create', '幸福里')
    await cli(dir, 'roster', 'import', join(dir, 'roster.csv'), '--compound', '幸福里')
    await cli(dir, 'chat', 'link', 'console', 'g1', '--compound', '幸福里')
    await cli(dir, 'role', 'grant', 'console', 'u1', 'collector', '--compound', '幸福里', '--name', '张三')

    const bot = start(['sandbox', '--jsonl'], childEnv(dir))
    bot.send({ from: 'u1', name: '张三', text: '帮助', private: true, id: 'ready' })
    await bot.waitFor((r) => r.lines().length > 0, 'the first sandbox to answer')

    // the second sandbox on the folder, with payments of its own: refused before it acknowledges anything
    const second = await runCli(['sandbox', '--jsonl'], {
      env: childEnv(dir),
      input: script(rooms.map((room, i) => ({ chat: 'g1', from: 'u1', name: '张三', text: `缴费 ${room} ${200 + i}`, id: `b${i}` }))),
    })
    expect(second.code).toBe(1)
    expect(second.stdout).toBe('')
    expect(second.stderr).toContain(`in use by process ${bot.pid} `)
    expect(second.stderr).toContain('one bot per data folder')
    expect(second.stderr).not.toMatch(/\n\s+at /) // no stack trace

    // the running sandbox records a payment for every household; CLI commands run while it does
    rooms.forEach((room, i) => bot.send({ chat: 'g1', from: 'u1', name: '张三', text: `缴费 ${room} ${100 + i}`, id: `a${i}` }))
    const created = await runCli(['compound', 'create', '新小区'], { env: childEnv(dir) })
    expect(created.code, created.stderr).toBe(0)
    expect(created.stdout).toContain('created compound #2 "新小区"')
    writeFileSync(join(dir, 'more.csv'), 'building,unit,room,area_m2\n2,1,201,95\n')
    expect(await cli(dir, 'roster', 'import', join(dir, 'more.csv'), '--compound', '幸福里')).toContain('1 new')
    await bot.waitFor((r) => receipts(r) === rooms.length, `${rooms.length} receipts`)

    // the bot's next command sees the household the CLI imported while it ran
    bot.send({ chat: 'g1', from: 'u1', name: '张三', text: '缴费 2-1-201 300', id: 'a-new' })
    await bot.waitFor((r) => receipts(r) === rooms.length + 1, 'the receipt for the household imported by the CLI')

    // SIGTERM: the sandbox finishes, closes its database and lets go of the folder
    bot.child.kill('SIGTERM')
    expect(await bot.exited).toBe(0)
    expect(existsSync(join(dir, 'linli.lock'))).toBe(false)
    expect(existsSync(join(dir, 'linli.sock'))).toBe(false)

    // the compound the CLI created while the bot ran is still there: the next one is #3, not #2 again
    expect(await cli(dir, 'compound', 'create', '第三小区')).toContain('created compound #3 "第三小区"')
    // every acknowledged payment is in the ledger, and nothing else
    const acknowledged = receipts(bot) + (second.stdout.match(/流水 #\d+/g)?.length ?? 0)
    expect(await countRows(dir, `SELECT count(*) AS n FROM ledger_entries WHERE kind = 'payment'`)).toBe(acknowledged)
    expect(acknowledged).toBe(rooms.length + 1)
    expect(await countRows(dir, 'SELECT count(*) AS n FROM compounds')).toBe(3)
  })

  it('SIGKILL of `npm start` leaves no process behind, and the folder is free again', async () => {
    const dir = folder()
    // stdin stays open whatever happens to npm (a terminal would): only the launcher watch can end the bot
    const fifo = join(dir, 'stdin.fifo')
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0)
    const stdinFd = openSync(fifo, 'r+')
    const npm = new Running('npm', ['start'], childEnv(dir), { stdinFd })
    children.push(npm)
    npm.send({ chat: 'g1', from: '王主任', text: '帮助', id: 'h1' })
    await npm.waitFor((r) => r.lines().length > 0, 'npm start to answer')
    const under = descendants(npm.pid)
    expect(under.length).toBeGreaterThan(0)
    npm.child.kill('SIGKILL')
    await waitUntil(() => under.every((p) => !running(p)), `no process left of ${under.join(', ')}`)
    await waitUntil(() => !existsSync(join(dir, 'linli.lock')), 'the lock is released')
    expect((await runCli(['chat', 'list'], { env: childEnv(dir), timeoutMs: 240_000 })).code).toBe(0)
    closeSync(stdinFd)
  })

  it('refuses a damaged folder instead of making a new database over it', async () => {
    const dir = folder()
    await cli(dir, 'compound', 'create', '幸福里')
    rmSync(join(dir, 'pglite', 'PG_VERSION'))
    const before = listing(join(dir, 'pglite'))
    for (const args of [['chat', 'list'], ['sandbox', '--jsonl', '--demo']]) {
      const r = await runCli(args, { env: childEnv(dir), input: script([{ chat: 'g1', from: '王主任', text: '帮助' }]) })
      expect(r.code, args.join(' ')).toBe(1)
      expect(r.stdout).toBe('')
      expect(r.stderr).toContain('missing: PG_VERSION')
      expect(r.stderr).toContain('缺少 PG_VERSION')
      expect(r.stderr).not.toMatch(/\n\s+at /)
    }
    expect(listing(join(dir, 'pglite'))).toEqual(before)
    expect(existsSync(join(dir, 'linli.lock'))).toBe(false)
  })

  it('takes over the lock of a process that is gone', async () => {
    const dir = folder()
    const dead = spawn(process.execPath, ['-e', ''])
    await new Promise((res) => dead.on('exit', res))
    const stale = { pid: dead.pid, host: hostname(), started: new Date().toISOString(), role: 'bot', socket: join(dir, 'linli.sock'), command: 'linli start' }
    writeFileSync(join(dir, 'linli.lock'), `${JSON.stringify(stale)}\n`)
    writeFileSync(join(dir, 'linli.sock'), '') // what a killed bot leaves
    const r = await runCli(['compound', 'create', '幸福里'], { env: childEnv(dir) })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('created compound #1')
    expect(r.stderr).toContain('took over the data folder from a process that is gone')
    expect(existsSync(join(dir, 'linli.lock'))).toBe(false)
  })
})
