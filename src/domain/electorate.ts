// Who an owner poll counts, from the roster alone (pure). The headcount of 民法典 第二百七十八条 is of owner
// PERSONS (最高法 建筑物区分所有权解释 第九条: one person however many units they own), so it must come from
// the roster's owner names, not from who happened to bind a chat account: an owner who never binds still
// counts in the denominator, and an owner of three flats who bound two is still one person.
//
// Owner keys (documented in docs/POLLS.md):
// - the owner_name field is NFKC-normalized (full-width → half-width), phone numbers are dropped, co-owners
//   written `张三/李四`, `张三、李四`, `张三,李四` (also ；| &) are split, every space is removed (`王 秀英` =
//   `王秀英`) and Latin letters are lower-cased; each name becomes `o:<name>`;
// - a household without an owner name is its own person: `h:<household id>`.
// Two different owners who share a name must be told apart in the roster (e.g. `张伟（3栋）`): the same
// written name is the same person.

/** Phone numbers inside an owner_name ("王秀英 138-1234-5678", "+86 138 1234 5678"): 7+ digits with separators. */
const PHONE = /(?:\+?\d{1,3}[\s-]?)?\d(?:[\s\-.()]*\d){6,}/g
/** What separates co-owners in one owner_name field (after NFKC: ／ → /, ，→ ,, ；→ ;, ＆ → &). */
const CO_OWNERS = /[/、,;|&]+/
/** Words that are not a name (a roster may write 业主 or 本人 where the name is unknown). */
const NOT_A_NAME = new Set(['业主', '業主', '户主', '戶主', '本人', '房东', '房東', '未知', '无', '無', '-', 'n/a', 'na', 'unknown'])

/** One owner name as a key part: NFKC, no spaces, Latin lower-cased; '' when it is not a name. */
export function normalizeOwnerName(name: string): string {
  const s = name.normalize('NFKC').replace(/\s+/gu, '').toLowerCase()
  return NOT_A_NAME.has(s) ? '' : s
}

/** The owner persons of a household: `o:<name>` per named owner, or `h:<id>` when the roster names none. */
export function ownerKeysOf(ownerName: string | null | undefined, householdId: number): string[] {
  const names = (ownerName ?? '')
    .normalize('NFKC')
    .replace(PHONE, ' ')
    .split(CO_OWNERS)
    .map(normalizeOwnerName)
    .filter((n) => n !== '')
  const keys = [...new Set(names.map((n) => `o:${n}`))]
  return keys.length > 0 ? keys : [`h:${householdId}`]
}
