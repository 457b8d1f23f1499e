// `@邻里 投票结果出来了吗` begins with the 投票 keyword but is a question, not a vote. When an addressed message
// starts with a command keyword and that command refuses its arguments, the plain-language reading is tried
// before the usage line (issue 14): a sentence whose words read as another command, or that asks about the
// command's subject (投票结果 + 出来了吗), goes to plain language. A malformed command (`投票 #2`, `账目 上上上个月`)
// still gets its usage: its arguments hold no prose, or they read as the same command and ask nothing.
import type { IncomingMessage } from '../core/messages.ts'
import { understand } from '../intents/index.ts'
import type { ParsedCommand } from './parser.ts'
import { opensWithMention } from './plain.ts'

// prose: two Chinese characters in a row, or an English word of three letters (not a room, amount or #n)
const PROSE = /[\u3400-\u9fff]{2}|[a-z]{3}/i
// a question: a particle, 了没, or an English question word
const ASKS = /[吗嗎呢嘛?？]|了没|了沒|没有?\s*$|沒有?\s*$|是不是|怎么样|怎麼樣|\b(?:what|how|is|are|did|does|any|yet)\b/i

/** Whether the command's own parser and schema refuse these arguments (what the pipeline answers with usage). */
export function refusesArgs(parsed: ParsedCommand, msg: IncomingMessage): boolean {
  const cmd = parsed.command
  try {
    const raw = cmd.parse ? cmd.parse(parsed.args, msg) : { text: parsed.args }
    return !cmd.args.safeParse(raw).success
  } catch {
    return true
  }
}

/** An addressed message that only looks like a command: the plain-language reading answers it instead. */
export function readsAsSentence(msg: IncomingMessage, parsed: ParsedCommand, botNames: readonly string[]): boolean {
  const names = [...botNames, ...(msg.botNames ?? [])]
  const addressed = msg.mentionsBot || msg.chat.kind === 'private' || opensWithMention(msg.text ?? '', names)
  if (!addressed || !PROSE.test(parsed.args) || !refusesArgs(parsed, msg)) return false
  const u = understand(msg.text ?? '', { lang: parsed.lang, botNames: names })
  if (u.intent === 'none' || u.command === null) return false
  return u.commandName !== parsed.command.name || ASKS.test(parsed.args)
}
