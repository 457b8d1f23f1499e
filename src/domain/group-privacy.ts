// What no message to a group may show (PRODUCT.md, Privacy): a phone number, or the full name of an owner
// from the roster. Commands echo what people typed (an expense's payee, a poll title, a repair note, a
// display name); the outbox passes every group-bound text through `scrubGroupText` before it is stored,
// so no reply, announcement or post can carry one. Pure: the caller looks up the roster names.
import { maskName } from './poll-render.ts'

/**
 * A mainland mobile number (11 digits from 13…19, optionally +86, split by spaces or dashes) or a landline
 * with its area code and a dash (010-12345678), standing alone: never inside a longer run of letters or
 * digits, so amounts (¥1,084.00), dates, room codes and ledger hashes are left alone.
 */
const PHONE =
  /(?<![0-9A-Za-z０-９])(?:(?:[+＋]\s?)?86[\s-]?)?1[3-9３-９](?:[\s-]?[0-9０-９]){9}(?![0-9A-Za-z０-９])|(?<![0-9A-Za-z０-９])0[1-9]\d{1,2}-\d{7,8}(?![0-9A-Za-z０-９])/g

export function maskPhones(text: string): string {
  return text.replace(PHONE, '***')
}

/** Separators inside an owner_name field: spaces, digits (a phone written next to the name), punctuation. */
const NAME_SPLIT = /[\s0-9０-９+＋\-－,，、;；:：/／|()（）[\]【】<>《》"“”'‘’.。·]+/u
/** Words a roster's owner_name column may hold that are not a name. */
export const NOT_NAMES = ['业主', '業主', '租户', '租戶', '家属', '家屬', '房东', '房東', '户主', '戶主', '本人', '先生', '女士', '电话', '電話', '手机', '手機']

/** The names in an owner_name field: "李建国 13812345678" → ["李建国"], "王秀英/李建国" → both. */
export function ownerNameParts(ownerName: string): string[] {
  return ownerName
    .normalize('NFKC')
    .split(NAME_SPLIT)
    .map((s) => s.trim())
    .filter((s) => [...s].length >= 2 && !NOT_NAMES.includes(s))
}

/** Phone numbers become ***, and the given owner names are masked (王秀英 → 王*), longest first. */
export function scrubGroupText(text: string, ownerNames: readonly string[] = []): string {
  let s = maskPhones(text)
  const names = [...new Set(ownerNames)].filter((n) => [...n].length >= 2).sort((a, b) => b.length - a.length)
  for (const n of names) if (s.includes(n)) s = s.split(n).join(maskName(n))
  return s
}
