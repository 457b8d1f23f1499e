// Start-up benchmark (issue 13): how long `linli` CLI commands and `npm start` take, as a user runs them.
//
//   npm run bench:startup                              this checkout
//   npm run bench:startup -- --before /path/to/old     also an older checkout (with node_modules), side by side
//   options: --runs N (default 5), --no-write (print only)
//
// Writes the "Start-up" section of bench/RESULTS.md (the rest of the file is left as it is). Not a test:
// wall times on a shared machine vary with its load, which is recorded next to them.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { before: { type: 'string' }, runs: { type: 'string', default: '5' }, 'no-write': { type: 'boolean' } } })
const RUNS = Number(values.runs)
const HERE = resolve(fileURLToPath(new URL('..', import.meta.url)))
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null

interface Sample {
  wall: number
  cpu?: number
}

interface Checkout {
  label: string
  root: string
  /** argv of `linli …` without npm (node with the entry) */
  linli: string[]
  /** whether this checkout has the data folder lock (CLI through a running bot) */
  lockAware: boolean
  note: string
}

function checkout(label: string, root: string): Checkout {
  if (existsSync(join(root, 'bin/linli.mjs'))) {
    let note = 'bin/linli.mjs'
    if (existsSync(join(root, 'bin/build.mjs'))) {
      // what `npm ci` leaves: dist/ built and current
      const built = spawnSync(process.execPath, ['bin/build.mjs'], { cwd: root, stdio: 'inherit' })
      if (built.status !== 0) throw new Error(`build failed in ${root}`)
      note = 'bin/linli.mjs running dist/ (built as `npm ci` does)'
    }
    return { label, root, linli: [process.execPath, join(root, 'bin/linli.mjs')], lockAware: true, note }
  }
  return { label, root, linli: [join(root, 'node_modules/.bin/tsx'), join(root, 'src/cli.ts')], lockAware: false, note: 'tsx src/cli.ts (the tsx CLI: a launcher and a child)' }
}

/** Run to completion; wall time, and CPU time (user + system, children included) where /usr/bin/time exists. */
function timed(argv: string[], env: NodeJS.ProcessEnv, cwd: string, input = ''): Promise<Sample> {
  return new Promise((res, rej) => {
    const full = TIME ? [TIME, '-f', '@@%U %S', ...argv] : argv
    const t0 = performance.now()
    const child = spawn(full[0]!, full.slice(1), { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] })
    let err = ''
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.stdout.resume()
    child.stdin.end(input)
    child.on('error', rej)
    child.on('close', (code) => {
      const wall = performance.now() - t0
      if (code !== 0) return rej(new Error(`${argv.join(' ')} exited ${code}\n${err}`))
      const m = /@@([\d.]+) ([\d.]+)\s*$/.exec(err)
      res({ wall, cpu: m ? (Number(m[1]) + Number(m[2])) * 1000 : undefined })
    })
  })
}

/** `npm start` in a pseudo-terminal (script(1)) until the sandbox prompt shows; then :quit. */
function untilPrompt(root: string, env: NodeJS.ProcessEnv): Promise<Sample> {
  return new Promise((res, rej) => {
    const t0 = performance.now()
    const child = spawn('script', ['-qfec', 'npm start', '/dev/null'], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] })
    let out = ''
    let wall: number | undefined
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      rej(new Error(`no prompt after 180 s:\n${out}`))
    }, 180_000)
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (wall === undefined && /王主任> /.test(out)) {
        wall = performance.now() - t0
        child.stdin.write(':quit\n')
      }
    })
    child.on('close', () => {
      clearTimeout(timer)
      if (wall === undefined) rej(new Error(`npm start ended without a prompt:\n${out}`))
      else res({ wall })
    })
  })
}

async function repeat(n: number, run: () => Promise<Sample>): Promise<Sample[]> {
  const out: Sample[] = []
  for (let i = 0; i < n; i++) out.push(await run())
  return out
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`
function summary(samples: Sample[] | null): string {
  if (!samples) return 'n/a'
  const walls = samples.map((s) => s.wall)
  const cpus = samples.map((s) => s.cpu).filter((c): c is number => c !== undefined)
  return `${sec(median(walls))} (min ${sec(Math.min(...walls))})${cpus.length ? `; CPU ${sec(median(cpus))}` : ''}`
}

type Results = Record<string, Sample[] | null>

async function measure(c: Checkout): Promise<Results> {
  const dir = mkdtempSync(join(tmpdir(), 'linli-startup-'))
  const env: NodeJS.ProcessEnv = { ...process.env, LINLI_DATA_DIR: dir, LINLI_LOG_LEVEL: 'warn' }
  for (const k of ['DATABASE_URL', 'TELEGRAM_BOT_TOKEN', 'WECHATY_PUPPET_SERVICE_TOKEN', 'VITEST']) delete env[k]
  const out: Results = {}
  try {
    process.stdout.write(`${c.label}: first run (new data folder, demo seeded) …\n`)
    out.first = [await timed(['npm', 'start'], env, c.root)]
    const npmLinli = ['npm', 'run', '-s', 'linli', '--', 'chat', 'list']
    process.stdout.write(`${c.label}: linli chat list …\n`)
    out.chatList = await repeat(RUNS, () => timed(npmLinli, env, c.root))
    out.chatListDirect = await repeat(RUNS, () => timed([...c.linli, 'chat', 'list'], env, c.root))
    process.stdout.write(`${c.label}: npm start until the prompt …\n`)
    out.prompt = await repeat(RUNS, () => untilPrompt(c.root, env))
    out.whileBot = null
    out.whileBotDirect = null
    if (c.lockAware) {
      process.stdout.write(`${c.label}: linli chat list while the bot runs …\n`)
      const bot = spawn(c.linli[0]!, [...c.linli.slice(1), 'sandbox', '--jsonl'], { cwd: c.root, env, stdio: ['pipe', 'pipe', 'inherit'] })
      await new Promise<void>((ready) => {
        bot.stdout.on('data', () => ready())
        bot.stdin.write(`${JSON.stringify({ from: 'u', text: '帮助', private: true })}\n`)
      })
      try {
        out.whileBot = await repeat(RUNS, () => timed(npmLinli, env, c.root))
        out.whileBotDirect = await repeat(RUNS, () => timed([...c.linli, 'chat', 'list'], env, c.root))
      } finally {
        bot.stdin.end()
        await new Promise((r) => bot.on('close', r))
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return out
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' / ')
const loadStart = load()
const t0 = Date.now()
const after = checkout('after', HERE)
const before = values.before ? checkout('before', resolve(values.before)) : null
const results: Array<[Checkout, Results]> = []
if (before) results.push([before, await measure(before)])
results.push([after, await measure(after)])
const loadEnd = load()

const rows: Array<[string, keyof Results, string]> = [
  ['`npm run -s linli -- chat list` (no bot running: PGlite opened by the command)', 'chatList', '≤ 1.5 s'],
  ['the same without npm (`node bin/linli.mjs chat list`; before: `tsx src/cli.ts chat list`)', 'chatListDirect', '—'],
  ['`npm run -s linli -- chat list` while the bot runs on the folder (through its socket)', 'whileBot', '≤ 1.5 s'],
  ['the same without npm (`node bin/linli.mjs chat list`)', 'whileBotDirect', '—'],
  ['`npm start` until the sandbox prompt (a terminal; data folder from an earlier run)', 'prompt', '≤ 3 s'],
  ['`npm start`, first run: new data folder, demo seeded, input closed at once (once)', 'first', '—'],
]
const cols = results.map(([c]) => c.label)
const table = [
  `| What | ${cols.join(' | ')} | Target |`,
  `|---|${cols.map(() => '---').join('|')}|---|`,
  ...rows.map(([what, key, target]) => `| ${what} | ${results.map(([, r]) => summary(r[key] ?? null)).join(' | ')} | ${target} |`),
].join('\n')

const section = `## Start-up

Written by \`npm run bench:startup${before ? ' -- --before <old checkout>' : ''}\` (bench/startup.ts); the rest of this file by
\`npm run bench\`. Median of ${RUNS} runs (min in brackets) of wall time, and CPU time (user + system, children
included). ${cols.map((l, i) => `${l}: ${results[i]![0].note}`).join('; ')}. ${cpus().length} cores shared with other
work: load average ${loadStart} at the start, ${loadEnd} at the end (1/5/15 min); ${Math.round((Date.now() - t0) / 1000)} s in all.
An idle machine is faster; the CPU column is what a command costs whatever the load.

${table}

Where the time goes (\`node --cpu-prof\`): npm itself costs about 0.1–0.5 s before \`linli\` starts (the
\`node bin/linli.mjs\` rows are without it); opening PGlite is most of the rest (its 9 MB WebAssembly module
and its file bundle; CLI commands compile it with V8's baseline tier only). What changed: one process running
\`dist/\` compiled ahead instead of tsx transpiling in a child; echarts, grammY and the bot's modules loaded
only when used; the migrator skipped when nothing is due (one query); a CLI command reaches a running bot over
its socket instead of opening PGlite; the terminal sandbox shows its prompt once the folder is locked, while
PGlite opens. The load average above matters: the same table measured while a test suite kept both cores busy
(load average 11) gave 6.2 s for a command without a bot (CPU 2.45 s), 2.2 s through a running bot's socket
and 2.7 s to the sandbox prompt.
`

process.stdout.write(`\n${section}\n`)
if (!values['no-write']) {
  const path = join(HERE, 'bench/RESULTS.md')
  const md = readFileSync(path, 'utf8')
  const start = md.indexOf('## Start-up')
  const next = start < 0 ? -1 : md.indexOf('\n## ', start + 1)
  const updated = start < 0 ? `${md.trimEnd()}\n\n${section}` : `${md.slice(0, start)}${section}${next < 0 ? '' : md.slice(next)}`
  writeFileSync(path, updated)
  process.stdout.write(`wrote the Start-up section of ${path}\n`)
}
