// Text as the intent rules see it: mentions and emoji removed, full-width folded (NFKC), and a folded copy
// in simplified characters and lower case, so one lexicon covers zh-CN, zh-TW and English.
// Traditional → simplified is OpenCC's (opencc-js, phrase-aware), not a hand-kept table.
import { Converter } from 'opencc-js/t2cn'

// Chinese prose punctuation stays as typed in `clean` (it ends up in stored descriptions, as in the
// command parser); the folded copy folds it too.
const KEEP_AS_TYPED = /([，！？；（）])/
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g
// pictographs with their modifiers (skin tones, variation selectors, joiners, keycaps, flags)
const EMOJI = /[\p{Extended_Pictographic}\u{1F1E6}-\u{1F1FF}\u{1F3FB}-\u{1F3FF}\uFE0E\uFE0F\u20E3\u200D]/gu
// WeChat's own emoji travel as bracketed names: [捂脸] [强] [Facepalm]
const WECHAT_EMOJI = /\[[\p{Script=Han}A-Za-z]{1,8}\]/gu
const SPACES = /[ \t\u00A0\u2000-\u200A\u3000]+/g

let toSimplified: ((s: string) => string) | null = null

/** Traditional → simplified (OpenCC, Taiwan variants); the converter is built on first use (about 13 ms). */
export function simplify(s: string): string {
  toSimplified ??= Converter({ from: 'tw', to: 'cn' })
  return toSimplified(s)
}

export interface Text {
  /** as typed, without mentions and emoji, NFKC-folded except Chinese prose punctuation, spaces collapsed */
  clean: string
  /** `clean` fully NFKC-folded, in simplified characters, lower case: what the rules match */
  folded: string
  /** same length as `folded` maps index for index onto `clean` (OpenCC kept every length; nearly always) */
  aligned: boolean
  /** the fold changed characters: the writer used traditional ones */
  traditional: boolean
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

const nameCache = new Map<string, RegExp>()

/**
 * Mentions out: the bot's names wherever they are (`@邻里`, `@Linli`), and any other `@name` (a WeChat
 * mention ends with U+2005, a Telegram one at the first space). Names are matched longest first, so
 * `@邻里小助手` is not left as `小助手`; a name is not a prefix of a longer handle (`@linli` in `@linli_bot`).
 */
export function stripMentions(text: string, botNames: readonly string[]): string {
  const key = botNames.join('\u0000')
  let re = nameCache.get(key)
  if (!re) {
    const names = [...botNames].filter(Boolean).sort((a, b) => b.length - a.length).map(escapeRe)
    re = new RegExp(`${names.length ? `@(?:${names.join('|')})(?![\\w])|` : ''}@[^\\s\\u2005@,，:：]{1,30}[\\u2005]?`, 'giu')
    if (nameCache.size > 32) nameCache.clear()
    nameCache.set(key, re)
  }
  return text.replace(re, ' ')
}

function nfkcExceptProse(s: string): string {
  return s
    .split(KEEP_AS_TYPED)
    .map((part, i) => (i % 2 === 1 ? part : part.normalize('NFKC')))
    .join('')
}

/** The two forms the rules work on. */
export function prepare(raw: string, botNames: readonly string[] = []): Text {
  // lone surrogates make normalize() keep garbage
  const safe = raw.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
  const clean = nfkcExceptProse(stripMentions(safe, botNames).replace(EMOJI, ' ').replace(WECHAT_EMOJI, ' '))
    .replace(INVISIBLE, '')
    .replace(SPACES, ' ')
    .trim()
  const nfkc = clean.normalize('NFKC')
  const simplified = /[\u3400-\u9fff]/.test(nfkc) ? simplify(nfkc) : nfkc
  const folded = simplified.toLowerCase()
  return { clean, folded, aligned: folded.length === clean.length, traditional: simplified !== nfkc }
}

/** The part of `clean` that `folded.slice(from, to)` came from (the folded text itself when not aligned). */
export function cleanSlice(t: Text, from: number, to?: number): string {
  return t.aligned ? t.clean.slice(from, to) : t.folded.slice(from, to)
}
