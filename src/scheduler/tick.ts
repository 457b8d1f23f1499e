// One scheduler tick: everything that is due at `now`, for every compound. The cron calls it every minute
// (and the bot once at start); calling it again, from any instance, does nothing twice. A tick with nothing
// due runs a fixed number of statements however many compounds there are (test/integration/scheduler-cost.test.ts):
// what is due is decided in memory, and what has been done already is looked up for all compounds at once.
//
// - disclosures: for each period kind a compound has switched on, the latest slot at or before `now`
//   (src/scheduler/schedule.ts) makes the last complete period due. A slot more than LATE_AFTER_MS ago means
//   the bot was down: the post is marked late (补发). Only the latest slot is ever looked at, so after a long
//   outage only the latest missed period is caught up; and a compound created after the slot has nothing to
//   disclose for it. A late post waits out the compound's quiet hours (src/domain/quiet-hours.ts): the bot
//   starting at 23:30 posts nothing (TickReport.held lists it), the first tick after they end posts it if that
//   slot is still the latest (a slot of the same kind in between supersedes it, as after any longer outage).
//   A slot the committee put inside the quiet hours is still posted on time: only catch-ups wait. One query
//   finds which of the due (compound, kind, period) still lack a `disclosures` row for some chat; those are
//   posted by postDisclosures (src/disclosure/batch.ts) in chunks: set-based reads, one transaction per chunk,
//   a unique row per compound, chat, kind and period (so each chat gets it once).
//   Several periods of one compound due together are one post and one chart; a period in which nothing happened
//   is recorded and logged, not posted (src/disclosure/catch-up.ts).
// - monthly billing (src/services/fees.ts): the current month, once a day per compound (job_runs key
//   `bill` / `<compound>:<local date>`, in the same transaction as the charges); billing keys make it
//   idempotent anyway, the daily run also picks up a fee rule added during the month.
// - polls: closing polls past their deadline (every tick), reminders once a day (one digest per compound, outside
//   its quiet hours: src/services/polls.ts remindOpenPolls). Opinion rounds close with them (their own counts and
//   the committee's list: src/services/opinions.ts).
// - self-governance (every tick, one statement when nothing is due): elections whose nomination ended open for
//   voting (src/services/nominations.ts); objection windows that ended get their final announcement and the
//   elected their committee role (src/services/objections.ts); a notice's one reminder (src/services/notices.ts).
//   All wait out the compound's quiet hours.
// - the committee: overdue repair tickets and legal-calendar flags, once a day from DAILY_HOUR local.
// - community supervisors: a weekly private digest of the compounds they oversee (./oversight.ts).
// The daily jobs that already ran today (their job_runs rows) are read for every compound in one statement;
// only the others are claimed. Billing and the committee's messages run set-based, in chunks of compounds
// (./daily.ts): the first tick of a day costs a few statements per chunk, not per compound. Runs older than
// JOB_RUNS_KEEP_DAYS are pruned by the tick that does a day's work, and so are the outbox's sent pictures and old replies.
import type { Db } from '../../db/client.ts'
import {
  allCompounds,
  claimJobRuns,
  type CompoundRow,
  disclosurePeriodKey,
  finishJobRuns,
  jobRunsTaken,
  pruneJobRuns,
  pruneJobRunsBefore,
  releaseJobRun,
  undisclosedPeriods,
} from '../../db/disclosure.ts'
import { pruneOutbox } from '../../db/outbox.ts'
import type { Period, PeriodKind } from '../domain/calendar.ts'
import { compoundIsQuiet } from '../domain/quiet-hours.ts'
import { type DisclosureItem, postDisclosures } from '../disclosure/batch.ts'
import type { DisclosureData } from '../disclosure/build.ts'
import type { DisclosureMessages } from '../disclosure/messages.ts'
import { log } from '../log.ts'
import { remindDueNotices } from '../services/notices.ts'
import { closeDueOpinionRounds } from '../services/opinions.ts'
import { closeDuePolls, remindOpenPolls } from '../services/polls.ts'
import { openDueElections } from '../services/nominations.ts'
import { finishDueWindows, governanceDue } from '../services/objections.ts'
import type { PollRow } from '../../db/polls.ts'
import { billDaily, type CommitteeJob, committeeDaily, type DailyItem } from './daily.ts'
import { oversightDigests } from './oversight.ts'
import { LATE_AFTER_MS, latestSlot, localDay, periodDueAt, type SlotSpec, slotsOf } from './schedule.ts'

export { LATE_AFTER_MS } from './schedule.ts'
/** Daily jobs (poll reminders, overdue tickets, legal calendar) run from this local hour on. */
export const DAILY_HOUR = 9
/** The cron job's name: its per-minute fires are recorded in job_runs under it. */
export const TICK_JOB = 'linli-tick'
/** The once-a-day jobs, keyed `<compound>:<local date>` in job_runs. */
const DAILY_JOBS = ['bill', 'repair-overdue', 'legal-calendar', 'poll-remind'] as const
/** How long job runs are kept (the per-minute fires of the tick itself: two days). */
export const JOB_RUNS_KEEP_DAYS = 90
/** A sent post's picture or document is kept this long (a weekly chart is ~140 KiB a chat), its row longer. */
export const OUTBOX_BYTES_KEEP_DAYS = 2
/** Sent replies (rows without a dedupe key) are kept this long for `linli outbox`. */
export const OUTBOX_ROWS_KEEP_DAYS = 90

export interface TickOptions {
  /** who runs it (job_runs.instance) */
  instance: string
  /** replaces the summary and chart rendering (tests) */
  render?: (data: DisclosureData) => DisclosureMessages
}

export interface TickReport {
  disclosures: { compoundId: number; kind: PeriodKind; period: string; chats: number; late: boolean }[]
  /** late disclosures still to post that wait for the end of their compound's quiet hours */
  held: { compoundId: number; kind: PeriodKind; period: string }[]
  billed: { compoundId: number; month: string; charged: number }[]
  closedPolls: number
  electionsOpened: number
  finalResults: number
  pollReminders: number
  /** notices whose one reminder was posted */
  noticeReminders: number
  committeeMessages: number
  /** weekly digests sent to community supervisors (./oversight.ts) */
  oversightDigests: number
  errors: number
}

/** Run everything due at `now`. Never throws: a failing part is logged and counted, the rest still runs. */
export async function runDue(db: Db, now: Date, opts: TickOptions): Promise<TickReport> {
  const report: TickReport = {
    disclosures: [],
    held: [],
    billed: [],
    closedPolls: 0,
    electionsOpened: 0,
    finalResults: 0,
    pollReminders: 0,
    noticeReminders: 0,
    committeeMessages: 0,
    oversightDigests: 0,
    errors: 0,
  }
  const attempt = async (what: string, fn: () => Promise<void>, ctx: Record<string, unknown> = {}) => {
    try {
      await fn()
    } catch (err) {
      report.errors++
      log.error({ err, ...ctx }, `scheduler: ${what} failed`)
    }
  }

  await attempt('closing due polls', async () => {
    const closing = async (due: PollRow[]) => {
      report.closedPolls += (await closeDueOpinionRounds(db, now, due)).length
    }
    const closed = await closeDuePolls(db, now, { opinionRounds: closing })
    report.closedPolls += closed.length
  })
  // elections whose nomination ended open for voting; objection windows that ended get their final post; a
  // notice's one reminder (one statement finds out whether any is due, for all compounds)
  let governance = false
  await attempt('reading the self-governance calendar', async () => {
    governance = await governanceDue(db, now)
  })
  if (governance) {
    await attempt('elections and objection windows', async () => {
      report.electionsOpened = (await openDueElections(db, now)).length
      report.finalResults = (await finishDueWindows(db, now)).length
    })
    await attempt('notice reminders', async () => {
      report.noticeReminders = (await remindDueNotices(db, now)).length
    })
  }

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
  const toBill: DailyItem[] = []
  for (const compound of compounds) {
    const daily = days.get(compound.id)
    if (!daily) continue
    const ctx = { compound: compound.id }
    const tz = compound.timeZone
    if (todo('bill', compound)) toBill.push({ compound, fire: fireOf(compound), day: daily.day })

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

  // billing first: the disclosure's arrears include the month's charges
  let dailyRuns = 0
  if (toBill.length > 0) {
    await attempt('billing', async () => {
      const r = await billDaily(db, toBill, now, opts.instance)
      report.billed.push(...r.billed)
      report.errors += r.errors
      dailyRuns += r.claimed
    })
  }

  // the disclosures before the daily jobs: at 09:00 both are due, and the groups' post should not wait
  await attempt('disclosures', () => postDue(db, due, now, opts, report))

  // the daily jobs, from DAILY_HOUR local
  const committee: (DailyItem & { jobs: CommitteeJob[] })[] = []
  const remind: { job: string; fireKey: string; compoundId: number }[] = []
  for (const compound of compounds) {
    const daily = days.get(compound.id)
    if (!daily?.reached) continue
    const fire = fireOf(compound)
    const jobs = (['repair-overdue', 'legal-calendar'] as const).filter((job) => todo(job, compound))
    if (jobs.length > 0) committee.push({ compound, fire, day: daily.day, jobs })
    // in the compound's quiet hours the day's reminder is not claimed: a later tick sends it once they end
    if (todo('poll-remind', compound) && !compoundIsQuiet(compound, now)) {
      remind.push({ job: 'poll-remind', fireKey: fire, compoundId: compound.id })
    }
  }
  // the committee's messages and the poll reminders are independent: they run side by side
  const committeeDone = (async () => {
    if (committee.length === 0) return
    await attempt('committee messages', async () => {
      const r = await committeeDaily(db, committee, now, opts.instance)
      report.committeeMessages += r.committeeMessages
      report.errors += r.errors
      dailyRuns += r.claimed
    })
  })()

  if (remind.length > 0) {
    // the day's poll-remind runs claimed in one statement; only the compounds whose daily time has come, each
    // reminder keyed by poll and local day
    let claims: typeof remind = []
    await attempt('claiming poll reminders', async () => {
      const claimed = await claimJobRuns(db, remind, { instance: opts.instance, now })
      claims = remind.filter((r) => claimed.has(`${r.job} ${r.fireKey}`))
    })
    dailyRuns += claims.length
    // in two halves side by side (a poll's reminder is a few statements of its own)
    const half = Math.ceil(claims.length / 2)
    await Promise.all(
      [claims.slice(0, half), claims.slice(half)].map(async (part) => {
        if (part.length === 0) return
        try {
          const sent = await remindOpenPolls(db, now, { compoundIds: part.map((c) => c.compoundId) })
          report.pollReminders += sent.reduce((n, r) => n + r.rows, 0)
          await finishJobRuns(db, part, now)
        } catch (err) {
          report.errors++
          log.error({ err }, 'scheduler: poll reminders failed')
          for (const c of part) await releaseJobRun(db, c.job, c.fireKey).catch(() => {})
        }
      }),
    )
  }
  await committeeDone

  // the supervisors' weekly digests, after the week's 公示 went out (they say whether it did)
  await attempt('oversight digests', async () => {
    report.oversightDigests = await oversightDigests(db, new Map(compounds.map((c) => [c.id, c])), now, opts.instance)
  })

  await attempt('pruning job runs', () => pruneJobRuns(db, TICK_JOB, new Date(now.getTime() - 2 * 86_400_000)))
  // the daily runs are kept JOB_RUNS_KEEP_DAYS (a few hundred thousand rows at 10,000 compounds): pruned by a tick
  // that did a day's work, not by every tick
  if (dailyRuns > 0) await attempt('pruning old job runs', () => pruneJobRunsBefore(db, new Date(now.getTime() - JOB_RUNS_KEEP_DAYS * 86_400_000)).then(() => {}))
  if (dailyRuns > 0) {
    await attempt('pruning the outbox', () =>
      pruneOutbox(db, {
        bytesBefore: new Date(now.getTime() - OUTBOX_BYTES_KEEP_DAYS * 86_400_000),
        rowsBefore: new Date(now.getTime() - OUTBOX_ROWS_KEEP_DAYS * 86_400_000),
      }).then(() => {}),
    )
  }
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
  const todo: DisclosureItem[] = []
  for (const i of due) {
    if (!open.has(disclosurePeriodKey(periodOf(i)))) continue
    // a catch-up nobody asked for is not posted in the middle of the night: a tick after the quiet hours posts
    // it (the on-time post of a slot the committee put there is not held)
    if (i.late && compoundIsQuiet(i.compound, now)) report.held.push(periodOf(i))
    else todo.push(i)
  }
  if (report.held.length > 0) log.debug({ held: report.held }, 'scheduler: late disclosures wait for the end of quiet hours')
  if (todo.length === 0) return
  // nobody asked for these: a period with nothing in it is not posted, a compound's periods go out as one post
  const res = await postDisclosures(db, todo, { now, render: opts.render, skipEmpty: true })
  report.errors += res.errors
  for (const { item, chats } of res.items) {
    if (chats > 0) report.disclosures.push({ compoundId: item.compound.id, kind: item.period.kind, period: item.period.key, chats, late: item.late ?? false })
  }
}
