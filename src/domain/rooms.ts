// Room addresses (房号): parsing the many ways residents type them, and resolving them to households.
// Pure module: no I/O, no dependencies.

export interface RoomAddress { building: string; unit: string | null; room: string }
export interface HouseholdRef { id: number; building: string; unit: string | null; room: string; code: string }

/** canonical code: `3-2-201`, or `3-201` when there is no unit */
export function canonicalCode(a: RoomAddress): string {
  return a.unit === null ? `${a.building}-${a.room}` : `${a.building}-${a.unit}-${a.room}`
}

// Traditional → simplified for the few characters that appear in addresses.
const TRAD: Record<string, string> = { 棟: '栋', 樓: '楼', 號: '号', 單: '单', 層: '层', 兩: '两' }
// Dash look-alikes that IMEs produce; NFKC already folds full-width '－'. Never '一' (= one).
const DASHES = /[\u2010-\u2015\u2212\ufe58]/

/** Normalise one code point: NFKC (full-width → ASCII), traditional → simplified, a-z → A-Z, dashes → '-'. */
function normChar(ch: string): string {
  // fast path, no allocation: ASCII other than a-z, and CJK ideographs other than the TRAD ones, are their own NFKC
  const c = ch.charCodeAt(0)
  if (ch.length === 1 && (c < 0x80 ? c < 0x61 || c > 0x7a : c >= 0x4e00 && c <= 0x9fff && TRAD[ch] === undefined)) return ch
  return [...ch.normalize('NFKC')]
    .map((c) => TRAD[c] ?? (DASHES.test(c) ? '-' : c >= 'a' && c <= 'z' ? c.toUpperCase() : c))
    .join('')
}

/** Normalise text, remembering for each output UTF-16 unit the original [start, end) it came from. */
function normalize(text: string): { norm: string; start: number[]; end: number[] } {
  let norm = ''
  const start: number[] = []
  const end: number[] = []
  let i = 0
  for (const ch of text) {
    const piece = normChar(ch)
    for (let k = 0; k < piece.length; k++) { start.push(i); end.push(i + ch.length) }
    norm += piece
    i += ch.length
  }
  return { norm, start, end }
}

// Chinese numerals 1..99 (一 … 九十九, 两) for building and unit numbers; longer alternative first.
const CN = '[一二两三四五六七八九]?十[一二三四五六七八九]?|[一二两三四五六七八九]'
const BLD = `(?<b>[A-Z]|\\d{1,3}|${CN})`
const UNIT = `(?<u>\\d{1,2}|${CN})`
// Room: 3-5 digits, or 1-2 digits not followed by a floor/building marker ("2楼" is a floor, not room 2),
// or 3-5 Chinese digits read one by one (二零一 → 201; fewer would clash with "一楼").
const ROOM = '(?<r>\\d{3,5}|\\d{1,2}(?![\\d楼层单栋幢座])|[零〇一二三四五六七八九]{3,5})'
// 室/号 suffix, except where it starts a word: 室内/室外 (indoors/outdoors), 号楼 (building).
const SUFFIX = '(?:\\s*(?:室(?![内外])|号(?!楼)))?'
const DASH_FORM = `${BLD}\\s*-\\s*(?:${UNIT}\\s*-\\s*)?${ROOM}${SUFFIX}`
// 楼 alone is not a building marker: "3楼" means third floor.
const CN_FORM = `${BLD}\\s*(?:栋|幢|座|号楼)\\s*(?:${UNIT}\\s*单元\\s*)?${ROOM}${SUFFIX}`

const SEP = '\\s,.;:!?、。·()\\[\\]【】「」“”‘’"\'《》<>…~'
const CJK = '\\u3400-\\u9fff\\uf900-\\ufaff'

const PARSE = [new RegExp(`^(?:${DASH_FORM})$`, 'u'), new RegExp(`^(?:${CN_FORM})$`, 'u')]
// Dash forms need a separator around them ("1-2号楼" must not yield room 1-2); Chinese forms may touch
// Chinese text ("3栋2单元201楼道灯不亮") because the markers make them unambiguous.
const AT_END = [
  new RegExp(`(?<=^|[${SEP}])(?<tok>${DASH_FORM})[${SEP}]*$`, 'du'),
  new RegExp(`(?<=^|[${SEP}${CJK}])(?<tok>${CN_FORM})[${SEP}]*$`, 'du'),
]
const AT_START = [
  new RegExp(`^[${SEP}]*(?<tok>${DASH_FORM})(?=[${SEP}]|$)`, 'du'),
  new RegExp(`^[${SEP}]*(?<tok>${CN_FORM})(?=[${SEP}${CJK}]|$)`, 'du'),
]

const CN_DIGIT: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
}

function cnNumber(s: string): number {
  if (!s.includes('十')) return CN_DIGIT[s] ?? NaN
  const [tens = '', ones = ''] = s.split('十')
  return (tens ? CN_DIGIT[tens] ?? NaN : 1) * 10 + (ones ? CN_DIGIT[ones] ?? NaN : 0)
}

/** Building/unit number: strip leading zeros, Chinese → Arabic; null for 0 (no such building). */
function ordinal(s: string): string | null {
  if (/^[A-Z]$/.test(s)) return s
  const n = /^\d+$/.test(s) ? Number(s) : cnNumber(s)
  return Number.isInteger(n) && n > 0 ? String(n) : null
}

function toAddress(groups: Record<string, string | undefined> | undefined): RoomAddress | null {
  const { b, u, r } = groups ?? {}
  if (b === undefined || r === undefined) return null
  const building = ordinal(b)
  const unit = u === undefined ? null : ordinal(u)
  if (building === null || (u !== undefined && unit === null)) return null
  // Room digits are kept as typed (leading zeros included); Chinese digits are read one by one.
  const room = /^\d+$/.test(r) ? r : [...r].map((c) => String(CN_DIGIT[c])).join('')
  return { building, unit, room }
}

/** Parse what a resident typed into an address, or null when it is not a room at all. */
export function parseRoom(input: string): RoomAddress | null {
  const text = normalize(input).norm.trim()
  for (const re of PARSE) {
    const m = re.exec(text)
    if (m) return toAddress(m.groups)
  }
  return null
}

export type RoomResolution =
  | { ok: true; household: HouseholdRef }
  | { ok: false; reason: 'unparseable'; input: string }
  | { ok: false; reason: 'unknown'; understood: string /* canonical code of what was understood */ }
  | { ok: false; reason: 'ambiguous'; understood: string; candidates: string[] /* codes */ }

const byCode = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true })

export function resolveRoom(input: string, households: readonly HouseholdRef[]): RoomResolution {
  const address = parseRoom(input)
  if (!address) return { ok: false, reason: 'unparseable', input }
  const understood = canonicalCode(address)
  const exact = households.find((h) => h.code === understood)
  if (exact) return { ok: true, household: exact }
  // A typed unit is taken at its word: never fall back to another unit or to a unit-less room.
  if (address.unit !== null) return { ok: false, reason: 'unknown', understood }
  // Residents often omit the unit: accept it when the building has exactly one such room.
  const sameRoom = households.filter(
    (h) => h.unit !== null && h.building === address.building && h.room === address.room,
  )
  if (sameRoom.length === 1 && sameRoom[0]) return { ok: true, household: sameRoom[0] }
  if (sameRoom.length > 1) {
    return { ok: false, reason: 'ambiguous', understood, candidates: sameRoom.map((h) => h.code).sort(byCode) }
  }
  return { ok: false, reason: 'unknown', understood }
}

interface Hit { address: RoomAddress; from: number; to: number } // [from, to) in normalised text

function firstHit(res: RegExp[], norm: string, pick: (a: Hit, b: Hit) => boolean): Hit | null {
  let best: Hit | null = null
  for (const re of res) {
    const m = re.exec(norm)
    const span = m?.indices?.groups?.tok
    const address = m && span ? toAddress(m.groups) : null
    if (!address || !span) continue
    const hit = { address, from: span[0], to: span[1] }
    if (!best || pick(hit, best)) best = hit
  }
  return best
}

// Joiners dropped at the cut, so "灯坏了，3-2-201" leaves "灯坏了"; sentence punctuation (!?。) is kept.
const JOIN_END = /[\s,，、:：;；]+$/u
const JOIN_START = /^[\s,，、:：;；]+/u

/** Find a room-looking token at the START or END of free text, e.g. "楼道灯坏了 3-2-201" → {room, rest}. */
export function extractRoom(text: string): { address: RoomAddress; matched: string; rest: string } | null {
  const { norm, start, end } = normalize(text)
  // End of text is preferred; among end matches the one starting earliest (longest) wins.
  const atEnd = firstHit(AT_END, norm, (a, b) => a.from < b.from)
  const hit = atEnd ?? firstHit(AT_START, norm, (a, b) => a.to > b.to)
  if (!hit) return null
  const from = start[hit.from] ?? 0
  const to = end[hit.to - 1] ?? text.length
  const matched = text.slice(from, to)
  const rest = atEnd
    ? text.slice(0, from).replace(JOIN_END, '')
    : text.slice(to).replace(JOIN_START, '')
  return { address: hit.address, matched, rest: rest.trim() }
}

/**
 * `3`, `3栋`, `3号楼`, `三栋`, `十一栋`, `A座`, `building 3` → the building as the roster stores it ('3', '11', 'A'):
 * how 欠费, 任命 … 楼栋长 and 楼栋 name a building.
 */
export function buildingOf(input: string): string {
  let s = input.trim().replace(/(?:栋|棟|幢|号楼|號樓|座|楼|樓)$/u, '').replace(/^building\s*/i, '').trim()
  if (/^[一二两兩三四五六七八九十]+$/u.test(s)) {
    const n = cnNumber(s.replace(/兩/g, '两'))
    if (Number.isInteger(n) && n > 0) s = String(n)
  }
  return normalize(s).norm.replace(/^0+(?=\d)/, '').toUpperCase()
}
