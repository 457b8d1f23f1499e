// Finds the command keyword at the start of a message: simplified, traditional or English,
// with or without `/` and `@botname`, full-width normalized (NFKC).
import type { Lang } from '../i18n/index.ts'
import { LANGS } from '../i18n/index.ts'
import { normalizeText } from '../domain/text.ts'
import type { AnyCommand } from './command.ts'

export interface ParsedCommand {
  command: AnyCommand
  /** the keyword as matched */
  keyword: string
  /** the language the keyword belongs to (first match: zh-CN, zh-TW, en) */
  lang: Lang
  /** the text after the keyword, trimmed */
  args: string
  slash: boolean
}

export type ParseResult = { kind: 'command'; parsed: ParsedCommand } | { kind: 'none' } | { kind: 'otherBot' }

interface KeywordEntry {
  word: string
  lower: string
  command: AnyCommand
  lang: Lang
  latin: boolean
}

export class CommandParser {
  private readonly entries: KeywordEntry[]

  constructor(
    readonly commands: readonly AnyCommand[],
    private readonly botNames: readonly string[] = [],
  ) {
    const seen = new Set<string>()
    this.entries = []
    for (const command of commands) {
      for (const lang of LANGS) {
        for (const word of command.keywords[lang]) {
          const key = `${word.toLowerCase()}|${command.name}`
          if (seen.has(key)) continue
          seen.add(key)
          this.entries.push({ word, lower: word.toLowerCase(), command, lang, latin: /^[a-z]/i.test(word) })
        }
      }
    }
    // longest first: 报修列表 before 报修
    this.entries.sort((a, b) => b.word.length - a.word.length)
  }

  /** Strip a leading @mention of the bot; returns null when the message opens by mentioning someone else. */
  private stripMention(text: string, extraNames: readonly string[]): string | null {
    if (!text.startsWith('@')) return text
    const names = [...this.botNames, ...extraNames].filter(Boolean).sort((a, b) => b.length - a.length)
    const lower = text.toLowerCase()
    for (const name of names) {
      const at = `@${name.toLowerCase()}`
      if (lower.startsWith(at)) {
        const rest = text.slice(at.length)
        if (rest === '' || /^[\s:,，]/.test(rest)) return rest.replace(/^[\s:,，]+/, '')
      }
    }
    return null
  }

  parse(rawText: string, opts: { botNames?: readonly string[]; addressed?: boolean } = {}): ParseResult {
    let text = normalizeText(rawText)
    const extra = opts.botNames ?? []
    const stripped = this.stripMention(text, extra)
    if (stripped === null) return { kind: 'none' }
    const addressed = (opts.addressed ?? false) || stripped !== text
    text = stripped
    let slash = false
    if (text.startsWith('/')) {
      slash = true
      text = text.slice(1)
    }
    if (!text) return { kind: 'none' }
    const lower = text.toLowerCase()
    for (const e of this.entries) {
      if (!lower.startsWith(e.lower)) continue
      let rest = text.slice(e.word.length)
      // `/cmd@botname`: only ours is for us
      if (slash && rest.startsWith('@')) {
        const m = /^@([A-Za-z0-9_]+)/.exec(rest)
        if (m) {
          const mentioned = m[1]!.toLowerCase()
          const ours = [...this.botNames, ...extra].some((n) => n.toLowerCase() === mentioned)
          if (!ours) return { kind: 'otherBot' }
          rest = rest.slice(m[0].length)
        }
      }
      if (!this.boundaryOk(e, rest, slash || addressed)) continue
      return {
        kind: 'command',
        parsed: { command: e.command, keyword: e.word, lang: e.lang, args: rest.trim(), slash },
      }
    }
    return { kind: 'none' }
  }

  /** Casual chatter that merely starts with a keyword ("投票结果出来了吗") is not a command. */
  private boundaryOk(e: KeywordEntry, rest: string, addressed: boolean): boolean {
    if (rest === '' || /^\s/.test(rest)) return true
    if (e.latin) return false // `helpme` is not `help`
    if (/^[#:0-9@]/.test(rest)) return true
    return addressed || e.command.attachedArgs === true
  }
}
