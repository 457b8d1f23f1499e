// Wires database, pipeline, outbox and adapters; the same wiring serves `linli start`, the sandbox and tests.
import type { ChatAdapter } from './core/adapter.ts'
import type { IncomingMessage, Outgoing } from './core/messages.ts'
import type { Database } from '../db/client.ts'
import { commands as allCommands, passiveHandlers } from '../commands/index.ts'
import { botNames, type Config } from './config.ts'
import { t } from './i18n/index.ts'
import { log } from './log.ts'
import { OutboxDispatcher } from './outbox/dispatcher.ts'
import type { AnyCommand, Clock } from './pipeline/command.ts'
import { type HandleOutcome, Pipeline, type PipelineHooks } from './pipeline/pipeline.ts'

export interface AppOptions {
  database: Database
  config: Config
  clock?: Clock
  adapters?: ChatAdapter[]
  commands?: readonly AnyCommand[]
  /** test-only seams (test/reliability crash tests); production passes none */
  hooks?: AppHooks
}

/** Test-only seams: the pipeline's, plus one after the message's transaction committed, before its replies are sent. */
export interface AppHooks extends PipelineHooks {
  afterCommit?(msg: IncomingMessage): Promise<void>
}

/** Background parts of the running bot (the scheduler): started after the adapters, stopped first (src/main.ts). */
export interface Service {
  start(app: App): Promise<void>
  stop(): Promise<void>
}

export const systemClock: Clock = { now: () => new Date() }

/** A clock that starts at `start` and then runs with real time (LINLI_NOW). */
export function offsetClock(start: Date): Clock {
  const offset = start.getTime() - Date.now()
  return { now: () => new Date(Date.now() + offset) }
}

export class App {
  readonly pipeline: Pipeline
  readonly dispatcher: OutboxDispatcher
  readonly adapters: Map<string, ChatAdapter>
  readonly clock: Clock

  constructor(readonly opts: AppOptions) {
    this.clock = opts.clock ?? (opts.config.LINLI_NOW ? offsetClock(new Date(opts.config.LINLI_NOW)) : systemClock)
    this.adapters = new Map((opts.adapters ?? []).map((a) => [a.platform, a]))
    this.pipeline = new Pipeline({
      database: opts.database,
      commands: opts.commands ?? allCommands,
      passive: passiveHandlers,
      config: opts.config,
      clock: this.clock,
      botNames: botNames(opts.config),
      adapters: Object.fromEntries(this.adapters),
      hooks: opts.hooks,
    })
    this.dispatcher = new OutboxDispatcher(opts.database, this.adapters, { compounds: opts.config.LINLI_DELIVER_COMPOUNDS })
  }

  /** Handle one incoming message and deliver its replies. Never throws: the process keeps running. */
  readonly handle = async (msg: IncomingMessage): Promise<HandleOutcome | { status: 'failed' }> => {
    let outcome: HandleOutcome
    try {
      outcome = await this.pipeline.handle(msg)
    } catch (err) {
      // the transaction itself failed (database down): nothing was written, so a redelivery will be processed
      log.error({ err, platform: msg.platform, chat: msg.chat.id, msg: msg.id }, 'message not handled')
      await this.tellTryLater(msg)
      return { status: 'failed' }
    }
    if (outcome.status === 'handled' && this.opts.hooks?.afterCommit) await this.opts.hooks.afterCommit(msg)
    if (outcome.status === 'handled' && this.opts.config.LINLI_DELIVERY === 'on') {
      await this.dispatcher.flush().catch((err) => log.error({ err }, 'outbox flush failed'))
    }
    if (outcome.status === 'handled' && outcome.edits) await this.applyEdits(msg, outcome.edits)
    return outcome
  }

  /** Edits of the pressed message go straight to the adapter that received it: latest state, nothing to retry. */
  private async applyEdits(msg: IncomingMessage, edits: Outgoing[]): Promise<void> {
    const adapter = this.adapters.get(msg.platform)
    if (!msg.origin || !adapter?.edit) return
    for (const out of edits) {
      await adapter.edit(msg.chat.id, msg.origin.messageId, out).catch((err: unknown) => {
        log.warn({ err, platform: msg.platform, chat: msg.chat.id, origin: msg.origin?.messageId }, 'message edit failed')
      })
    }
  }

  private async tellTryLater(msg: IncomingMessage): Promise<void> {
    if (this.pipeline.parser.parse(msg.text, { botNames: msg.botNames }).kind !== 'command') return
    const adapter = this.adapters.get(msg.platform)
    if (!adapter) return
    const text = t('zh-CN', 'common.tryLater')
    try {
      if (msg.chat.kind === 'group') await adapter.send(msg.chat.replyTarget ?? msg.chat.id, { text })
      else await adapter.sendPrivate(msg.sender.id, { text })
    } catch (err) {
      log.warn({ err }, 'could not tell the user to try later')
    }
  }
}
