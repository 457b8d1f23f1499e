// Poll numbers and choices in loose form: `#2`, `2号投票`, `第2个投票`, `poll 2`; a choice by number word,
// letter or ordinal (一/1/A/第一个/the first one), by synonym (赞成/同意/支持, 反对/不同意, 弃权) or by an
// option's own text when the poll's options are known. Works on the folded text.
import { optionKey } from '../domain/poll-syntax.ts'
import { simplify } from './text.ts'

export interface PollInfo {
  no: number
  options: readonly string[]
}

export type Stance = 'approve' | 'oppose' | 'abstain'

export interface Choice {
  /** 1-based option number, when it could be told */
  option?: number
  /** the synonym group, when the choice was a word like 赞成 */
  stance?: Stance
}

const CN_NUM: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 }
const CN = '[一二两三四五六七八九十]'
const num = (s: string): number => (/^\d+$/.test(s) ? Number(s) : (CN_NUM[s] ?? NaN))

// a poll number: #2, 2号投票, 投票2, 第2个投票, 2号表决, poll 2, vote #2, on #2, on 2
const POLL_PATTERNS: readonly RegExp[] = [
  new RegExp(`第\\s*(\\d{1,4}|${CN})\\s*[个號号]?\\s*(?:投票|表决|票)`),
  new RegExp(`(\\d{1,4}|${CN})\\s*号\\s*(?:投票|表决)`),
  new RegExp(`(?:投票|表决)\\s*#?\\s*(\\d{1,4}|${CN})(?![\\d.])\\s*号?`),
  new RegExp(`(?:投|给)\\s*(\\d{1,4}|${CN})\\s*号`),
  /#\s*(\d{1,4})(?!\d)/,
  /\b(?:poll|vote|ballot)\s*(?:no\.?|number)?\s*#?\s*(\d{1,4})\b/,
  /\bon\s*#?\s*(\d{1,4})\b/,
  new RegExp(`(?<![\\d#])(\\d{1,4}|${CN})\\s*号(?![楼单栋])`),
]

export function pollNumberOf(folded: string): { no: number; from: number; to: number } | null {
  for (const re of POLL_PATTERNS) {
    const m = re.exec(folded)
    if (!m) continue
    const no = num(m[1]!)
    if (Number.isInteger(no) && no > 0) return { no, from: m.index, to: m.index + m[0].length }
  }
  return null
}

// stance words; the negated forms come first so 不同意 is not read as 同意
const STANCES: readonly (readonly [Stance, RegExp])[] = [
  ['oppose', /不同意|不赞成|不赞同|不支持|反对|\bagainst\b|\boppose\b|disagree|\bnay\b|\bno\b|\breject\b/],
  ['abstain', /弃权|不表态|\babstain(?:s|ed)?\b|abstention/],
  ['approve', /同意|赞成|赞同|支持|拥护|\byes\b|\bagree\b|\bapprove\b|\bsupport\b|\baye\b|in favou?r/],
]

// the canonical word of a stance in each language: an ordinary or major poll's default options
// (i18n poll.defaultOptions) and what `投票` matches when the options are unknown
const STANCE_WORD: Record<'zh-CN' | 'zh-TW' | 'en', Record<Stance, string>> = {
  'zh-CN': { approve: '同意', oppose: '反对', abstain: '弃权' },
  'zh-TW': { approve: '同意', oppose: '反對', abstain: '棄權' },
  en: { approve: 'Agree', oppose: 'Against', abstain: 'Abstain' },
}

export function stanceWord(stance: Stance, lang: 'zh-CN' | 'zh-TW' | 'en'): string {
  return STANCE_WORD[lang][stance]
}

export function stanceOf(folded: string): Stance | undefined {
  for (const [stance, re] of STANCES) if (re.test(folded)) return stance
  return undefined
}

const ORDINAL_EN: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6 }
const ORDINALS: readonly RegExp[] = [
  new RegExp(`第\\s*(\\d{1,2}|${CN})\\s*(?:个|項|项|种|號|号)?(?!\\s*[个号]?\\s*(?:投票|表决|票))`),
  new RegExp(`(?:选项?|投|vote(?:\\s+for)?|option|choice|pick)\\s*#?\\s*(\\d{1,2}|${CN}|[a-h])(?![a-z\\d])`),
  /\bthe\s+(first|second|third|fourth|fifth|sixth)\b/,
  /\b(first|second|third)\s+(?:one|option|choice)\b/,
]

/**
 * The chosen option, from the text with the poll number taken out. `options` are the poll's own (when
 * known): a stance word is matched against them (同意 also picks 赞成), and so is any option's text.
 */
export function choiceOf(rest: string, options?: readonly string[]): Choice | null {
  const out: Choice = {}
  const stance = stanceOf(rest)
  if (stance) out.stance = stance
  if (options && options.length > 0) {
    const keys = options.map((o) => simplify(optionKey(o)))
    // an option's own text, longest first (灰色 in 我选灰色)
    const byLength = keys.map((k, i) => [k, i] as const).sort((a, b) => b[0].length - a[0].length)
    // a stance picks the option of that stance first: 不同意 must not be read as the option 同意
    if (stance) {
      const i = keys.findIndex((k) => stanceOf(k) === stance)
      if (i >= 0) return { ...out, option: i + 1 }
    }
    const compact = optionKey(rest)
    for (const [k, i] of byLength) if (k && compact.includes(k)) return { ...out, option: i + 1 }
    // a colour by its stem (灰的 / 选灰 for 灰色), when no other option shares the stem
    const stems = keys.map((k) => (/^.+色$/.test(k) ? k.slice(0, -1) : ''))
    const hit = stems.findIndex((s) => s && (compact.includes(`${s}的`) || compact.endsWith(s)))
    if (hit >= 0 && stems.filter((s) => s === stems[hit]).length === 1) return { ...out, option: hit + 1 }
  }
  const ordinal = ordinalOf(rest)
  if (ordinal !== undefined) return { ...out, option: ordinal }
  return out.stance ? out : null
}

/**
 * No poll number and several open polls: the one poll whose own options the choice names (我选白色 → the
 * poll with 白色; 我同意 → the one poll with an option of that stance). A number, letter or ordinal names
 * an option of every poll alike, and a choice two polls share names neither: both give null.
 */
export function pollOfChoice(rest: string, polls: readonly PollInfo[]): { poll: number; option: number } | null {
  if (ordinalOf(rest) !== undefined) return null
  const hits = polls.flatMap((p) => {
    const c = choiceOf(rest, p.options)
    return c?.option !== undefined ? [{ poll: p.no, option: c.option }] : []
  })
  return hits.length === 1 ? hits[0]! : null
}

// what may surround an option named alone (白色吧，白色好看 / put me down for grey / 我就选灰色)
const CHOICE_FILLER =
  /put me down for|count me (?:in )?for|\bgo(?:ing)? (?:with|for)\b|\bi'?(?:ll|d)\b|\b(?:i|me|my|for|the|one|please|pls|vote|pick|choose|prefer|take|have|like|want|choice|colou?r|option)\b|我|俺|就|还是|选|投|要|吧|啊|呀|呢|了|的|好看|好|一票|这个|那个|觉得|喜欢|颜色|[\s,.!?，。！？~～:：、'"“”]/g

/** Whether the text is an option of `options` and nothing else but choice words (`灰色` / `grey please`). */
export function onlyNamesOption(rest: string, options: readonly string[]): boolean {
  let left = rest
  let named = false
  for (const k of options.map((o) => simplify(optionKey(o))).filter(Boolean).sort((a, b) => b.length - a.length)) {
    if (left.includes(k)) {
      named = true
      left = left.split(k).join(' ')
    }
  }
  return named && left.replace(CHOICE_FILLER, '') === ''
}

function ordinalOf(rest: string): number | undefined {
  for (const re of ORDINALS) {
    const m = re.exec(rest)
    if (!m) continue
    const s = m[1]!
    if (/^[a-h]$/.test(s)) return s.charCodeAt(0) - 96
    const n = ORDINAL_EN[s] ?? num(s)
    if (Number.isInteger(n) && n > 0) return n
  }
  // the whole remainder is one number word, digit or letter: `投票 #2 一`, `#3 b`
  const bare = rest.replace(/[\s,.!?，。！？~～:：、]+/g, ' ').trim()
  const m = new RegExp(`^(?:投票\\s*|vote\\s*)?(\\d{1,2}|${CN}|[a-h])(?:\\s*(?:号|项|個|个))?$`).exec(bare)
  if (m) {
    const s = m[1]!
    return /^[a-h]$/.test(s) ? s.charCodeAt(0) - 96 : num(s)
  }
  return undefined
}
