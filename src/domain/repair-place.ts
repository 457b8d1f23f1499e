// Where a repair is: a household (a room at the start or end of the description) or a free-text
// common-area place (`3-2 楼道`, `北门`). Pure: the room is resolved against the roster by the command.
import { extractRoom, parseRoom } from './rooms.ts'

export interface RepairText {
  /** what is broken, with a room or place token taken out */
  description: string
  /** a room-looking token as typed (`3-2-201`, `3栋2单元201`), to resolve against the roster */
  room?: string
  /** a free-text common-area place */
  place?: string
}

export const MAX_PLACE_LENGTH = 40

const CN = '[一二两兩三四五六七八九]?十[一二三四五六七八九]?|[一二两兩三四五六七八九]'
const NUM = `(?:\\d{1,3}|${CN}|[A-Za-z])`
const BUILDING = `(?<b>${NUM})\\s*(?:栋|棟|幢|座|号楼|號樓)`
const UNIT = `(?:\\s*(?<u>\\d{1,2}|${CN})\\s*(?:单元|單元))?`
// a common area right after the building/unit: 楼道, 3楼楼道, 单元门口…
const AREA =
  '(?:\\s*(?<area>(?:(?:\\d{1,2}|[一二两兩三四五六七八九十]{1,3})\\s*(?:楼|樓|层|層))?\\s*' +
  '(?:楼道|樓道|楼梯间|樓梯間|楼梯|樓梯|走廊|过道|過道|门口|門口|门厅|門廳|大厅|大廳|地下室|车库|車庫|车棚|車棚|' +
  '屋顶|屋頂|楼顶|樓頂|天台|电梯间|電梯間|电梯|電梯|单元门|單元門|大门|大門|楼下|樓下|外墙|外牆|水箱|配电房|配電房)?))?'
const BUILDING_AT_START = new RegExp(`^${BUILDING}${UNIT}${AREA}`, 'u')
const BUILDING_AT_END = new RegExp(`(?:^|[\\s,，、!！?？。.;；])${BUILDING}${UNIT}${AREA}\\s*$`, 'u')

// an explicit place at the end: `… 位置 北门` / `地点：车棚` / `place: north gate`
const EXPLICIT = /(?:^|[\s,，、;；])(?:位置|地点|地點|place|location)\s*[:：]?\s*(?<place>\S(?:.*\S)?)\s*$/iu

// a last (or first) word that names a place: ends like a gate, entrance, shed, yard or room
const PLACE_WORD =
  /^(?:小区|小區|社区|社區)?[\p{Script=Han}A-Za-z0-9-]{0,6}(?:门|門|口|棚|场|場|库|庫|园|園|亭|广场|廣場|楼道|樓道|走廊|过道|過道|路|处|處|边|邊|旁|附近|对面|對面|房|间|間|室|厅|廳)$/u

const codePoints = (s: string) => [...s].length
const CN_NUM: Record<string, number> = { 一: 1, 二: 2, 两: 2, 兩: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 }

function arabic(n: string): string {
  if (/^\d+$/.test(n)) return String(Number(n))
  if (/^[A-Za-z]$/.test(n)) return n.toUpperCase()
  if (!n.includes('十')) return String(CN_NUM[n] ?? n)
  const [tens = '', ones = ''] = n.split('十')
  return String((tens ? (CN_NUM[tens] ?? 1) : 1) * 10 + (ones ? (CN_NUM[ones] ?? 0) : 0))
}

/** `3栋2单元楼道` → `3-2 楼道`; `5号楼门口` → `5栋 门口`. */
function buildingPlace(groups: Record<string, string | undefined>): string {
  const b = arabic(groups.b ?? '')
  const where = groups.u ? `${b}-${arabic(groups.u)}` : `${b}栋`
  const area = groups.area?.replace(/\s+/g, '')
  return area ? `${where} ${area}` : where
}

/** Whether an unresolved room token must be refused (a full room number) rather than kept as a place. */
export function isFullRoom(token: string): boolean {
  const a = parseRoom(token)
  return a !== null && /^\d{3,5}$/.test(a.room)
}

/**
 * Split what followed `报修` into description and location. Tries, in order: a room at the end or
 * start (as in 绑定), an explicit `位置 …`, a building/unit (`3栋2单元楼道…`, `… 5号楼`), and a last or
 * first word naming a place (`路灯不亮 北门`). Keeps everything as description when none applies.
 */
export function splitRepairText(input: string): RepairText {
  const text = input.trim()
  const room = extractRoom(text)
  if (room) return { description: room.rest, room: room.matched.trim() }

  const explicit = EXPLICIT.exec(text)
  if (explicit?.groups?.place && codePoints(explicit.groups.place) <= MAX_PLACE_LENGTH) {
    return { description: text.slice(0, explicit.index).trim(), place: explicit.groups.place }
  }

  const start = BUILDING_AT_START.exec(text)
  if (start?.groups) {
    // keep the area word in the description: `3栋2单元楼道灯不亮` → `楼道灯不亮` at `3-2 楼道`
    const area = start.groups.area?.replace(/\s+/g, '') ?? ''
    const rest = text.slice(start[0].length).replace(area ? /^[\s,，、:：;；]+/u : /^[\s,，、:：;；的]+/u, '')
    return { description: `${area}${rest}`.trim(), place: buildingPlace(start.groups) }
  }
  const end = BUILDING_AT_END.exec(text)
  if (end?.groups) {
    return { description: text.slice(0, end.index).replace(/[\s,，、:：;；]+$/u, '').trim(), place: buildingPlace(end.groups) }
  }

  const words = text.split(/\s+/).filter(Boolean)
  if (words.length >= 2) {
    const last = words[words.length - 1]!
    const first = words[0]!
    const long = (s: string) => codePoints(s) >= 2
    if (PLACE_WORD.test(last) && long(words.slice(0, -1).join(''))) return { description: words.slice(0, -1).join(' '), place: last }
    if (PLACE_WORD.test(first) && long(words.slice(1).join(''))) return { description: words.slice(1).join(' '), place: first }
  }
  return { description: text }
}
