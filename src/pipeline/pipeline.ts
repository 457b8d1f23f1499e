// The message pipeline: dedupe → resolve compound/member/roles → parse → authorize → validate → run,
// all in one transaction that also writes the inbox row and the replies (outbox).
import type { ChatAdapter } from '../core/adapter.ts'
import type { IncomingMessage, Outgoing } from '../core/messages.ts'
import type { Database, Tx } from '../../db/client.ts'
import { type MessageContextQuery, messageContext } from '../../db/context.ts'
import { isCurrentMember, upsertMember } from '../../db/members.ts'
import { inbox } from '../../db/schema.ts'
import type { Config } from '../config.ts'
import { type Lang, isLang, translator } from '../i18n/index.ts'
import { log } from '../log.ts'
import { resolvePersons } from '../domain/group-privacy.ts'
import { enqueueReplies } from '../outbox/enqueue.ts'
import { groupScrubber, rememberRosterVersion } from '../outbox/write.ts'
import {
  type AnyCommand,
  type BaseContext,
  type Binding,
  type Clock,
  type Compound,
  type Member,
  type PassiveHandler,
  type Reply,
  type Role,
  DEFAULT_MAX_ARGS,
  UserError,
  usageLine,
} from './command.ts'
import { CommandParser, type ParsedCommand } from './parser.ts'
import { oversightOf } from './oversight.ts'
import { authorize, authorizeArgs, mayHandle } from './permissions.ts'
import { PlainLanguage } from './plain.ts'
import { readsAsSentence } from './sentence.ts'
import { formatZodIssue } from './validation.ts'

export interface PipelineOptions {
  database: Database
  commands: readonly AnyCommand[]
  passive?: readonly PassiveHandler[]
  config: Config
  clock: Clock
  botNames: string[]
  /** adapters by platform, for chat admin checks */
  adapters?: Partial<Record<string, ChatAdapter>>
  /** test-only seams (test/reliability crash tests); production passes none */
  hooks?: PipelineHooks
}

/** Test-only seams: awaited at the named points of handling a command message. */
export interface PipelineHooks {
  /** inside the transaction, after the command, inbox and outbox rows are written, just before COMMIT */
  beforeCommit?(msg: IncomingMessage): Promise<void>
}

export type HandleOutcome =
  | { status: 'ignored' }
  | { status: 'duplicate' }
  | {
      status: 'handled'
      command: string
      outboxIds: number[]
      error?: 'user' | 'internal'
      /** new contents for the message whose button was pressed (msg.origin), to apply after COMMIT */
      edits?: Outgoing[]
    }

export class Pipeline {
  readonly parser: CommandParser
  /** messages that are not commands: plain language (./plain.ts) */
  readonly plain: PlainLanguage

  constructor(private readonly opts: PipelineOptions) {
    this.parser = new CommandParser(opts.commands, opts.botNames)
    this.plain = new PlainLanguage({
      database: opts.database,
      config: opts.config,
      clock: opts.clock,
      parser: this.parser,
      botNames: opts.botNames,
      context: (tx, msg, lang) => this.resolveContext(tx, msg, lang, 'plain'),
      run: (tx, ctx, parsed) => this.runCommand(tx, ctx, parsed, undefined),
      claim: (tx, msg, who) => this.claimInbox(tx, msg, who),
      write: (tx, msg, compound, replies, inboxId) => this.writeOutbox(tx, msg, compound, replies, inboxId),
      edits: (tx, msg, compound, replies) => this.originEdits(tx, msg, compound, replies),
      isChatAdmin: (msg) => this.checkAdmin(msg),
    })
  }

  get commands(): readonly AnyCommand[] {
    return this.opts.commands
  }

  async handle(msg: IncomingMessage): Promise<HandleOutcome> {
    if (msg.sender.isBot) return { status: 'ignored' }
    const parsed = this.parser.parse(msg.text ?? '', {
      botNames: msg.botNames,
      addressed: msg.mentionsBot || msg.chat.kind === 'private',
    })
    if (parsed.kind !== 'command') {
      if (msg.images.length > 0 && (this.opts.passive?.length ?? 0) > 0) return this.handlePassive(msg)
      return parsed.kind === 'none' ? this.plain.handle(msg) : { status: 'ignored' }
    }
    const cmd = parsed.parsed
    // `@邻里 投票结果出来了吗`: a keyword opening a sentence; the arguments are read before any statement
    if (readsAsSentence(msg, cmd, this.opts.botNames)) return this.plain.handle(msg)
    // the admin check may call the platform: do it before the transaction
    const needsAdmin = cmd.command.role === 'chatAdmin'
    const isAdmin = needsAdmin ? await this.checkAdmin(msg) : undefined
    try {
      return await this.opts.database.db.transaction(async (tx) => {
        // the inbox row (dedupe) is claimed together with the role and binding reads: a duplicate
        // blocks on the unique key until the first delivery commits, then gets no row and stops here
        const { inboxId, ...base } = await this.resolveContext(tx, msg, cmd.lang, cmd.command.name, { claim: true })
        if (inboxId === null) return { status: 'duplicate' } as const
        const ctx: BaseContext = {
          ...base,
          usage: () => usageLine(cmd.command, base.lang, base.t),
          isChatAdmin: async () => isAdmin ?? (await this.checkAdmin(msg)),
        }
        const replies = await this.runCommand(tx, ctx, cmd, isAdmin, { savepoint: false })
        const ids = await this.writeOutbox(tx, msg, ctx.compound, replies.replies, inboxId)
        const edits = await this.originEdits(tx, msg, ctx.compound, replies.replies)
        if (this.opts.hooks?.beforeCommit) await this.opts.hooks.beforeCommit(msg)
        return { status: 'handled', command: cmd.command.name, outboxIds: ids, error: replies.error, ...(edits.length ? { edits } : {}) } as const
      })
    } catch (err) {
      if (!(err instanceof CommandFailed)) throw err
      // the command was refused or failed while it ran: its writes went with that transaction; the message is
      // claimed again and answered in a new one (a redelivery that claimed it meanwhile answers it instead)
      return this.opts.database.db.transaction(async (tx) => {
        const { inboxId, ...base } = await this.resolveContext(tx, msg, cmd.lang, cmd.command.name, { claim: true })
        if (inboxId === null) return { status: 'duplicate' } as const
        const ids = await this.writeOutbox(tx, msg, base.compound, err.result.replies, inboxId)
        if (this.opts.hooks?.beforeCommit) await this.opts.hooks.beforeCommit(msg)
        return { status: 'handled', command: cmd.command.name, outboxIds: ids, error: err.result.error } as const
      })
    }
  }

  private async handlePassive(msg: IncomingMessage): Promise<HandleOutcome> {
    return this.opts.database.db.transaction(async (tx) => {
      const { inboxId: _none, ...base } = await this.resolveContext(tx, msg, 'zh-CN', null)
      if (!base.compound) return { status: 'ignored' } as const
      // a supervisor's photos attach to nothing in a compound they oversee (read-only: docs/OVERSIGHT.md)
      if (base.supervised.includes(base.compound.id)) return { status: 'ignored' } as const
      for (const handler of this.opts.passive ?? []) {
        const ctx = { ...base, compound: base.compound, usage: () => '', isChatAdmin: () => this.checkAdmin(msg) }
        if (!mayHandle(ctx, handler)) continue
        const replies = await handler.onImages(ctx)
        if (replies) {
          const inboxId = await this.claimInbox(tx, msg)
          if (inboxId === null) throw new DuplicateInTx()
          const ids = await this.writeOutbox(tx, msg, base.compound, replies, inboxId)
          return { status: 'handled', command: handler.name, outboxIds: ids } as const
        }
      }
      return { status: 'ignored' } as const
    }).catch((e: unknown) => {
      if (e instanceof DuplicateInTx) return { status: 'duplicate' } as const
      throw e
    })
  }

  private async checkAdmin(msg: IncomingMessage): Promise<boolean> {
    if (msg.senderIsAdmin) return true
    if (msg.chat.kind === 'private') return false
    const adapter = this.opts.adapters?.[msg.platform]
    if (!adapter) return false
    try {
      return await adapter.isChatAdmin(msg.chat.id, msg.sender.id)
    } catch (err) {
      log.warn({ err, platform: msg.platform, chat: msg.chat.id }, 'chat admin check failed')
      return false
    }
  }

  private async claimInbox(
    tx: Tx,
    msg: IncomingMessage,
    who: { compoundId?: number | null; memberId?: number | null; command?: string | null } = {},
  ): Promise<number | null> {
    const rows = await tx
      .insert(inbox)
      .values({
        platform: msg.platform,
        chatId: msg.chat.id,
        messageId: msg.id,
        compoundId: who.compoundId ?? null,
        memberId: who.memberId ?? null,
        command: who.command ?? null,
        receivedAt: this.opts.clock.now(),
      })
      .onConflictDoNothing()
      .returning({ id: inbox.id })
    return rows[0]?.id ?? null
  }

  /**
   * The member, compound, role and bindings of a message, in one statement (db/context.ts). With `claim`, the
   * inbox row is inserted by the same statement, with the compound and member it belongs to (inboxId null: a
   * duplicate). A new member, or one whose name or handle changed, is written first (then, for a new one, the
   * context is read again: its claim needs the member).
   */
  private async resolveContext(
    tx: Tx,
    msg: IncomingMessage,
    keywordLang: Lang,
    command: string | null,
    opts: { claim?: boolean } = {},
  ) {
    const query: MessageContextQuery = {
      platform: msg.platform,
      senderId: msg.sender.id,
      groupChatId: msg.chat.kind === 'group' ? msg.chat.id : null,
      claim: opts.claim ? { chatId: msg.chat.id, messageId: msg.id, receivedAt: this.opts.clock.now(), command } : undefined,
    }
    let rows = await messageContext(tx, query)
    let member: Member
    if (rows.member && isCurrentMember(rows.member, msg.sender.name, msg.sender.username)) {
      member = rows.member
    } else {
      member = await upsertMember(tx, msg.platform, msg.sender.id, msg.sender.name, msg.sender.username)
      if (!rows.member) rows = await messageContext(tx, query)
    }
    const compound: Compound | null = rows.compound ?? null
    // the group privacy scrub of this transaction's replies reads the roster names of this version
    if (compound) rememberRosterVersion(tx, compound.id, rows.rosterVersion)
    const lang: Lang = compound && isLang(compound.language) ? compound.language : keywordLang
    const role: Role = compound ? (rows.role ?? 'resident') : 'anyone'
    const bindings: Binding[] = compound
      ? rows.bindings.map((r) => ({
          bindingId: r.binding.id,
          relation: r.binding.relation,
          status: r.binding.status,
          household: r.household,
        }))
      : []
    log.debug({ platform: msg.platform, chat: msg.chat.id, msg: msg.id, member: member.id, command }, 'message')
    return {
      inboxId: opts.claim ? rows.inboxId : null,
      tx,
      lang,
      t: translator(lang),
      now: this.opts.clock.now(),
      message: msg,
      member,
      compound,
      role,
      bindings,
      config: this.opts.config,
      commands: this.opts.commands,
      supervised: rows.supervised,
    }
  }

  /**
   * Authorize, validate and run. A refusal or crash while the command runs undoes the command's writes only:
   * inside a savepoint (the default), or, with `savepoint: false` (the message path, a statement fewer for every
   * command that succeeds), by throwing CommandFailed with its reply, so that the transaction rolls back and
   * handle() writes the reply in a new one. A refusal before it runs (role, arguments) is returned either way.
   */
  private async runCommand(
    tx: Tx,
    ctx: BaseContext,
    parsed: ParsedCommand,
    isAdmin: boolean | undefined,
    opts: { savepoint?: boolean } = {},
  ): Promise<CommandResult> {
    const cmd = parsed.command
    const { t } = ctx
    const usage = () => t('common.usage', { usage: ctx.usage() })
    let running = false
    try {
      // a supervisor acting on a compound they oversee never reaches the role check: read-only handlers or nothing
      const over = await oversightOf(ctx, parsed.args)
      if (over && !cmd.oversee) throw new UserError('oversight.readOnly')
      if (!over) {
        try {
          authorize(ctx, cmd, isAdmin)
        } catch (err) {
          if (err instanceof UserError && cmd.everydayWord && ctx.message.chat.kind === 'group' && !ctx.message.mentionsBot) return { replies: [] }
          throw err
        }
      }
      const args = over ? over.args : parsed.args
      // the length cap comes before any parsing: no parser ever sees more than a command can use
      const max = cmd.maxArgs ?? DEFAULT_MAX_ARGS
      const n = args.length > max ? codePoints(args) : 0
      if (n > max) throw new UserError('common.argsTooLong', { max, n }, true)
      const raw = cmd.parse ? cmd.parse(args, ctx.message) : { text: args }
      const valid = cmd.args.safeParse(raw)
      if (!valid.success) {
        const what = formatZodIssue(valid.error.issues[0], t)
        return { replies: [{ to: 'chat', text: `${what}\n${usage()}` }], error: 'user' }
      }
      let out: Reply[] = []
      const run = async (q: Tx) => {
        const runCtx = { ...ctx, tx: q }
        if (over && cmd.oversee) {
          out = await cmd.oversee({ ...runCtx, role: 'anyone', bindings: [], compound: over.compound, overseen: over.overseen, named: over.named }, valid.data)
          return
        }
        // a rule that needs the arguments (the ticket's assignee) reads them here, where the command runs
        await authorizeArgs(runCtx, cmd, valid.data)
        out = await cmd.run(runCtx as never, valid.data)
      }
      if (opts.savepoint === false) {
        running = true
        await run(tx)
      } else {
        await tx.transaction(run)
      }
      return { replies: out }
    } catch (err) {
      let result: CommandResult
      if (err instanceof UserError) {
        const text = t(err.key, err.params)
        result = { replies: [{ to: 'chat', text: err.withUsage ? `${text}\n${usage()}` : text }], error: 'user' }
      } else {
        log.error(
          { err, command: cmd.name, platform: ctx.message.platform, chat: ctx.message.chat.id, msg: ctx.message.id },
          'command failed',
        )
        result = { replies: [{ to: 'chat', text: t('common.internalError') }], error: 'internal' }
      }
      if (running) throw new CommandFailed(result)
      return result
    }
  }

  private writeOutbox(
    tx: Tx,
    msg: IncomingMessage,
    compound: Compound | null,
    replies: Reply[],
    inboxId: number | null,
  ): Promise<number[]> {
    return enqueueReplies(tx, compound, replies, { now: this.opts.clock.now(), inboxId, message: msg })
  }
  /** `origin` replies become edits of the pressed message; group texts get the same scrub as outbox rows. */
  private async originEdits(tx: Tx, msg: IncomingMessage, compound: Compound | null, replies: Reply[]): Promise<Outgoing[]> {
    const edits = replies.filter((r): r is Extract<Reply, { to: 'origin' }> => r.to === 'origin')
    if (edits.length === 0 || !msg.origin) return []
    const scrub = msg.chat.kind === 'group' ? await groupScrubber(tx, compound?.id ?? null) : (text: string) => resolvePersons(text, false)
    return edits.map((r) => ({
      text: scrub(r.text),
      ...(r.buttons ? { buttons: r.buttons.map((line) => line.map((b) => ({ ...b, text: scrub(b.text) }))) } : {}),
    }))
  }
}

class DuplicateInTx extends Error {}

type CommandResult = { replies: Reply[]; error?: 'user' | 'internal' }

/** A command refused or failed while it ran without a savepoint: its transaction must roll back (runCommand). */
class CommandFailed extends Error {
  constructor(readonly result: CommandResult) {
    super('command failed')
  }
}

/** Characters as a reader counts them (an emoji is one), in one linear pass. */
function codePoints(s: string): number {
  return s.length - (s.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0)
}

