// The command lines an understood message maps to, written exactly as the command parser and each
// command's own argument parser accept them (test/unit/intents-commands.test.ts parses every one with the
// real CommandParser and commands). Keywords are the first of each command's list for the language, as in
// its usage line; English ones with a slash.
import type { Lang } from '../i18n/define.ts'

export type CommandName = 'help' | 'bind' | 'repair' | 'repairs' | 'myrepairs' | 'vote' | 'results' | 'feerule' | 'fee' | 'pay' | 'ledger'

/** `commands/<name>.ts` keywords[lang][0] */
export const KEYWORDS: Record<CommandName, Record<Lang, string>> = {
  help: { 'zh-CN': '帮助', 'zh-TW': '幫助', en: 'help' },
  bind: { 'zh-CN': '绑定', 'zh-TW': '綁定', en: 'bind' },
  repair: { 'zh-CN': '报修', 'zh-TW': '報修', en: 'repair' },
  repairs: { 'zh-CN': '报修列表', 'zh-TW': '報修列表', en: 'repairs' },
  myrepairs: { 'zh-CN': '我的报修', 'zh-TW': '我的報修', en: 'myrepairs' },
  vote: { 'zh-CN': '投票', 'zh-TW': '投票', en: 'vote' },
  results: { 'zh-CN': '结果', 'zh-TW': '結果', en: 'results' },
  feerule: { 'zh-CN': '收费标准', 'zh-TW': '收費標準', en: 'feerule' },
  fee: { 'zh-CN': '查费', 'zh-TW': '查費', en: 'fee' },
  pay: { 'zh-CN': '缴费', 'zh-TW': '繳費', en: 'pay' },
  ledger: { 'zh-CN': '账目', 'zh-TW': '賬目', en: 'ledger' },
}

/**
 * Commands that write when run. An intent mapping to one of these is only ever offered (done on the
 * asker's confirmation), and `pay` not even that: money is never written from plain language.
 */
export const WRITES: ReadonlySet<CommandName> = new Set(['bind', 'repair', 'vote', 'pay'])

/** Whether running `name` with `args` writes: `报修 #12` only shows a ticket. */
export function writesWhenRun(name: CommandName, args: string): boolean {
  if (name === 'repair' && /^#?\s*\d{1,9}$/.test(args.trim())) return false
  return WRITES.has(name)
}

/** `报修 楼道灯坏了` / `/repair stairwell light broken`: the keyword, then the arguments. */
export function commandLine(name: CommandName, lang: Lang, args = ''): string {
  const word = lang === 'en' ? `/${KEYWORDS[name].en}` : KEYWORDS[name][lang]
  const a = args.trim()
  return a ? `${word} ${a}` : word
}

const RELATION_WORD: Record<Lang, Record<'owner' | 'tenant' | 'family', string>> = {
  'zh-CN': { owner: '业主', tenant: '租户', family: '家属' },
  'zh-TW': { owner: '業主', tenant: '租戶', family: '家屬' },
  en: { owner: 'owner', tenant: 'tenant', family: 'family' },
}

/** The relation as `绑定` reads it (commands/bind.ts RELATIONS). */
export function relationWord(relation: 'owner' | 'tenant' | 'family', lang: Lang): string {
  return RELATION_WORD[lang][relation]
}

/** An amount in fen as `缴费` reads it: `300`, `450.50`. */
export function amountText(fen: bigint): string {
  const yuan = fen / 100n
  const cents = fen % 100n
  return cents === 0n ? yuan.toString() : `${yuan}.${cents.toString().padStart(2, '0')}`
}

/** What a resident writes where a room number goes, when the sentence gave none (payment only). */
export const ROOM_PLACEHOLDER: Record<Lang, string> = { 'zh-CN': '房号', 'zh-TW': '房號', en: 'ROOM' }
