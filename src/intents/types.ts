// What the intent engine returns, and the context it needs. Pure types.
import type { Lang } from '../i18n/define.ts'
import type { RepairCategory } from '../domain/repair-category.ts'
import type { CommandName } from './commands.ts'
import type { PeriodSlot } from './period.ts'
import type { PollInfo, Stance } from './vote.ts'

export type IntentName =
  | 'fee' // 查费: own household or a room; `schedule` → 收费标准
  | 'repair' // a repair report → 报修 (a write: offered)
  | 'status' // a ticket's or my tickets' status → 报修 #n / 我的报修 / 报修列表
  | 'ledger' // income and expenses of a period → 账目
  | 'results' // a poll question → 结果
  | 'vote' // a vote → 投票 (a write: offered)
  | 'bind' // "I live in 3-2-201" → 绑定 (a write: offered)
  | 'help' // how to use the bot, or one command → 帮助
  | 'payment' // "交了 300" → the 缴费 line to send, never run
  | 'none'

export const INTENTS: readonly IntentName[] = ['fee', 'repair', 'status', 'ledger', 'results', 'vote', 'bind', 'help', 'payment', 'none']

/**
 * What the bot may do with it:
 * - `run`: a safe read; run the command and answer.
 * - `offer`: the command writes; offer it and run it only on the same person's confirmation.
 * - `show`: money; show the exact command for the asker to send themselves, never run it.
 * - `none`: nothing understood; say nothing (unaddressed) or what the bot can do (addressed).
 */
export type Action = 'run' | 'offer' | 'show' | 'none'

export type Relation = 'owner' | 'tenant' | 'family'

export interface Slots {
  // where (repair, fee, bind, payment)
  room?: string
  building?: string
  unit?: string
  area?: string
  // repair
  thing?: string
  category?: RepairCategory
  /** the report as the resident wrote it, without the request words: the ticket's description */
  description?: string
  // fee
  schedule?: boolean
  // status
  ticket?: number
  mine?: boolean
  list?: boolean
  // ledger
  period?: PeriodSlot
  // results, vote
  poll?: number
  /** 1-based option number */
  option?: number
  stance?: Stance
  // bind
  relation?: Relation
  // help
  topic?: CommandName
  // payment
  amountFen?: bigint
}

export type MissingSlot = 'room' | 'poll' | 'option' | 'description'

export interface Understood {
  intent: IntentName
  slots: Slots
  action: Action
  /** the command line (run, offered, or shown); null when nothing is understood or a needed slot is missing */
  command: string | null
  commandName: CommandName | null
  /** the command writes when run (so it is never run without confirmation) */
  writes: boolean
  /** what the command still needs; the caller may ask, or fill it (e.g. the asker's only room) and rebuild */
  missing: MissingSlot[]
  /** the language the message was written in (the command line is in the context's language) */
  writtenIn: Lang
  source: 'rules' | 'llm'
}

export interface IntentContext {
  /** the compound's language: command lines are written in it */
  lang: Lang
  /** the bot's names as people @mention it (`邻里`, `Linli`, `linli_bot`) */
  botNames: readonly string[]
  /** the open polls with their options, when known (a vote by option text or synonym needs them) */
  polls?: readonly PollInfo[]
  /** for periods (3月, 上个月); default: now */
  now?: Date
  /** the compound's time zone; default Asia/Shanghai */
  timeZone?: string
}
