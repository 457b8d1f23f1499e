// Runs the real `linli` CLI as a child process, the way users and CI do.
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
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

/** Script lines for the sandbox. */
export function script(lines: object[]): string {
  return `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`
}
