// Poll operations shared by the commands, the CLI and the scheduler: counting a poll from the
// database, closing it with a stored result snapshot and an announcement, closing every due poll, and
// reminders.
//
// Counting (民法典 第二百七十八条; 最高法 建筑物区分所有权解释 第八条、第九条; see src/domain/tally.ts):
// - The electorate is frozen at launch (poll_electorate, append-only): later roster re-imports, removals
//   and bindings never move an open poll's denominators or a voter's weight (docs/POLLS.md).
// - Owner polls: one voter per household of the roster at launch (`h:<id>`) with its area then; its owner
//   persons come from the roster's owner names (src/domain/electorate.ts), so the headcount counts owners
//   who never bound and counts an owner of several flats once. Households sharing an owner form one head.
// - Residents polls (simple only): the members with a verified binding at launch (`m:<id>`), one each.
// - Polls launched before electorates were frozen (no rows) keep the live count they had: the roster when
//   counted, owners from verified owner bindings; residents polls count whoever voted.
// - Only current ballots count (one per household or person); every cast stays in `ballots`.
import { type Database, type Db, dbOf, type Tx } from '../../db/client.ts'
import type { CompoundRow } from '../../db/compounds.ts'
import {
  castCount,
  committeeOf,
  compoundOf,
  currentBallotsOf,
  duePolls,
  type ElectorateRow,
  electorateOf,
  findPollById,
  insertElectorate,
  markClosed,
  memberNames,
  ownerRoster,
  type PollRow,
  rosterAtLaunch,
  runningPolls,
  verifiedResidents,
} from '../../db/polls.ts'
import { ownerKeysOf } from '../domain/electorate.ts'
import { APPROVE_OPTION, maskName, type PollSnapshot, type PollView, snapshotFromJson, snapshotToJson } from '../domain/poll-snapshot.ts'
import { formatDeadline, resultsText } from '../render/polls.ts'
import { localDateKey } from '../domain/poll-time.ts'
import { compoundIsQuiet } from '../domain/quiet-hours.ts'
import { packMessages } from '../render/summary.ts'
import { tally, type Voter } from '../domain/tally.ts'
import { isLang, type Translator, translator } from '../i18n/index.ts'
import { type DetachedReply, enqueueReplies } from '../outbox/enqueue.ts'
import type { ElectionCount } from '../domain/election.ts'
import { electionResultsText, windowLine } from '../render/elections.ts'
import { electionSnapshot, electionSnapshotToJson, electionView } from './elections.ts'
import { hasWindow, openWindow } from './objections.ts'

type Queryable = Db | Tx

// the plain queries the poll commands need, so that a command reads polls through this module only
export { castBallot, createPoll, electorateMembership, findPoll, latestPoll, openPollsOf } from '../../db/polls.ts'
export { holdHouseholds } from '../../db/households.ts'
export { castForVoters, type OwnerHousehold, ownerHouseholds, withinElectorate } from './voters.ts'

export function pollView(p: PollRow): PollView {
  return {
    no: p.no,
    title: p.title,
    options: p.options,
    multiple: p.multiple,
    rule: p.rule,
    electorate: p.electorate,
    secret: p.secret,
    deadline: p.deadline,
    status: p.status,
    closedAt: p.closedAt,
  }
}

/** 指导规则 第三十九条 asks for notice before an owners' meeting; the compound may set its own period. */
export const DEFAULT_NOTICE_DAYS = 7

/** The compound's notice period for ordinary and major polls, in days. */
export function noticeDaysOf(settings: { pollNoticeDays?: unknown } | null | undefined): number {
  const configured = settings?.pollNoticeDays
  return typeof configured === 'number' && Number.isInteger(configured) && configured >= 0 ? configured : DEFAULT_NOTICE_DAYS
}

/** An ordinary or major poll launched with less than the notice period (the head's 紧急): its post says so. */
export function shortNotice(poll: Pick<PollRow, 'rule' | 'createdAt' | 'deadline'>, noticeDays: number): boolean {
  return poll.rule !== 'simple' && poll.deadline.getTime() - poll.createdAt.getTime() < noticeDays * 86_400_000
}

export function compoundTranslator(c: Pick<CompoundRow, 'language'>): Translator {
  return translator(isLang(c.language) ? c.language : 'zh-CN')
}

export type FrozenVoter = Omit<ElectorateRow, 'pollId'>

/**
 * The electorate a poll launched now freezes: every household of the roster with its area and owner persons
 * (owner polls), or every member with a verified binding (residents polls). Empty when there is none: the
 * launch is refused then, so a poll without rows is always one launched before electorates were frozen.
 */
export async function electorateAtLaunch(q: Queryable, compoundId: number, electorate: PollRow['electorate']): Promise<FrozenVoter[]> {
  if (electorate === 'residents') {
    return (await verifiedResidents(q, compoundId)).map((memberId) => ({
      compoundId,
      voterKey: `m:${memberId}`,
      householdId: null,
      code: null,
      areaCentiM2: 0n,
      ownerKeys: [`m:${memberId}`],
    }))
  }
  return (await rosterAtLaunch(q, compoundId)).map((h) => ({
    compoundId,
    voterKey: `h:${h.id}`,
    householdId: h.id,
    code: h.code,
    areaCentiM2: h.areaCentiM2,
    ownerKeys: ownerKeysOf(h.ownerName, h.id),
  }))
}

/** Store a just-created poll's electorate (in the launch transaction). */
export async function freezeElectorate(tx: Tx, poll: Pick<PollRow, 'id'>, voters: FrozenVoter[]): Promise<void> {
  await insertElectorate(tx, voters.map((v) => ({ ...v, pollId: poll.id })))
}

export interface LiveTally {
  snapshot: PollSnapshot
  /** room codes of households that have not voted (owner polls); null for residents polls */
  notVoted: string[] | null
}

/** Count a poll from its current ballots and its frozen electorate (or, for older polls, today's roster). */
export async function tallyPoll(q: Queryable, poll: PollRow): Promise<LiveTally> {
  const [current, casts, frozen] = await Promise.all([
    currentBallotsOf(q, poll.compoundId, poll.id),
    castCount(q, poll.compoundId, poll.id),
    electorateOf(q, poll.compoundId, poll.id),
  ])
  const ballots = current.map((b) => ({ voterKey: b.voterKey, options: b.options }))
  const count = (voters: Voter[]) => tally({ rule: poll.rule, optionCount: poll.options.length, voters, ballots, approveOption: APPROVE_OPTION })
  if (frozen.length > 0) {
    const result = count(frozen.map((v) => ({ key: v.voterKey, areaCentiM2: v.areaCentiM2, ownerKeys: v.ownerKeys })))
    const votedKeys = new Set(current.map((b) => b.voterKey))
    if (poll.electorate === 'residents') {
      const inList = new Set(frozen.map((v) => v.voterKey))
      const counted = current.filter((b) => inList.has(b.voterKey))
      const names = poll.secret ? new Map<number, string>() : await memberNames(q, [...new Set(counted.map((b) => b.memberId))])
      const voted = poll.secret ? null : counted.map((b) => maskName(names.get(b.memberId) ?? ''))
      return { snapshot: { tally: result, voted, casts, roster: 'frozen' }, notVoted: null }
    }
    const voted = frozen.filter((v) => votedKeys.has(v.voterKey)).map((v) => v.code ?? v.voterKey)
    const notVoted = frozen.filter((v) => !votedKeys.has(v.voterKey)).map((v) => v.code ?? v.voterKey)
    const snapshot: PollSnapshot = { tally: result, voted: poll.secret ? null : voted, casts, roster: 'frozen' }
    // paper ballots a building captain recorded: always counted, their rooms only where rooms are shown at all
    const recordedKeys = new Set(current.filter((b) => b.recordedBy !== null).map((b) => b.voterKey))
    const recorded = frozen.filter((v) => recordedKeys.has(v.voterKey))
    if (recorded.length > 0) {
      snapshot.recorded = recorded.length
      if (!poll.secret) snapshot.recordedRooms = recorded.map((v) => v.code ?? v.voterKey)
    }
    return { snapshot, notVoted }
  }
  if (poll.electorate === 'residents') {
    const voters: Voter[] = current.map((b) => ({ key: b.voterKey, areaCentiM2: 0n, ownerKeys: [b.voterKey] }))
    const result = count(voters)
    const names = await memberNames(q, [...new Set(current.map((b) => b.memberId))])
    const voted = current.map((b) => maskName(names.get(b.memberId) ?? ''))
    return { snapshot: { tally: result, voted: poll.secret ? null : voted, casts }, notVoted: null }
  }
  const roster = await ownerRoster(q, poll.compoundId)
  const voters: Voter[] = roster.map((h) => ({
    key: `h:${h.id}`,
    areaCentiM2: h.areaCentiM2,
    ownerKeys: h.ownerMemberIds.map((m) => `m:${m}`),
  }))
  const result = count(voters)
  const votedKeys = new Set(current.map((b) => b.voterKey))
  const voted = roster.filter((h) => votedKeys.has(`h:${h.id}`)).map((h) => h.code)
  const notVoted = roster.filter((h) => !votedKeys.has(`h:${h.id}`)).map((h) => h.code)
  return { snapshot: { tally: result, voted: poll.secret ? null : voted, casts, roster: 'live' }, notVoted }
}

/** The result of a poll: the stored snapshot once closed, else counted now. */
export async function pollResult(q: Queryable, poll: PollRow): Promise<PollSnapshot> {
  if (poll.status === 'closed') {
    const stored = snapshotFromJson(poll.result)
    if (stored) return stored
  }
  return (await tallyPoll(q, poll)).snapshot
}

export interface ClosedPoll {
  poll: PollRow
  /** the stored poll snapshot; null for an election (its ElectionSnapshot is in poll.result) */
  snapshot: PollSnapshot | null
  outcome: PollSnapshot['tally']['outcome'] | ElectionCount['outcome']
  /** the result post to every chat of the compound (dedupe key `poll-closed:<id>`) */
  announcement: DetachedReply
}

/**
 * Close an open poll or election inside `tx`: lock it (votes in flight finish first, later ones see it
 * closed), count, store the snapshot, open its objection window (./objections.ts) and build the announcement,
 * which says until when objections may be filed. Null when it is not open any more.
 */
export async function closePoll(tx: Tx, compound: CompoundRow, pollId: number, now: Date): Promise<ClosedPoll | null> {
  const locked = await findPollById(tx, pollId, 'update')
  // an opinion round is closed by closeOpinionRound (src/services/opinions.ts): counts and themes, no tally
  if (!locked || locked.status !== 'open' || locked.compoundId !== compound.id || locked.kind === 'opinion') return null
  const t = compoundTranslator(compound)
  if (locked.kind === 'election') {
    const snap = await electionSnapshot(tx, locked)
    const closed = await markClosed(tx, pollId, now, electionSnapshotToJson(snap))
    if (!closed) return null
    const until = await openWindow(tx, compound, closed, now)
    const text = [electionResultsText(t, electionView(closed), snap.count, snap.voted, compound.timeZone, { announcement: true }), windowLine(t, closed.no, until, compound.timeZone)].join('\n')
    return { poll: closed, snapshot: null, outcome: snap.count.outcome, announcement: { to: 'compound', text, dedupeKey: `poll-closed:${closed.id}`, publicNames: closed.options } }
  }
  const { snapshot } = await tallyPoll(tx, locked)
  const closed = await markClosed(tx, pollId, now, snapshotToJson(snapshot))
  if (!closed) return null
  const lines = [resultsText(t, pollView(closed), snapshot, compound.timeZone, { announcement: true })]
  if (hasWindow(closed)) lines.push(windowLine(t, closed.no, await openWindow(tx, compound, closed, now), compound.timeZone))
  return { poll: closed, snapshot, outcome: snapshot.tally.outcome, announcement: { to: 'compound', text: lines.join('\n'), dedupeKey: `poll-closed:${closed.id}` } }
}


export interface CloseDueReport {
  compoundId: number
  compoundName: string
  no: number
  title: string
  outcome: ClosedPoll['outcome']
}

/**
 * Close every open poll whose deadline is at or before `now`, store its snapshot and post the result to
 * every chat of its compound (outbox). Idempotent: a closed poll is skipped, the post has a dedupe key.
 * The scheduler calls this; `linli polls close-due` does the same by hand.
 */
export async function closeDuePolls(
  database: Database | Db,
  now: Date,
  opts: { opinionRounds?: (due: PollRow[]) => Promise<unknown> } = {},
): Promise<CloseDueReport[]> {
  const db = dbOf(database)
  const out: CloseDueReport[] = []
  const due = await duePolls(db, now)
  // opinion rounds close their own way (src/services/opinions.ts closeDueOpinionRounds), from the same read
  const rounds = due.filter((p) => p.kind === 'opinion')
  if (rounds.length > 0) await opts.opinionRounds?.(rounds)
  for (const p of due) {
    if (p.kind === 'opinion') continue
    const done = await db.transaction(async (tx) => {
      const compound = await compoundOf(tx, p.compoundId)
      if (!compound) return null
      const closed = await closePoll(tx, compound, p.id, now)
      if (!closed) return null
      await enqueueReplies(tx, compound, [closed.announcement], { now })
      return { compoundId: compound.id, compoundName: compound.name, no: closed.poll.no, title: closed.poll.title, outcome: closed.outcome }
    })
    if (done) out.push(done)
  }
  return out
}

export interface RemindedPoll {
  no: number
  title: string
  /** households (owner polls) or persons (residents polls) that have not voted; see `countsVoted` */
  count: number
  electorate: 'owners' | 'residents'
  /** a residents poll launched before electorates were frozen has no list of who may vote: `count` is who voted */
  countsVoted?: true
  /** an election: its reminder says how to mark candidates (选 #n) */
  election?: true
  /** an opinion round: `count` is the households that have not signed, and its reminder says how to sign (签字 #n) */
  opinion?: true
}

export interface RemindReport {
  compoundId: number
  compoundName: string
  /** the polls the day's reminder is about, by number */
  polls: RemindedPoll[]
  /** outbox rows written (0 when today's reminder was already sent) */
  rows: number
}

/**
 * Remind about the open polls, one digest per compound and local day: each chat of the compound gets ONE post
 * for all its open polls, elections and opinion rounds together (the count of households, or persons, that have
 * not voted or signed, with how to), and each committee member (committee and head) ONE private message with the
 * room codes of the households that have not voted or signed. A single poll keeps its own one-poll wording. Participation only, never a per-option figure,
 * secret or not (who has not voted is not a choice, and the committee needs it to reach the quorum door to
 * door). Dedupe keys `poll-digest:<compound>:<local date>:…`, so running it twice a day posts once.
 *
 * Left out: a compound in its quiet hours (settings.quietHours, src/domain/quiet-hours.ts: nothing at all then;
 * the scheduler tries again when they end); a poll whose deadline is today (the day before was its last
 * reminder); a poll launched today (its launch post was today's); an owner poll every household voted in (an
 * opinion round every household signed).
 */
export async function remindOpenPolls(
  database: Database | Db,
  now: Date,
  opts: { compoundIds?: readonly number[] } = {},
): Promise<RemindReport[]> {
  const db = dbOf(database)
  const out: RemindReport[] = []
  const only = opts.compoundIds ? new Set(opts.compoundIds) : null
  const byCompound = new Map<number, PollRow[]>()
  for (const p of await runningPolls(db, now)) {
    // the scheduler reminds each compound at its own local time
    if (only && !only.has(p.compoundId)) continue
    byCompound.set(p.compoundId, [...(byCompound.get(p.compoundId) ?? []), p])
  }
  for (const [compoundId, running] of byCompound) {
    const report = await db.transaction(async (tx) => {
      const compound = await compoundOf(tx, compoundId)
      if (!compound) return null
      const tz = compound.timeZone
      if (compoundIsQuiet(compound, now)) return null
      const day = localDateKey(now, tz)
      const due = running.filter((p) => localDateKey(p.deadline, tz) > day && localDateKey(p.createdAt, tz) < day)
      const t = compoundTranslator(compound)
      const polls: DigestPoll[] = []
      for (const p of due) {
        if (p.kind === 'opinion') {
          // signed, not voted (its own words); an opinion alone is a signature. Always a frozen roster (launch needs one)
          const notSigned = await notSignedOf(tx, p)
          if (notSigned.length > 0) {
            polls.push({ no: p.no, title: p.title, electorate: p.electorate, deadline: formatDeadline(p.deadline, tz), notVoted: notSigned, count: notSigned.length, opinion: true })
          }
          continue
        }
        const { snapshot, notVoted } = await tallyPoll(tx, p)
        const deadline = formatDeadline(p.deadline, tz)
        const base = { no: p.no, title: p.title, electorate: p.electorate, deadline, notVoted, ...(p.kind === 'election' && { election: true as const }) }
        if (notVoted) {
          if (notVoted.length > 0) polls.push({ ...base, count: notVoted.length })
        } else if (snapshot.roster === 'frozen') {
          const count = snapshot.tally.totalVoters - snapshot.tally.participatingVoters
          if (count > 0) polls.push({ ...base, count })
        } else {
          polls.push({ ...base, count: snapshot.tally.participatingVoters, countsVoted: true })
        }
      }
      if (polls.length === 0) return null
      const key = `poll-digest:${compound.id}:${day}`
      const replies: DetachedReply[] = []
      groupReminder(t, polls).forEach((text, i) => replies.push({ to: 'compound', text, dedupeKey: `${key}:${i + 1}` }))
      const owners = polls.filter((p) => p.notVoted)
      if (owners.length > 0) {
        const texts = committeeReminder(t, owners)
        for (const memberId of await committeeOf(tx, compound.id)) {
          texts.forEach((text, i) => replies.push({ to: 'member', memberId, text, dedupeKey: `${key}:m${memberId}:${i + 1}` }))
        }
      }
      const rows = await enqueueReplies(tx, compound, replies, { now })
      return {
        compoundId: compound.id,
        compoundName: compound.name,
        polls: polls.map(({ deadline: _d, notVoted: _n, ...p }) => p),
        rows: rows.length,
      }
    })
    if (report) out.push(report)
  }
  return out
}

type DigestPoll = RemindedPoll & { deadline: string; notVoted: string[] | null }

/** The households of an opinion round's frozen electorate without a counted signature, as rooms. */
async function notSignedOf(q: Queryable, poll: PollRow): Promise<string[]> {
  const [current, frozen] = await Promise.all([currentBallotsOf(q, poll.compoundId, poll.id), electorateOf(q, poll.compoundId, poll.id)])
  const signed = new Set(current.map((b) => b.voterKey))
  return frozen.filter((v) => !signed.has(v.voterKey)).map((v) => v.code ?? v.voterKey)
}

/** A digest's title keys: a poll reminder, an opinion-round one, or both, so that neither is misnamed. */
function digestKind(polls: readonly DigestPoll[]): 'poll' | 'opinion' | 'mixed' {
  const rounds = polls.filter((p) => p.opinion).length
  return rounds === 0 ? 'poll' : rounds === polls.length ? 'opinion' : 'mixed'
}

const remindPrefix = (p: DigestPoll) => (p.opinion ? 'opinion.remind.' : p.election ? 'election.remind.' : 'poll.remind.')

/** What a group's reminder says: one poll in its own words, several as one digest (split only past a message's length). */
function groupReminder(t: Translator, polls: readonly DigestPoll[]): string[] {
  const which = (p: DigestPoll) => (p.notVoted ? '' : p.countsVoted ? 'Residents' : 'ResidentsMissing')
  if (polls.length === 1) {
    const p = polls[0]!
    return [t(`${remindPrefix(p)}group${which(p)}`, { no: p.no, title: p.title, count: p.count, deadline: p.deadline })]
  }
  const lines = polls.map((p) => t(`${remindPrefix(p)}line${which(p)}`, { no: p.no, title: p.title, count: p.count, deadline: p.deadline }))
  // elections and opinion rounds say how to take part on their own line; the footer is how to vote in a poll
  if (polls.some((p) => !p.opinion && !p.election)) lines.push(t('poll.remind.digestFooter'))
  const kind = digestKind(polls)
  const [title, cont] = kind === 'poll' ? ['poll.remind.digestTitle', 'poll.remind.digestCont'] : [`opinion.remind.${kind}Title`, `opinion.remind.${kind}Cont`]
  return packMessages(t(title, { count: polls.length }), t(cont), lines)
}

/** What each committee member gets: the rooms that have not voted (or signed), per owner poll or opinion round. */
function committeeReminder(t: Translator, polls: readonly DigestPoll[]): string[] {
  const lines = polls.map((p) => t(p.opinion ? 'opinion.remind.committee' : 'poll.remind.committee', { no: p.no, title: p.title, count: p.count, list: p.notVoted!.join('、'), deadline: p.deadline }))
  const kind = digestKind(polls)
  const cont = kind === 'poll' ? 'poll.remind.digestCont' : `opinion.remind.${kind}Cont`
  if (polls.length === 1) return packMessages(lines[0]!, t(cont), [])
  return packMessages(t(kind === 'poll' ? 'poll.remind.committeeTitle' : `opinion.remind.${kind}CommitteeTitle`, { count: polls.length }), t(cont), lines)
}
