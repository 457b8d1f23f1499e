// The objection window (公示期, issue 17) of every closed poll and election (not opinion rounds): opened when the
// result is published (closePoll, ./polls.ts) until closedAt + the compound's objectionDays (default 7). Owners
// file objections (异议) in it, the committee answers them (答复异议; an answer marked 成立 upholds the
// objection); when it ends the scheduler posts ONE final announcement — objections and answers without names,
// whether the result stands — and, for an election that stands, gives the elected who are members the committee
// role (never lowering a head). Like every unasked group post it waits for the end of the compound's quiet hours.
import { type Database, type Db, dbOf, type Tx } from '../../db/client.ts'
import type { CompoundRow } from '../../db/compounds.ts'
import { roleOf, setRole } from '../../db/compounds.ts'
import { markFinal, objectionsOf, windowOf, windowsDue } from '../../db/objections.ts'
import { compoundOf, findPollById, type PollRow } from '../../db/polls.ts'
import { insertWindow } from '../../db/objections.ts'
import { compoundIsQuiet } from '../domain/quiet-hours.ts'
import { isLang, type Translator, translator } from '../i18n/index.ts'
import { type DetachedReply, enqueueReplies } from '../outbox/enqueue.ts'
import { finalText, type FinalView } from '../render/elections.ts'
import { electionSnapshotFromJson } from './elections.ts'

export { findObjection, governanceDue, insertAnswer, insertObjection, objectionsOf, windowOf } from '../../db/objections.ts'
export { committeeOf } from '../../db/polls.ts'

export const DEFAULT_OBJECTION_DAYS = 7
const DAY = 86_400_000

/** The compound's objection period in days (settings.objectionDays, `linli settings --objection-days`). */
export function objectionDaysOf(settings: Readonly<Record<string, unknown>> | null | undefined): number {
  const v = settings?.objectionDays
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : DEFAULT_OBJECTION_DAYS
}

/** Whether a poll of this kind gets an objection window (opinion rounds decide nothing: none). */
export const hasWindow = (poll: Pick<PollRow, 'kind'>) => poll.kind !== 'opinion'

/** Open the window of a poll closing now (in the closing transaction); its end. */
export async function openWindow(tx: Tx, compound: Pick<CompoundRow, 'id' | 'settings'>, poll: Pick<PollRow, 'id'>, now: Date): Promise<Date> {
  const until = new Date(now.getTime() + objectionDaysOf(compound.settings) * DAY)
  const w = await insertWindow(tx, { pollId: poll.id, compoundId: compound.id, openedAt: now, until })
  return w.until
}

const translatorOf = (c: Pick<CompoundRow, 'language'>): Translator => translator(isLang(c.language) ? c.language : 'zh-CN')

export interface FinalReport {
  compoundId: number
  no: number
  stands: boolean
  granted: number[]
}

/**
 * Announce the final result of every window that has ended (one transaction each, the window locked: a
 * second instance skips it). A compound in its quiet hours waits; a later tick announces it.
 */
export async function finishDueWindows(database: Database | Db, now: Date): Promise<FinalReport[]> {
  const db = dbOf(database)
  const out: FinalReport[] = []
  for (const w of await windowsDue(db, now)) {
    const done = await db.transaction(async (tx) => {
      const compound = await compoundOf(tx, w.compoundId)
      if (!compound || compoundIsQuiet(compound, now)) return null
      const locked = await windowOf(tx, w.compoundId, w.pollId, 'update')
      const poll = await findPollById(tx, w.pollId)
      if (!locked || locked.finalAt !== null || !poll) return null
      return finishWindow(tx, compound, poll, now)
    })
    if (done) out.push(done)
  }
  return out
}

async function finishWindow(tx: Tx, compound: CompoundRow, poll: PollRow, now: Date): Promise<FinalReport> {
  const t = translatorOf(compound)
  const list = await objectionsOf(tx, compound.id, poll.id)
  const objections = list.map(({ objection, answer }) => ({ k: objection.no, reason: objection.reason, answer: answer?.answer ?? null, upheld: answer?.upheld ?? false }))
  const stands = !objections.some((o) => o.upheld)
  const view: FinalView = { kind: poll.kind === 'election' ? 'election' : 'poll', no: poll.no, title: poll.title, objections }
  const granted: number[] = []
  if (poll.kind === 'election') {
    const elected = electionSnapshotFromJson(poll.result)?.elected ?? []
    view.elected = elected.map((e) => e.name)
    if (stands) {
      const members = elected.filter((e) => e.memberId !== null)
      for (const e of members) {
        // committee, never lower: a head stays head, a committee member stays as they are
        const role = await roleOf(tx, compound.id, e.memberId!)
        if (role === 'head' || role === 'committee') continue
        await setRole(tx, { compoundId: compound.id, memberId: e.memberId!, role: 'committee', grantedBy: null, grantedAt: now })
        granted.push(e.memberId!)
      }
      // by the name they stood under (shown in full, as on the ballot), not their chat display name
      view.granted = members.map((e) => e.name)
      view.byHand = elected.filter((e) => e.memberId === null).map((e) => e.name)
    }
  }
  await markFinal(tx, poll.id, now, { stands, objections: objections.length, upheld: objections.filter((o) => o.upheld).map((o) => o.k), granted, byHand: view.byHand ?? [] })
  const post: DetachedReply = { to: 'compound', text: finalText(t, view), dedupeKey: `poll-final:${poll.id}`, publicNames: poll.options }
  await enqueueReplies(tx, compound, [post], { now })
  return { compoundId: compound.id, no: poll.no, stands, granted }
}
