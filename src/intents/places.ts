// Where a sentence says something is: a room (anywhere in the sentence, unlike extractRoom), a building,
// a unit, or a common area. Works on the folded text (simplified, lower case, NFKC). Rooms are read by
// the same grammar as every command (src/domain/rooms.ts), so `三栋二单元201` and `3-2-201` agree.
import { canonicalCode, parseRoom } from '../domain/rooms.ts'

export interface Span {
  from: number
  to: number
}

export interface RoomHit extends Span {
  /** canonical code, `3-2-201` or `3-201` */
  code: string
}

export interface PlaceSlots {
  room?: string
  building?: string
  unit?: string
  /** a common area (or a part of a flat), in one canonical simplified word: 楼道, 地下室, 北门, 厨房… */
  area?: string
}

const CN = '[一二两三四五六七八九]?十[一二三四五六七八九]?|[一二两三四五六七八九]'
const CN_DIGIT: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 }

/** `3` / `三` / `十二` / `a` → `3` / `3` / `12` / `A`; null for 0 or nonsense. */
export function ordinalNumber(s: string): string | null {
  if (/^[a-z]$/i.test(s)) return s.toUpperCase()
  if (/^\d+$/.test(s)) return Number(s) > 0 ? String(Number(s)) : null
  if (!s.includes('十')) return CN_DIGIT[s] !== undefined ? String(CN_DIGIT[s]) : null
  const [tens = '', ones = ''] = s.split('十')
  const n = (tens ? (CN_DIGIT[tens] ?? NaN) : 1) * 10 + (ones ? (CN_DIGIT[ones] ?? NaN) : 0)
  return Number.isInteger(n) && n > 0 ? String(n) : null
}

// 3-2-201 / 5-101 / A-1-302: not inside a longer number, date or phone number
const DASH_ROOM = /(?<![\d\-./a-z])(?<!\d:)([a-z]|\d{1,3})\s*-\s*(?:(\d{1,2})\s*-\s*)?(\d{3,5})(?![\d\-./:])/g
const CN_ROOM = new RegExp(
  `(?<![\\d])([a-z]|\\d{1,3}|${CN})\\s*(?:栋|幢|座|号楼)\\s*(?:(\\d{1,2}|${CN})\\s*单元\\s*)?(\\d{3,5}|[零〇一二三四五六七八九]{3,5})(?![\\d楼层单栋幢座])(?:\\s*(?:室(?![内外])|号(?!楼)))?`,
  'g',
)

/** The first full room in the text (building and room at least), canonical. */
export function findRoom(folded: string): RoomHit | null {
  let best: RoomHit | null = null
  for (const re of [DASH_ROOM, CN_ROOM]) {
    re.lastIndex = 0
    for (let m = re.exec(folded); m; m = re.exec(folded)) {
      const address = parseRoom(m[0])
      if (!address) continue
      const hit = { code: canonicalCode(address), from: m.index, to: m.index + m[0].length }
      if (!best || hit.from < best.from) best = hit
      break
    }
  }
  return best
}

const BUILDING = new RegExp(`(?<![\\d])(\\d{1,3}|${CN}|[a-z])\\s*(?:栋|幢|座|号楼)`)
const BUILDING_EN = /\b(?:building|bldg\.?|block|blk|tower)\s*#?\s*(\d{1,3}|[a-z])\b/
const UNIT = new RegExp(`(?<![\\d])(\\d{1,2}|${CN})\\s*单元`)
const UNIT_EN = /\bunit\s*#?\s*(\d{1,2})\b/

/** The building and unit named in the text (without a full room). */
export function findBuildingUnit(folded: string): { building?: string; unit?: string } {
  const b = BUILDING.exec(folded) ?? BUILDING_EN.exec(folded)
  const u = UNIT.exec(folded) ?? UNIT_EN.exec(folded)
  const out: { building?: string; unit?: string } = {}
  const building = b ? ordinalNumber(b[1]!) : null
  const unit = u ? ordinalNumber(u[1]!) : null
  if (building) out.building = building
  if (unit) out.unit = unit
  return out
}

// Common areas, most specific first (北门 before 门口). Each canonical word is simplified Chinese.
const AREAS: readonly (readonly [string, RegExp])[] = [
  ['楼道', /楼道|楼梯间|楼梯口|走廊|过道|stair ?wells?|stairways?|staircases?|hallways?|corridors?|landings?/],
  ['地下室', /地下室|basement|cellar/],
  ['车库', /车库|停车场|garage|car ?park|parking (?:lot|garage)/],
  ['车棚', /车棚|bike shed|bicycle shed|bike rack/],
  ['楼顶', /楼顶|屋顶|天台|顶楼|屋面|\broof(?:top)?s?\b/],
  ['东门', /东门|east gate/],
  ['南门', /南门|south gate/],
  ['西门', /西门|west gate/],
  ['北门', /北门|north gate/],
  ['大门', /大门|正门|main gate|front gate/],
  ['电梯间', /电梯间|电梯厅|lift lobby/],
  ['厨房', /厨房|kitchen/],
  ['卫生间', /卫生间|洗手间|厕所|浴室|bathroom|washroom/],
  ['阳台', /阳台|balcony/],
  ['广场', /广场|plaza|\bsquare\b/],
  ['花园', /花园|绿化带|花坛|\bgarden\b/],
  ['垃圾站', /垃圾站|垃圾房|bin area|bin room|garbage room/],
  ['配电房', /配电房|电房|switch ?room/],
  ['门口', /门口|楼下|entrance\b/],
]

export function findArea(folded: string): (Span & { area: string }) | null {
  for (const [area, re] of AREAS) {
    const m = re.exec(folded)
    if (m) return { area, from: m.index, to: m.index + m[0].length }
  }
  return null
}

/** Room, building, unit and area of the text, whichever it names. */
export function placeOf(folded: string): PlaceSlots & { roomHit?: RoomHit } {
  const out: PlaceSlots & { roomHit?: RoomHit } = {}
  const room = findRoom(folded)
  if (room) {
    out.room = room.code
    out.roomHit = room
  } else Object.assign(out, findBuildingUnit(folded))
  const area = findArea(folded)
  if (area) out.area = area.area
  return out
}

/** `3栋2单元 楼道` / `2单元` / `3-2-201` (zh), `building 3 unit 2 stairwell` (en): the place as a command argument. */
export function placeText(p: PlaceSlots, lang: 'zh-CN' | 'zh-TW' | 'en'): string {
  if (p.room) return p.room
  const parts: string[] = []
  if (lang === 'en') {
    if (p.building) parts.push(`building ${p.building}`)
    if (p.unit) parts.push(`unit ${p.unit}`)
    if (p.area) parts.push(AREA_EN[p.area] ?? p.area)
    return parts.join(' ')
  }
  const where = `${p.building ? `${p.building}栋` : ''}${p.unit ? `${p.unit}单元` : ''}`
  return [where, p.area ?? ''].filter(Boolean).join(' ')
}

const AREA_EN: Record<string, string> = {
  楼道: 'stairwell', 地下室: 'basement', 车库: 'garage', 车棚: 'bike shed', 楼顶: 'roof', 东门: 'east gate',
  南门: 'south gate', 西门: 'west gate', 北门: 'north gate', 大门: 'main gate', 电梯间: 'lift lobby', 厨房: 'kitchen',
  卫生间: 'bathroom', 阳台: 'balcony', 广场: 'square', 花园: 'garden', 垃圾站: 'bin area', 配电房: 'switch room', 门口: 'entrance',
}
