// One scheduler tick: everything that is due at `now`, for every compound. The cron calls it every minute
// (and the bot once at start); calling it again, from any instance, does nothing twice:
//
// - disclosures: for each period kind the compound has switched on, the latest slot at or before `now`
//   (src/scheduler/schedule.ts) makes the last complete period due; it is posted to every chat that does
//   not have it yet (src/disclosure/post.ts: unique row per compound, chat, kind and period). A slot more
//   than LATE_AFTER_MS ago means the bot was down: the post is marked late (补发). Only the latest slot
//   is ever looked at, so after a long outage only the latest missed period is caught up; and a compound
//   created after the slot has nothing to disclose for it.
// - monthly billing (src/ops/billing.ts): the current month, once a day per compound (job_runs key
//   `bill` / `<compound>:<local date>`, in the same transaction as the charges); billing keys make it
//   idempotent anyway, the daily run also picks up a fee rule added during the month.
// - polls: closing polls past their deadline (every tick), reminders once a day.
// - the committee: overdue repair tickets and legal-calendar flags, once a day from DAILY_HOUR local.
import type { Db } from '../../db/client.ts'
import { allCompounds, claimJobRun, type CompoundRow, finishJobRun, pruneJobRuns, releaseJobRun } from '../../db/disclosure.ts'
import type { PeriodKind } from '../domain/calendar.ts'
import { monthKeyOf } from '../domain/calendar.ts'
import type { DisclosureData } from '../disclosure/build.ts'
import { type DisclosureMessages, postDisclosure } from '../disclosure/post.ts'
import { log } from '../log.ts'
import { billMonthTx } from '../ops/billing.ts'
import { closeDuePolls, remindOpenPolls } from '../ops/polls.ts'
import { enqueueReplies } from '../outbox/enqueue.ts'
import { legalCalendarFlags, overdueReminders } from './reminders.ts'
import { latestSlot, localDay, periodDueAt, slotsOf } from './schedule.ts'

/** A post later than this after its slot is a catch-up (补发). */
export const LATE_AFTER_MS = 15 * 60_000
/** Daily jobs (poll reminders, overdue tickets, legal calendar) run from this local hour on. */
export const DAILY_HOUR = 9
/** The cron job's name: its per-minute fires are recorded in job_runs under it. */
export const TICK_JOB = 'linli-tick'

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

  let compounds: CompoundRow[] = []
  await attempt('listing compounds', async () => {
    compounds = await allCompounds(db)
  })
  const remindClaims: { job: string; key: string; compoundId: number }[] = []
  for (const compound of compounds) {
    const ctx = { compound: compound.id }
    const tz = compound.timeZone
    const daily = localDay(now, tz, DAILY_HOUR)

    await attempt('billing', () => billDaily(db, compound, now, daily.day, opts, report), ctx)

    const { slots, invalid } = slotsOf(compound.settings)
    if (invalid.length > 0) log.warn({ ...ctx, settings: invalid }, 'scheduler: unreadable disclosure schedule, using the default')
    for (const slot of slots) {
      await attempt(
        `${slot.kind} disclosure`,
        async () => {
          const at = latestSlot(slot, now, tz)
          const late = now.getTime() - at.getTime() > LATE_AFTER_MS
          // a compound discloses the periods it was there for: not one that ended before it was created.
          // Only when the clock is set back behind the compound's creation (LINLI_NOW in the sandbox) the
          // two cannot be compared, and a slot that is due right now is posted.
          const existed = compound.createdAt.getTime() <= at.getTime()
          const clockSetBack = compound.createdAt.getTime() > now.getTime()
          if (!existed && !(clockSetBack && !late)) return
          const period = periodDueAt(slot.kind, at, tz)
          const res = await postDisclosure(db, compound, period, { now, late, render: opts.render })
          if (res.chats > 0) report.disclosures.push({ compoundId: compound.id, kind: period.kind, period: period.key, chats: res.chats, late })
        },
        { ...ctx, kind: slot.kind },
      )
    }

    if (!daily.reached) continue
    const fire = `${compound.id}:${daily.day}`
    await attempt(
      'overdue repair reminders',
      () => committeeOnce(db, 'repair-overdue', fire, now, opts, report, (q) => overdueReminders(q, compound, now, daily.day), compound),
      ctx,
    )
    await attempt(
      'legal calendar',
      () => committeeOnce(db, 'legal-calendar', fire, now, opts, report, (q) => legalCalendarFlags(q, compound, now), compound),
      ctx,
    )
    await attempt(
      'claiming poll reminders',
      async () => {
        if (await claimJobRun(db, 'poll-remind', fire, { instance: opts.instance, now })) remindClaims.push({ job: 'poll-remind', key: fire, compoundId: compound.id })
      },
      ctx,
    )
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
