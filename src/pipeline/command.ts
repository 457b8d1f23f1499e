// How a command declares itself: name, keywords per language, role, argument syntax and schema, and run().
import type { z } from 'zod'
import type { CommandEntry } from '../core/adapter.ts'
import type { IncomingMessage } from '../core/messages.ts'
import type { Tx } from '../../db/client.ts'
import type { compounds, households, members } from '../../db/schema.ts'
import type { Lang, Params, Translator } from '../i18n/index.ts'
import type { Config } from '../config.ts'
import type { Reply } from '../outbox/reply.ts'

// replies belong to the outbox; re-exported so that commands import everything they declare from here
export { type OutImage, type Reply, reply } from '../outbox/reply.ts'

export type Compound = typeof compounds.$inferSelect
export type Member = typeof members.$inferSelect
export type Household = typeof households.$inferSelect

/** Roles in ascending power. `resident` is anyone in a chat bound to a compound. */
export const ROLE_RANK = { anyone: 0, resident: 1, collector: 2, committee: 3, head: 4 } as const
export type Role = keyof typeof ROLE_RANK

export function hasRole(actual: Role, required: Role): boolean {
  return ROLE_RANK[actual] >= ROLE_RANK[required]
}

/** An expected refusal: rendered as a translated reply, the command's writes roll back. */
export class UserError extends Error {
  constructor(
    readonly key: string,
    readonly params?: Params,
    /** show the command's usage line after the message */
    readonly withUsage = false,
  ) {
    super(key)
    this.name = 'UserError'
  }
}

export interface Binding {
  bindingId: number
  relation: 'owner' | 'tenant' | 'family'
  status: 'pending' | 'verified'
  household: Household
}

export interface Clock {
  now(): Date
}

/** What every command gets. `compound` is null only for commands usable outside a bound chat. */
export interface BaseContext {
  tx: Tx
  lang: Lang
  t: Translator
  now: Date
  message: IncomingMessage
  member: Member
  compound: Compound | null
  role: Role
  bindings: Binding[]
  /** the chat admin check of the adapter the message came from */
  isChatAdmin(): Promise<boolean>
  /** the usage line of the running command in the current language */
  usage(): string
  config: Config
  /** all command definitions (help lists them) */
  commands: readonly AnyCommand[]
  /** the compounds the sender supervises as a 社区/街道 supervisor (docs/OVERSIGHT.md), in grant order; mostly none */
  supervised: readonly number[]
}

/**
 * A community supervisor acting on a compound they supervise (src/pipeline/oversight.ts): they hold no role
 * there, and only a command that declares `oversee` answers them, by that handler, which reads and never writes.
 */
export interface OversightContext extends BaseContext {
  role: 'anyone'
  /**
   * the supervised compound the message is about: the group's, the one named first in the arguments, the
   * sender's own, or their only one; null when they supervise several and named none
   */
  compound: Compound | null
  /** every compound the sender supervises, in grant order */
  overseen: Compound[]
  /** the compound was named in the arguments (not implied) */
  named: boolean
}

export interface CompoundContext extends BaseContext {
  compound: Compound
}

interface CommandBase<A> {
  /** stable English id; also the Telegram slash command */
  name: string
  /** keywords per language; the first is shown in usage. English ones double as /slash commands */
  keywords: Record<Lang, string[]>
  /** Chinese keyword may be followed directly by text (报修楼道灯坏了) */
  attachedArgs?: boolean
  /** i18n key prefix: `<usageKey>.syntax` and `<usageKey>.summary`; defaults to `cmd.<name>` */
  usageKey?: string
  /** turn the text after the keyword into the raw input for `args` */
  parse?: (raw: string, message: IncomingMessage) => unknown
  /** zod schema; issue messages that are i18n keys are translated */
  args: z.ZodType<A>
  /** hide from help (e.g. internal aliases) */
  hidden?: boolean
  /**
   * the longest argument text (characters after the keyword) this command reads; anything longer is refused
   * before parse runs, so a hostile 40 KB message costs nothing. Default DEFAULT_MAX_ARGS.
   */
  maxArgs?: number
  /**
   * how this command answers a community supervisor acting on a compound they supervise: read-only (no write,
   * no outbox row but the replies). A command without it is refused to them, whatever else they are.
   */
  oversee?: (ctx: OversightContext, args: A) => Promise<Reply[]>
  /** for community supervisors only (监督): help lists it to them alone, the README says so; `run` refuses others */
  supervisorsOnly?: boolean
  /**
   * the keyword is an everyday word residents open chatter with (意见：…, 通知：…): in a group, from someone the
   * command is not for and without an @mention of the bot, the message is chatter and gets no refusal
   */
  everydayWord?: boolean
}

/** The argument cap of a command that sets none: ten times the longest text any command stores (500). */
export const DEFAULT_MAX_ARGS = 1000

export interface OpenCommand<A> extends CommandBase<A> {
  role: 'anyone' | 'chatAdmin'
  run(ctx: BaseContext, args: A): Promise<Reply[]>
}
export interface CompoundCommand<A> extends CommandBase<A> {
  role: Exclude<Role, 'anyone'>
  /** who else may run it, on some arguments: `role: 'committee', or: ticketAssignee('done')` */
  or?: RoleAlternative<NoInfer<A>>
  run(ctx: CompoundContext, args: A): Promise<Reply[]>
}

/**
 * Besides the holders of a command's role, who may run it: a named rule that needs the parsed arguments
 * (完工: the committee, or the ticket's assignee). The pipeline enforces it, help lists by it and the README
 * table prints it (src/pipeline/permissions.ts), so no command refuses by role itself.
 */
export interface RoleAlternative<A> {
  /** names the rule for people: i18n `role.or.<name>` ("{role}, or the ticket's assignee") */
  name: string
  /** the least role the rule is open to; anyone below is refused before the arguments are read */
  from: Exclude<Role, 'anyone'>
  /** for someone below the command's role, with the parsed arguments: resolves when allowed, else throws the refusal */
  check(ctx: CompoundContext, args: A): Promise<void>
  /** for help: whether the rule lets this person run the command on anything now */
  applies(ctx: CompoundContext): Promise<boolean>
}
export type CommandDef<A> = OpenCommand<A> | CompoundCommand<A>
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCommand = CommandDef<any>

export function defineCommand<A>(def: OpenCommand<A>): OpenCommand<A>
export function defineCommand<A>(def: CompoundCommand<A>): CompoundCommand<A>
export function defineCommand<A>(def: CommandDef<A>): CommandDef<A> {
  return def
}

export function usageKeyOf(cmd: AnyCommand): string {
  return cmd.usageKey ?? `cmd.${cmd.name}`
}

/** What platforms show of the commands (Telegram's "/" menu), handed to the adapters' factories by the entry. */
export function commandEntries(cmds: readonly AnyCommand[]): CommandEntry[] {
  return cmds.map((c) => ({ name: c.name, keywords: { en: c.keywords.en }, hidden: c.hidden, summaryKey: `${usageKeyOf(c)}.summary` }))
}

/** `报修 <描述> [房号或位置]` in the given language, from the definition. */
export function usageLine(cmd: AnyCommand, lang: Lang, t: Translator): string {
  const kw = cmd.keywords[lang][0] ?? cmd.name
  const word = lang === 'en' ? `/${kw}` : kw
  const syntax = t(`${usageKeyOf(cmd)}.syntax`)
  return syntax ? `${word} ${syntax}` : word
}

export interface PassiveHandler {
  /** a non-command message with images (a photo sent after 报修 or 支出) */
  name: string
  /** who it is for: others' photos are not offered to it */
  role: Exclude<Role, 'anyone'>
  onImages(ctx: CompoundContext): Promise<Reply[] | null>
}
