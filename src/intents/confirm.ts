// The reply to an offer ("要登记报修吗？回复「是」"): yes, no, or something else (then the offer stands
// until it expires and the message is read as usual). Only a short reply counts: "是的，不过…" is not one.
import { prepare } from './text.ts'

/** How long an offer waits for the same person's 是 / 好 (issue 14: 10 minutes). */
export const OFFER_VALID_MS = 10 * 60 * 1000

const YES = /^(?:是|是的|是啊|对|对的|好|好的|好啊|好吧|行|可以|确认|确定|要|要的|登记|嗯|嗯嗯|ok|okay|yes|y|yep|yeah|sure|confirm)$/
const NO = /^(?:不|不是|不要|不用|不用了|算了|取消|否|别|no|n|nope|cancel|no thanks)$/

export function confirmationOf(raw: string, botNames: readonly string[] = []): 'yes' | 'no' | null {
  // a thumbs-up is a yes; prepare() drops emoji, so look before
  if (/^\s*(?:@\S+\s+)?👍\s*$/u.test(raw)) return 'yes'
  const s = prepare(raw, botNames).folded.replace(/[\s.,!~。，！～]+/g, '')
  if (!s || s.length > 12) return null
  if (YES.test(s)) return 'yes'
  if (NO.test(s)) return 'no'
  return null
}
