// Election and objection-window texts: the ballot post, the nomination post, the count (结果), the final
// announcement after the objection window. Pure: a translator in, strings out.
//
// Candidates on the ballot stood for election, which is consent to be named (公示): their names are marked
// candidate(), which a group sees in full where the post's reply lists them in publicNames (the poll's options), and
// nowhere else. Nominees not yet on the ballot are people like any other: person(), 王* in a group. Secret elections
// show participation only until they close and never name a voter; open ones list the rooms that voted,
// never what they marked.
import { candidate, person } from '../domain/group-privacy.ts'
import type { ElectionCount } from '../domain/election.ts'
import { letterOf } from '../domain/election.ts'
import { needMore } from '../domain/poll-snapshot.ts'
import { formatArea } from '../domain/tally.ts'
import type { Translator } from '../i18n/index.ts'
import { formatDeadline } from './polls.ts'

export interface ElectionView {
  no: number
  title: string
  /** the ballot: candidate names by position */
  options: string[]
  seats: number
  secret: boolean
  deadline: Date
  status: 'nominating' | 'open' | 'closed'
  closedAt: Date | null
  nominationSupport: number | null
  nominationUntil: Date | null
}

const HALF = { num: 1n, den: 2n }

export function ballotLines(t: Translator, options: readonly string[]): string[] {
  return [t('election.launch.candidates'), ...options.map((o, i) => `${letterOf(i)}. ${candidate(o)}`)]
}

/** The post that opens voting: at launch, or when nomination ends (`opened`). */
export function ballotText(t: Translator, e: ElectionView, timeZone: string, opts: { opened?: boolean; windowDays: number }): string {
  return [
    t(opts.opened ? 'election.opened.header' : 'election.launch.header', { no: e.no, title: e.title }),
    t('election.launch.seats', { seats: e.seats }),
    t('election.launch.rule', { seats: e.seats }),
    t(e.secret ? 'election.launch.secret' : 'election.launch.public'),
    ...ballotLines(t, e.options),
    t('election.launch.deadline', { deadline: formatDeadline(e.deadline, timeZone) }),
    t('election.launch.howTo', { no: e.no, seats: e.seats }),
    t('election.launch.window', { days: opts.windowDays }),
  ].join('\n')
}

/** The launch post of an election that first takes nominations. */
export function nominatingText(t: Translator, e: ElectionView, named: readonly string[], timeZone: string, opts: { windowDays: number }): string {
  const lines = [
    t('election.nominating.header', { no: e.no, title: e.title }),
    t('election.launch.seats', { seats: e.seats }),
    t('election.nominating.howTo', {
      no: e.no,
      until: formatDeadline(e.nominationUntil ?? e.deadline, timeZone),
      support: e.nominationSupport ?? 1,
      deadline: formatDeadline(e.deadline, timeZone),
    }),
  ]
  if (named.length > 0) lines.push(t('election.nominating.named', { list: named.map(candidate).join('、') }))
  lines.push(t('election.launch.rule', { seats: e.seats }), t('election.launch.window', { days: opts.windowDays }))
  return lines.join('\n')
}

/** 结果 while nominating: who has been named or put forward, with their support. */
export function nominationStatusText(
  t: Translator,
  e: ElectionView,
  candidates: readonly { name: string; source: 'launch' | 'nomination'; support: number }[],
  timeZone: string,
): string {
  return [
    t('election.nominating.header', { no: e.no, title: e.title }),
    t('election.results.nominating', {
      until: formatDeadline(e.nominationUntil ?? e.deadline, timeZone),
      support: e.nominationSupport ?? 1,
      deadline: formatDeadline(e.deadline, timeZone),
    }),
    ...candidates.map((c) =>
      c.source === 'launch' ? t('election.results.named', { name: candidate(c.name) }) : t('election.results.nominee', { name: person(c.name), count: c.support }),
    ),
  ].join('\n')
}

/** The count: per candidate (hidden while a secret election is open), participation, who is elected. */
export function electionResultsText(
  t: Translator,
  e: ElectionView,
  r: ElectionCount,
  voted: readonly string[] | null,
  timeZone: string,
  opts: { announcement?: boolean } = {},
): string {
  const closed = e.status === 'closed'
  const hidden = e.secret && !closed
  const name = (i: number) => `${letterOf(i)}. ${candidate(e.options[i] ?? '')}`
  const lines = [
    t(closed || opts.announcement ? 'election.results.closedHeader' : 'election.results.header', { no: e.no, title: e.title }),
    closed
      ? t('poll.results.statusClosed', { at: formatDeadline(e.closedAt ?? e.deadline, timeZone) })
      : t('poll.results.statusOpen', { deadline: formatDeadline(e.deadline, timeZone) }),
    t('election.launch.seats', { seats: e.seats }),
    t('poll.results.rosterFrozen', { households: r.totalVoters, area: formatArea(r.totalAreaCentiM2), owners: r.totalHeadcount }),
  ]
  for (const c of r.candidates) {
    const letter = letterOf(c.idx)
    const cname = candidate(e.options[c.idx] ?? '')
    lines.push(
      hidden
        ? t('election.results.candidateHidden', { letter, name: cname })
        : t('election.results.candidate', {
            letter,
            name: cname,
            households: c.voters,
            area: formatArea(c.areaCentiM2),
            owners: c.headcount,
            mark: c.qualified ? t('election.results.qualified') : '',
          }),
    )
  }
  lines.push(t('poll.results.votedHouseholds', { households: r.participatingVoters, total: r.totalVoters }))
  const twoThirds = { num: 2n, den: 3n }
  const mark = (ok: boolean) => t(ok ? 'poll.mark.met' : 'poll.mark.notMet')
  const need = (whole: bigint) => ((whole * twoThirds.num + twoThirds.den - 1n) / twoThirds.den)
  lines.push(
    t('poll.results.partArea', { area: formatArea(r.participatingAreaCentiM2), total: formatArea(r.totalAreaCentiM2), need: formatArea(need(r.totalAreaCentiM2)), mark: mark(r.participation.areaMet) }),
    t('poll.results.partOwners', { owners: r.participatingHeadcount, total: r.totalHeadcount, need: String(need(BigInt(r.totalHeadcount))), mark: mark(r.participation.headcountMet) }),
  )
  if (r.participatingVoters > 0) {
    lines.push(t('election.results.need', { area: formatArea(needMore(r.participatingAreaCentiM2, HALF)), owners: String(needMore(BigInt(r.participatingHeadcount), HALF)) }))
  }
  if (hidden) lines.push(t('poll.results.secretOpen'))
  else if (closed || opts.announcement) lines.push(...outcomeLines(t, r, name))
  else if (r.outcome === 'noVotes') lines.push(t('election.results.openNoVotes'))
  else if (!r.participation.met) lines.push(t('election.results.openInvalid'))
  else lines.push(r.ranking.length > 0 ? t('election.results.leading', { list: r.ranking.map(name).join('、') }) : t('election.results.leadingNone'))
  if (e.secret) {
    if (!hidden) lines.push(t('election.results.secret'))
  } else if (voted && voted.length > 0) {
    lines.push(t('poll.results.voted', { list: voted.join('、') }))
  }
  if (!closed && !opts.announcement) lines.push(t('election.launch.howTo', { no: e.no, seats: e.seats }))
  return lines.join('\n')
}

/** The outcome of a closed election: invalid, nobody voted, or who is elected, the tie and the empty seats. */
export function outcomeLines(t: Translator, r: ElectionCount, name: (i: number) => string): string[] {
  if (r.outcome === 'noVotes') return [t('election.results.noVotes')]
  if (r.outcome === 'invalid') return [t('election.results.invalid')]
  const lines = [r.elected.length > 0 ? t('election.results.elected', { list: r.elected.map(name).join('、') }) : t('election.results.noneElected')]
  if (r.tie.length > 0) lines.push(t('election.results.tie', { list: r.tie.map(name).join('、') }))
  if (r.unfilled > 0) lines.push(t('election.results.unfilled', { n: r.unfilled }))
  return lines
}

/** The line a result post ends with: until when objections may be filed. */
export function windowLine(t: Translator, no: number, until: Date, timeZone: string): string {
  return t('window.line', { no, until: formatDeadline(until, timeZone) })
}

export interface FinalView {
  kind: 'poll' | 'election'
  no: number
  title: string
  objections: { k: number; reason: string; answer: string | null; upheld: boolean }[]
  /** election: the elected by their ballot names, and which of them got the role / must be appointed by hand */
  elected?: string[]
  granted?: string[]
  byHand?: string[]
}

/** The one final announcement when a window ends: objections and answers without names, and whether the result stands. */
export function finalText(t: Translator, f: FinalView): string {
  const kind = t(`election.kind.${f.kind}`)
  const lines = [t('final.header', { kind, no: f.no, title: f.title })]
  if (f.objections.length === 0) lines.push(t('final.noObjections'))
  for (const o of f.objections) {
    lines.push(t('final.objection', { k: o.k, reason: o.reason }))
    lines.push(o.answer === null ? t('final.unanswered') : t('final.answer', { answer: o.answer, upheld: o.upheld ? t('answer.upheldMark') : '' }))
  }
  const overturned = f.objections.some((o) => o.upheld)
  if (f.kind === 'poll') {
    lines.push(t(overturned ? 'final.pollOverturned' : 'final.pollStands', { kind, no: f.no }))
    return lines.join('\n')
  }
  if (overturned) {
    lines.push(t('final.electionOverturned'))
    return lines.join('\n')
  }
  const elected = f.elected ?? []
  lines.push(elected.length > 0 ? t('final.electedStands', { list: elected.map(candidate).join('、') }) : t('final.noneElected'))
  if (f.granted && f.granted.length > 0) lines.push(t('final.granted', { list: f.granted.map(candidate).join('、') }))
  if (f.byHand && f.byHand.length > 0) lines.push(t('final.appointByHand', { list: f.byHand.map(candidate).join('、') }))
  return lines.join('\n')
}
