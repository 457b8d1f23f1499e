// The intents corpus and its scoring, shared by `npm run bench:intents` (bench/intents/run.ts) and the
// unit test that asserts the targets (test/unit/intents-corpus.test.ts). Deterministic: a fixed clock,
// fixed open polls, the local rules only.
//
//   addressed.jsonl      messages to the bot, labelled with the intent and the slots that matter
//   chatter.txt          ordinary group chatter: none of it may get a reply
//   group-repairs.jsonl  unaddressed repair reports that should get the one short offer
//   holdout/*            the same three kinds, written after the rules were tuned and never tuned on
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { IncomingMessage } from '../../src/core/messages.ts'
import { commands } from '../../commands/index.ts'
import { parseMoney } from '../../src/domain/money.ts'
import type { Lang } from '../../src/i18n/define.ts'
import { groupRepair, understand } from '../../src/intents/classify.ts'
import { writesWhenRun, type CommandName } from '../../src/intents/commands.ts'
import { INTENTS, type IntentContext, type IntentName, type Understood } from '../../src/intents/types.ts'
import type { PollInfo } from '../../src/intents/vote.ts'
import { CommandParser } from '../../src/pipeline/parser.ts'

export const HERE = fileURLToPath(new URL('.', import.meta.url))
export const BOT_NAMES = ['邻里', '鄰里', '邻里小助手', 'Linli', 'linli_bot']
export const NOW = new Date('2026-11-15T02:00:00Z') // Sunday 10:00 in Shanghai: week 2026-W46
export const TIME_ZONE = 'Asia/Shanghai'
// two open polls, with the options a compound of each language would have
const POLLS: Record<Lang, PollInfo[]> = {
  'zh-CN': [{ no: 2, options: ['同意', '反对', '弃权'] }, { no: 3, options: ['白色', '灰色', '米色'] }],
  'zh-TW': [{ no: 2, options: ['同意', '反對', '棄權'] }, { no: 3, options: ['白色', '灰色', '米色'] }],
  en: [{ no: 2, options: ['Agree', 'Against', 'Abstain'] }, { no: 3, options: ['White', 'Grey', 'Beige'] }],
}

export function contextFor(lang: Lang): IntentContext {
  return { lang, botNames: BOT_NAMES, polls: POLLS[lang], now: NOW, timeZone: TIME_ZONE }
}

export interface Labelled {
  lang: Lang
  text: string
  intent: IntentName
  slots: Record<string, string | number | boolean>
}

function jsonl(path: string, intent?: IntentName): Labelled[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('//'))
    .map((l) => ({ intent: intent ?? 'none', ...(JSON.parse(l) as Omit<Labelled, 'intent'> & { intent?: IntentName }) }) as Labelled)
}

function lines(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
}

export interface Corpus {
  addressed: Labelled[]
  chatter: string[]
  groupRepairs: Labelled[]
}

export function loadCorpus(dir = HERE): Corpus {
  return {
    addressed: jsonl(join(dir, 'addressed.jsonl')),
    chatter: lines(join(dir, 'chatter.txt')),
    groupRepairs: jsonl(join(dir, 'group-repairs.jsonl'), 'repair'),
  }
}

// ---- does the produced command line do what it says? ---------------------------------------------

const parser = new CommandParser(commands, BOT_NAMES)
const message = {
  platform: 'console',
  id: 'bench',
  chat: { id: 'bench', kind: 'group' },
  sender: { id: 'bench', name: 'bench' },
  text: '',
  mentionsBot: true,
  images: [],
  sentAt: NOW,
} as unknown as IncomingMessage

/**
 * Null when the line parses as `name` and its arguments pass the command's own parse and schema (what the
 * pipeline checks before running it); otherwise why not.
 */
export function commandProblem(line: string, name: CommandName): string | null {
  const p = parser.parse(line, { addressed: true })
  if (p.kind !== 'command') return `not a command: ${line}`
  if (p.parsed.command.name !== name) return `parsed as ${p.parsed.command.name}, meant ${name}: ${line}`
  const cmd = p.parsed.command
  const raw = cmd.parse ? cmd.parse(p.parsed.args, { ...message, text: line }) : { text: p.parsed.args }
  const valid = cmd.args.safeParse(raw)
  return valid.success ? null : `arguments refused (${valid.error.issues[0]?.message}): ${line}`
}

// ---- scoring -------------------------------------------------------------------------------------

/** Labelled slot → the engine's value, compared as strings. */
function slotValue(r: Understood, key: string): string | undefined {
  const s = r.slots
  const v: unknown = {
    room: s.room,
    r: s.room,
    b: s.building,
    u: s.unit,
    a: s.area,
    thing: s.thing,
    cat: s.category,
    schedule: s.schedule,
    ticket: s.ticket,
    mine: s.mine,
    list: s.list,
    period: s.period?.key,
    poll: s.poll,
    opt: s.option,
    choice: s.stance,
    relation: s.relation,
    topic: s.topic,
    amount: s.amountFen,
  }[key]
  return v === undefined ? undefined : String(v)
}

function expected(key: string, value: string | number | boolean): string {
  if (key === 'amount') {
    const r = parseMoney(String(value))
    return r.ok ? String(r.fen) : 'invalid'
  }
  return String(value)
}

export interface ItemResult {
  item: Labelled
  result: Understood | null
  intentOk: boolean
  slotErrors: string[]
  commandError: string | null
  understood: boolean
}

export function scoreItem(item: Labelled, result: Understood | null): ItemResult {
  const got: IntentName = result?.intent ?? 'none'
  const intentOk = got === item.intent
  const slotErrors: string[] = []
  let commandError: string | null = null
  if (intentOk && result && item.intent !== 'none') {
    for (const [k, v] of Object.entries(item.slots)) {
      const have = slotValue(result, k)
      if (have !== expected(k, v)) slotErrors.push(`${k}: want ${v}, got ${have ?? '-'}`)
    }
    if (result.command === null) commandError = `no command (missing ${result.missing.join(', ')})`
    else if (result.commandName) commandError = commandProblem(result.command, result.commandName)
  }
  return { item, result, intentOk, slotErrors, commandError, understood: intentOk && slotErrors.length === 0 && commandError === null }
}

export interface PerIntent {
  intent: IntentName
  labelled: number
  predicted: number
  correct: number
  precision: number
  recall: number
}

export interface Scores {
  addressed: ItemResult[]
  perIntent: PerIntent[]
  /** addressed messages with an intent: intent, slots and a valid command line all right */
  understoodRate: number
  intentRate: number
  chatter: { text: string; result: Understood | null }[]
  chatterLeftAlone: number
  groupRepairs: ItemResult[]
  groupRepairRecall: number
  /** results that would write with no confirmation: a writing command to run, or money not only shown */
  unconfirmedWrites: { text: string; command: string | null }[]
}

function unconfirmed(r: Understood | null): boolean {
  if (!r || r.command === null) return false
  if ((r.intent === 'payment' || r.commandName === 'pay') && r.action !== 'show') return true
  // judged by what the parser makes of the line, not by what the engine declared
  const p = parser.parse(r.command, { addressed: true })
  return p.kind === 'command' && writesWhenRun(p.parsed.command.name as CommandName, p.parsed.args) && r.action === 'run'
}

export function score(c: Corpus): Scores {
  const addressed = c.addressed.map((item) => scoreItem(item, understand(item.text, contextFor(item.lang))))
  const perIntent = INTENTS.map((intent) => {
    const labelled = addressed.filter((a) => a.item.intent === intent).length
    const predicted = addressed.filter((a) => (a.result?.intent ?? 'none') === intent).length
    const correct = addressed.filter((a) => a.item.intent === intent && a.intentOk).length
    return { intent, labelled, predicted, correct, precision: predicted ? correct / predicted : 1, recall: labelled ? correct / labelled : 1 }
  })
  const withIntent = addressed.filter((a) => a.item.intent !== 'none')
  const chatter = c.chatter.map((text) => ({ text, result: groupRepair(text, contextFor('zh-CN')) }))
  const groupRepairs = c.groupRepairs.map((item) => scoreItem(item, groupRepair(item.text, contextFor(item.lang))))
  const all = [
    ...addressed.map((a) => ({ text: a.item.text, r: a.result })),
    ...chatter.map((x) => ({ text: x.text, r: x.result })),
    ...groupRepairs.map((g) => ({ text: g.item.text, r: g.result })),
  ]
  return {
    addressed,
    perIntent,
    understoodRate: withIntent.filter((a) => a.understood).length / withIntent.length,
    intentRate: withIntent.filter((a) => a.intentOk).length / withIntent.length,
    chatter,
    chatterLeftAlone: chatter.filter((x) => x.result === null).length / chatter.length,
    groupRepairs,
    groupRepairRecall: groupRepairs.filter((g) => g.understood).length / groupRepairs.length,
    unconfirmedWrites: all.filter((x) => unconfirmed(x.r)).map((x) => ({ text: x.text, command: x.r?.command ?? null })),
  }
}
