export const LANGS = ['zh-CN', 'zh-TW', 'en'] as const
export type Lang = (typeof LANGS)[number]

/** One domain's messages in all three languages; the types force every language to have every key. */
export type MessageSet<K extends string> = { 'zh-CN': Record<K, string>; 'zh-TW': Record<K, string>; en: Record<K, string> }

export function defineMessages<const T extends Record<string, string>>(m: {
  'zh-CN': T
  'zh-TW': Record<keyof T, string>
  en: Record<keyof T, string>
}): MessageSet<Extract<keyof T, string>> {
  return m as MessageSet<Extract<keyof T, string>>
}

export function isLang(x: unknown): x is Lang {
  return typeof x === 'string' && (LANGS as readonly string[]).includes(x)
}
