// What one command costs, this checkout against an older one in the same run (issue 15: statements and CPU per
// command, before and after). Each measurement runs in a child process with that checkout's code
// (bench/commands-child.ts), on a database of its own; the CPU windows of the two checkouts alternate, so the
// load of the shared machine falls on both alike, and each side's median is reported.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { log } from './lib.ts'
import type { Measured } from './pipeline.ts'

const here = dirname(fileURLToPath(import.meta.url))

export interface StatementCounts {
  perCommand: number
  statements: [string, number][]
}

export interface CommandCost {
  label: string
  root: string
  statements: Record<'pay' | 'repair', StatementCounts>
  /** the median window (by CPU per command, bot + PostgreSQL), and every window */
  cpu: Measured
  windows: Measured[]
}

function child(root: string, phase: 'count' | 'cpu', arg: number): Promise<Record<string, unknown>> {
  return new Promise((res, rej) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', resolve(here, 'commands-child.ts'), root, phase, String(arg)],
      { cwd: root, maxBuffer: 16 * 2 ** 20, env: { ...process.env, LINLI_LOG_LEVEL: 'warn' } },
      (err, stdout, stderr) => {
        if (err) return rej(new Error(`commands ${phase} (${root}) failed: ${err.message}\n${stderr}`))
        try {
          res(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Record<string, unknown>)
        } catch {
          rej(new Error(`commands ${phase} (${root}): no result\n${stdout}\n${stderr}`))
        }
      },
    )
  })
}

const cpuOf = (m: Measured) => m.cpuMsPerOp + m.serverCpuMsPerOp

/**
 * Statements (one message at a time, `samples` of each kind) and CPU per command (`rounds` windows of `seconds`,
 * 16 concurrent over 64 compounds) for each checkout; the windows alternate between the checkouts.
 */
export async function benchCommandCost(
  checkouts: { label: string; root: string }[],
  opts: { rounds: number; seconds: number; samples: number },
): Promise<CommandCost[]> {
  for (const c of checkouts) if (!existsSync(resolve(c.root, 'bench/pipeline.ts'))) throw new Error(`${c.root}: not a Linli checkout with bench/pipeline.ts`)
  const counts = new Map<string, CommandCost['statements']>()
  for (const c of checkouts) {
    log(`commands: statements per command, ${c.label} (${c.root})`)
    counts.set(c.root, (await child(c.root, 'count', opts.samples)) as CommandCost['statements'])
  }
  const windows = new Map<string, Measured[]>(checkouts.map((c) => [c.root, []]))
  for (let r = 0; r < opts.rounds; r++) {
    for (const c of r % 2 === 0 ? checkouts : [...checkouts].reverse()) {
      log(`commands: CPU per command, ${c.label}, window ${r + 1}/${opts.rounds}`)
      windows.get(c.root)!.push((await child(c.root, 'cpu', opts.seconds)) as unknown as Measured)
    }
  }
  return checkouts.map((c) => {
    const w = windows.get(c.root)!
    const sorted = [...w].sort((a, b) => cpuOf(a) - cpuOf(b))
    return { label: c.label, root: c.root, statements: counts.get(c.root)!, cpu: sorted[Math.floor((sorted.length - 1) / 2)]!, windows: w }
  })
}
