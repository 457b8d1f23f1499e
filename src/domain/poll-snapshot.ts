// A poll as the commands and texts see it, and the result snapshot stored when it closes (polls.result, jsonb).
// The texts made of them are src/render/polls.ts.
import { showPerson } from './group-privacy.ts'
import type { Fraction, PollRule, TallyResult } from './tally.ts'

export interface PollView {
  no: number
  title: string
  options: string[]
  multiple: boolean
  rule: PollRule
  electorate: 'owners' | 'residents'
  secret: boolean
  deadline: Date
  status: 'nominating' | 'open' | 'closed'
  closedAt: Date | null
}

/** What is stored in polls.result when a poll closes (bigints as strings). */
export interface PollSnapshot {
  tally: TallyResult
  /** who took part (room codes or masked names); null for secret polls */
  voted: string[] | null
  /** every cast, replaced ones included */
  casts: number
  /**
   * The electorate counted: 'frozen' at launch (poll_electorate), 'live' (the roster when counted; polls launched
   * before electorates were frozen). Absent in snapshots stored before it existed.
   */
  roster?: 'frozen' | 'live'
  /** counted ballots a building captain recorded from paper (absent: none, or stored before captains existed) */
  recorded?: number
  /** their rooms (owner polls, not secret): a private list marks them; a group sees only the count */
  recordedRooms?: string[]
}

/** The approving option of ordinary and major polls (the first; 同意 by default). */
export const APPROVE_OPTION = 0

/** 张三 → 张*, Alice → A*: the one form a group sees a person in (group-privacy.ts showPerson). */
export function maskName(name: string): string {
  return showPerson(name)
}

const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b
/** Smallest integer x with x/whole ≥ f (inclusive thresholds). */
export const needAtLeast = (whole: bigint, f: Fraction) => ceilDiv(whole * f.num, f.den)
/** Smallest integer x with x/whole > f (strict thresholds). */
export const needMore = (whole: bigint, f: Fraction) => (whole * f.num) / f.den + 1n

// ---- snapshot (jsonb) ----------------------------------------------------------------------

/** JSON-safe form: every bigint as a decimal string. */
export function snapshotToJson(s: PollSnapshot): unknown {
  return JSON.parse(JSON.stringify(s, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)))
}

const big = (v: unknown): bigint => {
  if (typeof v === 'bigint') return v
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v)
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v)
  throw new TypeError(`not an integer: ${String(v)}`)
}
const frac = (f: { num: unknown; den: unknown }): Fraction => ({ num: big(f.num), den: big(f.den) })

/** Read a stored snapshot back; null when there is none or it is not one. */
export function snapshotFromJson(json: unknown): PollSnapshot | null {
  if (!json || typeof json !== 'object') return null
  const o = json as { tally?: Record<string, unknown>; voted?: unknown; casts?: unknown; roster?: unknown; recorded?: unknown; recordedRooms?: unknown }
  const r = o.tally as (TallyResult & Record<string, unknown>) | undefined
  if (!r || !Array.isArray(r.options)) return null
  try {
    const tally: TallyResult = {
      ...r,
      options: r.options.map((x) => ({ ...x, areaCentiM2: big(x.areaCentiM2) })),
      totalAreaCentiM2: big(r.totalAreaCentiM2),
      participatingAreaCentiM2: big(r.participatingAreaCentiM2),
      participation: { ...r.participation, missingAreaCentiM2: big(r.participation.missingAreaCentiM2) },
      approval: r.approval
        ? {
            ...r.approval,
            agreeAreaCentiM2: big(r.approval.agreeAreaCentiM2),
            requiredArea: frac(r.approval.requiredArea),
            requiredHeadcount: frac(r.approval.requiredHeadcount),
          }
        : undefined,
    }
    if (!tally.approval) delete tally.approval
    const snap: PollSnapshot = {
      tally,
      voted: Array.isArray(o.voted) ? o.voted.map(String) : null,
      casts: typeof o.casts === 'number' ? o.casts : 0,
    }
    if (o.roster === 'frozen' || o.roster === 'live') snap.roster = o.roster
    if (typeof o.recorded === 'number' && o.recorded > 0) snap.recorded = o.recorded
    if (Array.isArray(o.recordedRooms)) snap.recordedRooms = o.recordedRooms.map(String)
    return snap
  } catch {
    return null
  }
}
