// What a building captain types (任命 … 楼栋长 3栋,5栋; 代录 #n 房号 …): the building list, an election choice
// of candidates by letter or name, and an opinion-round signature. Pure: the commands look the poll up.
import { buildingOf } from './rooms.ts'
import { optionKey, type Refusal } from './poll-syntax.ts'

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

/** The ballot letter of candidate `idx`: A, B, … Z, then 27, 28 … (an election has far fewer). */
export function candidateLetter(idx: number): string {
  return idx < 26 ? String.fromCharCode(65 + idx) : String(idx + 1)
}

/**
 * An election choice against the candidates in ballot order: letters (`A C`, `a,c`, `AC`), names (`王芳 李明`),
 * or both; at most `seats` different candidates. `AC` is read as letters only when no candidate is named so.
 */
export function parseCandidateChoice(text: string, candidates: readonly string[], seats: number): { ok: true; indices: number[] } | Refusal {
  const keys = candidates.map(optionKey)
  const picked: number[] = []
  const add = (i: number) => {
    if (!picked.includes(i)) picked.push(i)
  }
  const letterIdx = (ch: string) => {
    const i = ch.toUpperCase().charCodeAt(0) - 65
    return i >= 0 && i < candidates.length && i < 26 ? i : -1
  }
  for (const token of text.split(/[,，、;；/\s]+/u)) {
    if (!token) continue
    const byName = keys.indexOf(optionKey(token))
    if (byName >= 0) {
      add(byName)
      continue
    }
    if (/^[A-Za-z]{1,26}$/.test(token) && [...token].every((ch) => letterIdx(ch) >= 0)) {
      for (const ch of token) add(letterIdx(ch))
      continue
    }
    return { ok: false, key: 'record.unknownCandidate', params: { choice: token, last: candidateLetter(candidates.length - 1) } }
  }
  if (picked.length === 0) return { ok: false, key: 'record.choiceMissing' }
  if (picked.length > seats) return { ok: false, key: 'record.tooManyCandidates', params: { seats, count: picked.length } }
  return { ok: true, indices: picked.sort((a, b) => a - b) }
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
