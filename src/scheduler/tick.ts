// One scheduler tick: everything that is due at `now`, for every compound. The cron calls it every minute
// (and the bot once at start); calling it again, from any instance, does nothing twice. A tick with nothing
// due runs a fixed number of statements however many compounds there are (test/integration/scheduler-cost.test.ts):
// what is due is decided in memory, and what has been done already is looked up for all compounds at once.
//
// - disclosures: for each period kind a compound has switched on, the latest slot at or before `now`
//   (src/scheduler/schedule.ts) makes the last complete period due. A slot more than LATE_AFTER_MS ago means
//   the bot was down: the post is marked late (补发). Only the latest slot is ever looked at, so after a long
//   outage only the latest missed period is caught up; and a compound created after the slot has nothing to
//   disclose for it. One query finds which of the due (compound, kind, period) still lack a `disclosures` row
//   for some chat; those are posted by postDisclosures (src/disclosure/batch.ts) in chunks: set-based reads,
//   one transaction per chunk, a unique row per compound, chat, kind and period (so each chat gets it once).
// - monthly billing (src/services/fees.ts): the current month, once a day per compound (job_runs key
//   `bill` / `<compound>:<local date>`, in the same transaction as the charges); billing keys make it
//   idempotent anyway, the daily run also picks up a fee rule added during the month.
// - polls: closing polls past their deadline (every tick), reminders once a day.
// - the committee: overdue repair tickets and legal-calendar flags, once a day from DAILY_HOUR local.
// The daily jobs that already ran today (their job_runs rows) are read for every compound in one statement;
// only the others are claimed.
import type { Db } from '../../db/client.ts'
import {
  allCompounds,
  claimJobRun,
  type CompoundRow,
  disclosurePeriodKey,
  finishJobRun,
  jobRunsTaken,
  pruneJobRuns,
  releaseJobRun,
  undisclosedPeriods,
} from '../../db/disclosure.ts'
import type { Period, PeriodKind } from '../domain/calendar.ts'
import { monthKeyOf } from '../domain/calendar.ts'
import { type DisclosureItem, postDisclosures } from '../disclosure/batch.ts'
import type { DisclosureData } from '../disclosure/build.ts'
import type { DisclosureMessages } from '../disclosure/messages.ts'
import { log } from '../log.ts'
import { billMonthTx } from '../services/fees.ts'
import { closeDuePolls, remindOpenPolls } from '../services/polls.ts'
import { enqueueReplies } from '../outbox/enqueue.ts'
import { legalCalendarFlags, overdueReminders } from './reminders.ts'
import { latestSlot, localDay, periodDueAt, type SlotSpec, slotsOf } from './schedule.ts'

/** A post later than this after its slot is a catch-up (补发). */
export const LATE_AFTER_MS = 15 * 60_000
/** Daily jobs (poll reminders, overdue tickets, legal calendar) run from this local hour on. */
export const DAILY_HOUR = 9
/** The cron job's name: its per-minute fires are recorded in job_runs under it. */
export const TICK_JOB = 'linli-tick'
/** The once-a-day jobs, keyed `<compound>:<local date>` in job_runs. */
const DAILY_JOBS = ['bill', 'repair-overdue', 'legal-calendar', 'poll-remind'] as const

export interface TickOptions {
  /** who runs it (job_runs.instance) */
  instance: string
  /** replaces the summary and chart rendering (tests) */
  render?: (data: DisclosureData) => DisclosureMessages
}

export interface TickReport {
  disclosures: { compoundId: number; kind: PeriodKind; period: string; chats: number; late: boolean }[]
  billed: { compoundId: number; month: string; charged: number }[]
  closedPolls: number
  pollReminders: number
  committeeMessages: number
  errors: number
}

/** Run everything due at `now`. Never throws: a failing part is logged and counted, the rest still runs. */
export async function runDue(db: Db, now: Date, opts: TickOptions): Promise<TickReport> {
  const report: TickReport = { disclosures: [], billed: [], closedPolls: 0, pollReminders: 0, committeeMessages: 0, errors: 0 }
  const attempt = async (what: string, fn: () => Promise<void>, ctx: Record<string, unknown> = {}) => {
    try {
      await fn()
    } catch (err) {
      report.errors++
      log.error({ err, ...ctx }, `scheduler: ${what} failed`)
    }
  }

  await attempt('closing due polls', async () => {
    report.closedPolls = (await closeDuePolls(db, now)).length
  })

  const cal = calendarAt(now)
  let compounds: CompoundRow[] = []
  await attempt('listing compounds', async () => {
    compounds = await allCompounds(db)
  })
  const days = new Map<number, { day: string; reached: boolean }>()
  for (const compound of compounds) {
    await attempt('reading the local day', async () => void days.set(compound.id, cal.day(compound.timeZone)), { compound: compound.id })
  }
  // the daily jobs that ran today already, for every compound at once (when this fails, the claims decide)
  let taken = new Set<string>()
  await attempt('reading daily job runs', async () => {
    taken = await jobRunsTaken(db, DAILY_JOBS, [...days].map(([id, d]) => `${id}:${d.day}`))
  })
  const fireOf = (compound: CompoundRow) => `${compound.id}:${days.get(compound.id)!.day}`
  const todo = (job: (typeof DAILY_JOBS)[number], compound: CompoundRow) => !taken.has(`${job} ${fireOf(compound)}`)

  // billing, and what is due to disclose
  const due: DisclosureItem[] = []
  for (const compound of compounds) {
    const daily = days.get(compound.id)
    if (!daily) continue
    const ctx = { compound: compound.id }
    const tz = compound.timeZone
    if (todo('bill', compound)) await attempt('billing', () => billDaily(db, compound, now, daily.day, opts, report), ctx)

    const { slots, invalid } = slotsOf(compound.settings)
    if (invalid.length > 0) log.warn({ ...ctx, settings: invalid }, 'scheduler: unreadable disclosure schedule, using the default')
    for (const slot of slots) {
      await attempt(
        `${slot.kind} disclosure`,
        async () => {
          const { at, period } = cal.slot(slot, tz)
          const late = now.getTime() - at.getTime() > LATE_AFTER_MS
          // a compound discloses the periods it was there for: not one that ended before it was created.
          // Only when the clock is set back behind the compound's creation (LINLI_NOW in the sandbox) the
          // two cannot be compared, and a slot that is due right now is posted.
          const existed = compound.createdAt.getTime() <= at.getTime()
          const clockSetBack = compound.createdAt.getTime() > now.getTime()
          if (!existed && !(clockSetBack && !late)) return
          due.push({ compound, period, late })
        },
        { ...ctx, kind: slot.kind },
      )
    }
  }

  // the disclosures before the daily jobs: at 09:00 both are due, and the groups' post should not wait
  await attempt('disclosures', () => postDue(db, due, now, opts, report))

  // the daily jobs, from DAILY_HOUR local
  const remindClaims: { job: string; key: string; compoundId: number }[] = []
  for (const compound of compounds) {
    const daily = days.get(compound.id)
    if (!daily?.reached) continue
    const ctx = { compound: compound.id }
    const fire = fireOf(compound)
    if (todo('repair-overdue', compound)) {
      await attempt(
        'overdue repair reminders',
        () => committeeOnce(db, 'repair-overdue', fire, now, opts, report, (q) => overdueReminders(q, compound, now, daily.day), compound),
        ctx,
      )
    }
    if (todo('legal-calendar', compound)) {
      await attempt(
        'legal calendar',
        () => committeeOnce(db, 'legal-calendar', fire, now, opts, report, (q) => legalCalendarFlags(q, compound, now), compound),
        ctx,
      )
    }
    if (todo('poll-remind', compound)) {
      await attempt(
        'claiming poll reminders',
        async () => {
          if (await claimJobRun(db, 'poll-remind', fire, { instance: opts.instance, now })) remindClaims.push({ job: 'poll-remind', key: fire, compoundId: compound.id })
        },
        ctx,
      )
    }
  }

  if (remindClaims.length > 0) {
    // only the compounds whose daily time has come; each reminder is keyed by poll and local day
    try {
      const compoundIds = remindClaims.map((c) => c.compoundId)
      report.pollReminders = (await remindOpenPolls(db, now, { compoundIds })).reduce((n, r) => n + r.rows, 0)
      for (const c of remindClaims) await finishJobRun(db, c.job, c.key, now)
    } catch (err) {
      report.errors++
      log.error({ err }, 'scheduler: poll reminders failed')
      for (const c of remindClaims) await releaseJobRun(db, c.job, c.key).catch(() => {})
    }
  }

  await attempt('pruning job runs', () => pruneJobRuns(db, TICK_JOB, new Date(now.getTime() - 2 * 86_400_000)))
  return report
}

/**
 * The local day and the latest slots at `now`, worked out once per time zone (and slot) for the whole tick:
 * the calendar arithmetic (Intl) is what a tick over thousands of compounds would otherwise spend its time on.
 */
function calendarAt(now: Date) {
  const days = new Map<string, { day: string; reached: boolean }>()
  const slots = new Map<string, { at: Date; period: Period }>()
  return {
    day(tz: string) {
      let d = days.get(tz)
      if (!d) days.set(tz, (d = localDay(now, tz, DAILY_HOUR)))
      return d
    },
    slot(spec: SlotSpec, tz: string) {
      const key = `${tz}|${spec.kind}|${spec.month}-${spec.day}|${spec.weekday}|${spec.hour}:${spec.minute}`
      let s = slots.get(key)
      if (!s) {
        const at = latestSlot(spec, now, tz)
        slots.set(key, (s = { at, period: periodDueAt(spec.kind, at, tz) }))
      }
      return s
    },
  }
}

/**
 * Post the due disclosures that some chat still lacks: one query when they are all posted, else
 * postDisclosures in chunks (a failing chunk or item is counted in the report and the rest still run).
 */
async function postDue(db: Db, due: DisclosureItem[], now: Date, opts: TickOptions, report: TickReport): Promise<void> {
  if (due.length === 0) return
  const periodOf = (i: DisclosureItem) => ({ compoundId: i.compound.id, kind: i.period.kind, period: i.period.key })
  const open = await undisclosedPeriods(db, due.map(periodOf))
  const todo = due.filter((i) => open.has(disclosurePeriodKey(periodOf(i))))
  if (todo.length === 0) return
  const res = await postDisclosures(db, todo, { now, render: opts.render })
  report.errors += res.errors
  for (const { item, chats } of res.items) {
    if (chats > 0) report.disclosures.push({ compoundId: item.compound.id, kind: item.period.kind, period: item.period.key, chats, late: item.late ?? false })
  }
}

async function billDaily(db: Db, compound: CompoundRow, now: Date, day: string, opts: TickOptions, report: TickReport): Promise<void> {
  await db.transaction(async (tx) => {
    const fire = `${compound.id}:${day}`
    if (!(await claimJobRun(tx, 'bill', fire, { instance: opts.instance, now }))) return
    const month = monthKeyOf(now, compound.timeZone)
    const r = await billMonthTx(tx, compound.id, month, now)
    await finishJobRun(tx, 'bill', fire, now)
    if (r.charged > 0) {
      report.billed.push({ compoundId: compound.id, month, charged: r.charged })
      log.info({ compound: compound.id, month, charged: r.charged }, 'scheduler: billed')
    }
  })
}

/** Claim a daily job and write its messages in one transaction: either both happen or neither. */
async function committeeOnce(
  db: Db,
  job: string,
  fire: string,
  now: Date,
  opts: TickOptions,
  report: TickReport,
  build: (q: Parameters<typeof overdueReminders>[0]) => Promise<Parameters<typeof enqueueReplies>[2]>,
  compound: CompoundRow,
): Promise<void> {
  await db.transaction(async (tx) => {
    if (!(await claimJobRun(tx, job, fire, { instance: opts.instance, now }))) return
    const replies = await build(tx)
    if (replies.length > 0) report.committeeMessages += (await enqueueReplies(tx, compound, replies, { now })).length
    await finishJobRun(tx, job, fire, now)
  })
}
