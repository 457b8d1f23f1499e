// Opinion round texts (issue 17): the launch post, the counts the group sees (with the themes, never names), and
// the committee's full list. Values in, text out.
import type { Button } from '../core/messages.ts'
import { type OpinionCounts, type Share, type Stance, type Theme } from '../domain/opinion.ts'
import { formatArea } from '../domain/tally.ts'
import { formatLocal } from '../domain/poll-time.ts'
import type { Translator } from '../i18n/index.ts'
import { formatDeadline } from './polls.ts'
import { packMessages } from './summary.ts'

export interface OpinionView {
  no: number
  title: string
  deadline: Date
}

export function stanceLabel(t: Translator, stance: Stance): string {
  return t(stance === 'agree' ? 'opinion.stance.agree' : stance === 'disagree' ? 'opinion.stance.disagree' : 'opinion.stance.none')
}

export function consultText(t: Translator, round: OpinionView, timeZone: string): string {
  return t('consult.launch', { no: round.no, title: round.title, deadline: formatDeadline(round.deadline, timeZone) })
}

/** Telegram: 同意 / 不同意 buttons; an opinion is typed. */
export function consultButtons(t: Translator, no: number): Button[][] {
  return [[
    { text: t('opinion.stance.agree'), data: `/sign ${no} agree` },
    { text: t('opinion.stance.disagree'), data: `/sign ${no} disagree` },
  ]]
}

/**
 * The launch post as it was, then the counts so far: what a 签字 button press edits the post to (Telegram). Only
 * figures — no room, no name, no theme — since who signed and what they wrote is not shown in the group.
 */
export function liveConsultText(t: Translator, round: OpinionView, counts: OpinionCounts, timeZone: string, asOf: Date): string {
  const share = (s: Share) => ({ households: s.households, area: formatArea(s.areaCentiM2) })
  return [
    consultText(t, round, timeZone),
    '',
    t('opinion.liveLaunch.header', { at: formatLocal(asOf, timeZone) }),
    t('opinion.count', { stance: t('opinion.stance.agree'), ...share(counts.agree) }),
    t('opinion.count', { stance: t('opinion.stance.disagree'), ...share(counts.disagree) }),
    t('opinion.count', { stance: t('opinion.stance.none'), ...share(counts.opinionOnly) }),
    t('opinion.notSigned', share(counts.notSigned)),
    counts.notes > 0 ? t('opinion.notes', { count: counts.notes }) : t('opinion.noNotes'),
  ].join('\n')
}

/** "施工时间（5）、噪音（3）" in the compound's language. */
export function themesText(t: Translator, themes: readonly Theme[], counts: Pick<OpinionCounts, 'notes'>): string {
  if (counts.notes === 0) return t('opinion.noNotes')
  if (themes.length === 0) return `${t('opinion.notes', { count: counts.notes })}\n${t('opinion.noThemes')}`
  const list = themes.map((th) => `${th.term} (${th.count})`).join(t('opinion.themeSeparator'))
  return `${t('opinion.notes', { count: counts.notes })}\n${t('opinion.themes', { themes: list })}`
}

/** The counts: what the group sees at the end (announcement) or anyone asks with 结果 while it runs. */
export function countsText(
  t: Translator,
  round: OpinionView,
  counts: OpinionCounts,
  themes: readonly Theme[],
  timeZone: string,
  opts: { announcement?: boolean } = {},
): string {
  const share = (s: Share) => ({ households: s.households, area: formatArea(s.areaCentiM2) })
  const lines = [
    opts.announcement
      ? t('opinion.result.header', { no: round.no, title: round.title })
      : t('opinion.live.header', { no: round.no, title: round.title, deadline: formatDeadline(round.deadline, timeZone) }),
    t('opinion.count', { stance: t('opinion.stance.agree'), ...share(counts.agree) }),
    t('opinion.count', { stance: t('opinion.stance.disagree'), ...share(counts.disagree) }),
    t('opinion.count', { stance: t('opinion.stance.none'), ...share(counts.opinionOnly) }),
    t('opinion.notSigned', share(counts.notSigned)),
    t('opinion.total', share(counts.total)),
    themesText(t, themes, counts),
  ]
  if (opts.announcement) lines.push(t('opinion.listToCommittee'))
  return lines.join('\n')
}

export interface ListedSignature {
  code: string
  stance: Stance
  note: string | null
  castAt: Date
  recorded: boolean
}

/** The committee's list: every signature (room, stance, time, note), then the rooms that have not signed. */
export function committeeListTexts(
  t: Translator,
  round: OpinionView,
  signatures: readonly ListedSignature[],
  notSigned: readonly string[],
  timeZone: string,
): string[] {
  const lines = signatures.map((s) =>
    t('opinion.list.line', {
      room: s.code,
      stance: stanceLabel(t, s.stance),
      time: formatLocal(s.castAt, timeZone),
      recorded: s.recorded ? t('opinion.list.recorded') : '',
      note: s.note ? t('opinion.list.note', { note: s.note }) : '',
    }),
  )
  if (signatures.length === 0) lines.push(t('opinion.list.none'))
  if (notSigned.length > 0) lines.push(t('opinion.list.notSigned', { count: notSigned.length, rooms: notSigned.join('、') }))
  lines.push(t('opinion.list.csv'))
  return packMessages(
    t('opinion.list.header', { no: round.no, title: round.title, count: signatures.length }),
    t('opinion.list.cont', { no: round.no }),
    lines,
  )
}
