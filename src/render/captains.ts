// A building captain's private follow-up list (楼栋): per open poll, election and opinion round the rooms that
// have not voted or signed, per recent notice the rooms that have not acknowledged, and the arrears. Rooms only.
import { dueDayString } from '../domain/billing.ts'
import { formatMoney } from '../domain/money.ts'
import type { Translator } from '../i18n/index.ts'

export interface PollFollowUp {
  no: number
  title: string
  kind: 'poll' | 'election' | 'opinion'
  /** households of these buildings in its frozen electorate */
  total: number
  /** their rooms without a counted ballot (signature) */
  missing: string[]
  /** counted ballots a captain recorded from paper */
  recorded: number
}

export interface BuildingOverview {
  buildings: string[]
  households: number
  polls: PollFollowUp[]
  notices: { no: number; text: string; total: number; missing: string[] }[]
  arrears: { code: string; owedFen: bigint; overdueSince: Date }[]
}

/** Rooms listed per line item; the rest are counted (a building of hundreds stays one message). */
export const ROOMS_MAX = 40
const NOTICE_PREVIEW = 20

function rooms(t: Translator, list: readonly string[]): string {
  const shown = list.slice(0, ROOMS_MAX).join('、')
  return list.length > ROOMS_MAX ? shown + t('building.moreRooms', { n: list.length - ROOMS_MAX }) : shown
}

export function buildingText(t: Translator, o: BuildingOverview, timeZone: string): string {
  const names = o.buildings.map((b) => t('captain.building', { b })).join('、')
  const lines = [t('building.header', { buildings: names, households: o.households })]
  lines.push('', t('building.pollsHeader'))
  if (o.polls.length === 0) lines.push(t('building.noPolls'))
  for (const p of o.polls) {
    const head = t(`building.poll.${p.kind}`, { no: p.no, title: p.title, missing: p.missing.length, total: p.total })
    lines.push(p.recorded > 0 ? `${head}${t('building.recorded', { n: p.recorded })}` : head)
    if (p.missing.length > 0) lines.push(`  ${rooms(t, p.missing)}`)
  }
  lines.push('', t('building.noticesHeader'))
  if (o.notices.length === 0) lines.push(t('building.noNotices'))
  for (const n of o.notices) {
    const text = [...n.text].length > NOTICE_PREVIEW ? `${[...n.text].slice(0, NOTICE_PREVIEW).join('')}…` : n.text
    lines.push(t('building.notice', { no: n.no, text, missing: n.missing.length, total: n.total }))
    if (n.missing.length > 0) lines.push(`  ${rooms(t, n.missing)}`)
  }
  lines.push('', t('building.arrearsHeader'))
  if (o.arrears.length === 0) lines.push(t('building.noArrears'))
  else {
    const total = o.arrears.reduce((s, a) => s + a.owedFen, 0n)
    lines.push(t('building.arrears', { count: o.arrears.length, total: formatMoney(total) }))
    for (const a of o.arrears.slice(0, ROOMS_MAX)) {
      lines.push(`  ${t('arrears.item', { room: a.code, amount: formatMoney(a.owedFen), due: dueDayString(a.overdueSince, timeZone) })}`)
    }
    if (o.arrears.length > ROOMS_MAX) lines.push(`  ${t('arrears.more', { count: o.arrears.length - ROOMS_MAX })}`)
  }
  lines.push('', t('building.footer'))
  return lines.join('\n')
}
