// All user-facing text lives in src/i18n/<domain>.ts, each in zh-CN, zh-TW and en.
import { type Lang, LANGS, type MessageSet } from './define.ts'
import core from './core.ts'
import polls from './polls.ts'
import wechat from './wechat.ts'
import telegram from './telegram.ts'
import repairs from './repairs.ts'
import fees from './fees.ts'
import disclosure from './disclosure.ts'
import roster from './roster.ts'
import claims from './claims.ts'
import intents from './intents.ts'
import elections from './elections.ts'
import captains from './captains.ts'
import oversight from './oversight.ts'
import opinions from './opinions.ts'
import notices from './notices.ts'

export { type Lang, LANGS, isLang } from './define.ts'

/** Register each domain's messages here (one line per domain). */
export const messageSets: MessageSet<string>[] = [core, wechat, telegram, repairs, polls, fees, disclosure, roster, claims, intents, captains, oversight, elections, opinions, notices]

const tables: Record<Lang, Map<string, string>> = { 'zh-CN': new Map(), 'zh-TW': new Map(), en: new Map() }
for (const set of messageSets) for (const lang of LANGS) for (const [k, v] of Object.entries(set[lang])) tables[lang].set(k, v)

export type Params = Record<string, string | number | bigint | null | undefined>

export function hasKey(key: string): boolean {
  return tables['zh-CN'].has(key)
}

/** Translate `key` with `{name}` placeholders; an unknown key is returned as is (and caught by the completeness test). */
export function t(lang: Lang, key: string, params?: Params): string {
  const template = tables[lang].get(key) ?? tables['zh-CN'].get(key) ?? key
  if (!params) return template
  return template.replace(/\{(\w+)\}/g, (m, name: string) => {
    const v = params[name]
    return v === undefined || v === null ? m : String(v)
  })
}

export type Translator = (key: string, params?: Params) => string
export const translator = (lang: Lang): Translator => (key, params) => t(lang, key, params)
