// The 发起投票 / 發起投票 / poll launch syntax and the 投票 / vote syntax. Pure: no I/O.
//
//   发起投票 <标题> 选项 <A>/<B>[/…] [截止 <日期>] [规则 简单|一般|重大] [多选] [不记名] [全体住户] [紧急]
//   發起投票 <標題> 選項 <A>/<B>[/…] [截止 <日期>] [規則 簡單|一般|重大] [多選] [不記名] [全體住戶] [緊急]
//   /poll <title> options A/B [deadline 2026-12-01] [rule simple|ordinary|major] [multiple] [secret] [residents] [urgent]
//
// Every language's words are accepted in every compound. Documented choices:
// - Options are separated by `/` (also full-width `／`), `、` or `|`; with none of those, by spaces.
// - Ordinary and major polls without options get the compound language's 同意/反对/弃权; the FIRST option
//   is always the approving one (tally's approveOption 0).
// - A deadline may be `2026-12-01`, `12-01`, `12月1日`, `2026年12月1日`, any of those followed by `18:00`
//   or `18点`/`18点30`, `明天 18:00`, or `3天`; all read in the compound's time zone. A date without a
//   time means the end of that day (23:59). A date without a year is its next occurrence.
//   No deadline: 7 days (ordinary/major: at least the notice period).
// - Ordinary and major polls need at least `noticeDays` (compound setting pollNoticeDays, default 7,
//   《业主大会和业主委员会指导规则》第三十九条: 会议召开15日前通知, shortened by the compound's own rules)
//   between launch and deadline, unless the head adds 紧急 / 緊急 / urgent (head only).
// - Multiple choice and the all-residents electorate are for simple polls only: 民法典 第二百七十八条
//   counts owners by household and area, one choice each.
import { formatLocal, fromLocal, isValidDate, type LocalDateTime, toLocal } from './poll-time.ts'
import type { PollRule } from './tally.ts'

export const MAX_OPTIONS = 20
export const MAX_TITLE = 60
export const MAX_OPTION = 40
export const DEFAULT_DAYS = 7
export const MAX_DAYS = 366
const DAY = 86_400_000

export interface LaunchContext {
  now: Date
  timeZone: string
  /** notice period for ordinary/major polls, in days */
  noticeDays: number
  isHead: boolean
  /** 同意/反对/弃权 in the compound's language */
  defaultOptions: readonly string[]
}

export interface PollSpec {
  title: string
  options: string[]
  multiple: boolean
  rule: PollRule
  electorate: 'owners' | 'residents'
  secret: boolean
  deadline: Date
  urgent: boolean
}

export type Refusal = { ok: false; key: string; params?: Record<string, string | number> }
export type LaunchResult = { ok: true; spec: PollSpec } | Refusal

type Clause = 'options' | 'deadline' | 'rule'
type Flag = 'multiple' | 'secret' | 'residents' | 'urgent'

// longest first within a clause so 截止日期 wins over 截止
const CLAUSES: [Clause, string[]][] = [
  ['options', ['选项', '選項', 'options', 'choices']],
  ['deadline', ['截止日期', '截止时间', '截止時間', '截止', '截至', 'deadline']],
  ['rule', ['规则', '規則', 'rule']],
]
const FLAGS: Record<string, Flag> = {
  多选: 'multiple', 多選: 'multiple', 可多选: 'multiple', 可多選: 'multiple', multiple: 'multiple', multi: 'multiple',
  不记名: 'secret', 不記名: 'secret', 匿名: 'secret', 无记名: 'secret', 無記名: 'secret', secret: 'secret', anonymous: 'secret',
  全体住户: 'residents', 全體住戶: 'residents', 全体居民: 'residents', residents: 'residents',
  紧急: 'urgent', 緊急: 'urgent', urgent: 'urgent',
}
const RULES: Record<string, PollRule> = {
  简单: 'simple', 簡單: 'simple', simple: 'simple',
  一般: 'ordinary', 普通: 'ordinary', ordinary: 'ordinary', general: 'ordinary',
  重大: 'major', major: 'major',
}

const refuse = (key: string, params?: Record<string, string | number>): Refusal => ({ ok: false, key, params })

function clauseOf(token: string): { clause: Clause; rest: string } | null {
  const lower = token.toLowerCase()
  for (const [clause, words] of CLAUSES) {
    for (const w of words) {
      if (!lower.startsWith(w)) continue
      const rest = token.slice(w.length)
      // `optionsA/B` is not a clause; `options:A/B` and `选项A/B` are
      if (/^[a-z]/i.test(w) && rest && !/^[:=]/.test(rest)) continue
      return { clause, rest: rest.replace(/^[:=：]+/, '') }
    }
  }
  return null
}

/** Split an option list: `/`, `／`, `、`, `|`; with none of those, spaces. */
export function splitOptions(value: string): string[] {
  const v = value.trim()
  const parts = /[/／、|｜]/.test(v) ? v.split(/[/／、|｜]/) : v.split(/\s+/)
  return parts.map((p) => p.trim()).filter(Boolean)
}

/** A comparable form of an option or a typed choice: case, width, spaces and a few traditional forms folded. */
export function optionKey(s: string): string {
  const TRAD: Record<string, string> = { 對: '对', 棄: '弃', 權: '权', 贊: '赞', 讚: '赞', 選: '选', 項: '项', 無: '无', 見: '见', 屬: '属' }
  return [...s.normalize('NFKC').toLowerCase().replace(/\s+/g, '')].map((c) => TRAD[c] ?? c).join('')
}

/** Parse a 发起投票 line into a poll, resolving the deadline against `ctx`. */
export function parseLaunch(text: string, ctx: LaunchContext): LaunchResult {
  let input = text.trim()
  // a quoted title may contain any word: 「是否 不记名 表决」 选项 …
  let quoted: string | null = null
  const q = /^(?:「([^」]*)」|“([^”]*)”|"([^"]*)"|《([^》]*)》)/.exec(input)
  if (q) {
    quoted = (q[1] ?? q[2] ?? q[3] ?? q[4] ?? '').trim()
    input = input.slice(q[0].length)
  }
  const title: string[] = quoted !== null ? [quoted] : []
  const values: Partial<Record<Clause, string[]>> = {}
  const flags = new Set<Flag>()
  let current: Clause | 'title' = 'title'
  for (const token of input.split(/\s+/).filter(Boolean)) {
    const flag = FLAGS[token.toLowerCase()]
    if (flag) {
      flags.add(flag)
      // a flag ends the rule and deadline clauses, but not the title
      if (current !== 'title') current = 'title'
      continue
    }
    const c = clauseOf(token)
    if (c) {
      if (values[c.clause]) return refuse('poll.clauseTwice', { clause: CLAUSES.find(([k]) => k === c.clause)![1][0]! })
      values[c.clause] = c.rest ? [c.rest] : []
      current = c.clause
      continue
    }
    if (current === 'title') {
      // the title comes first: words after a clause that belong to none are a mistake, not more title
      if (Object.keys(values).length > 0) return refuse('poll.unexpectedText', { text: token })
      title.push(token)
    } else {
      values[current]!.push(token)
    }
  }

  const titleText = title.join(' ').trim()
  if (!titleText) return refuse('poll.titleMissing')
  if ([...titleText].length > MAX_TITLE) return refuse('poll.titleTooLong', { max: MAX_TITLE })

  let rule: PollRule = 'simple'
  if (values.rule) {
    const r = RULES[values.rule.join(' ').toLowerCase()]
    if (!r) return refuse('poll.ruleInvalid', { input: values.rule.join(' ') })
    rule = r
  }
  const multiple = flags.has('multiple')
  const residents = flags.has('residents')
  if (multiple && rule !== 'simple') return refuse('poll.multipleSimpleOnly')
  if (residents && rule !== 'simple') return refuse('poll.residentsSimpleOnly')

  let options: string[]
  if (values.options && values.options.length > 0) {
    options = splitOptions(values.options.join(' '))
  } else if (values.options) {
    return refuse('poll.optionsMissing')
  } else if (rule !== 'simple') {
    options = [...ctx.defaultOptions]
  } else {
    return refuse('poll.optionsMissing')
  }
  if (options.length < 2) return refuse('poll.tooFewOptions')
  if (options.length > MAX_OPTIONS) return refuse('poll.tooManyOptions', { max: MAX_OPTIONS })
  const seen = new Set<string>()
  for (const o of options) {
    if ([...o].length > MAX_OPTION) return refuse('poll.optionTooLong', { option: o, max: MAX_OPTION })
    const k = optionKey(o)
    if (seen.has(k)) return refuse('poll.duplicateOption', { option: o })
    seen.add(k)
  }

  const urgent = flags.has('urgent')
  if (urgent && !ctx.isHead) return refuse('poll.urgentHeadOnly')
  const legal = rule !== 'simple'
  const minDays = legal && !urgent ? Math.max(0, ctx.noticeDays) : 0

  let deadline: Date
  if (values.deadline) {
    const raw = values.deadline.join(' ')
    if (!raw) return refuse('poll.deadlineMissing')
    const d = parseDeadline(raw, ctx.now, ctx.timeZone)
    if (!d) return refuse('poll.deadlineInvalid', { input: raw })
    deadline = d
  } else {
    deadline = new Date(ctx.now.getTime() + Math.max(DEFAULT_DAYS, minDays) * DAY)
  }
  if (deadline.getTime() <= ctx.now.getTime()) return refuse('poll.deadlinePast')
  if (deadline.getTime() - ctx.now.getTime() > MAX_DAYS * DAY) return refuse('poll.deadlineTooFar', { days: MAX_DAYS })
  if (deadline.getTime() - ctx.now.getTime() < minDays * DAY) {
    return refuse('poll.noticeTooShort', { days: minDays, earliest: formatLocal(new Date(ctx.now.getTime() + minDays * DAY), ctx.timeZone) })
  }

  return {
    ok: true,
    spec: { title: titleText, options, multiple, rule, electorate: residents ? 'residents' : 'owners', secret: flags.has('secret'), deadline, urgent },
  }
}

const DATE = /^(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号號]?/
const TIME = /^(?:t|\s)*(\d{1,2})\s*(?:[:：]\s*(\d{2})|[点點时時]\s*(?:(半)|(\d{1,2})\s*分?)?)\s*$/i
const RELATIVE_DAY: Record<string, number> = { 今天: 0, 今日: 0, 明天: 1, 明日: 1, 后天: 2, 後天: 2, today: 0, tomorrow: 1 }

/**
 * A deadline as typed, in `timeZone`: absolute dates (year optional: the next occurrence), an optional
 * time (default 23:59), 今天/明天/后天 + time, or `N天` / `N days` from now. Null when not understood;
 * a past instant is returned as is (the caller refuses it).
 */
export function parseDeadline(raw: string, now: Date, timeZone: string): Date | null {
  const s = raw.normalize('NFKC').trim()
  const rel = /^(\d{1,3})\s*(?:天|日|days?|d)\s*(?:后|後|以后|以後|later)?$/i.exec(s)
  if (rel) return new Date(now.getTime() + Number(rel[1]) * DAY)
  const relH = /^(\d{1,4})\s*(?:个?小时|個?小時|hours?|h)\s*(?:后|後|later)?$/i.exec(s)
  if (relH) return new Date(now.getTime() + Number(relH[1]) * 3_600_000)

  const today = toLocal(now, timeZone)
  let date: { year: number; month: number; day: number }
  let rest: string
  const word = Object.keys(RELATIVE_DAY).find((w) => s.toLowerCase().startsWith(w))
  if (word) {
    const base = new Date(Date.UTC(today.year, today.month - 1, today.day + RELATIVE_DAY[word]!))
    date = { year: base.getUTCFullYear(), month: base.getUTCMonth() + 1, day: base.getUTCDate() }
    rest = s.slice(word.length)
  } else {
    const m = DATE.exec(s)
    if (!m) return null
    const month = Number(m[2])
    const day = Number(m[3])
    let year = m[1] ? Number(m[1]) : today.year
    if (!m[1]) {
      // no year: the next occurrence of that date (today included)
      const before = month < today.month || (month === today.month && day < today.day)
      if (before) year++
    }
    date = { year, month, day }
    rest = s.slice(m[0].length)
  }
  if (!isValidDate(date.year, date.month, date.day)) return null
  let hour = 23
  let minute = 59
  if (rest.trim()) {
    const t = TIME.exec(rest)
    if (!t) return null
    hour = Number(t[1])
    minute = t[2] ? Number(t[2]) : t[3] ? 30 : t[4] ? Number(t[4]) : 0
    if (hour > 23 || minute > 59) return null
  }
  const local: LocalDateTime = { ...date, hour, minute }
  return fromLocal(local, timeZone)
}

// ---- 投票 / vote ---------------------------------------------------------------------------

export interface VoteInput {
  /** the poll number; absent when the voter wrote only a choice (allowed when one poll is open) */
  pollNo?: number
  /** what the voter chose, as typed (numbers or option texts); empty when missing */
  choice: string
}

/** `#3 1`, `3 1`, `#3 同意`, `#3 1,2`, `同意`. */
export function parseVote(text: string): VoteInput | Refusal {
  const s = text.normalize('NFKC').trim()
  const hash = /^#\s*(\d{1,6})(?:\s*[:：]\s*|\s+|$)(.*)$/s.exec(s)
  if (hash) return { pollNo: Number(hash[1]), choice: hash[2]!.trim() }
  const two = /^(\d{1,6})(?:\s*[:：]\s*|\s+)(.+)$/s.exec(s)
  if (two) return { pollNo: Number(two[1]), choice: two[2]!.trim() }
  if (/^\d+$/.test(s)) return refuse('vote.pollAndChoice')
  if (!s) return refuse('vote.pollAndChoice')
  return { choice: s }
}

/**
 * The chosen option indices (0-based, sorted, distinct) for what the voter typed: the whole text as an
 * option, else parts split on `,` `、` `/` or spaces, each a 1-based number or an option's text.
 */
export function resolveChoice(choice: string, options: readonly string[], multiple: boolean): { ok: true; indices: number[] } | Refusal {
  const c = choice.trim()
  if (!c) return refuse('vote.choiceMissing')
  const keys = options.map(optionKey)
  const whole = keys.indexOf(optionKey(c))
  if (whole >= 0 && !/^\d+$/.test(c)) return { ok: true, indices: [whole] }
  const parts = c.split(/[,，、/\s;；]+/).filter(Boolean)
  const picked = new Set<number>()
  for (const p of parts) {
    if (/^\d{1,3}$/.test(p)) {
      const n = Number(p)
      if (n < 1 || n > options.length) return refuse('vote.optionOutOfRange', { choice: p, count: options.length })
      picked.add(n - 1)
      continue
    }
    const k = keys.indexOf(optionKey(p))
    if (k < 0) return refuse('vote.unknownOption', { choice: p })
    picked.add(k)
  }
  if (picked.size === 0) return refuse('vote.choiceMissing')
  if (picked.size > 1 && !multiple) return refuse('vote.singleChoice')
  return { ok: true, indices: [...picked].sort((a, b) => a - b) }
}

/** A command's lone poll number argument (`#3`, `3`): undefined when absent, null when it is not a number. */
export function parsePollNumberArg(raw: string): { no: number | null | undefined } {
  const text = raw.trim()
  const m = /^#?\s*(\d{1,6})$/.exec(text)
  return { no: text === '' ? undefined : m ? Number(m[1]) : null }
}
