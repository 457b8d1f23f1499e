// Disclosure operator commands:
//   linli export --compound <name> --period <2026-W47|2026-11|2026> [--out FILE] [--unverified]   the period's ledger as CSV
//   linli export --compound <name> --opinion <n> [--out FILE]                         an opinion round's CSV (issue 17)
//   linli outbox [--status pending|sending|failed|sent] [--limit N]                  what waits to be sent, or failed
//   linli tick [--now <ISO time>]                                                    run the scheduler's due work once
//   linli schedule --compound <name> [--weekly SPEC|off] [--monthly SPEC|off] [--yearly SPEC|off]   disclosure times
import { writeFileSync } from 'node:fs'
import { eq } from 'drizzle-orm'
import { outboxRows, type OutboxStatus } from '../../db/disclosure.ts'
import { compounds } from '../../db/schema.ts'
import type { Queryable } from '../../db/client.ts'
import type { CompoundRow } from '../../db/compounds.ts'
import { verifyCompoundLedger } from '../../db/ledger-check.ts'
import { type Period, periodFromKey } from '../domain/calendar.ts'
import { compoundLang } from '../disclosure/build.ts'
import { ledgerCsvData } from '../disclosure/csv.ts'
import { translator } from '../i18n/index.ts'
import { alertCommittee, ledgerProblemText } from '../services/ledger-trust.ts'
import { opinionCsvOf } from '../services/opinions.ts'
import type { Config } from '../config.ts'
import { DEFAULT_SLOTS, parseSlot, SETTING_OF, type SlotSpec } from '../scheduler/schedule.ts'
import { runDue } from '../scheduler/tick.ts'
import { args, type CliCommand, nowFrom, print, requireCompound, UsageError, withDatabase } from './common.ts'

/**
 * The export of a period, checked first (核验: every hash recomputed, every published head looked up). A ledger that
 * fails verification gives no figures to the bulletin board: `csv` is null and the committee is told privately;
 * with `unverified` (the operator investigating) the CSV starts with a line saying it cannot be trusted.
 */
export async function verifiedExport(
  q: Queryable,
  c: CompoundRow,
  period: Period,
  opts: { unverified: boolean; now: Date },
): Promise<{ problem: string | null; csv: string | null; body: string; entries: number }> {
  const v = await verifyCompoundLedger(q, c.id)
  let warning = ''
  let problem: string | null = null
  if (!v.ok) {
    const t = translator(compoundLang(c))
    problem = ledgerProblemText(t, v, c.timeZone)
    await alertCommittee(q, c, v, opts.now)
    if (!opts.unverified) return { problem, csv: null, body: '', entries: 0 }
    warning = `"${t('disclosure.csv.untrusted', { problem }).replaceAll('"', '""')}"\r\n`
  }
  const { csv: body, entries } = await ledgerCsvData(q, c, period)
  return { problem, csv: `${warning}${body}`, body, entries }
}

export const exportCmd: CliCommand = {
  name: 'export',
  usage:
    'linli export --compound <name> --period <2026-W47|2026-11|2026> [--out FILE] [--unverified]   (the period\'s ledger as CSV for the bulletin board; ' +
    'refused when the ledger fails verification, unless --unverified: then the file starts with a warning line)\n' +
    '       linli export --compound <name> --opinion <n> [--out FILE]   (opinion round #n as the committee\'s CSV: every household, stance, opinion, time)',
  async run(argv, config) {
    const { values } = args(
      argv,
      { compound: { type: 'string' }, period: { type: 'string' }, opinion: { type: 'string' }, out: { type: 'string' }, unverified: { type: 'boolean' } },
      0,
    )
    if (!values.compound) throw new UsageError('--compound <name> is required')
    if (values.opinion !== undefined) return exportOpinion(config, values.compound, values.opinion, values.out)
    if (!values.period) throw new UsageError('--period <2026-W47|2026-11|2026> is required')
    const key = values.period.trim().toUpperCase()
    return withDatabase(config, async (db) => {
      const c = await requireCompound(db, values.compound)
      const period = periodFromKey(key, c.timeZone)
      if (!period) throw new UsageError(`--period must be a week (2026-W47), a month (2026-11) or a year (2026), got "${values.period}"`)
      const res = await verifiedExport(db.db, c, period, { unverified: values.unverified === true, now: nowFrom(undefined, config) })
      if (res.problem) process.stderr.write(`the ledger of "${c.name}" fails verification: ${res.problem}\n`)
      if (res.csv === null) {
        process.stderr.write('nothing exported; the committee has been told. --unverified exports anyway, the file starting with this warning.\n')
        return 1
      }
      const { csv, entries } = res
      if (values.out) {
        // a byte order mark lets spreadsheet programs read the file as UTF-8
        writeFileSync(values.out, `\uFEFF${csv}`)
        // the file also holds the header and the opening and closing balance rows (docs/LEDGER.md "The CSV export")
        process.stderr.write(`wrote ${entries} entries of ${period.key} for "${c.name}" to ${values.out}\n`)
      } else {
        process.stdout.write(csv)
      }
      return 0
    })
  },
}

/** `linli export --opinion <n>`: the round's CSV, as the committee gets it (UTF-8 with a BOM). */
async function exportOpinion(config: Config, compound: string, raw: string, out: string | undefined): Promise<number> {
  const no = /^#?(\d{1,6})$/.exec(raw.trim())?.[1]
  if (!no) throw new UsageError(`--opinion must be a round number (3 or #3), got "${raw}"`)
  return withDatabase(config, async (db) => {
    const c = await requireCompound(db, compound)
    const res = await opinionCsvOf(db.db, c, Number(no))
    if (typeof res === 'string') {
      process.stderr.write(res === 'unknown' ? `"${c.name}" has no poll #${no}\n` : `#${no} of "${c.name}" is not an opinion round\n`)
      return 1
    }
    if (out) {
      writeFileSync(out, res.bytes)
      process.stderr.write(`wrote opinion round #${no} of "${c.name}" to ${out}\n`)
    } else {
      process.stdout.write(Buffer.from(res.bytes))
    }
    return 0
  })
}

const STATUSES: readonly OutboxStatus[] = ['pending', 'sending', 'failed', 'sent']

export const outboxCmd: CliCommand = {
  name: 'outbox',
  usage: 'linli outbox [--status pending|sending|failed|sent] [--limit N]   (messages not yet sent, newest first; default: all but sent)',
  async run(argv, config) {
    const { values } = args(argv, { status: { type: 'string' }, limit: { type: 'string' } }, 0)
    let statuses: OutboxStatus[] = ['pending', 'sending', 'failed']
    if (values.status !== undefined) {
      if (!(STATUSES as readonly string[]).includes(values.status)) throw new UsageError(`--status must be one of ${STATUSES.join(', ')}`)
      statuses = [values.status as OutboxStatus]
    }
    const limit = values.limit === undefined ? 50 : Number(values.limit)
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError('--limit must be a whole number from 1 to 10000')
    return withDatabase(config, async (db) => {
      const rows = await outboxRows(db.db, { statuses, limit })
      if (rows.length === 0) {
        print(`no ${statuses.join('/')} messages`)
        return 0
      }
      print('id\tstatus\tattempts\tto\tcreated\tnext attempt\tkey\ttext\terror')
      for (const r of rows) {
        const text = r.text.split('\n')[0]!.slice(0, 40) + (r.hasImage ? ' [image]' : '')
        print(
          [
            r.id,
            r.status,
            r.attempts,
            `${r.platform}:${r.targetKind}:${r.targetId}`,
            r.createdAt.toISOString(),
            r.status === 'sent' ? (r.sentAt?.toISOString() ?? '') : r.nextAttemptAt.toISOString(),
            r.dedupeKey ?? '',
            text,
            (r.lastError ?? '').replace(/\s+/g, ' ').slice(0, 120),
          ].join('\t'),
        )
      }
      return 0
    })
  },
}

export const tickCmd: CliCommand = {
  name: 'tick',
  usage: 'linli tick [--now <ISO time>]   (run what the scheduler would run now: disclosures, billing, polls, elections, objection windows, reminders; safe to repeat)',
  async run(argv, config) {
    const { values } = args(argv, { now: { type: 'string' } }, 0)
    const now = nowFrom(values.now, config)
    return withDatabase(config, async (db) => {
      const r = await runDue(db.db, now, { instance: `cli:${process.pid}` })
      for (const d of r.disclosures) print(`disclosure ${d.period} of compound #${d.compoundId} queued for ${d.chats} chat(s)${d.late ? ' (late)' : ''}`)
      for (const h of r.held) print(`disclosure ${h.period} of compound #${h.compoundId} is late and waits for the end of the compound's quiet hours`)
      for (const b of r.billed) print(`billed ${b.month} for compound #${b.compoundId}: ${b.charged} charge(s)`)
      print(`polls closed: ${r.closedPolls}; elections opened: ${r.electionsOpened}; final results posted: ${r.finalResults}; poll reminders queued: ${r.pollReminders}; notice reminders: ${r.noticeReminders}; committee messages queued: ${r.committeeMessages}; errors: ${r.errors}`)
      return r.errors > 0 ? 1 : 0
    })
  },
}

const DAY_NAMES = ['', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']
const hhmm = (s: SlotSpec) => `${String(s.hour).padStart(2, '0')}:${String(s.minute).padStart(2, '0')}`
function describeSlot(s: SlotSpec | null | 'invalid'): string {
  if (s === null) return 'off'
  if (s === 'invalid') return 'unreadable (the default is used)'
  switch (s.kind) {
    case 'week':
      return `${DAY_NAMES[s.weekday]} ${hhmm(s)}`
    case 'month':
      return `${s.day} ${hhmm(s)}`
    case 'year':
      return `${String(s.month).padStart(2, '0')}-${String(s.day).padStart(2, '0')} ${hhmm(s)}`
  }
}

export const scheduleCmd: CliCommand = {
  name: 'schedule',
  usage:
    'linli schedule --compound <name> [--weekly "mon 09:00"|off] [--monthly "1 09:00"|off] [--yearly "01-01 09:00"|off]   (when disclosures are posted, local time; shown when given no change)',
  async run(argv, config) {
    const { values } = args(argv, { compound: { type: 'string' }, weekly: { type: 'string' }, monthly: { type: 'string' }, yearly: { type: 'string' } }, 0)
    if (!values.compound) throw new UsageError('--compound <name> is required')
    const changes: Record<string, string | false> = {}
    for (const kind of ['week', 'month', 'year'] as const) {
      const key = SETTING_OF[kind]
      const v = values[key]
      if (v === undefined) continue
      const parsed = parseSlot(kind, v)
      if (parsed === 'invalid') throw new UsageError(`--${key} "${v}" is not a time like "${describeSlot(DEFAULT_SLOTS[kind])}" (or off)`)
      changes[key] = parsed === null ? false : describeSlot(parsed)
    }
    return withDatabase(config, async (db) => {
      const c = await requireCompound(db, values.compound)
      let settings = c.settings
      if (Object.keys(changes).length > 0) {
        const current = settings.disclosure && typeof settings.disclosure === 'object' ? settings.disclosure : {}
        settings = { ...settings, disclosure: { ...current, ...changes } }
        await db.db.update(compounds).set({ settings }).where(eq(compounds.id, c.id))
      }
      const d = (settings.disclosure ?? {}) as Record<string, unknown>
      print(`disclosures of "${c.name}" (${c.timeZone}):`)
      for (const kind of ['week', 'month', 'year'] as const) print(`  ${SETTING_OF[kind]}: ${describeSlot(parseSlot(kind, d[SETTING_OF[kind]]))}`)
      return 0
    })
  },
}
