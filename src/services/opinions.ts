// Opinion rounds (征求意见, issue 17): polls of kind 'opinion' whose options are the stances ['agree', 'disagree']
// and whose ballots carry the household's note. Launched like an owner poll (the roster frozen as its electorate),
// signed per household (签字, a later signature replaces the earlier; every one is kept in ballots), closed by the
// scheduler at the deadline like any poll but with no objection window. The group then sees the counts (agree,
// disagree, opinion only, not signed; households and area) and the themes of the notes, never who said what; the
// committee gets the full list privately, with a CSV (UTF-8 with a BOM, so Excel reads the Chinese).
import type { Db, Queryable, Tx } from '../../db/client.ts'
import type { CompoundRow } from '../../db/compounds.ts'
import { privateNamesOf } from '../../db/disclosure.ts'
import { type SignatureRow, signaturesOf } from '../../db/opinions.ts'
import {
  committeeOf,
  compoundOf,
  createPoll,
  duePolls,
  type ElectorateRow,
  electorateOf,
  findPoll,
  findPollById,
  markClosed,
  type PollRow,
} from '../../db/polls.ts'
import { csvField } from '../disclosure/csv.ts'
import {
  countOpinions,
  countsFromJson,
  countsToJson,
  extractThemes,
  OPINION_OPTIONS,
  type OpinionCounts,
  stanceOf,
  type Theme,
} from '../domain/opinion.ts'
import { formatLocal } from '../domain/poll-time.ts'
import { categoryWords } from '../domain/repair-category.ts'
import { formatArea } from '../domain/tally.ts'
import type { Translator } from '../i18n/index.ts'
import { type DetachedReply, enqueueReplies } from '../outbox/enqueue.ts'
import { committeeListTexts, countsText, stanceLabel } from '../render/opinions.ts'
import { compoundTranslator, electorateAtLaunch, freezeElectorate } from './polls.ts'

export { openOpinionRounds } from '../../db/opinions.ts'

/** Launch a round: a poll of kind 'opinion' with the roster frozen as its electorate. Null: no roster to ask. */
export async function launchOpinionRound(
  tx: Tx,
  compound: Pick<CompoundRow, 'id'>,
  r: { title: string; deadline: Date; memberId: number; now: Date },
): Promise<PollRow | null> {
  const voters = await electorateAtLaunch(tx, compound.id, 'owners')
  if (voters.length === 0) return null
  const poll = await createPoll(tx, {
    compoundId: compound.id,
    kind: 'opinion',
    title: r.title,
    options: [...OPINION_OPTIONS],
    multiple: false,
    rule: 'simple',
    electorate: 'owners',
    secret: false,
    deadline: r.deadline,
    status: 'open',
    createdBy: r.memberId,
    createdAt: r.now,
  })
  await freezeElectorate(tx, poll, voters)
  return poll
}

export interface OpinionState {
  counts: OpinionCounts
  /** the counted signature of each household, in room order */
  signatures: SignatureRow[]
  /** the households of the electorate that have not signed */
  notSigned: ElectorateRow[]
  themes: Theme[]
}

/** Where a round stands: counts over its frozen electorate, its signatures and the themes of their notes. */
export async function opinionState(q: Queryable, poll: PollRow): Promise<OpinionState> {
  const [electorate, all, names] = await Promise.all([
    electorateOf(q, poll.compoundId, poll.id),
    signaturesOf(q, poll.compoundId, poll.id),
    privateNamesOf(q, poll.compoundId),
  ])
  const inList = new Set(electorate.map((v) => v.voterKey))
  const signatures = all.filter((s) => inList.has(s.voterKey))
  const signed = new Set(signatures.map((s) => s.voterKey))
  const counts = countOpinions(electorate, signatures)
  const notes = signatures.map((s) => s.note).filter((n): n is string => !!n)
  // the compound's own words: its repair categories and the round's title
  const vocabulary = [...categoryWords(), ...poll.title.split(/[\s,，、。;；:：/|]+/)]
  const themes = extractThemes(notes, { vocabulary, exclude: names })
  return { counts, signatures, notSigned: electorate.filter((v) => !signed.has(v.voterKey)), themes }
}

/** The counts alone (a 签字 button press edits the launch post with them): no names, no themes to extract. */
export async function opinionCounts(q: Queryable, poll: Pick<PollRow, 'compoundId' | 'id'>): Promise<OpinionCounts> {
  const [electorate, signatures] = await Promise.all([electorateOf(q, poll.compoundId, poll.id), signaturesOf(q, poll.compoundId, poll.id)])
  return countOpinions(electorate, signatures)
}

/** The counts text of a round: the stored result once closed, else counted now (结果 #n). */
export async function opinionResultText(q: Queryable, compound: Pick<CompoundRow, 'timeZone'>, t: Translator, poll: PollRow): Promise<string> {
  const stored = poll.status === 'closed' ? storedResult(poll.result) : null
  if (stored) return countsText(t, poll, stored.counts, stored.themes, compound.timeZone, { announcement: true })
  const s = await opinionState(q, poll)
  return countsText(t, poll, s.counts, s.themes, compound.timeZone)
}

function storedResult(result: unknown): { counts: OpinionCounts; themes: Theme[] } | null {
  if (!result || typeof result !== 'object') return null
  const r = result as { counts?: unknown; themes?: unknown }
  const counts = countsFromJson(r.counts)
  if (!counts) return null
  const themes = Array.isArray(r.themes)
    ? r.themes.filter((x): x is Theme => !!x && typeof x.term === 'string' && typeof x.count === 'number')
    : []
  return { counts, themes }
}

const UTF8_BOM = '\uFEFF'

/** The round's CSV: every household of the electorate, signed or not, in room order; UTF-8 with a BOM, CRLF. */
export function opinionCsv(t: Translator, timeZone: string, s: Pick<OpinionState, 'signatures' | 'notSigned'>): Uint8Array {
  const rows = [
    ...s.signatures.map((x) => ({
      code: x.code ?? x.voterKey,
      cells: [
        stanceLabel(t, stanceOf(x.options)),
        x.note ?? '',
        formatLocal(x.castAt, timeZone),
        formatArea(x.areaCentiM2),
        x.recordedBy !== null ? t('opinion.csv.recorded') : '',
      ],
    })),
    ...s.notSigned.map((v) => ({ code: v.code ?? v.voterKey, cells: [t('opinion.csv.notSigned'), '', '', formatArea(v.areaCentiM2), ''] })),
  ].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
  const lines = [t('opinion.csv.header'), ...rows.map((r) => [r.code, ...r.cells].map(csvField).join(','))]
  return new TextEncoder().encode(`${UTF8_BOM}${lines.join('\r\n')}\r\n`)
}

export const opinionCsvName = (no: number) => `opinion-${no}.csv`

/** The committee's list texts and the CSV, as the texts of one private message each (the CSV rides on the last). */
export function committeeList(t: Translator, compound: Pick<CompoundRow, 'timeZone'>, poll: PollRow, s: OpinionState) {
  const texts = committeeListTexts(
    t,
    poll,
    s.signatures.map((x) => ({ code: x.code ?? x.voterKey, stance: stanceOf(x.options), note: x.note, castAt: x.castAt, recorded: x.recordedBy !== null })),
    s.notSigned.map((v) => v.code ?? v.voterKey),
    compound.timeZone,
  )
  return { texts, file: { bytes: opinionCsv(t, compound.timeZone, s), name: opinionCsvName(poll.no) } }
}

export interface ClosedOpinion {
  poll: PollRow
  counts: OpinionCounts
  /** the counts to every chat, and the full list with the CSV to each committee member */
  replies: DetachedReply[]
}

/**
 * Close an open round inside `tx` (locked first, so signatures in flight finish and later ones see it closed):
 * store the counts and themes, post them to every chat, and send the committee the list and the CSV. No
 * objection window: a consultation decides nothing. Null when it is not open any more.
 */
export async function closeOpinionRound(tx: Tx, compound: CompoundRow, pollId: number, now: Date): Promise<ClosedOpinion | null> {
  const locked = await findPollById(tx, pollId, 'update')
  if (!locked || locked.kind !== 'opinion' || locked.status !== 'open' || locked.compoundId !== compound.id) return null
  const s = await opinionState(tx, locked)
  const closed = await markClosed(tx, pollId, now, { kind: 'opinion', counts: countsToJson(s.counts), themes: s.themes })
  if (!closed) return null
  const t = compoundTranslator(compound)
  const replies: DetachedReply[] = [
    { to: 'compound', text: countsText(t, closed, s.counts, s.themes, compound.timeZone, { announcement: true }), dedupeKey: `poll-closed:${closed.id}` },
  ]
  const list = committeeList(t, compound, closed, s)
  for (const memberId of await committeeOf(tx, compound.id)) {
    list.texts.forEach((text, i) => {
      const last = i === list.texts.length - 1
      replies.push({ to: 'member', memberId, text, ...(last ? { file: list.file } : {}), dedupeKey: `opinion-list:${closed.id}:m${memberId}:${i + 1}` })
    })
  }
  return { poll: closed, counts: s.counts, replies }
}

/**
 * Close every open round whose deadline has come, one transaction each, and post its counts and the committee's
 * list (outbox, with dedupe keys: running it twice posts once). The scheduler hands it the rounds closeDuePolls
 * found due (`due`), so the tick reads due polls once.
 */
export async function closeDueOpinionRounds(db: Db, now: Date, due?: readonly PollRow[]): Promise<{ compoundId: number; no: number }[]> {
  const out: { compoundId: number; no: number }[] = []
  for (const p of due ?? (await duePolls(db, now))) {
    if (p.kind !== 'opinion') continue
    const done = await db.transaction(async (tx) => {
      const compound = await compoundOf(tx, p.compoundId)
      if (!compound) return null
      const closed = await closeOpinionRound(tx, compound, p.id, now)
      if (!closed) return null
      await enqueueReplies(tx, compound, closed.replies, { now })
      return { compoundId: compound.id, no: closed.poll.no }
    })
    if (done) out.push(done)
  }
  return out
}

/** The CSV of round #no of a compound (the CLI's `linli export --opinion`); a string says why there is none. */
export async function opinionCsvOf(q: Queryable, compound: CompoundRow, no: number): Promise<{ bytes: Uint8Array; name: string } | 'unknown' | 'notOpinion'> {
  const round = await findPoll(q, compound.id, no)
  if (!round) return 'unknown'
  if (round.kind !== 'opinion') return 'notOpinion'
  return { bytes: opinionCsv(compoundTranslator(compound), compound.timeZone, await opinionState(q, round)), name: opinionCsvName(no) }
}
