// The command menu Telegram shows after "/": English command names from the command definitions, described in
// zh-CN (default scope) and en (language_code "en").
//
// zh-TW has no scope of its own: setMyCommands takes a two-letter ISO 639-1 code, so "zh" would cover simplified
// and traditional users alike. Traditional-Chinese users see the zh-CN descriptions; the keywords still work.
import type { BotCommand, LanguageCode } from 'grammy/types'
import { type Lang, t } from '../../src/i18n/index.ts'
import type { CommandEntry } from '../../src/core/adapter.ts'

const COMMAND_NAME = /^[a-z0-9_]{1,32}$/

/** The slash name of a command: its name when that is an English keyword (what the parser accepts), else the first valid one. */
export function slashName(cmd: Pick<CommandEntry, 'name' | 'keywords'>): string | undefined {
  const english = cmd.keywords.en.map((k) => k.toLowerCase())
  if (english.includes(cmd.name.toLowerCase()) && COMMAND_NAME.test(cmd.name)) return cmd.name
  return english.find((k) => COMMAND_NAME.test(k))
}

export function botCommands(commands: readonly CommandEntry[], lang: Lang): BotCommand[] {
  const out: BotCommand[] = []
  const seen = new Set<string>()
  for (const cmd of commands) {
    if (cmd.hidden) continue
    const name = slashName(cmd)
    if (!name || seen.has(name)) continue
    seen.add(name)
    const description = t(lang, cmd.summaryKey).slice(0, 256) || name
    out.push({ command: name, description })
  }
  return out.slice(0, 100)
}

/** The setMyCommands calls to make: [language_code or undefined for the default scope, language]. */
export const MENU_LANGUAGES: ReadonlyArray<[LanguageCode | undefined, Lang]> = [
  [undefined, 'zh-CN'],
  ['en', 'en'],
]
