// What a building captain types (任命 … 楼栋长 3栋,5栋; 代录 #n 房号 …): the building list, an election choice
// of candidates by letter or name (the elections' own reader), and an opinion-round signature. Pure: the commands look the poll up.
import { buildingOf } from './rooms.ts'
import { lastLetter, parseMarks } from './election-syntax.ts'
import type { Refusal } from './poll-syntax.ts'

/** `3栋,5栋`, `3、5`, `三栋 5号楼` → ['3', '5'] (roster form, each once, in the order typed). */
export function parseBuildingList(text: string): string[] {
  const out: string[] = []
  for (const part of text.split(/[,，、;；\s]+/u)) {
    if (!part) continue
    const b = buildingOf(part)
    if (b && !out.includes(b)) out.push(b)
  }
  return out
}

/**
 * An election choice against the candidates in ballot order, read exactly as 选 reads it (election-syntax.ts
 * parseMarks: letters `A C`, `a,c`, `AC`, names, or both; `AC` is a name when a candidate is named so), with
 * 代录's refusals: nothing marked, or more than `seats` different candidates.
 */
export function parseCandidateChoice(text: string, candidates: readonly string[], seats: number): { ok: true; indices: number[] } | Refusal {
  const marks = parseMarks(text, candidates)
  if (!marks.ok) return { ok: false, key: 'record.unknownCandidate', params: { choice: marks.unknown, last: lastLetter(candidates.length) } }
  if (marks.indices.length === 0) return { ok: false, key: 'record.choiceMissing' }
  if (marks.indices.length > seats) return { ok: false, key: 'record.tooManyCandidates', params: { seats, count: marks.indices.length } }
  return marks
}

/** The stances of an opinion round, in option order (polls.options = OPINION_OPTIONS). */
export const OPINION_OPTIONS = ['agree', 'disagree'] as const

const AGREE = /^(?:同意|赞成|贊成|支持|agree|yes)(?=$|[\s,，、:：;；。.!！])/iu
const DISAGREE = /^(?:不同意|反对|反對|不支持|disagree|no)(?=$|[\s,，、:：;；。.!！])/iu

/**
 * A signature: `同意`, `不同意 …意见`, or an opinion alone → options [0], [1] or [] and the free text (note).
 * The longer stance is tried first: 不同意 is not 同意.
 */
export function parseSignature(text: string): { ok: true; options: number[]; note: string | null } | Refusal {
  const s = text.trim()
  if (!s) return { ok: false, key: 'record.signatureMissing' }
  for (const [re, options] of [[DISAGREE, [1]], [AGREE, [0]]] as const) {
    const m = re.exec(s)
    if (m) {
      const note = s.slice(m[0].length).replace(/^[\s,，、:：;；。.!！]+/u, '').trim()
      return { ok: true, options: [...options], note: note || null }
    }
  }
  return { ok: true, options: [], note: s }
}
