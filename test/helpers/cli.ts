// Runs the real `linli` CLI as a child process, the way users and CI do.
import { type ChildProcessByStdio, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, writeSync } from 'node:fs'
import type { Readable, Writable } from 'node:stream'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '../..')
/** what `npm start` and `npm run linli` run: one node process (dist/ when built and current, else the sources) */
export const LINLI = join(ROOT, 'bin/linli.mjs')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

export function tempDir(prefix = 'linli-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** Environment for a child: a data dir of its own; DATABASE_URL passes through when a test sets one. */
export function childEnv(dataDir: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LINLI_DATA_DIR: dataDir, LINLI_LOG_LEVEL: 'warn', ...extra }
  delete env.TELEGRAM_BOT_TOKEN
  delete env.WECHATY_PUPPET_SERVICE_TOKEN
  delete env.VITEST
  if (!('DATABASE_URL' in extra)) delete env.DATABASE_URL
  return env
}

export function runCli(args: string[], opts: { env: NodeJS.ProcessEnv; input?: string; timeoutMs?: number }): Promise<CliResult> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [LINLI, ...args], { cwd: ROOT, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      rej(new Error(`linli ${args.join(' ')} timed out\n${stderr}`))
    }, opts.timeoutMs ?? 240_000)
    child.on('error', rej)
    child.on('close', (code) => {
      clearTimeout(timer)
      res({ code: code ?? -1, stdout, stderr })
    })
    child.stdin.end(opts.input ?? '')
  })
}

/** Parse the sandbox's JSON-lines output. */
export function jsonLines(stdout: string): Array<{ chat?: string; user?: string; text: string; image?: string }> {
  return stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { chat?: string; user?: string; text: string; image?: string })
}

/** The room codes of db/seed/sample-roster.csv (the demo compound's 40 households), in file order. */
export function sampleRosterRooms(): string[] {
  return readFileSync(join(ROOT, 'db/seed/sample-roster.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => {
      const [b, u, r] = l.split(',')
      return u ? `${b}-${u}-${r}` : `${b}-${r}`
    })
}

/** Script lines for the sandbox. */
export function script(lines: object[]): string {
  return `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`
}

/** A long-running `linli` (the bot, a JSON-lines sandbox) or `npm start`, fed and read line by line. */
export class Running {
  readonly child: ChildProcessByStdio<Writable | null, Readable, Readable>
  stdout = ''
  stderr = ''
  /** the exit code (the signal's name when killed by one) */
  readonly exited: Promise<number | string>
  private readonly listeners = new Set<() => void>()

  /**
   * `stdinFd`: an open file descriptor for the child's stdin instead of a pipe from this process (Node
   * closes a child's stdin pipe when that child exits, which its own children would see as end of input)
   */
  constructor(
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    private readonly opts: { stdinFd?: number } = {},
  ) {
    this.child = spawn(command, args, { cwd: ROOT, env, stdio: [opts.stdinFd ?? 'pipe', 'pipe', 'pipe'] }) as Running['child']
    const changed = () => {
      for (const l of this.listeners) l()
    }
    this.child.stdout.on('data', (d: Buffer) => {
      this.stdout += d.toString('utf8')
      changed()
    })
    this.child.stderr.on('data', (d: Buffer) => {
      this.stderr += d.toString('utf8')
      changed()
    })
    this.exited = new Promise((res) => this.child.on('close', (code, signal) => res(code ?? signal ?? -1)))
    void this.exited.then(changed)
  }

  get pid(): number {
    return this.child.pid!
  }

  send(line: object): void {
    const text = `${JSON.stringify(line)}\n`
    if (this.opts.stdinFd !== undefined) writeSync(this.opts.stdinFd, text)
    else this.child.stdin!.write(text)
  }

  /** the complete JSON lines written so far (npm's own lines, like its "> linli start" header, skipped) */
  lines(): Array<{ chat?: string; user?: string; text: string; image?: string }> {
    const complete = this.stdout.slice(0, this.stdout.lastIndexOf('\n') + 1)
    return jsonLines(
      complete
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .join('\n'),
    )
  }

  /** Resolve once `ready` holds for the output so far; reject (with the output) after `timeoutMs`. */
  waitFor(ready: (r: this) => boolean, what: string, timeoutMs = 240_000): Promise<void> {
    return new Promise((res, rej) => {
      const check = () => {
        let ok: boolean
        try {
          ok = ready(this)
        } catch (err) {
          done()
          return rej(err as Error)
        }
        if (!ok) return
        done()
        res()
      }
      const timer = setTimeout(() => {
        done()
        rej(new Error(`timed out waiting for ${what}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`))
      }, timeoutMs)
      const done = () => {
        clearTimeout(timer)
        this.listeners.delete(check)
      }
      this.listeners.add(check)
      check()
    })
  }
}

/** `linli <args>` as a long-running child. */
export function startCli(args: string[], env: NodeJS.ProcessEnv): Running {
  return new Running(process.execPath, [LINLI, ...args], env)
}

/** Processes descending from `pid` (Linux /proc), nearest first. */
export function descendants(pid: number): number[] {
  const parent = new Map<number, number>()
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8')
      parent.set(Number(e), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch {
      // ended meanwhile
    }
  }
  const out: number[] = []
  let frontier = [pid]
  while (frontier.length) {
    const next = [...parent].filter(([, pp]) => frontier.includes(pp)).map(([p]) => p)
    out.push(...next)
    frontier = next
  }
  return out
}

/** Whether a process exists and is not a zombie. */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}
