// Poll texts: the launch post, the tally with its legal thresholds, the close announcement. Pure: a translator
// in, strings out. The poll's data and its stored result snapshot are src/domain/poll-snapshot.ts.
//
// Secret polls: nothing rendered here names a voter (no room, no name), and nothing anywhere links a
// voter to a choice. While a secret poll is open no per-option figure and no leading outcome is shown
// anywhere (結果, the Telegram live tally): per-option households and areas, watched as votes come in, tell
// who voted how. Only participation is shown until it closes; then the per-option totals.
// Open (non-secret) polls list who voted (room codes; masked names for person electorates), never
// per-voter choices.
import type { Button } from '../core/messages.ts'
import { APPROVE_OPTION, needAtLeast, needMore, type PollSnapshot, type PollView } from '../domain/poll-snapshot.ts'
import { formatLocal } from '../domain/poll-time.ts'
import { formatArea, type TallyResult } from '../domain/tally.ts'
import type { Translator } from '../i18n/index.ts'

const VOTED_LIST_MAX = 120

export function formatDeadline(d: Date, timeZone: string): string {
  // the zone is named unless it is the default most compounds use
  return timeZone === 'Asia/Shanghai' ? formatLocal(d, timeZone) : `${formatLocal(d, timeZone)} (${timeZone})`
}

/** Inline buttons for the launch post: one per option, feeding back `/vote <no> <n>`. */
export function launchButtons(poll: Pick<PollView, 'no' | 'options' | 'multiple'>): Button[][] | undefined {
  if (poll.multiple) return undefined // a button casts one option; multiple choice is typed (`投票 #3 1,2`)
  return poll.options.map((o, i) => [{ text: `${i + 1}. ${o}`, data: `/vote ${poll.no} ${i + 1}` }])
}

export function launchText(t: Translator, poll: PollView, timeZone: string, opts: { urgent?: boolean; noticeDays?: number } = {}): string {
  const lines = [
    t('poll.launch.header', { no: poll.no, title: poll.title }),
    t(`poll.rule.${poll.rule}`),
    t(poll.electorate === 'residents' ? 'poll.electorate.residents' : 'poll.electorate.owners'),
  ]
  if (poll.multiple) lines.push(t('poll.launch.multiple'))
  if (poll.secret) lines.push(t('poll.launch.secret'))
  lines.push(...poll.options.map((o, i) => `${i + 1}. ${o}`))
  lines.push(t('poll.launch.deadline', { deadline: formatDeadline(poll.deadline, timeZone) }))
  if (opts.urgent && poll.rule !== 'simple') lines.push(t('poll.launch.urgent', { days: opts.noticeDays ?? 0 }))
  lines.push(
    poll.multiple
      ? t('poll.launch.howToMultiple', { no: poll.no })
      : t('poll.launch.howTo', { no: poll.no, first: poll.options[0] ?? '1' }),
  )
  return lines.join('\n')
}

/**
 * The tally as text: the roster it counts; per option households (or persons) and area; participation
 * against 2/3 of area and of owners (民法典 第二百七十八条第二款); what is still missing; approval against
 * 1/2 or 3/4; valid or not yet; for open polls, who voted. An open secret poll: participation only.
 */
export function resultsText(
  t: Translator,
  poll: PollView,
  snap: PollSnapshot,
  timeZone: string,
  /** markRecorded: a private reply marks the rooms a captain recorded (a group sees the count only) */
  opts: { announcement?: boolean; markRecorded?: boolean } = {},
): string {
  const r = snap.tally
  const closed = poll.status === 'closed'
  const lines: string[] = []
  lines.push(t(opts.announcement ? 'poll.results.closedHeader' : 'poll.results.header', { no: poll.no, title: poll.title }))
  lines.push(
    closed
      ? t('poll.results.statusClosed', { at: formatDeadline(poll.closedAt ?? poll.deadline, timeZone) })
      : t('poll.results.statusOpen', { deadline: formatDeadline(poll.deadline, timeZone) }),
  )
  lines.push(t(`poll.rule.${poll.rule}`))
  const roster = rosterLine(t, poll, snap)
  if (roster) lines.push(roster)
  const legal = poll.rule !== 'simple'
  // a secret poll shows participation only until it closes
  const hidden = secretWhileOpen(poll)
  if (!hidden) lines.push(...optionLines(t, poll, r))
  lines.push(votedLine(t, poll, snap))
  if (snap.recorded) lines.push(t('poll.results.recorded', { households: snap.recorded }))
  const mark = (ok: boolean) => t(ok ? 'poll.mark.met' : 'poll.mark.notMet')
  if (legal) {
    const twoThirds = { num: 2n, den: 3n }
    lines.push(
      t('poll.results.partArea', {
        area: formatArea(r.participatingAreaCentiM2),
        total: formatArea(r.totalAreaCentiM2),
        need: formatArea(needAtLeast(r.totalAreaCentiM2, twoThirds)),
        mark: mark(r.participation.areaMet),
      }),
    )
    lines.push(
      t('poll.results.partOwners', {
        owners: r.participatingHeadcount,
        total: r.totalHeadcount,
        need: String(needAtLeast(BigInt(r.totalHeadcount), twoThirds)),
        mark: mark(r.participation.headcountMet),
      }),
    )
    const missing = missingLine(t, r)
    if (missing) lines.push(missing)
    const a = r.approval
    if (a && r.participatingVoters > 0 && !hidden) {
      const major = poll.rule === 'major'
      const f = a.requiredArea
      const need = (whole: bigint) => (major ? needAtLeast(whole, f) : needMore(whole, f))
      const agreeName = poll.options[APPROVE_OPTION] ?? '1'
      lines.push(
        t(major ? 'poll.results.agreeArea.major' : 'poll.results.agreeArea.ordinary', {
          option: agreeName,
          area: formatArea(a.agreeAreaCentiM2),
          part: formatArea(r.participatingAreaCentiM2),
          need: formatArea(need(r.participatingAreaCentiM2)),
          mark: mark(a.areaMet),
        }),
      )
      lines.push(
        t(major ? 'poll.results.agreeOwners.major' : 'poll.results.agreeOwners.ordinary', {
          option: agreeName,
          owners: a.agreeHeadcount,
          part: r.participatingHeadcount,
          need: String(need(BigInt(r.participatingHeadcount))),
          mark: mark(a.headcountMet),
        }),
      )
    }
  }
  // open and secret: one note says what is withheld; closed and secret: that voters and choices stay unnamed
  if (hidden) lines.push(t('poll.results.secretOpen'))
  else lines.push(outcomeText(t, poll, r))
  if (poll.secret) {
    if (!hidden) lines.push(t('poll.results.secret'))
  } else if (snap.voted && snap.voted.length > 0) {
    const byCaptain = new Set(opts.markRecorded ? (snap.recordedRooms ?? []) : [])
    const shown = snap.voted.slice(0, VOTED_LIST_MAX).map((room) => (byCaptain.has(room) ? t('poll.results.recordedMark', { room }) : room))
    const more = snap.voted.length - shown.length
    lines.push(t('poll.results.voted', { list: shown.join('、') + (more > 0 ? t('poll.results.votedMore', { n: more }) : '') }))
  }
  if (!closed) lines.push(t('poll.launch.howToShort', { no: poll.no }))
  return lines.join('\n')
}

/** An open secret poll: per-option figures and the leading outcome are withheld until it closes. */
function secretWhileOpen(poll: Pick<PollView, 'secret' | 'status'>): boolean {
  return poll.secret && poll.status !== 'closed'
}

/** Which roster the tally used: "按发起时名册：40 户 / 3210.50 m²，业主 38 人". */
function rosterLine(t: Translator, poll: PollView, snap: PollSnapshot): string | null {
  const r = snap.tally
  if (poll.electorate === 'residents') return snap.roster === 'frozen' ? t('poll.results.rosterFrozenResidents', { persons: r.totalVoters }) : null
  if (!snap.roster) return null
  return t(snap.roster === 'frozen' ? 'poll.results.rosterFrozen' : 'poll.results.rosterLive', {
    households: r.totalVoters,
    area: formatArea(r.totalAreaCentiM2),
    owners: r.totalHeadcount,
  })
}

/** How many have voted: households of the roster, or persons (of the frozen list, when there is one). */
function votedLine(t: Translator, poll: PollView, snap: PollSnapshot): string {
  const r = snap.tally
  if (poll.electorate !== 'residents') return t('poll.results.votedHouseholds', { households: r.participatingVoters, total: r.totalVoters })
  return snap.roster === 'frozen'
    ? t('poll.results.votedPersonsOf', { persons: r.participatingVoters, total: r.totalVoters })
    : t('poll.results.votedPersons', { persons: r.participatingVoters })
}

/** Per option households (or persons) and area. */
function optionLines(t: Translator, poll: PollView, r: TallyResult): string[] {
  const persons = poll.electorate === 'residents'
  const legal = poll.rule !== 'simple'
  return r.options.map((o) => {
    const option = poll.options[o.option] ?? String(o.option + 1)
    const n = o.option + 1
    if (persons) return t('poll.results.optionPersons', { n, option, persons: o.voters })
    if (legal) return t('poll.results.optionOwners', { n, option, households: o.voters, area: formatArea(o.areaCentiM2), owners: o.headcount })
    return t('poll.results.optionHouseholds', { n, option, households: o.voters, area: formatArea(o.areaCentiM2) })
  })
}

/**
 * 还差 12 户 / 340.5 m²，业主 9 人 — what participation still lacks (ordinary and major polls); null once it is
 * met. Persons (人) and households (户) are different counts: the persons missing are exact, the households an
 * estimate of how many more would have to vote (docs/POLLS.md).
 */
function missingLine(t: Translator, r: TallyResult): string | null {
  const p = r.participation
  if (p.met) return null
  const params = { households: p.missingVoters, area: formatArea(p.missingAreaCentiM2), owners: p.missingHeadcount }
  if (p.missingAreaCentiM2 > 0n) return t(p.missingHeadcount > 0 ? 'poll.results.missingBoth' : 'poll.results.missing', params)
  return t('poll.results.missingOwners', params)
}

/**
 * The launch post with the tally so far under it: what a Telegram launch message is edited to after a
 * button vote. Counts only (no voter list, even for open polls): the full picture is `结果`. A secret poll
 * shows participation only (an edit right after a press would otherwise tell which option that voter took).
 */
export function liveLaunchText(
  t: Translator,
  poll: PollView,
  snap: PollSnapshot,
  timeZone: string,
  opts: { asOf: Date; urgent?: boolean; noticeDays?: number },
): string {
  const r = snap.tally
  const lines = [launchText(t, poll, timeZone, opts), '', t('poll.live.header', { at: formatLocal(opts.asOf, timeZone) })]
  const hidden = secretWhileOpen(poll)
  if (!hidden) lines.push(...optionLines(t, poll, r))
  lines.push(votedLine(t, poll, snap))
  const missing = poll.rule === 'simple' ? null : missingLine(t, r)
  if (missing) lines.push(missing)
  lines.push(hidden ? t('poll.results.secretOpen') : outcomeText(t, poll, r))
  return lines.join('\n')
}

/** One sentence: valid or not (yet), passed or not, the winner. */
export function outcomeText(t: Translator, poll: PollView, r: TallyResult): string {
  const state = poll.status === 'closed' ? 'closed' : 'open'
  const name = (i: number) => poll.options[i] ?? String(i + 1)
  switch (r.outcome) {
    case 'noVotes':
      return t(`poll.outcome.${state}.noVotes`)
    case 'winner':
      return t(`poll.outcome.${state}.winner`, { option: name(r.winners[0]!) })
    case 'tie':
      return t(`poll.outcome.${state}.tie`, { options: r.winners.map(name).join('、') })
    case 'invalid':
      return t(`poll.outcome.${state}.invalid`)
    case 'passed':
      return t(`poll.outcome.${state}.passed`, { option: name(APPROVE_OPTION) })
    case 'failed':
      return t(`poll.outcome.${state}.failed`, { option: name(APPROVE_OPTION) })
  }
}
