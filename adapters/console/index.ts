// The console sandbox: a terminal group chat (TTY) or a JSON-lines protocol (pipes, --jsonl).
// JSON lines in:  {"chat":"g1","from":"u1","name":"张三","text":"帮助","id":"m1","admin":true,"private":false,
//                  "image":"<path>","replyTo":"<id>","username":"alice","mentions":[{"id":"u2"},{"username":"bob"}]}
// JSON lines out: {"chat":"g1","text":"…"} | {"user":"u1","text":"…"} (+ "image":"<png path>", + "file":"<document path>")
import { mkdirSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { cleanDisplayName } from '../../src/domain/display-name.ts'
import type { ChatAdapter, MessageHandler, PrivateSendResult } from '../../src/core/adapter.ts'
import type { ImageRef, IncomingMessage, Mention, Outgoing } from '../../src/core/messages.ts'
import { runInteractive } from './interactive.ts'

export const SANDBOX_GROUP = 'g1'

export interface ConsoleOptions {
  mode: 'jsonl' | 'interactive'
  input?: NodeJS.ReadableStream
  output?: NodeJS.WritableStream
  /** where pictures the bot sends are written */
  imageDir: string
  /** where documents the bot sends (an opinion round's CSV) are written; default `<imageDir>/../out` */
  fileDir?: string
  botName: string
  /** interactive speaker at start (the demo head) */
  defaultSpeaker?: string
  /** interactive mode: where the log lines go instead of the terminal (said in the banner) */
  logFile?: string
  now?: () => Date
}

interface Remembered {
  chatId: string
  group: boolean
  text: string
  from: string
  name: string
  images: ImageRef[]
}

export class ConsoleAdapter implements ChatAdapter {
  readonly platform = 'console' as const
  /** resolves when the input has closed and every reply has been written */
  done: Promise<void> = Promise.resolve()
  private readonly admins = new Map<string, Set<string>>()
  private readonly seen = new Map<string, Remembered>()
  private readonly names = new Map<string, string>()
  private readonly usernames = new Map<string, string | null>()
  private readonly out: NodeJS.WritableStream
  private imageCount = 0
  private fileCount = 0
  private autoId = 0
  private readonly runId = Date.now().toString(36)
  /** interactive mode prints through this instead of JSON */
  printer?: (line: { chat?: string; user?: string; text: string; image?: string; file?: string }) => void

  constructor(private readonly opts: ConsoleOptions) {
    this.out = opts.output ?? process.stdout
  }

  async start(handle: MessageHandler): Promise<void> {
    const input = this.opts.input ?? process.stdin
    if (this.opts.mode === 'interactive') {
      this.done = runInteractive(this, input, this.out, handle, { ...this.opts, group: SANDBOX_GROUP })
      return
    }
    const rl = createInterface({ input, crlfDelay: Infinity })
    this.done = (async () => {
      // strictly in order: each line is handled and its replies written before the next is read
      for await (const line of rl) {
        const msg = this.fromJsonLine(line)
        if (msg) await handle(msg)
      }
    })()
  }

  /** Parse one protocol line; a malformed line is reported on stderr and skipped. */
  fromJsonLine(line: string): IncomingMessage | null {
    if (!line.trim()) return null
    let o: Record<string, unknown>
    try {
      o = JSON.parse(line) as Record<string, unknown>
    } catch {
      process.stderr.write(`sandbox: not JSON, skipped: ${line.slice(0, 200)}\n`)
      return null
    }
    if (typeof o !== 'object' || o === null || typeof o.from !== 'string') {
      process.stderr.write(`sandbox: a line needs "from", skipped: ${line.slice(0, 200)}\n`)
      return null
    }
    const from = o.from
    // a line without "name" keeps the name this sender used before
    const given = typeof o.name === 'string' ? cleanDisplayName(o.name) : ''
    const name = given || (this.names.get(from) ?? from)
    this.names.set(from, name)
    const isPrivate = o.private === true
    const chatId = isPrivate ? `dm:${from}` : typeof o.chat === 'string' && o.chat ? o.chat : SANDBOX_GROUP
    const id = typeof o.id === 'string' || typeof o.id === 'number' ? String(o.id) : `auto-${this.runId}-${++this.autoId}`
    if (!isPrivate && typeof o.admin === 'boolean') this.setAdmin(chatId, from, o.admin)
    const images: ImageRef[] = typeof o.image === 'string' && o.image ? [{ ref: resolve(o.image) }] : []
    const text = typeof o.text === 'string' ? o.text : ''
    // a line's handle is like a Telegram @username: it sticks to the sender until a line changes it
    if (typeof o.username === 'string') this.usernames.set(from, o.username.replace(/^@/, '') || null)
    const username = this.usernames.get(from)
    const mentions = this.mentionsOf(o.mentions)
    return this.remember({
      platform: 'console',
      id,
      chat: isPrivate ? { id: chatId, kind: 'private' } : { id: chatId, kind: 'group' },
      sender: { id: from, name, ...(username !== undefined ? { username } : {}) },
      text,
      mentionsBot: text.includes(`@${this.opts.botName}`),
      images,
      ...(mentions.length > 0 ? { mentions } : {}),
      replyTo: this.quote(typeof o.replyTo === 'string' || typeof o.replyTo === 'number' ? String(o.replyTo) : undefined, chatId, isPrivate),
      sentAt: this.opts.now?.() ?? new Date(),
      senderIsAdmin: !isPrivate && this.isAdminSync(chatId, from),
      botNames: [this.opts.botName],
    })
  }

  /** Build a message for interactive mode. */
  message(from: string, name: string, text: string, opts: { private: boolean; images?: ImageRef[]; replyTo?: string }): IncomingMessage {
    const chatId = opts.private ? `dm:${from}` : SANDBOX_GROUP
    return this.remember({
      platform: 'console',
      id: `tty-${this.runId}-${++this.autoId}`,
      chat: opts.private ? { id: chatId, kind: 'private' } : { id: chatId, kind: 'group' },
      sender: { id: from, name },
      text,
      mentionsBot: text.includes(`@${this.opts.botName}`),
      images: opts.images ?? [],
      replyTo: this.quote(opts.replyTo, chatId, opts.private),
      sentAt: this.opts.now?.() ?? new Date(),
      senderIsAdmin: !opts.private && this.isAdminSync(chatId, from),
      botNames: [this.opts.botName],
    })
  }

  private remember(m: IncomingMessage): IncomingMessage {
    this.seen.set(this.lineKey(m.chat.id, m.id), {
      chatId: m.chat.id,
      group: m.chat.kind === 'group',
      text: m.text,
      from: m.sender.id,
      name: m.sender.name,
      images: m.images,
    })
    return m
  }

  private lineKey(chatId: string, id: string): string {
    return `${chatId}\u0000${id}`
  }

  /**
   * `replyTo` quotes an earlier line of the same group chat, as a platform would: a private line, a line of
   * another chat, or an id never seen is no quote at all (it cannot lend its author or text to this one).
   */
  private quote(id: string | undefined, chatId: string, isPrivate: boolean): IncomingMessage['replyTo'] {
    if (!id || isPrivate) return undefined
    const q = this.seen.get(this.lineKey(chatId, id))
    if (!q || !q.group || q.chatId !== chatId) return undefined
    return { id, text: q.text, sender: { id: q.from, name: q.name }, images: q.images }
  }

  /** `"mentions":[{"id":"u2"},{"username":"alice"}]` (optional `"text"`, default `@<name>`): who the line mentions. */
  private mentionsOf(raw: unknown): Mention[] {
    if (!Array.isArray(raw)) return []
    const out: Mention[] = []
    for (const m of raw) {
      if (typeof m !== 'object' || m === null) continue
      const o = m as Record<string, unknown>
      const given = typeof o.text === 'string' && o.text ? o.text : undefined
      if (typeof o.id === 'string' && o.id) {
        const name = this.names.get(o.id)
        out.push({ userId: o.id, ...(name ? { name } : {}), text: given ?? `@${name ?? o.id}` })
      } else if (typeof o.username === 'string' && o.username) {
        const username = o.username.replace(/^@/, '')
        out.push({ username, text: given ?? `@${username}` })
      }
    }
    return out
  }

  setAdmin(chatId: string, userId: string, admin: boolean): void {
    const set = this.admins.get(chatId) ?? new Set<string>()
    if (admin) set.add(userId)
    else set.delete(userId)
    this.admins.set(chatId, set)
  }

  private isAdminSync(chatId: string, userId: string): boolean {
    return this.admins.get(chatId)?.has(userId) ?? false
  }

  async isChatAdmin(chatId: string, userId: string): Promise<boolean> {
    return this.isAdminSync(chatId, userId)
  }

  async send(chatId: string, out: Outgoing): Promise<void> {
    await this.emit({ chat: chatId, text: out.text, image: this.saveImage(out), file: this.saveFile(out) })
  }

  async sendPrivate(userId: string, out: Outgoing): Promise<PrivateSendResult> {
    await this.emit({ user: userId, text: out.text, image: this.saveImage(out), file: this.saveFile(out) })
    return 'sent'
  }

  private saveImage(out: Outgoing): string | undefined {
    if (!out.image) return undefined
    mkdirSync(this.opts.imageDir, { recursive: true })
    const path = resolve(this.opts.imageDir, `out-${this.runId}-${++this.imageCount}.png`)
    writeFileSync(path, out.image.png)
    return path
  }

  /** A document is written as `<n>-<its name>` (only the name's safe characters), so two of one name never clash. */
  private saveFile(out: Outgoing): string | undefined {
    if (!out.file) return undefined
    const dir = this.opts.fileDir ?? resolve(this.opts.imageDir, '..', 'out')
    mkdirSync(dir, { recursive: true })
    const safe = out.file.name.replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(-80) || 'file'
    const path = resolve(dir, `${this.runId}-${++this.fileCount}-${safe}`)
    writeFileSync(path, out.file.bytes)
    return path
  }

  private emit(line: { chat?: string; user?: string; text: string; image?: string; file?: string }): Promise<void> {
    if (this.printer) {
      this.printer(line)
      return Promise.resolve()
    }
    const obj: Record<string, string> = line.chat !== undefined ? { chat: line.chat } : { user: line.user! }
    obj.text = line.text
    if (line.image) obj.image = line.image
    if (line.file) obj.file = line.file
    return new Promise((res) => {
      this.out.write(`${JSON.stringify(obj)}\n`, () => res())
    })
  }

  async stop(): Promise<void> {}
}
