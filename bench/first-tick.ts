// The first scheduler tick of a day at 10,000 compounds (issue 15: ≤ 30 s), this checkout against an older one
// in the same run. One dataset (bench/disclosure-data.ts: rosters of 50, ledgers of 100 entries, three tickets
// each, an open poll in every tenth compound) gets a fee schedule in every compound and the month's, week's and
// year's disclosures recorded; each checkout then runs runDue on its own copy of it (CREATE DATABASE … TEMPLATE)
// in a child process with its own code (bench/first-tick-child.ts).
//
// The tick is Tuesday 2026-12-01 09:05 in Asia/Shanghai, the bot's first of the day: every compound's billing of
// December (50 new charges each, hash-chained), its overdue repair tickets to the committee, and the poll
// reminders of the open polls are due at once; nothing else (the polls' deadlines are moved past the day).
import { execFile } from 'node:child_process'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { openDatabase } from '../db/client.ts'
import { migrate } from '../db/migrate.ts'
import { generateDisclosureData } from './disclosure-data.ts'
import { createBenchDatabase, log, serverUrl, urlWithDb } from './lib.ts'

const here = dirname(fileURLToPath(import.meta.url))
export const FIRST_TICK_AT = '2026-12-01T01:05:00Z'

export interface TickFigures {
  seconds: number
  statements: number
  cpuSeconds: number
  serverCpuSeconds: number
  billed: number
  charges: number
  committeeMessages: number
  pollReminders: number
  disclosures: number
  errors: number
}

export interface FirstTick {
  label: string
  root: string
  first: TickFigures
  next: TickFigures
  peakRssMiB: number
}

function child(root: string, url: string, dbName: string): Promise<Omit<FirstTick, 'label' | 'root'>> {
  return new Promise((res, rej) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', resolve(here, 'first-tick-child.ts'), root, url, dbName, FIRST_TICK_AT],
      { cwd: root, maxBuffer: 16 * 2 ** 20, env: { ...process.env, LINLI_LOG_LEVEL: 'warn' } },
      (err, stdout, stderr) => {
        if (err) return rej(new Error(`first tick (${root}) failed: ${err.message}\n${stderr}`))
        try {
          res(JSON.parse(stdout.trim().split('\n').at(-1) ?? ''))
        } catch {
          rej(new Error(`first tick (${root}): no result\n${stdout}\n${stderr}`))
        }
      },
    )
  })
}

/** The dataset, fee schedules, and the periods already disclosed; returns how long generating took. */
export async function prepareFirstTick(url: string, compounds: number): Promise<{ seconds: number; entries: number }> {
  const database = await openDatabase({ url, poolSize: 2 })
  try {
    await migrate(database)
  } finally {
    await database.close()
  }
  const data = await generateDisclosureData(url, compounds)
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    await sql.begin(async (tx) => {
      // as a restore would (the polls' guard refuses a new deadline)
      await tx`SET LOCAL session_replication_role = replica`
      await tx`INSERT INTO fee_schedules (compound_id, name, basis, rate_fen, start_month, created_at)
        SELECT id, '物业费', 'per_m2_month', 150, '2026-01', '2026-01-01T00:00:00Z' FROM compounds`
      await tx`UPDATE polls SET deadline = '2026-12-05T12:00:00Z'`
      await tx`INSERT INTO disclosures (compound_id, chat_id, period_kind, period, created_at)
        SELECT c.compound_id, c.id, k.kind, k.period, '2026-12-01T01:00:00Z' FROM chats c,
          (VALUES ('week', '2026-W48'), ('month', '2026-11'), ('year', '2025')) AS k(kind, period)`
    })
    await sql`VACUUM ANALYZE`
  } finally {
    await sql.end({ timeout: 5 })
  }
  return { seconds: data.seconds, entries: data.entries }
}

export async function benchFirstTick(
  checkouts: { label: string; root: string }[],
  opts: { compounds: number },
): Promise<{ compounds: number; dataSeconds: number; entries: number; runs: FirstTick[] }> {
  const tpl = await createBenchDatabase('firsttick')
  try {
    log(`first tick: generating ${opts.compounds.toLocaleString('en-US')} compounds`)
    const data = await prepareFirstTick(tpl.url, opts.compounds)
    const runs: FirstTick[] = []
    for (const c of checkouts) {
      const name = `${tpl.name}_${c.label.replace(/\W/g, '')}`
      const admin = postgres(serverUrl(), { max: 1, onnotice: () => {} })
      try {
        await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${tpl.name}`)
      } finally {
        await admin.end({ timeout: 5 })
      }
      try {
        log(`first tick: ${c.label} (${c.root})`)
        runs.push({ label: c.label, root: c.root, ...(await child(c.root, urlWithDb(serverUrl(), name), name)) })
      } finally {
        const a = postgres(serverUrl(), { max: 1, onnotice: () => {} })
        await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => a.end({ timeout: 5 }))
      }
    }
    return { compounds: opts.compounds, dataSeconds: data.seconds, entries: data.entries, runs }
  } finally {
    await tpl.drop().catch((err: unknown) => log(`could not drop ${tpl.name}: ${String(err)}`))
  }
}
