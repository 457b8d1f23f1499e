// The WeChat adapter: a wechaty bot (wechaty-puppet-service in production, any puppet in tests)
// behind the ChatAdapter seam. It only normalizes messages, delivers Outgoing through a rate-limited
// queue, answers "is this the room owner", and keeps a little bookkeeping (topics, greetings).
import { resolve } from 'node:path'
import { FileBox } from 'file-box'
import {
  type Contact,
  type ContactSelf,
  type Message,
  qrcodeValueToImageUrl,
  type Room,
  ScanStatus,
  WechatyBuilder,
  type WechatyOptions,
} from 'wechaty'
import type { WechatyInterface } from 'wechaty/impls'
import { log } from '../../src/log.ts'
import { AdapterError, type ChatAdapter, type MessageHandler, type PrivateSendResult } from '../../src/core/adapter.ts'
import type { IncomingMessage, Outgoing } from '../../src/core/messages.ts'
import { isConnectivityError, toAdapterError } from './errors.ts'
import { normalizeMessage, type Skip } from './normalize.ts'
import { terminalQr } from './qr.ts'
import { OutboundQueue, type QueueOptions } from './queue.ts'
import { SeenMessages } from './seen.ts'
import type { WechatStore } from './store.ts'

export interface WechatAdapterOptions {
  /** a wechaty puppet instance: PuppetService in production, PuppetMock (or PuppetService to a test server) in tests */
  puppet: Exclude<NonNullable<WechatyOptions['puppet']>, string>
  /** LINLI_DATA_DIR: photos are saved under `<dataDir>/wechat-images/` */
  dataDir: string
  /** configured names the bot answers to besides its WeChat name (LINLI_BOT_NAME, 邻里, …) */
  botNames?: string[]
  /** topics, greetings and logout notices; without it those are only logged */
  store?: WechatStore
  /** the outbound queue, or its limits */
  queue?: OutboundQueue | QueueOptions
  /** same text, same talker, same chat within this window under a new id is a redelivery (default 3 s) */
  redeliveryWindowMs?: number
  /** injectable clock (epoch ms) for the redelivery window */
  now?: () => number
  /** where the login QR code is printed (default stderr) */
  printQr?: (text: string) => void
  /** log the rooms the account is in at login, for `linli chat link wechat <room-id>` (default true) */
  listRoomsOnLogin?: boolean
  /** least time between two "logged out" notices to the heads (default 30 min) */
  logoutNoticeEveryMs?: number
  /** while the puppet service cannot be reached and the account is not logged in, retry after [first, most] ms, doubling (default 15 s … 5 min) */
  reconnectDelayMs?: readonly [number, number]
  /** every wechaty message event and what became of it (tests, debugging) */
  onTrace?: (trace: WechatTrace) => void
}

export interface WechatTrace {
  id: string
  chat?: string
  talker?: string
  text?: string
  result: 'handled' | 'duplicate' | 'redelivery' | 'failed' | Skip
}

/** longest a chat's next message waits for the previous one's handling (replies included) */
const CHAIN_WAIT_MS = 5_000
const DEFAULT_RECONNECT: readonly [number, number] = [15_000, 5 * 60_000]

export class WechatAdapter implements ChatAdapter {
  readonly platform = 'wechat' as const
  /** every send goes through one OutboundQueue: the outbox delivers in id order (see ChatAdapter) */
  readonly sendsOneAtATime = true
  readonly bot: WechatyInterface
  readonly queue: OutboundQueue
  private handle?: MessageHandler
  private readonly now: () => number
  private readonly imageDir: string
  private readonly seen: SeenMessages
  /** per-conversation chains so a chat's messages are handled in order */
  private readonly chains = new Map<string, Promise<void>>()
  private readonly inflight = new Set<Promise<void>>()
  private readonly bound = new Map<string, { bound: boolean; until: number }>()
  private selfName: string | undefined
  private lastLogoutNotice = -Infinity
  private stopped = false
  private reconnectTimer: NodeJS.Timeout | undefined
  private reconnectDelay: number

  constructor(private readonly opts: WechatAdapterOptions) {
    this.bot = WechatyBuilder.build({ puppet: opts.puppet }) as WechatyInterface
    this.queue = opts.queue instanceof OutboundQueue ? opts.queue : new OutboundQueue(opts.queue)
    this.now = opts.now ?? Date.now
    this.seen = new SeenMessages(opts.redeliveryWindowMs ?? 3_000)
    this.imageDir = resolve(opts.dataDir, 'wechat-images')
    this.reconnectDelay = (opts.reconnectDelayMs ?? DEFAULT_RECONNECT)[0]
    this.wire()
  }

  // ---- lifecycle --------------------------------------------------------------------------

  async start(handle: MessageHandler): Promise<void> {
    this.handle = handle
    this.stopped = false
    this.queue.open()
    // never throws on a connection failure: the puppet emits `error` and we keep waiting for `login`
    await this.bot.start()
    log.info({ puppet: this.bot.puppet.name() }, 'wechat: started; waiting for login')
  }

  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    this.reconnectTimer = undefined
    this.queue.close()
    await this.whenIdle(10_000)
    await this.bot.stop().catch((err: unknown) => log.warn({ err }, 'wechat: stop failed'))
    log.info('wechat: stopped')
  }

  /** Resolves when every message taken so far has been handled (or after `timeoutMs`). */
  async whenIdle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (this.inflight.size > 0 && Date.now() < deadline) {
      const left = deadline - Date.now()
      await Promise.race([Promise.allSettled([...this.inflight]), new Promise((res) => setTimeout(res, left).unref())])
    }
  }

  get loggedIn(): boolean {
    return this.handle !== undefined && !this.stopped && this.bot.isLoggedIn
  }

  private wire(): void {
    const bot = this.bot
    // a wechaty `error` event without a listener kills the process
    bot.on('error', (err) => this.onError(err))
    bot.on('scan', (qrcode, status) => void this.onScan(qrcode, status).catch((err) => log.warn({ err }, 'wechat: scan')))
    bot.on('login', (user) => void this.onLogin(user).catch((err) => log.warn({ err }, 'wechat: login handler')))
    bot.on('logout', (user, reason) => void this.onLogout(user, reason).catch((err) => log.warn({ err }, 'wechat: logout')))
    bot.on('ready', () => log.info('wechat: ready'))
    bot.on('stop', () => log.info('wechat: bot stopped'))
    bot.on('message', (msg) => this.onMessage(msg))
    bot.on('room-topic', (room, topic, old) => void this.onTopic(room, topic, old).catch((err) => log.warn({ err }, 'wechat: topic')))
    bot.on('room-join', (room, invitees) => void this.onJoin(room, invitees).catch((err) => log.warn({ err }, 'wechat: join')))
  }

  private onError(err: unknown): void {
    log.error({ err }, 'wechat: puppet error')
    // a failed start (or a drop before login) leaves the puppet service stopped: nothing retries by itself
    if (this.stopped || !this.handle || this.bot.isLoggedIn || !isConnectivityError(err)) return
    this.scheduleReconnect()
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer || this.stopped) return
    const delay = this.reconnectDelay
    this.reconnectDelay = Math.min((this.opts.reconnectDelayMs ?? DEFAULT_RECONNECT)[1], delay * 2)
    log.warn({ delayMs: delay }, 'wechat: the puppet service is unreachable; reconnecting later')
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined
      void this.reconnect()
    }, delay)
  }

  private async reconnect(): Promise<void> {
    if (this.stopped || this.bot.isLoggedIn) return
    const puppet = this.bot.puppet as unknown as { state?: { active(): boolean | 'pending' }; start(): Promise<void>; reset(): Promise<void> }
    const active = puppet.state?.active()
    log.info({ active }, 'wechat: reconnecting to the puppet service')
    try {
      // started but not getting anywhere: stop and start; stopped after a failed start: start
      if (active === true) await puppet.reset()
      else if (active === 'pending') this.scheduleReconnect() // still trying: look again later
      else await puppet.start()
    } catch (err) {
      // the puppet has emitted `error` for it, which schedules the next attempt
      log.debug({ err }, 'wechat: reconnect failed')
    }
  }

  private async onScan(qrcode: string, status: ScanStatus): Promise<void> {
    if (!qrcode || (status !== ScanStatus.Waiting && status !== ScanStatus.Timeout)) {
      log.info({ status: ScanStatus[status] }, 'wechat: login scan status')
      return
    }
    const url = qrcodeValueToImageUrl(qrcode)
    log.info({ url }, 'wechat: scan the QR code to log in')
    const print = this.opts.printQr ?? ((s: string) => process.stderr.write(s))
    const art = await terminalQr(qrcode)
    print(`${art ? `${art}\n` : ''}Scan to log in Linli's WeChat account: ${url}\n`)
  }

  private async onLogin(user: ContactSelf): Promise<void> {
    this.selfName = user.name()
    this.reconnectDelay = (this.opts.reconnectDelayMs ?? DEFAULT_RECONNECT)[0]
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    this.reconnectTimer = undefined
    log.info({ user: user.id, name: this.selfName }, 'wechat: logged in')
    if (this.opts.listRoomsOnLogin === false) return
    const rooms = await this.bot.Room.findAll()
    log.info({ rooms: rooms.length }, 'wechat: rooms of this account (bind one with 开通, or `linli chat link wechat <room-id>`)')
    for (const room of rooms.slice(0, 200)) {
      log.info({ room: room.id, topic: await room.topic().catch(() => '') }, 'wechat: room')
    }
  }

  private async onLogout(user: ContactSelf, reason?: string): Promise<void> {
    if (this.stopped) {
      log.info({ user: user.id, reason }, 'wechat: logged out (stopping)')
      return
    }
    log.error({ user: user.id, reason }, 'wechat: logged out; the WeChat groups get no answers until the account logs in again')
    const every = this.opts.logoutNoticeEveryMs ?? 30 * 60_000
    if (!this.opts.store || this.now() - this.lastLogoutNotice < every) return
    this.lastLogoutNotice = this.now()
    const n = await this.opts.store.notifyHeads('wechat.loggedOut', { reason: reason || 'logout' })
    log.info({ heads: n }, 'wechat: logout notice queued for the heads on other platforms')
  }

  private async onTopic(room: Room, topic: string, old: string): Promise<void> {
    log.info({ room: room.id, topic, old }, 'wechat: room topic')
    await this.opts.store?.recordTopic(room.id, topic)
  }

  private async onJoin(room: Room, invitees: Contact[]): Promise<void> {
    const selfId = this.bot.isLoggedIn ? this.bot.currentUser.id : undefined
    if (selfId && invitees.some((c) => c.id === selfId)) {
      log.info({ room: room.id, topic: await room.topic().catch(() => '') }, 'wechat: the bot was added to a room (开通 by the owner binds it)')
    }
    const joined = invitees.filter((c) => c.id !== selfId).map((c) => ({ id: c.id, name: c.name() }))
    if (joined.length === 0 || !this.opts.store) return
    const text = await this.opts.store.greetingFor(room.id, joined)
    if (!text) return
    await this.send(room.id, { text }).catch((err) => log.warn({ err, room: room.id }, 'wechat: greeting not sent'))
  }

  // ---- incoming ---------------------------------------------------------------------------

  private onMessage(msg: Message): void {
    const now = this.now()
    const id = msg.id
    if (!this.seen.take(id, now)) {
      this.trace({ id, result: 'duplicate' })
      return
    }
    let key: string
    try {
      key = msg.room()?.id ?? msg.talker().id
    } catch {
      key = id
    }
    // in order per chat, but a reply stuck in the rate-limited queue does not hold the chat up for long
    const prev = this.chains.get(key)
    const after = prev ? Promise.race([prev, new Promise<void>((res) => setTimeout(res, CHAIN_WAIT_MS).unref())]) : Promise.resolve()
    const run = after.then(() => this.take(msg, now))
    this.chains.set(key, run)
    this.inflight.add(run)
    void run.finally(() => {
      this.inflight.delete(run)
      if (this.chains.get(key) === run) this.chains.delete(key)
    })
  }

  private async take(msg: Message, receivedAt: number): Promise<void> {
    let m: IncomingMessage | Skip
    try {
      m = await normalizeMessage(msg, {
        imageDir: this.imageDir,
        selfNames: this.selfName ? [this.selfName] : [],
        extraNames: this.opts.botNames,
        ...(this.opts.store ? { keepImagesFrom: (roomId: string) => this.isBound(roomId) } : {}),
      })
    } catch (err) {
      log.warn({ err, msg: msg.id }, 'wechat: message not understood')
      this.trace({ id: msg.id, result: 'failed' })
      return
    }
    if (typeof m === 'string') {
      this.trace({ id: msg.id, result: m })
      return
    }
    const base = { id: m.id, chat: m.chat.id, talker: m.sender.id, text: m.text }
    const first = this.seen.redeliveryOf(m, receivedAt)
    if (first !== undefined) {
      log.info({ chat: m.chat.id, msg: m.id, first }, 'wechat: same text again within the window: a redelivery, dropped')
      this.trace({ ...base, result: 'redelivery' })
      return
    }
    if (!this.handle || this.stopped) {
      this.trace({ ...base, result: 'failed' })
      return
    }
    let failed: boolean
    try {
      failed = (await this.handle(m))?.status === 'failed'
    } catch (err) {
      log.error({ err, chat: m.chat.id, msg: m.id }, 'wechat: message handler failed')
      failed = true
    }
    if (failed) {
      // nothing was written and the sender was told to try again: the same message again (a re-emit, or the
      // same text typed again at once) must be handled then, not dropped as a duplicate
      this.seen.forget(m)
    }
    this.trace({ ...base, result: failed ? 'failed' : 'handled' })
  }

  /** whether a room is bound to a compound, cached for a minute */
  private async isBound(roomId: string): Promise<boolean> {
    const now = this.now()
    const hit = this.bound.get(roomId)
    if (hit && hit.until > now) return hit.bound
    const bound = await this.opts.store!.isBoundRoom(roomId).catch(() => true)
    if (this.bound.size > 5_000) this.bound.clear()
    this.bound.set(roomId, { bound, until: now + (bound ? 10 * 60_000 : 15_000) })
    return bound
  }

  private trace(t: WechatTrace): void {
    log.debug(t, 'wechat: message')
    this.opts.onTrace?.(t)
  }

  // ---- outgoing ---------------------------------------------------------------------------

  async send(chatId: string, out: Outgoing): Promise<void> {
    this.ensureLoggedIn()
    const target = chatId.endsWith('@chatroom') ? await this.room(chatId) : ((await this.contact(chatId)) ?? (await this.room(chatId)))
    await this.say(chatId, target, out)
  }

  async sendPrivate(userId: string, out: Outgoing): Promise<PrivateSendResult> {
    this.ensureLoggedIn()
    const contact = await this.contact(userId)
    if (!contact) return 'unreachable'
    // WeChat lets the bot write to its contacts only
    const friend = contact.friend()
    if (friend === false) return 'unreachable'
    try {
      await this.say(userId, contact, out)
      return 'sent'
    } catch (err) {
      if (friend === true || (err instanceof AdapterError && err.code !== 'unknown')) throw err
      // the puppet does not say whether this is a contact, and the send failed: treat as not a contact
      log.info({ err, user: userId }, 'wechat: private message refused; treated as unreachable')
      return 'unreachable'
    }
  }

  async isChatAdmin(chatId: string, userId: string): Promise<boolean> {
    if (!this.handle || !this.bot.isLoggedIn || !chatId.endsWith('@chatroom')) return false
    try {
      const room = await this.bot.Room.find({ id: chatId })
      if (!room) return false
      if (isOwnerOrAdmin(room, userId)) return true
      // the payload may be stale (ownership handed over): fetch it once more
      await room.sync()
      return isOwnerOrAdmin(room, userId)
    } catch (err) {
      // the puppet cannot tell: not an admin (the operator can bind with `linli chat link`)
      log.warn({ err, room: chatId }, 'wechat: room owner unknown')
      return false
    }
  }

  private ensureLoggedIn(): void {
    if (this.stopped || !this.handle) throw new AdapterError('wechat: the adapter is not running', 'network', 5_000)
    if (!this.bot.isLoggedIn) throw new AdapterError('wechat: not logged in', 'network', 60_000)
  }

  private async say(target: string, to: Room | Contact, out: Outgoing): Promise<void> {
    // the text, then a picture, then a document; as base64 boxes: a buffer one cannot reach a puppet service (file-box #25)
    const box = (bytes: Uint8Array, name: string) => FileBox.fromBase64(Buffer.from(bytes).toString('base64'), name)
    const boxes = [...(out.image ? [box(out.image.png, 'linli.png')] : []), ...(out.file ? [box(out.file.bytes, out.file.name)] : [])]
    const send = (say: () => Promise<unknown>) =>
      this.queue.run(target, say).catch((err: unknown) => {
        throw toAdapterError(err)
      })
    await send(() => to.say(out.text))
    for (const b of boxes) await send(() => to.say(b))
  }

  private async room(id: string): Promise<Room> {
    // find({ id }) loads the payload; when the puppet does not know the room it emits `error` and returns undefined
    const room = await this.bot.Room.find({ id })
    // not 'not_found' (permanent): the puppet also answers so while its connection is down; the outbox retries a few times
    if (!room) throw new AdapterError(`wechat: room ${id} not found`, 'unknown', 60_000)
    return room
  }

  private async contact(id: string): Promise<Contact | undefined> {
    const contact = await this.bot.Contact.find({ id })
    if (!contact) log.info({ user: id }, 'wechat: contact not found')
    return contact
  }
}

function isOwnerOrAdmin(room: Room, userId: string): boolean {
  if (room.owner()?.id === userId) return true
  return room.payload?.adminIdList?.includes(userId) ?? false
}
