// The once-a-day work of the scheduler's tick (./tick.ts) for many compounds at once: billing (each compound's
// current month, from the first tick of its local day) and the committee's messages (overdue repair tickets and
// the legal calendar, from DAILY_HOUR). Set-based like the disclosure (src/disclosure/batch.ts): per chunk of
// compounds a fixed number of statements whatever their number — the data read in one statement per kind, the
// day's job_runs claimed in one, the ledger entries and outbox rows written in a few, the runs finished in one —
// in one transaction per chunk, so a run's claim and its effects commit together or not at all.
//
// Failures stay small: a compound whose messages cannot be built is left out of its chunk and tried again by
// the next tick; a billing chunk that fails is billed again compound by compound, so one compound's bad data
// cannot hold back the others; a committee chunk that fails is tried again by the next tick.
import type { Db } from '../../db/client.ts'
import type { CompoundRow } from '../../db/compounds.ts'
import { claimJobRun, claimJobRuns, finishJobRun, finishJobRuns, pollResultsSent, recentPollsOfMany } from '../../db/disclosure.ts'
import { membersByIds } from '../../db/members.ts'
import { activeTicketsOfMany, committeeMemberIdsOfMany } from '../../db/ticket-queries.ts'
import { monthKeyOf } from '../domain/calendar.ts'
import { log } from '../log.ts'
import { type DetachedReply, detachedReplyRows } from '../outbox/enqueue.ts'
import { type NewOutboxRow, writeOutbox } from '../outbox/write.ts'
import { billCurrentMonths, billMonthTx } from '../services/fees.ts'
import { legalCalendarFlags, legalCalendarSince, overdueReminders, type PrefetchedCommitteeData } from './reminders.ts'

/** Compounds per billing transaction: their ledgers stay locked until it commits (a payment there waits). */
export const BILL_CHUNK = 200
/** Compounds per committee-messages chunk. */
export const COMMITTEE_CHUNK = 500
/**
 * Chunks in flight at once: while the database writes one chunk, this process hashes and builds the next (two
 * transactions on two connections, on different compounds).
 */
export const CHUNKS_IN_FLIGHT = 2

/** A compound whose daily run is due, with its fire key `<compound>:<local date>`. */
export interface DailyItem {
  compound: CompoundRow
  /** `<compound id>:<local date>`: the job_runs key of the day */
  fire: string
  /** the local date (YYYY-MM-DD) */
  day: string
}

export interface DailyResult {
  billed: { compoundId: number; month: string; charged: number }[]
  committeeMessages: number
  errors: number
  /** runs this call claimed (the day's work of at least one compound was done here) */
  claimed: number
}

const chunksOf = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** `fn` for every chunk, CHUNKS_IN_FLIGHT at a time, in order of start. */
async function eachChunk<T>(chunks: readonly T[], fn: (chunk: T) => Promise<void>): Promise<void> {
  let next = 0
  const lane = async () => {
    while (next < chunks.length) await fn(chunks[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(CHUNKS_IN_FLIGHT, chunks.length) }, lane))
}

/** Bill the current month of every item's compound whose `bill` run of the day this call claims. */
export async function billDaily(db: Db, items: readonly DailyItem[], now: Date, instance: string): Promise<DailyResult> {
  const result: DailyResult = { billed: [], committeeMessages: 0, errors: 0, claimed: 0 }
  await eachChunk(chunksOf(items, BILL_CHUNK), async (chunk) => {
    try {
      await db.transaction(async (tx) => {
        const claimed = await claimJobRuns(tx, chunk.map((i) => ({ job: 'bill', fireKey: i.fire })), { instance, now })
        const mine = chunk.filter((i) => claimed.has(`bill ${i.fire}`))
        if (mine.length === 0) return
        const bills = await billCurrentMonths(tx, mine.map((i) => i.compound), now)
        await finishJobRuns(tx, mine.map((i) => ({ job: 'bill', fireKey: i.fire })), now)
        result.claimed += mine.length
        for (const [compoundId, b] of bills) if (b.charged > 0) result.billed.push({ compoundId, month: b.month, charged: b.charged })
      })
    } catch (err) {
      log.error({ err, compounds: chunk.map((i) => i.compound.id) }, 'scheduler: a billing chunk failed; billing its compounds one by one')
      for (const item of chunk) await billOne(db, item, now, instance, result)
    }
  })
  for (const b of result.billed) log.info({ compound: b.compoundId, month: b.month, charged: b.charged }, 'scheduler: billed')
  return result
}

/** One compound's billing of the day in a transaction of its own (a chunk failed). */
async function billOne(db: Db, item: DailyItem, now: Date, instance: string, result: DailyResult): Promise<void> {
  try {
    await db.transaction(async (tx) => {
      if (!(await claimJobRun(tx, 'bill', item.fire, { instance, now }))) return
      const month = monthKeyOf(now, item.compound.timeZone)
      const r = await billMonthTx(tx, item.compound.id, month, now)
      await finishJobRun(tx, 'bill', item.fire, now)
      result.claimed++
      if (r.charged > 0) result.billed.push({ compoundId: item.compound.id, month, charged: r.charged })
    })
  } catch (err) {
    result.errors++
    log.error({ err, compound: item.compound.id }, 'scheduler: billing failed')
  }
}

export type CommitteeJob = 'repair-overdue' | 'legal-calendar'

/**
 * The committee's private messages of the day: for each item, the jobs given that this call claims. The data of
 * a chunk is read before its transaction (the claims decide who writes: another instance that claimed first
 * writes them, and dedupe keys make a message go out once anyway).
 */
export async function committeeDaily(
  db: Db,
  items: readonly (DailyItem & { jobs: readonly CommitteeJob[] })[],
  now: Date,
  instance: string,
): Promise<DailyResult> {
  const result: DailyResult = { billed: [], committeeMessages: 0, errors: 0, claimed: 0 }
  await eachChunk(chunksOf(items, COMMITTEE_CHUNK), async (chunk) => {
    try {
      await committeeChunk(db, chunk, now, instance, result)
    } catch (err) {
      result.errors++
      log.error({ err, compounds: chunk.map((i) => i.compound.id) }, 'scheduler: committee messages of a chunk failed')
    }
  })
  return result
}

async function committeeChunk(
  db: Db,
  chunk: readonly (DailyItem & { jobs: readonly CommitteeJob[] })[],
  now: Date,
  instance: string,
  result: DailyResult,
): Promise<void> {
  const ids = (job: CommitteeJob) => chunk.filter((i) => i.jobs.includes(job)).map((i) => i.compound.id)
  const tickets = await activeTicketsOfMany(db, ids('repair-overdue'))
  const committees = await committeeMemberIdsOfMany(db, chunk.map((i) => i.compound.id))
  const polls = await recentPollsOfMany(db, ids('legal-calendar'), legalCalendarSince(now))
  const closed = [...polls.values()].flat().filter((p) => p.status === 'closed').map((p) => p.id)
  const resultsSent = await pollResultsSent(db, closed)

  // the messages, built from what was read (no query of their own)
  const runs: { item: DailyItem; job: CommitteeJob; replies: DetachedReply[] }[] = []
  for (const item of chunk) {
    const id = item.compound.id
    const data: PrefetchedCommitteeData = { tickets: tickets.get(id) ?? [], committee: committees.get(id) ?? [], polls: polls.get(id) ?? [], resultsSent }
    for (const job of item.jobs) {
      try {
        const replies =
          job === 'repair-overdue'
            ? await overdueReminders(db, item.compound, now, item.day, data)
            : await legalCalendarFlags(db, item.compound, now, data)
        runs.push({ item, job, replies })
      } catch (err) {
        result.errors++
        log.error({ err, compound: id, job }, `scheduler: ${job} could not be built`)
      }
    }
  }
  if (runs.length === 0) return
  const memberIds = runs.flatMap((r) => r.replies.flatMap((x) => (x.to === 'member' ? [x.memberId] : [])))
  const members = await membersByIds(db, memberIds)

  await db.transaction(async (tx) => {
    const claimed = await claimJobRuns(tx, runs.map((r) => ({ job: r.job, fireKey: r.item.fire })), { instance, now })
    const mine = runs.filter((r) => claimed.has(`${r.job} ${r.item.fire}`))
    if (mine.length === 0) return
    const rows: NewOutboxRow[] = []
    for (const r of mine) if (r.replies.length > 0) rows.push(...(await detachedReplyRows(tx, r.item.compound, r.replies, { now, members })))
    const written = await writeOutbox(tx, rows)
    await finishJobRuns(tx, mine.map((r) => ({ job: r.job, fireKey: r.item.fire })), now)
    result.claimed += mine.length
    result.committeeMessages += written.length
  })
}
