// Opinion rounds (征求意见, issue 17): the 签字 syntax and the themes of the answers. Pure: no I/O.
//
//   签字 #3 同意 但希望晚上不施工   → agree, with a note
//   签字 #3 不同意                  → disagree
//   签字 #3 希望晚上不施工          → opinion only (no stance), the note
//   签字 同意                       → the one open round
// A round's options are the stance keys OPINION_OPTIONS; a signature is a ballot with options [0], [1] or [].
import { DEFAULT_DAYS, MAX_DAYS, parseDeadline } from './poll-syntax.ts'
import { normalizeText } from './text.ts'

/** The options of every opinion round, as keys (rendered 同意/不同意 in the compound's language). */
export const OPINION_OPTIONS = ['agree', 'disagree'] as const
export type Stance = 'agree' | 'disagree' | null
export const MAX_NOTE = 500

export const MAX_TOPIC = 100
const DAY = 86_400_000

/** `征求意见 <主题> [截止 <日期>]`: the topic and the deadline (default DEFAULT_DAYS days), read in `timeZone`. */
export function parseConsult(
  raw: string,
  ctx: { now: Date; timeZone: string },
): { ok: true; title: string; deadline: Date } | SignRefusal {
  const text = raw.trim()
  const m = /^(.*?)(?:^|\s+)(?:截止日期|截止时间|截止時間|截止|截至|deadline)\s*[:：]?\s*(.*)$/i.exec(text)
  const title = (m ? m[1]! : text).trim()
  if (!title) return { ok: false, key: 'consult.titleMissing' }
  if ([...title].length > MAX_TOPIC) return { ok: false, key: 'consult.titleTooLong', params: { max: MAX_TOPIC } }
  let deadline = new Date(ctx.now.getTime() + DEFAULT_DAYS * DAY)
  if (m) {
    const when = m[2]!.trim()
    if (!when) return { ok: false, key: 'poll.deadlineMissing' }
    const d = parseDeadline(when, ctx.now, ctx.timeZone)
    if (!d) return { ok: false, key: 'poll.deadlineInvalid', params: { input: when } }
    deadline = d
  }
  if (deadline.getTime() <= ctx.now.getTime()) return { ok: false, key: 'poll.deadlinePast' }
  if (deadline.getTime() - ctx.now.getTime() > MAX_DAYS * DAY) return { ok: false, key: 'poll.deadlineTooFar', params: { days: MAX_DAYS } }
  return { ok: true, title, deadline }
}

export type SignInput = { no?: number; stance: Stance; note: string | null }
export type SignRefusal = { ok: false; key: string; params?: Record<string, string | number> }

// longest first: 不同意 before 同意; Latin words only as whole words (`no` is not `noise`)
const STANCE_WORDS: readonly [string, Exclude<Stance, null>][] = [
  ['不同意', 'disagree'],
  ['不赞成', 'disagree'],
  ['不贊成', 'disagree'],
  ['disagree', 'disagree'],
  ['反对', 'disagree'],
  ['反對', 'disagree'],
  ['同意', 'agree'],
  ['赞成', 'agree'],
  ['贊成', 'agree'],
  ['agree', 'agree'],
  ['支持', 'agree'],
]

/** What people put between the stance and their words: `同意，但…`, `同意: …`. */
const LEADING = /^[\s:,，、;；。.!！~～-]+/

/** Parse the text after 签字: an optional `#n`, an optional stance word, and the note. */
export function parseSign(raw: string): SignInput | SignRefusal {
  let text = raw.trim()
  let no: number | undefined
  const m = /^#?\s*(\d{1,6})(?=\s|$|[^\d])/.exec(text)
  if (m && (text.startsWith('#') || /^\d{1,6}(\s|$)/.test(text))) {
    no = Number(m[1])
    text = text.slice(m[0].length).trim()
  }
  if (text === '') return { ok: false, key: no === undefined ? 'sign.missing' : 'sign.choiceMissing', params: { no: no ?? 1 } }
  const folded = normalizeText(text).toLowerCase()
  let stance: Stance = null
  for (const [word, s] of STANCE_WORDS) {
    if (!folded.startsWith(word)) continue
    const after = folded.slice(word.length)
    if (/^[a-z]/.test(word) && /^[a-z0-9]/.test(after)) continue
    stance = s
    text = normalizeText(text).slice(word.length)
    break
  }
  const note = text.replace(LEADING, '').trim()
  if (note.length > MAX_NOTE) return { ok: false, key: 'sign.tooLong', params: { max: MAX_NOTE } }
  return { ...(no !== undefined ? { no } : {}), stance, note: note === '' ? null : note }
}

/** A signature's ballot options: [0] agree, [1] disagree, [] opinion only. */
export function stanceOptions(stance: Stance): number[] {
  return stance === 'agree' ? [0] : stance === 'disagree' ? [1] : []
}

export function stanceOf(options: readonly number[]): Stance {
  return options[0] === 0 ? 'agree' : options[0] === 1 ? 'disagree' : null
}

// ---- themes --------------------------------------------------------------------------------------------
//
// What the answers are about, without an LLM and without names: the words (Chinese runs of 2–6 characters, Latin
// words of 3+ letters) that at least `minCount` households' notes share, counted once per note. Filler words (希望,
// 建议…) and function characters (的, 了, 我…) split the text; a candidate that starts or ends with one (不, 在…) is
// not a theme; one that mostly appears inside a longer candidate gives way to it (施工 inside 施工时间); among the rest the
// most frequent win, longer before shorter, the compound's own vocabulary (its repair categories, the round's
// title) before other words, and a theme never overlaps one already taken. Words of the roster's owner names and
// anything with a digit (rooms, phones) are never themes. Deterministic: ties go by code point.

export interface Theme {
  term: string
  count: number
}

export interface ThemeOptions {
  /** the compound's own words, preferred when as frequent (repair categories, words of the title) */
  vocabulary?: readonly string[]
  /** never a theme, nor any candidate sharing two characters in a row with one (owner names) */
  exclude?: readonly string[]
  /** at most this many themes (5) */
  max?: number
  /** a theme is shared by at least this many notes (2): one household's words are not a theme */
  minCount?: number
}

const EDGE_STOP = new Set([...'的了是在我你他她它们这那也就都和与但而及或吗呢吧啊呀很太还又再把被让给对向从到不没请要会能得地着过个些一有为说如者等'])
const ANY_STOP = new Set([...'的了是吗呢吧啊呀我你他她们'])
const STOP_WORDS = [
  '希望', '建议', '建議', '可以', '我们', '我們', '大家', '觉得', '覺得', '认为', '認為', '同意', '反对', '反對', '意见', '意見',
  '但是', '因为', '因為', '所以', '如果', '应该', '應該', '已经', '已經', '非常', '比较', '比較', '还是', '還是', '一下', '这个',
  '這個', '那个', '那個', '什么', '什麼', '怎么', '怎麼', '没有', '沒有', '问题', '問題', '事情', '关于', '關於', '感谢', '感謝',
  '谢谢', '謝謝', '支持', '赞成', '贊成',
]
const LATIN_STOP = new Set([
  'the', 'and', 'for', 'but', 'not', 'are', 'was', 'were', 'this', 'that', 'with', 'from', 'have', 'has', 'had', 'should', 'would',
  'could', 'please', 'agree', 'disagree', 'think', 'hope', 'suggest', 'about', 'they', 'them', 'our', 'you', 'your', 'will', 'can',
  'more', 'less', 'very', 'just', 'also', 'than', 'then', 'there', 'their', 'what', 'when', 'which', 'who', 'why', 'how', 'all',
  'any', 'its', 'into', 'only', 'some', 'such', 'too', 'yes',
])
const HAN = /\p{Script=Han}/u
/** the longest Chinese theme, in characters */
const MAX_TERM = 6

function fold(s: string): string {
  return normalizeText(s).toLowerCase()
}

/** The candidate terms of one note (a set: a note counts once per term). */
function candidates(note: string, vocabulary: readonly string[], exclude: readonly string[]): Set<string> {
  const text = fold(note)
  const out = new Set<string>()
  // names, filler words and function characters split the text: no candidate straddles them (望可 of 希望可以)
  let split = text
  for (const w of [...exclude, ...STOP_WORDS]) split = split.replaceAll(w, ' ')
  split = [...split].map((c) => (ANY_STOP.has(c) ? ' ' : c)).join('')
  for (const run of split.match(/\p{Script=Han}+/gu) ?? []) {
    const chars = [...run]
    for (let n = 2; n <= MAX_TERM; n++) for (let i = 0; i + n <= chars.length; i++) out.add(chars.slice(i, i + n).join(''))
  }
  for (const word of text.match(/[a-z]+/g) ?? []) if (word.length >= 3 && !LATIN_STOP.has(word)) out.add(word)
  for (const v of vocabulary) if (v.length >= 2 && text.includes(v)) out.add(v)
  return out
}

function meaningful(term: string, vocab: ReadonlySet<string>, exclude: readonly string[]): boolean {
  if (/\d/.test(term)) return false
  if (exclude.some((name) => sharesPair(term, name))) return false
  if (vocab.has(term)) return true
  if (!HAN.test(term)) return true
  const chars = [...term]
  if (EDGE_STOP.has(chars[0]!) || EDGE_STOP.has(chars[chars.length - 1]!)) return false
  if (chars.some((c) => ANY_STOP.has(c))) return false
  return !STOP_WORDS.some((w) => term.includes(w))
}

/** Whether `a` and `b` share two characters in a row (a theme must not carry part of an owner's name). */
function sharesPair(a: string, b: string): boolean {
  const chars = [...b]
  if (chars.length < 2) return a.includes(b)
  for (let i = 0; i + 2 <= chars.length; i++) if (a.includes(chars[i]! + chars[i + 1]!)) return true
  return false
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** The themes of the notes, most shared first (see above). */
export function extractThemes(notes: readonly string[], opts: ThemeOptions = {}): Theme[] {
  const max = opts.max ?? 5
  const minCount = opts.minCount ?? 2
  const vocabulary = [...new Set((opts.vocabulary ?? []).map(fold).filter((v) => v.length >= 2 && !/\d/.test(v)))]
  const vocab = new Set(vocabulary)
  const exclude = (opts.exclude ?? []).map(fold).filter((e) => [...e].length >= 2)
  const counts = new Map<string, number>()
  for (const note of notes) {
    for (const term of candidates(note, vocabulary, exclude)) counts.set(term, (counts.get(term) ?? 0) + 1)
  }
  const kept = [...counts].filter(([term, n]) => n >= minCount && meaningful(term, vocab, exclude))
  // a term that mostly appears inside a longer kept one (in at least two thirds of its notes) gives way to it:
  // 施工时间 (5) rather than 施工 (6)
  const closed = kept.filter(([term, n]) => !kept.some(([other, m]) => 3 * m >= 2 * n && other.length > term.length && other.includes(term)))
  closed.sort(
    ([a, n], [b, m]) => m - n || [...b].length - [...a].length || Number(vocab.has(b)) - Number(vocab.has(a)) || byCodePoint(a, b),
  )
  const themes: Theme[] = []
  for (const [term, count] of closed) {
    if (themes.length >= max) break
    // no two themes say the same thing: none holds another or shares two characters in a row with it
    if (themes.some((t) => t.term.includes(term) || term.includes(t.term) || sharesPair(term, t.term))) continue
    themes.push({ term, count })
  }
  return themes
}

// ---- counts --------------------------------------------------------------------------------------------

export interface Share {
  households: number
  areaCentiM2: bigint
}

export interface OpinionCounts {
  agree: Share
  disagree: Share
  /** signed with an opinion and no stance */
  opinionOnly: Share
  notSigned: Share
  total: Share
  /** signatures that carry a note (any stance) */
  notes: number
}

/**
 * The counts of a round over its frozen electorate: each household once, by its current signature. A signature of
 * a household outside the electorate (none can be cast) is not counted.
 */
export function countOpinions(
  electorate: readonly { voterKey: string; areaCentiM2: bigint }[],
  signatures: readonly { voterKey: string; options: readonly number[]; note: string | null }[],
): OpinionCounts {
  const zero = (): Share => ({ households: 0, areaCentiM2: 0n })
  const c: OpinionCounts = { agree: zero(), disagree: zero(), opinionOnly: zero(), notSigned: zero(), total: zero(), notes: 0 }
  const byKey = new Map(signatures.map((s) => [s.voterKey, s]))
  const add = (s: Share, area: bigint) => {
    s.households++
    s.areaCentiM2 += area
  }
  for (const v of electorate) {
    add(c.total, v.areaCentiM2)
    const sig = byKey.get(v.voterKey)
    if (!sig) {
      add(c.notSigned, v.areaCentiM2)
      continue
    }
    const stance = stanceOf(sig.options)
    add(stance === 'agree' ? c.agree : stance === 'disagree' ? c.disagree : c.opinionOnly, v.areaCentiM2)
    if (sig.note) c.notes++
  }
  return c
}

/** Counts as stored in polls.result (areas as strings: JSON has no bigint). */
export function countsToJson(c: OpinionCounts): Record<string, { households: number; area: string } | number> {
  const s = (x: Share) => ({ households: x.households, area: x.areaCentiM2.toString() })
  return { agree: s(c.agree), disagree: s(c.disagree), opinionOnly: s(c.opinionOnly), notSigned: s(c.notSigned), total: s(c.total), notes: c.notes }
}

export function countsFromJson(j: unknown): OpinionCounts | null {
  if (!j || typeof j !== 'object') return null
  const o = j as Record<string, { households?: unknown; area?: unknown } | unknown>
  const s = (x: unknown): Share | null => {
    if (!x || typeof x !== 'object') return null
    const { households, area } = x as { households?: unknown; area?: unknown }
    if (typeof households !== 'number' || typeof area !== 'string' || !/^-?\d+$/.test(area)) return null
    return { households, areaCentiM2: BigInt(area) }
  }
  const [agree, disagree, opinionOnly, notSigned, total] = [o.agree, o.disagree, o.opinionOnly, o.notSigned, o.total].map(s)
  if (!agree || !disagree || !opinionOnly || !notSigned || !total) return null
  return { agree, disagree, opinionOnly, notSigned, total, notes: typeof o.notes === 'number' ? o.notes : 0 }
}
