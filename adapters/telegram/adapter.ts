// The Telegram adapter (grammY): long polling or a webhook in, Bot API calls out, through an outbound limiter.
// Thin by design: updates become IncomingMessage (normalize.ts), Outgoing becomes sendMessage / sendPhoto
// (outgoing.ts); commands never learn they run on Telegram. Its factory is index.ts.
import { type AutoRetryOptions, autoRetry } from '@grammyjs/auto-retry'
import { Bot, type Context, InputFile, type Transformer } from 'grammy'
import type { CallbackQuery, Message, Update, UserFromGetMe } from 'grammy/types'
import { t } from '../../src/i18n/index.ts'
import { log } from '../../src/log.ts'
import type { ChatAdapter, CommandEntry, MessageHandler, PrivateSendResult } from '../../src/core/adapter.ts'
import type { IncomingMessage, Outgoing } from '../../src/core/messages.ts'
import { MessageEditor, type MessageEditorOptions } from './edits.ts'
import { migratedTo, toAdapterError, topicGone } from './errors.ts'
import { type LimiterOptions, OutboundLimiter } from './limiter.ts'
import { botCommands, MENU_LANGUAGES } from './menu.ts'
import { langOf, normalizeCallback, normalizeMessage, startPayload } from './normalize.ts'
import { ChatQueue } from './chat-queue.ts'
import { apiChatId, inlineKeyboard, type Part, planOutgoing, splitTarget, splitText } from './outgoing.ts'
import type { TelegramMode } from './mode.ts'
import { WebhookServer } from './webhook.ts'

export interface TelegramAdapterOptions {
  token: string
  mode: TelegramMode
  /** a self-hosted Bot API server (TELEGRAM_API_ROOT) */
  apiRoot?: string
  /** a ready Bot (tests: with botInfo and a recording transformer installed first) */
  bot?: Bot
  /** the commands, for the "/" menu */
  commands?: readonly CommandEntry[]
  /** a group became a supergroup: move its binding to the new id */
  onChatMigrated?: (oldId: string, newId: string) => Promise<void>
  limits?: Partial<LimiterOptions>
  /** retry_after up to this many seconds is waited out inside the call; longer ones go back to the outbox */
  autoRetry?: Partial<AutoRetryOptions>
  /** getChatMember answers are reused this long */
  adminCacheMs?: number
  /**
   * How long an update handler waits for its message to be handled before letting the next update in (the work
   * goes on in the background; messages of one chat stay in order). Keeps webhook answers under Telegram's timeout.
   */
  handlerWaitMs?: number
  now?: () => number
  /** message edits (live poll tallies): at most one per message per `intervalMs` (default 10 s) */
  edits?: Pick<MessageEditorOptions, 'intervalMs' | 'sleep'>
}

/** The update types the bot asks for; edited messages, reactions and the rest are never delivered. */
export const ALLOWED_UPDATES = ['message', 'callback_query'] as const
/** The deep-link payload of the private-chat hint (`t.me/<bot>?start=dm`). */
export const START_PAYLOAD = 'dm'

const ADMIN_STATUSES = new Set(['creator', 'administrator'])

export class TelegramAdapter implements ChatAdapter {
  readonly platform = 'telegram' as const
  readonly bot: Bot
  readonly limiter: OutboundLimiter
  /** resolves when the "/" menu has been published (or failed, which is only logged) */
  commandsPublished: Promise<void> = Promise.resolve()
  private handle: (MessageHandler) | undefined
  private readonly adminCache = new Map<string, { admin: boolean; at: number }>()
  private readonly chats: ChatQueue
  /** trailing message edits waiting for their interval: stop() lets them go out */
  private readonly scheduledEdits = new Set<Promise<void>>()
  private polling: Promise<void> | undefined
  private webhook: WebhookServer | undefined
  private stopped = false
  private readonly now: () => number
  private readonly editor: MessageEditor

  constructor(private readonly opts: TelegramAdapterOptions) {
    this.now = opts.now ?? (() => Date.now())
    this.editor = new MessageEditor({
      ...opts.edits,
      now: this.now,
      apply: (chatId, messageId, out) => this.applyEdit(chatId, messageId, out),
      track: (p) => this.track(p),
    })
    this.limiter = new OutboundLimiter({ now: this.now, ...opts.limits })
    this.chats = new ChatQueue(opts.handlerWaitMs ?? 8_000)
    // a request that hangs must not hold the outbox for grammY's default 500 s (long polls take 30 s)
    const client = { timeoutSeconds: 75, ...(opts.apiRoot ? { apiRoot: opts.apiRoot } : {}) }
    this.bot = opts.bot ?? new Bot(opts.token, { client })
    // inner: hold requests to a chat that got a 429 until retry_after; outer: auto-retry short 429s
    this.bot.api.config.use(this.rateLimitGate)
    this.bot.api.config.use(
      autoRetry({ maxDelaySeconds: 5, maxRetryAttempts: 3, rethrowHttpErrors: true, rethrowInternalServerErrors: true, ...opts.autoRetry }),
    )
    this.bot.use((ctx) => this.onUpdate(ctx))
    this.bot.catch((err) => log.error({ err: err.error, update: err.ctx.update.update_id }, 'telegram update failed'))
  }

  get me(): UserFromGetMe {
    return this.bot.botInfo
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  async start(handle: MessageHandler): Promise<void> {
    this.handle = handle
    const mode = this.opts.mode
    if (mode.kind === 'polling') {
      await new Promise<void>((resolve, reject) => {
        let started = false
        this.polling = this.bot
          .start({
            allowed_updates: [...ALLOWED_UPDATES],
            onStart: () => {
              started = true
              resolve()
            },
          })
          .catch((err: unknown) => {
            if (!started) reject(err)
            else log.fatal({ err }, 'telegram long polling stopped')
          })
      })
    } else {
      await this.bot.init()
      if (mode.kind === 'webhook') {
        this.webhook = new WebhookServer({
          port: mode.port,
          host: mode.host,
          path: mode.path,
          secret: mode.secret,
          onUpdate: (u) => this.bot.handleUpdate(u),
          onError: (err) => log.error({ err }, 'telegram webhook request failed'),
        })
        const addr = await this.webhook.listen()
        try {
          await this.bot.api.setWebhook(mode.url, { secret_token: mode.secret, allowed_updates: [...ALLOWED_UPDATES] })
        } catch (err) {
          await this.webhook.close()
          this.webhook = undefined
          throw toAdapterError(err)
        }
        log.info({ port: addr.port, path: mode.path }, 'telegram webhook listening')
      }
    }
    log.info({ bot: this.me.username, mode: mode.kind, privacyMode: !this.me.can_read_all_group_messages }, 'telegram started')
    this.commandsPublished = this.publishCommands()
  }

  /** Stop taking updates, then wait for the ones being handled. Sending keeps working (the outbox drains after). */
  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    if (this.polling) {
      await this.bot.stop().catch((err: unknown) => log.warn({ err }, 'telegram: could not confirm the last update'))
      await this.polling
    }
    await this.webhook?.close()
    await this.chats.idle()
    while (this.scheduledEdits.size > 0) await Promise.allSettled([...this.scheduledEdits])
  }

  private track(edit: Promise<void>): void {
    this.scheduledEdits.add(edit)
    void edit.finally(() => this.scheduledEdits.delete(edit))
  }

  /** Resolves when every update received so far has been handled (tests). */
  idle(): Promise<void> {
    return this.chats.idle()
  }

  webhookAddress(): { port: number } | undefined {
    return this.webhook?.address()
  }

  private async publishCommands(): Promise<void> {
    const commands = this.opts.commands ?? []
    for (const [languageCode, lang] of MENU_LANGUAGES) {
      try {
        await this.bot.api.setMyCommands(botCommands(commands, lang), languageCode ? { language_code: languageCode } : undefined)
      } catch (err) {
        log.warn({ err, languageCode }, 'telegram setMyCommands failed; the "/" menu may be out of date')
      }
    }
  }

  // ---- incoming --------------------------------------------------------------------------------

  private async onUpdate(ctx: Context): Promise<void> {
    const u: Update = ctx.update
    if (this.stopped) return
    if (u.message) return this.onMessage(u.message, u.update_id)
    if (u.callback_query) return this.onCallback(u.callback_query, u.update_id)
    // edited_message, channel posts, reactions…: not commands
    log.debug({ update: u.update_id, kinds: Object.keys(u).filter((k) => k !== 'update_id') }, 'telegram update ignored')
  }

  private async onMessage(m: Message, updateId: number): Promise<void> {
    const chatId = String(m.chat.id)
    if (m.migrate_to_chat_id !== undefined) return this.migrate(chatId, String(m.migrate_to_chat_id))
    if (m.migrate_from_chat_id !== undefined) return this.migrate(String(m.migrate_from_chat_id), chatId)
    const payload = startPayload(m, this.me)
    if (payload !== null) {
      // the user followed the private-chat link: from now on private replies reach them
      log.info({ update: updateId, user: m.from?.id, payload }, 'telegram private chat opened')
      return this.chats.enqueue(chatId, () => this.send(chatId, { text: t(langOf(m.from?.language_code), 'telegram.privateChatOpened') }))
    }
    const notes = m.chat.type === 'private' ? [] : await this.privacyNotes(chatId)
    const msg = normalizeMessage(m, { me: this.me, platformNotes: notes })
    if (!msg) {
      log.debug({ update: updateId, chat: chatId, msg: m.message_id }, 'telegram message ignored')
      return
    }
    log.debug({ update: updateId, chat: msg.chat.id, msg: msg.id }, 'telegram message')
    return this.chats.enqueue(msg.chat.id, () => this.deliverIncoming(msg))
  }

  private async onCallback(q: CallbackQuery, updateId: number): Promise<void> {
    const msg = normalizeCallback(q, this.me, new Date(this.now()))
    // answer at once (the spinner stops); the command's own reply follows, privately or in the chat
    await this.bot.api
      .answerCallbackQuery(q.id, { text: t(langOf(q.from.language_code), 'telegram.buttonReceived') })
      .catch((err: unknown) => log.warn({ err, update: updateId }, 'telegram answerCallbackQuery failed'))
    if (!msg) return
    log.debug({ update: updateId, chat: msg.chat.id, msg: msg.id, data: msg.text }, 'telegram button')
    return this.chats.enqueue(msg.chat.id, () => this.deliverIncoming(msg))
  }

  private async deliverIncoming(msg: IncomingMessage): Promise<void> {
    if (!this.handle) {
      log.warn({ chat: msg.chat.id, msg: msg.id }, 'telegram message before start; dropped')
      return
    }
    await this.handle(msg)
  }

  /** With privacy mode on and the bot not an admin here, the bot sees only slash commands: `帮助` says so. */
  private async privacyNotes(chatId: string): Promise<string[]> {
    if (this.me.can_read_all_group_messages) return []
    try {
      return (await this.isChatAdmin(chatId, String(this.me.id))) ? [] : ['telegram.privacyModeOn']
    } catch {
      return ['telegram.privacyModeOn']
    }
  }

  private async migrate(oldId: string, newId: string): Promise<void> {
    for (const key of this.adminCache.keys()) if (key.startsWith(`${oldId}:`)) this.adminCache.delete(key)
    if (!this.opts.onChatMigrated) {
      log.warn({ from: oldId, to: newId }, 'telegram chat migrated but no database is wired; rebind the new supergroup')
      return
    }
    try {
      await this.opts.onChatMigrated(oldId, newId)
    } catch (err) {
      log.error({ err, from: oldId, to: newId }, 'telegram chat migration failed')
    }
  }

  // ---- outgoing --------------------------------------------------------------------------------

  async send(chatId: string, out: Outgoing): Promise<void> {
    await this.deliver(chatId, out)
  }

  edit(chatId: string, messageId: string, out: Outgoing): Promise<void> {
    return this.editor.edit(chatId, messageId, out)
  }

  private async applyEdit(chatId: string, messageId: string, out: Outgoing): Promise<void> {
    // an edited message is one message: past 4096 characters the end (the tally's last lines) is left off
    const [text] = splitText(out.text)
    if (!text) return
    // the keyboard must be sent again, or the edit removes it
    const keyboard = inlineKeyboard(out.buttons)
    await this.limiter.schedule<unknown>(chatId, () =>
      this.bot.api.editMessageText(apiChatId(chatId), Number(messageId), text, {
        link_preview_options: { is_disabled: true },
        ...(keyboard ? { reply_markup: keyboard } : {}),
      }),
    )
  }

  async sendPrivate(userId: string, out: Outgoing): Promise<PrivateSendResult> {
    // an anonymous admin or a channel (negative id) is not a person: never "privately" post into a group
    if (!/^\d+$/.test(userId)) return 'unreachable'
    try {
      await this.deliver(userId, out)
      return 'sent'
    } catch (err) {
      const e = toAdapterError(err)
      if (e.code === 'permission' || e.code === 'not_found') {
        log.info({ user: userId, reason: e.message }, 'telegram private chat unreachable')
        return 'unreachable'
      }
      throw e
    }
  }

  privateChatHint(_userId: string): string {
    return `https://t.me/${this.me.username}?start=${START_PAYLOAD}`
  }

  private async deliver(to: string, out: Outgoing): Promise<void> {
    const { chatId, topic: wanted } = splitTarget(to)
    let topic = wanted
    const parts = planOutgoing(out, (b) => log.warn({ chat: chatId, data: b.data }, 'telegram button dropped (data over 64 bytes)'))
    let target = chatId
    for (const part of parts) {
      try {
        await this.sendPart(target, part, topic)
      } catch (err) {
        if (topic !== undefined && topicGone(err)) {
          // the topic was closed or deleted since: the answer goes to the group's General topic instead
          log.info({ chat: target, topic }, 'telegram forum topic gone; sending to the chat')
          topic = undefined
          await this.sendPart(target, part).catch((again: unknown) => {
            throw toAdapterError(again)
          })
          continue
        }
        const to = migratedTo(err)
        if (to === undefined) throw toAdapterError(err)
        // the group became a supergroup: re-key and send there
        await this.migrate(target, to)
        target = to
        try {
          await this.sendPart(target, part)
        } catch (again) {
          throw toAdapterError(again)
        }
      }
    }
  }

  private sendPart(chatId: string, part: Part, topic?: number): Promise<unknown> {
    return this.limiter.schedule<unknown>(chatId, () => {
      const chat = apiChatId(chatId)
      const extra = { ...(part.keyboard ? { reply_markup: part.keyboard } : {}), ...(topic !== undefined ? { message_thread_id: topic } : {}) }
      if (part.kind === 'text') {
        return this.bot.api.sendMessage(chat, part.text, { link_preview_options: { is_disabled: true }, ...extra })
      }
      if (part.kind === 'document') return this.bot.api.sendDocument(chat, new InputFile(part.bytes, part.name), extra)
      return this.bot.api.sendPhoto(chat, new InputFile(part.png, 'image.png'), {
        ...(part.caption ? { caption: part.caption } : {}),
        ...extra,
      })
    })
  }

  // ---- admins ----------------------------------------------------------------------------------

  async isChatAdmin(chatId: string, userId: string): Promise<boolean> {
    if (!chatId.startsWith('-')) return false
    // an anonymous admin speaks as the chat itself
    if (userId === chatId) return true
    if (!/^\d+$/.test(userId)) return false
    const key = `${chatId}:${userId}`
    const cached = this.adminCache.get(key)
    const ttl = this.opts.adminCacheMs ?? 60_000
    if (cached && this.now() - cached.at < ttl) return cached.admin
    let admin: boolean
    try {
      const member = await this.bot.api.getChatMember(apiChatId(chatId), Number(userId))
      admin = ADMIN_STATUSES.has(member.status)
    } catch (err) {
      throw toAdapterError(err)
    }
    if (this.adminCache.size > 10_000) this.adminCache.clear()
    this.adminCache.set(key, { admin, at: this.now() })
    return admin
  }

  // ---- rate limits -----------------------------------------------------------------------------

  /** Every request naming a chat waits out that chat's 429; a 429 blocks the chat for retry_after. */
  private readonly rateLimitGate: Transformer = async (prev, method, payload, signal) => {
    const raw = (payload as { chat_id?: unknown } | undefined)?.chat_id
    const chat = typeof raw === 'number' || typeof raw === 'string' ? String(raw) : undefined
    if (chat !== undefined) await this.limiter.waitUnblocked(chat)
    const res = await prev(method, payload, signal)
    if (!res.ok && res.error_code === 429 && chat !== undefined) {
      const seconds = res.parameters?.retry_after ?? 1
      this.limiter.block(chat, seconds * 1000)
      log.warn({ method, chat, retryAfter: seconds }, 'telegram 429')
    }
    return res
  }
}
