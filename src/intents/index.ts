// Plain-language intents (issue 14). Pure: no database, no adapters, no i18n tables.
//
//   understand(text, ctx)        an addressed message → intent, slots, command line, run / offer / show
//   groupRepair(text, ctx)       an unaddressed group message → a repair offer, or null (chatter: one regex test)
//   intentReader(llmConfigFromEnv())   the same for addressed messages, through an optional LLM endpoint
//   confirmationOf(text)         是 / 好 / 不用 in reply to an offer
//   readPeriod / readChoice      the loose period and poll-choice readers the 账目 and 投票 commands share
export { groupRepair, MAX_LENGTH, understand } from './classify.ts'
export { commandLine, KEYWORDS, WRITES, type CommandName } from './commands.ts'
export { confirmationOf, OFFER_VALID_MS } from './confirm.ts'
export { DEFAULT_LLM_TIMEOUT_MS, intentReader, type IntentReader, type LlmConfig, llmConfigFromEnv, llmReader, localReader } from './llm.ts'
export { outcome } from './outcome.ts'
export type { PeriodSlot } from './period.ts'
export { readChoice, readPeriod } from './loose.ts'
export type { Action, IntentContext, IntentName, MissingSlot, Relation, Slots, Understood } from './types.ts'
export type { PollInfo, Stance } from './vote.ts'
