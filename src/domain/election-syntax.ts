// The 发起选举 / 發起選舉 / election launch syntax and the 选 / elect marks. Pure: no I/O.
//
//   发起选举 <名称> 名额 <n> 候选人 <甲>/<乙>[/…] [截止 <日期>] [推荐 <k>户 截止 <日期>] [记名]
//   /election <name> seats <n> candidates A/B [deadline <date>] [nominate <k> deadline <date>] [public]
//
// Documented choices:
// - Candidates are separated like poll options (`/`, `、`, `|`; with none of those, spaces), so `@张三 @李四`
//   works; names are compared like options (width, case, spaces folded).
// - `推荐 <k>户 截止 <日期>`: a nomination period — the `截止` right after 推荐 is when nomination ends; a
//   `截止` before 推荐 is when voting ends. Candidates are then optional (owners put them forward).
// - Voting ends by default 7 days after voting opens (at launch, or when nomination ends).
// - Secret by default (记名 / public: the rooms that voted are shown, never what they marked).
import { optionKey, parseDeadline, splitOptions, MAX_DAYS } from './poll-syntax.ts'
import { letterOf } from './election.ts'
import { formatLocal } from './poll-time.ts'

export const MAX_ELECTION_TITLE = 60
const DAY = 86_400_000
const DEFAULT_DAYS = 7

export interface ElectionLimits {
  maxSeats: number
  maxCandidates: number
  maxName: number
}

export interface ElectionSpec {
  title: string
  seats: number
  candidates: string[]
  deadline: Date
  secret: boolean
  nomination: { support: number; until: Date } | null
}

export type ElectionRefusal = { ok: false; key: string; params?: Record<string, string | number> }

type Clause = 'seats' | 'candidates' | 'deadline' | 'nominate' | 'nominationDeadline'

const WORDS: [Exclude<Clause, 'nominationDeadline'>, string[]][] = [
  ['seats', ['名额', '名額', 'seats']],
  ['candidates', ['候选人', '候選人', 'candidates']],
  ['deadline', ['截止日期', '截止时间', '截止時間', '截止', '截至', 'deadline']],
  ['nominate', ['推荐', '推薦', 'nominate', 'nomination']],
]
const PUBLIC = new Set(['记名', '記名', '公开', '公開', 'public'])

const refuse = (key: string, params?: Record<string, string | number>): ElectionRefusal => ({ ok: false, key, params })

function clauseOf(token: string): { clause: Exclude<Clause, 'nominationDeadline'>; rest: string; word: string } | null {
  const lower = token.toLowerCase()
  for (const [clause, words] of WORDS) {
    for (const w of words) {
      if (!lower.startsWith(w)) continue
      const rest = token.slice(w.length)
      if (/^[a-z]/i.test(w) && rest && !/^[:=]/.test(rest)) continue
      return { clause, rest: rest.replace(/^[:=：]+/, ''), word: words[0]! }
    }
  }
  return null
}

/** Parse a 发起选举 line against the clock and the compound's time zone. */
export function parseElection(text: string, now: Date, timeZone: string, limits: ElectionLimits): { ok: true; spec: ElectionSpec } | ElectionRefusal {
  const title: string[] = []
  const values: Partial<Record<Clause, string[]>> = {}
  let secret = true
  let current = 'title' as Clause | 'title'
  for (const token of text.trim().split(/\s+/).filter(Boolean)) {
    if (PUBLIC.has(token.toLowerCase())) {
      secret = false
      if (current !== 'title') current = 'title'
      continue
    }
    const c = clauseOf(token)
    if (c) {
      // the 截止 after 推荐 ends nomination
      const clause: Clause = c.clause === 'deadline' && current === 'nominate' ? 'nominationDeadline' : c.clause
      if (values[clause]) return refuse('election.clauseTwice', { clause: c.word })
      values[clause] = c.rest ? [c.rest] : []
      current = clause
      continue
    }
    if (current === 'title') {
      if (Object.keys(values).length > 0) return refuse('election.unexpectedText', { text: token })
      title.push(token)
    } else values[current]!.push(token)
  }
  const titleText = title.join(' ').trim()
  if (!titleText) return refuse('election.nameMissing')
  if ([...titleText].length > MAX_ELECTION_TITLE) return refuse('election.nameTooLong', { max: MAX_ELECTION_TITLE })

  const seatsText = (values.seats ?? []).join('').normalize('NFKC').replace(/[人名位个個]$/u, '')
  if (!values.seats || !seatsText) return refuse('election.seatsMissing')
  const seats = /^\d{1,3}$/.test(seatsText) ? Number(seatsText) : NaN
  if (!(seats >= 1 && seats <= limits.maxSeats)) return refuse('election.seatsInvalid', { max: limits.maxSeats })

  let nomination: ElectionSpec['nomination'] = null
  if (values.nominate) {
    const k = /^(\d{1,4})\s*(?:户|戶|households?)?$/i.exec(values.nominate.join('').normalize('NFKC'))
    const untilText = (values.nominationDeadline ?? []).join(' ')
    if (!k || Number(k[1]) < 1 || !untilText) return refuse('election.supportInvalid')
    const until = parseDeadline(untilText, now, timeZone)
    if (!until) return refuse('election.deadlineInvalid', { input: untilText })
    if (until.getTime() <= now.getTime()) return refuse('election.nominationPast')
    if (until.getTime() - now.getTime() > MAX_DAYS * DAY) return refuse('election.deadlineTooFar', { days: MAX_DAYS })
    nomination = { support: Number(k[1]), until }
  } else if (values.nominationDeadline) return refuse('election.supportInvalid')

  const candidates = values.candidates ? splitOptions(values.candidates.join(' ')) : []
  if (candidates.length === 0 && !nomination) return refuse('election.candidatesMissing')
  if (candidates.length > limits.maxCandidates) return refuse('election.tooManyCandidates', { max: limits.maxCandidates })
  const seen = new Set<string>()
  for (const c of candidates) {
    const name = c.replace(/^@/, '')
    if ([...name].length > limits.maxName) return refuse('election.candidateTooLong', { name, max: limits.maxName })
    if (!name || seen.has(optionKey(name))) return refuse('election.duplicateCandidate', { name: c })
    seen.add(optionKey(name))
  }

  const opens = nomination ? nomination.until : now
  let deadline = new Date(opens.getTime() + DEFAULT_DAYS * DAY)
  if (values.deadline) {
    const raw = values.deadline.join(' ')
    const d = raw ? parseDeadline(raw, now, timeZone) : null
    if (!d) return refuse('election.deadlineInvalid', { input: raw })
    deadline = d
  }
  if (deadline.getTime() <= now.getTime()) return refuse('election.deadlinePast')
  if (nomination && deadline.getTime() <= nomination.until.getTime()) return refuse('election.deadlineBeforeNomination', { until: formatLocal(nomination.until, timeZone) })
  if (deadline.getTime() - now.getTime() > MAX_DAYS * DAY) return refuse('election.deadlineTooFar', { days: MAX_DAYS })
  return { ok: true, spec: { title: titleText, seats, candidates, deadline, secret, nomination } }
}

/**
 * The candidates a voter marked: letters (A, b, Ａ), names as on the ballot, or a run of letters (`ABC`)
 * when it is not a name. Indices sorted and distinct, or the first token no candidate matches.
 */
export function parseMarks(text: string, options: readonly string[]): { ok: true; indices: number[] } | { ok: false; unknown: string } {
  const keys = options.map(optionKey)
  const whole = keys.indexOf(optionKey(text))
  if (whole >= 0) return { ok: true, indices: [whole] }
  const picked = new Set<number>()
  const letter = (ch: string) => {
    const i = ch.toUpperCase().charCodeAt(0) - 65
    return ch.length === 1 && i >= 0 && i < options.length ? i : -1
  }
  for (const raw of text.normalize('NFKC').split(/[,，、/\s;；]+/).filter(Boolean)) {
    const token = raw.replace(/^@/, '')
    const byName = keys.indexOf(optionKey(token))
    if (byName >= 0) {
      picked.add(byName)
      continue
    }
    if (/^[a-z]+$/i.test(token) && [...token].every((ch) => letter(ch) >= 0)) {
      for (const ch of token) picked.add(letter(ch))
      continue
    }
    return { ok: false, unknown: raw }
  }
  return { ok: true, indices: [...picked].sort((a, b) => a - b) }
}

/** The last ballot letter of an election with `n` candidates (A–E). */
export const lastLetter = (n: number) => letterOf(Math.max(0, n - 1))
