// What no message to a group may show (docs/DEVELOPING.md "Privacy in group messages"):
// a phone number, the full name of an owner from the roster, or a person's name in any other form than the
// one masked form (王*). Commands echo what people typed (an expense's payee, a poll title, a repair note, a
// display name) and name people (reporter, assignee, appointee, voter); the outbox passes every text
// through `scrubRows` before it is stored, so no reply, announcement or post can carry one. Pure: the
// caller looks up the roster names.
//
// People named by a command are marked with `person(name)`: the outbox shows a marked name as
// `showPerson(name)` in group text and as written in a private message. So one person is shown one way in
// every group message, whatever the command, and the choice is made in one place.
//
// The one exception: an election's candidates (standing is consent to be named; the list and the result are
// posted publicly, 公示). A name marked `candidate(name)` is shown in full in a group, but only in a row whose
// `publicNames` lists it (the election's own posts set it); anywhere else it is a person like any other. Plain
// text in the same row (an objection's reason, a title) is scrubbed as always, the same name included.

// ---- width folding -------------------------------------------------------------------------------

/**
 * One UTF-16 unit → one UTF-16 unit: full-width ASCII (０-９, ＋, （, ．, Ａ-ｚ) to ASCII, every kind of space
 * to ' ', dash look-alikes to '-'. Same length as the input, so a match's indices are the original's.
 */
function foldUnit(c: number): number {
  if (c >= 0xff01 && c <= 0xff5e) return c - 0xfee0
  if (c === 0x3000 || c === 0x09 || c === 0xa0 || (c >= 0x2000 && c <= 0x200a) || c === 0x202f || c === 0x205f) return 0x20
  if ((c >= 0x2010 && c <= 0x2015) || c === 0x2212 || c === 0xfe58 || c === 0xfe63) return 0x2d
  return c
}

function foldWidth(text: string): string {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    const f = foldUnit(c)
    out += f === c ? text[i] : String.fromCharCode(f)
  }
  return out
}

// ---- phone numbers -------------------------------------------------------------------------------

// Run on width-folded text. Every quantifier is bounded and the separators are not digits, so a match
// attempt does constant work per start position: the whole scan is linear in the text.
/** between two digit groups: a space or two, or a dot or dash with a space either side (S1), or nothing (S) */
const S1 = '(?: {1,2}| ?[.\\-] ?)'
const S = `${S1}?`
/**
 * a mobile number: 1[3-9] and nine more digits, bare, split 3-8, or split 3-4-4 / 4-3-4 with the same
 * separator twice, or (138)12345678. Nothing looser: "130-1000 2000-W01" is a room and a period.
 */
const MOBILE =
  `(?:1[3-9]\\d(?:\\d{8}|${S1}\\d{8}|(?<m1>${S1})\\d{4}\\k<m1>\\d{4}|\\d(?<m2>${S1})\\d{3}\\k<m2>\\d{4})` +
  `|\\(1[3-9]\\d\\)${S}\\d{4}${S}\\d{4})`
/** the country code before a mobile: +86, 0086, (+86), 86 */
const CC = `(?:(?:\\+|00) ?86|\\(\\+?86\\)|86)${S}`
/**
 * a landline: area code 0xx / 0xxx and a 7–8 digit number (possibly split 3/4+4), with a separator or
 * brackets between them: twelve bare digits (a ledger head that happens to be all digits) are not a phone.
 */
const LANDLINE = `(?:\\(0[1-9]\\d{1,2}\\)${S}|0[1-9]\\d{1,2}${S1})(?:\\d{7,8}|\\d{3,4}${S}\\d{4})`
/** a landline after +86: the area code loses its 0 */
const CC_LANDLINE = `(?:(?:\\+|00) ?86|\\(\\+?86\\))${S}(?:\\([1-9]\\d{1,2}\\)${S}|[1-9]\\d{1,2}${S1})(?:\\d{7,8}|\\d{3,4}${S}\\d{4})`
/**
 * Standing alone: never inside a run of digits and hex letters (serials, ledger hashes), never after # ¥ $
 * or a digit and a separator (the tail of a room code or date), never before % or a decimal part. So
 * amounts (¥1,084.00), dates, times, room codes (12-1-1502: at most 10 digits), periods (2026-W47) and
 * areas are left alone; other letters may touch a number (Tel13812345678).
 */
const PHONE = new RegExp(
  `(?<![0-9A-Fa-f_#¥$])(?<!\\d[.,:/\\-])(?:(?:${CC})?${MOBILE}|${CC_LANDLINE}|${LANDLINE})(?![0-9A-Fa-f_%])(?![.,]\\d)`,
  'g',
)

/** The [start, end) of every phone number in `text`, in any of the forms above, full-width too. */
export function phoneSpans(text: string): [number, number][] {
  const folded = foldWidth(text)
  const spans: [number, number][] = []
  PHONE.lastIndex = 0
  for (let m = PHONE.exec(folded); m; m = PHONE.exec(folded)) spans.push([m.index, m.index + m[0].length])
  return spans
}

function replaceSpans(text: string, spans: readonly [number, number][], by: (i: number) => string): string {
  if (spans.length === 0) return text
  let out = ''
  let at = 0
  spans.forEach(([from, to], i) => {
    out += text.slice(at, from) + by(i)
    at = to
  })
  return out + text.slice(at)
}

/** Every phone number becomes `***`. */
export function maskPhones(text: string): string {
  return replaceSpans(text, phoneSpans(text), () => '***')
}

// ---- names ---------------------------------------------------------------------------------------

/** Separators inside an owner_name field: spaces, digits (a phone written next to the name), punctuation. */
const NAME_SPLIT = /[\s0-9０-９+＋\-－,，、;；:：/／|()（）[\]【】<>《》"“”'‘’.。·]+/u
/**
 * Words an owner_name column (or a display name) may hold that are not a name: relations, titles and the
 * bot's own role words, which a name list must never mask in every message.
 */
export const NOT_NAMES = [
  '业主', '業主', '租户', '租戶', '家属', '家屬', '房东', '房東', '户主', '戶主', '本人', '先生', '女士', '电话', '電話', '手机', '手機',
  '主任', '委员', '委員', '组长', '組長', '收费员', '收費員', '楼栋长', '樓棟長', '网格员', '網格員', '师傅', '師傅',
]

/** The names in an owner_name field: "李建国 13812345678" → ["李建国"], "王秀英/李建国" → both. */
export function ownerNameParts(ownerName: string): string[] {
  return ownerName
    .normalize('NFKC')
    .split(NAME_SPLIT)
    .map((s) => s.trim())
    .filter((s) => [...s].length >= 2 && !NOT_NAMES.includes(s))
}

/** 张三 → 张*, Alice → A* (the first character of what is left once phone numbers and spaces are gone). */
function maskFirst(name: string): string {
  const first = [...name.normalize('NFKC').replace(/^[\s\p{P}\p{S}]+/u, '')][0]
  return first === undefined ? '*' : `${first}*`
}

const isWordChar = (c: string | undefined) => c !== undefined && /[0-9a-z]/.test(c)
/** the original character at `i`, folded, is a Latin letter or digit (the folded text has no spaces to look at) */
const wordCharAt = (text: string, i: number) => i >= 0 && i < text.length && isWordChar(String.fromCharCode(foldUnit(text.charCodeAt(i))).toLowerCase())

/**
 * `text` folded for name matching: each code point NFKC'd and lower-cased, spaces dropped; `from`/`to`
 * give for each folded UTF-16 unit the [start, end) of the original code point it came from.
 */
function foldForNames(text: string): { folded: string; from: number[]; to: number[] } {
  let folded = ''
  const from: number[] = []
  const to: number[] = []
  let i = 0
  for (const ch of text) {
    const c = ch.charCodeAt(0)
    // ASCII and the CJK block are their own NFKC: skip the normalize call for them (most of every text)
    let piece = c < 0x80 || (c >= 0x4e00 && c <= 0x9fff) ? ch : ch.normalize('NFKC')
    piece = piece.toLowerCase().replace(/\s+/gu, '')
    for (let k = 0; k < piece.length; k++) {
      from.push(i)
      to.push(i + ch.length)
    }
    folded += piece
    i += ch.length
  }
  return { folded, from, to }
}

interface CompiledNames {
  masked: Map<string, string>
  /** the folded keys, longest first */
  keys: string[]
  /** a key's first character → the indices in `keys` of the keys starting with it, ascending */
  byFirst: Map<string, number[]>
}

/**
 * The folded keys of a name list, longest first, each key's masked form, and the keys by their first character;
 * kept per list instance (src/outbox/write.ts hands out one instance per compound and roster version, so a
 * roster is compiled once, not per reply).
 */
const compiled = new WeakMap<readonly string[], CompiledNames>()
function compiledNames(names: readonly string[]): CompiledNames {
  const hit = compiled.get(names)
  if (hit) return hit
  // key (folded) → the masked form, from the name as the list writes it: a person looks the same however typed
  const masked = new Map<string, string>()
  for (const n of names) {
    const key = n.normalize('NFKC').toLowerCase().replace(/\s+/gu, '')
    if ([...key].length >= 2 && !masked.has(key)) masked.set(key, maskFirst(n))
  }
  const keys = [...masked.keys()].sort((a, b) => b.length - a.length)
  const byFirst = new Map<string, number[]>()
  keys.forEach((key, i) => {
    const first = String.fromCodePoint(key.codePointAt(0)!)
    const list = byFirst.get(first)
    if (list) list.push(i)
    else byFirst.set(first, [i])
  })
  const out = { masked, keys, byFirst }
  compiled.set(names, out)
  return out
}

/**
 * Every occurrence of one of `names` becomes its masked form (王秀英 → 王*), matched after NFKC/width
 * folding and ignoring spaces between its characters (王 秀英, 王　秀英, 王秀 英). Longest names first; a
 * Latin name only as a whole word. Names shorter than two characters are ignored.
 */
export function maskNames(text: string, names: readonly string[]): string {
  const { masked, keys, byFirst } = compiledNames(names)
  if (keys.length === 0 || text === '') return text
  const { folded, from, to } = foldForNames(text)
  const taken = new Uint8Array(folded.length)
  const hits: { start: number; end: number; key: string }[] = []
  // only the keys starting with a character of the text (most names share none with a short reply), in the
  // list's order: longest first
  const candidates: number[] = []
  for (const c of new Set(folded)) {
    const list = byFirst.get(c)
    if (list) candidates.push(...list)
  }
  candidates.sort((a, b) => a - b)
  for (const i of candidates) {
    const key = keys[i]!
    for (let at = folded.indexOf(key); at >= 0; at = folded.indexOf(key, at + 1)) {
      const end = at + key.length
      if (isWordChar(key[0]) && wordCharAt(text, from[at]! - 1)) continue
      if (isWordChar(key[key.length - 1]) && wordCharAt(text, to[end - 1]!)) continue
      if (taken.subarray(at, end).some((x) => x === 1)) continue
      taken.fill(1, at, end)
      hits.push({ start: from[at]!, end: to[end - 1]!, key })
    }
  }
  hits.sort((a, b) => a.start - b.start)
  return replaceSpans(
    text,
    hits.map((h) => [h.start, h.end]),
    (i) => masked.get(hits[i]!.key)!,
  )
}

// ---- people named by commands --------------------------------------------------------------------

// Private-use characters: never shown, and stripped from anything that is not a complete mark.
const OPEN = '\uE000'
const CLOSE = '\uE001'
const CANDIDATE_OPEN = '\uE002'
const CANDIDATE_CLOSE = '\uE003'
const MARKED = /\uE000([^\uE000-\uE003]*)\uE001/g
const CANDIDATE_MARKED = /\uE002([^\uE000-\uE003]*)\uE003/g
const STRAY = /[\uE000-\uE003]/g
const hasMarks = (text: string) => /[\uE000-\uE003]/.test(text)

/**
 * A person's name (a member's display name, a roster name, a repairer typed by the committee) inside a
 * reply: the outbox shows it as showPerson(name) in a group and as written in a private message.
 */
export function person(name: string): string {
  return `${OPEN}${name.replace(STRAY, '')}${CLOSE}`
}

/**
 * An election candidate's name: shown in full in a group where the outbox row lists it in `publicNames`
 * (ScrubbableRow), else as person(name) is.
 */
export function candidate(name: string): string {
  return `${CANDIDATE_OPEN}${name.replace(STRAY, '')}${CANDIDATE_CLOSE}`
}

/**
 * How a group sees a person, the one form used everywhere: the first character of the name after any
 * phone number is taken out, then `*` (王秀英 → 王*, "张三 13812345678" → 张*, Alice → A*).
 */
export function showPerson(name: string): string {
  const spans = phoneSpans(name)
  return maskFirst(replaceSpans(name, spans, () => ' '))
}

/** The marks resolved: masked (group) or as written (private). */
export function resolvePersons(text: string, inGroup: boolean): string {
  if (!hasMarks(text)) return text
  const show = (_: string, name: string) => (inGroup ? showPerson(name) : name)
  return text.replace(MARKED, show).replace(CANDIDATE_MARKED, show).replace(STRAY, '')
}

// ---- the scrub -----------------------------------------------------------------------------------

/**
 * A text a group will see: marked people shown as showPerson, phone numbers `***`, and the given owner
 * names masked (王秀英 → 王*). A candidate(name) whose name is in `publicNames` is shown in full (phone
 * numbers still `***`); the text around it is scrubbed as usual.
 */
export function scrubGroupText(text: string, ownerNames: readonly string[] = [], publicNames: readonly string[] = []): string {
  const scrub = (part: string) => maskNames(maskPhones(resolvePersons(part, true)), ownerNames)
  if (publicNames.length === 0 || !text.includes(CANDIDATE_OPEN)) return scrub(text)
  const allowed = new Set(publicNames.map(foldName))
  let out = ''
  let at = 0
  for (const m of text.matchAll(CANDIDATE_MARKED)) {
    if (!allowed.has(foldName(m[1]!))) continue
    out += scrub(text.slice(at, m.index)) + maskPhones(m[1]!)
    at = m.index + m[0].length
  }
  return out + scrub(text.slice(at))
}

/** The outbox row fields the scrub reads and rewrites. */
export interface ScrubbableRow {
  compoundId?: number | null
  targetKind: 'chat' | 'user'
  text: string
  groupAckText?: string | null
  groupFallbackText?: string | null
  /** inline buttons: their labels are shown with the text (their data is a command line, kept as is) */
  buttons?: { text: string; data: string }[][] | null
  /**
   * Names this row may show in full where they are marked candidate(): an election's candidates, set by its
   * own posts only. Not stored (the scrub runs before the row is written).
   */
  publicNames?: readonly string[] | null
}

/** Whether any text of these rows will be seen by a group (then the caller needs the roster names). */
export function needsGroupScrub(rows: readonly ScrubbableRow[]): boolean {
  return rows.some((r) => r.targetKind === 'chat' || r.groupAckText || r.groupFallbackText)
}

/**
 * THE scrub of outbox rows, for every writer of the outbox (pipeline, enqueueReplies, the disclosure
 * batch): every text a group will see (posts to chats, the group notices of private replies) goes through
 * scrubGroupText with the roster names of the row's compound; private texts only get their marks resolved.
 */
export function scrubRows(rows: ScrubbableRow[], ownerNamesOf: (compoundId: number | null) => readonly string[]): void {
  for (const row of rows) {
    const names = () => ownerNamesOf(row.compoundId ?? null)
    const open = row.publicNames ?? []
    row.text = row.targetKind === 'chat' ? scrubGroupText(row.text, names(), open) : resolvePersons(row.text, false)
    if (row.groupAckText) row.groupAckText = scrubGroupText(row.groupAckText, names(), open)
    if (row.groupFallbackText) row.groupFallbackText = scrubGroupText(row.groupFallbackText, names(), open)
    if (row.buttons) {
      const label = (text: string) => (row.targetKind === 'chat' ? scrubGroupText(text, names(), open) : resolvePersons(text, false))
      row.buttons = row.buttons.map((line) => line.map((b) => ({ ...b, text: label(b.text) })))
    }
  }
}

// ---- a claim against the roster (认证) ------------------------------------------------------------

/** A name folded the way the scrub compares names (compiledNames): NFKC, lower case, no spaces. */
export function foldName(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/\s+/gu, '')
}

/** The persons of an owner_name field: "李建国/陈美 13812345678" → ["李建国", "陈美 13812345678"]. */
function ownerEntries(ownerName: string | null): string[] {
  return (ownerName ?? '').split(/[/／、,，;；|]+/u).filter((s) => ownerNameParts(s).length > 0)
}

/** The owners of an owner_name field as a group sees them, one per person: ["李*", "陈*"]; none when it names nobody. */
export function maskedOwners(ownerName: string | null): string[] {
  return ownerEntries(ownerName).map(showPerson)
}

/**
 * Whether a display name is the name of an owner in an owner_name field, both folded as the scrub folds names
 * (王 秀英 = 王秀英, ＷＡＮＧ fang = Wang Fang). The display name may add what the field would not hold
 * ("3-201 王秀英"). A display name is only what someone typed: this says the claim is plausible, not true.
 */
export function namesOwner(displayName: string, ownerName: string | null): boolean {
  const owners = new Set(
    ownerEntries(ownerName).flatMap((e) => {
      const parts = ownerNameParts(e)
      return [...parts, parts.join('')].map(foldName)
    }),
  )
  return [displayName, ...ownerNameParts(displayName)].map(foldName).some((n) => [...n].length >= 2 && owners.has(n))
}
