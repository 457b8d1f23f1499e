// A payment stated in plain words (`3-2-201 交了300`, `收到5栋101管理费1084`, `paid ¥360`): the amount as
// the money commands read it (src/domain/money.ts parseMoney: digits, ¥, 元/块, Chinese numerals).
// Never written from here: the asker gets the exact `缴费` line to send.
import { parseMoney } from '../domain/money.ts'
import type { Span } from './places.ts'

export const PAY_VERB = /^收\s*(?=\d)|交了|缴了|付了|已交|已缴|已付|已收|收讫|交过|收到|收了|转了|转账|交费|缴费|\bpaid\b|\breceived\b|\btransferred\b|\bgot\b|\bcollected\b/

// an amount token: ¥ and digits (with thousands separators and cents), or Chinese numerals with 百/千/万
// or a 元/块 unit; not a date, a floor, a count or a poll number
const AMOUNT =
  /(?<![#\d.\-a-z])(?<!\d,)(?:¥|rmb\s*|cny\s*)?(\d{1,3}(?:,\d{3})+|\d{1,9})(?:\.(\d{1,2}))?(?!\d)\s*(元|块钱?|yuan|rmb|cny)?(?!\s*(?:月|日|号|栋|幢|楼|层|单元|室|点|%|个|户|年|天|次|人|-\d|(?:days?|weeks?|months?|years?|hours?|times|floors?|people|households?|flats?)\b))|([零〇一二两三四五六七八九十百千万]{2,12}|[一二两三四五六七八九十])\s*(元|块钱?)?/g

export interface AmountHit extends Span {
  fen: bigint
}

function amountsIn(text: string): AmountHit[] {
  const out: AmountHit[] = []
  AMOUNT.lastIndex = 0
  for (let m = AMOUNT.exec(text); m; m = AMOUNT.exec(text)) {
    if (m[4] !== undefined) {
      // Chinese numerals count as money only with a unit or a magnitude (三百, 一千零八十四, 五块)
      if (!m[5] && !/[百千万]/.test(m[4])) continue
    }
    const token = m[0].replace(/^(?:rmb|cny)\s*/, '')
    const r = parseMoney(token.replace(/(?:yuan|rmb|cny)$/, '').trim())
    if (r.ok) out.push({ fen: r.fen, from: m.index, to: m.index + m[0].length })
  }
  return out
}

/**
 * The amount of a payment statement: the first amount after the payment verb, else the last one before
 * it (`交费300`, `1084 paid`). `skip` spans (a room number) are not read as money.
 */
export function paymentAmount(folded: string, skip: readonly Span[] = []): AmountHit | null {
  const verb = PAY_VERB.exec(folded)
  if (!verb) return null
  let text = folded
  for (const s of skip) text = text.slice(0, s.from) + ' '.repeat(s.to - s.from) + text.slice(s.to)
  const hits = amountsIn(text)
  const after = hits.find((h) => h.from >= verb.index)
  return after ?? hits.filter((h) => h.to <= verb.index + verb[0].length).pop() ?? null
}
