// wechaty Message → IncomingMessage: room and private text, images saved to the data directory,
// the leading @mention of the bot stripped, WeChat's 「…」 quote format split off (its text kept, its name
// never trusted), mentions taken from the puppet's mention id list only.
import { mkdir, writeFile } from 'node:fs/promises'
import { extname, resolve } from 'node:path'
import { types, type Message } from 'wechaty'
import { log } from '../../src/log.ts'
import { cleanDisplayName } from '../../src/domain/display-name.ts'
import type { ImageRef, IncomingMessage, Mention } from '../../src/core/messages.ts'

/**
 * Strip a leading `@name` (one of `names`) and the space after it (WeChat puts U+2005, a four-per-em space,
 * after an @mention); `stripped` tells whether it was there.
 */
export function stripLeadingMention(text: string, names: readonly string[]): { text: string; stripped: boolean } {
  const trimmed = text.replace(/^[\s\u2005]+/, '')
  if (!trimmed.startsWith('@')) return { text, stripped: false }
  const sorted = [...new Set(names.filter(Boolean))].sort((a, b) => b.length - a.length)
  for (const name of sorted) {
    const at = `@${name}`
    if (!trimmed.toLowerCase().startsWith(at.toLowerCase())) continue
    const rest = trimmed.slice(at.length)
    if (rest === '' || /^[\s\u2005:：,，]/.test(rest)) return { text: rest.replace(/^[\s\u2005:：,，]+/, ''), stripped: true }
  }
  return { text, stripped: false }
}

export interface Quote {
  name: string
  text: string
}

// "- - - - - - - - - - - - - - -" between the quote and the reply
const QUOTE_SEPARATOR = /\r?\n\s*-(?:\s+-){4,}\s*(?:\r?\n|$)/

/**
 * WeChat's quoted reply as text puppets deliver it:
 *   「张三：楼道灯坏了」\n- - - - - - - - - - - - - - -\n这个修好了吗
 * (some puppets put the reply first). Returns the reply text and the quote, or null.
 */
export function parseQuote(text: string): { text: string; quote: Quote } | null {
  const m = QUOTE_SEPARATOR.exec(text)
  if (!m) return null
  const before = text.slice(0, m.index).trim()
  const after = text.slice(m.index + m[0].length).trim()
  const asQuote = (s: string): Quote | null => {
    const q = /^「([\s\S]*)」$/.exec(s)
    if (!q) return null
    const inner = q[1]!
    const colon = inner.search(/[：:]/)
    if (colon <= 0) return { name: '', text: inner.trim() }
    return { name: inner.slice(0, colon).trim(), text: inner.slice(colon + 1).trim() }
  }
  const first = asQuote(before)
  if (first) return { text: after, quote: first }
  const second = asQuote(after)
  if (second) return { text: before, quote: second }
  return null
}

const MIME_EXT: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'image/bmp': 'bmp',
}

/** A safe file extension for a saved image, from its file name or media type (jpg when unknown). */
export function imageExtension(name: string | undefined, mediaType: string | undefined): string {
  const fromName = extname(name ?? '').slice(1).toLowerCase()
  if (/^[a-z0-9]{1,5}$/.test(fromName)) return fromName === 'jpeg' ? 'jpg' : fromName
  const fromMime = mediaType ? MIME_EXT[mediaType.toLowerCase()] : undefined
  return fromMime ?? 'jpg'
}

/** A message id as a file name (ids may carry `@`, `/`, …). */
function safeFileName(id: string): string {
  return id.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 120) || 'image'
}

export interface NormalizeContext {
  /** `<LINLI_DATA_DIR>/wechat-images` */
  imageDir: string
  /** the bot's own WeChat name(s) for stripping a leading mention (its room alias is added per room) */
  selfNames: readonly string[]
  /** configured names the bot also answers to (LINLI_BOT_NAME, 邻里, …) */
  extraNames?: readonly string[]
  /** whether photos from this room are kept (rooms not bound to a compound: no); default yes */
  keepImagesFrom?: (roomId: string) => Promise<boolean>
}

/** Why a wechaty message produced no IncomingMessage (for logs and tests). */
export type Skip = 'self' | 'type' | 'official' | 'empty' | 'image-failed' | 'image-unbound'

/** Convert one wechaty message; returns the reason instead when the bot should not see it. */
export async function normalizeMessage(msg: Message, ctx: NormalizeContext): Promise<IncomingMessage | Skip> {
  if (msg.self()) return 'self'
  const type = msg.type()
  if (type !== types.Message.Text && type !== types.Message.Image) return 'type'
  const talker = msg.talker()
  // official accounts (公众号) and service notices are not residents
  if (talker.type() === types.Contact.Official) return 'official'
  const room = msg.room()

  let title: string | undefined
  let senderName = talker.name()
  let selfAlias: string | undefined
  if (room) {
    title = await room.topic().catch(() => undefined)
    const alias = await room.alias(talker).catch(() => undefined)
    if (alias) senderName = alias
    const self = msg.wechaty.isLoggedIn ? msg.wechaty.currentUser : undefined
    if (self) selfAlias = (await room.alias(self).catch(() => undefined)) || undefined
  }
  const botNames = [...new Set([...ctx.selfNames, ...(selfAlias ? [selfAlias] : [])].filter(Boolean))]

  const images: ImageRef[] = []
  let text = ''
  let mentionsBot = false
  let replyTo: IncomingMessage['replyTo']
  let mentions: Mention[] = []
  if (type === types.Message.Image) {
    if (room && ctx.keepImagesFrom && !(await ctx.keepImagesFrom(room.id))) return 'image-unbound'
    const saved = await saveImage(msg, ctx.imageDir)
    if (!saved) return 'image-failed'
    images.push(saved)
  } else {
    text = msg.text() ?? ''
    const quoted = parseQuote(text)
    if (quoted) {
      // wechaty 1.x has no quote message type and its payload names no quoted message: this form is text, and
      // anyone can type it. Its text may still be what the reply is about; the name in it is never an identity
      // (no replyTo.sender), so nothing is credited to that person.
      text = quoted.text
      replyTo = { id: '', text: quoted.quote.text }
    }
    if (room) mentionsBot = await msg.mentionSelf().catch(() => false)
    const stripped = stripLeadingMention(text, [...botNames, ...(ctx.extraNames ?? [])])
    if (stripped.stripped) {
      text = stripped.text
      // the puppet may not report the mention list; a leading @name of ours is a mention all the same
      mentionsBot = true
    }
    if (!text.trim() && !mentionsBot) return 'empty'
    if (room) mentions = await mentionsOf(msg, room, text)
  }

  return {
    platform: 'wechat',
    id: msg.id,
    chat: room ? { id: room.id, kind: 'group', ...(title ? { title } : {}) } : { id: talker.id, kind: 'private' },
    sender: { id: talker.id, name: cleanDisplayName(senderName, talker.id) },
    text,
    mentionsBot,
    ...(replyTo ? { replyTo } : {}),
    ...(mentions.length > 0 ? { mentions } : {}),
    images,
    sentAt: safeDate(msg),
    botNames,
  }
}

/**
 * The people a room message mentions, from the puppet's mention id list only: wechaty's mentionList() falls
 * back to matching `@name` text against member names when the puppet gives no list, which anyone can fake.
 * `text` is the `@name` as it appears in the message (room alias or WeChat name), to match a command's argument.
 */
async function mentionsOf(msg: Message, room: NonNullable<ReturnType<Message['room']>>, text: string): Promise<Mention[]> {
  const ids = msg.payload && 'mentionIdList' in msg.payload && Array.isArray(msg.payload.mentionIdList) ? msg.payload.mentionIdList : []
  const self = msg.wechaty.isLoggedIn ? msg.wechaty.currentUser.id : undefined
  const out: Mention[] = []
  for (const id of ids) {
    if (!id || id === self) continue
    const contact = await msg.wechaty.Contact.find({ id }).catch(() => undefined)
    const alias = contact ? await room.alias(contact).catch(() => undefined) : undefined
    const raw = [alias, contact?.name()].filter((n): n is string => !!n)
    const names = [...raw, ...raw.map((n) => cleanDisplayName(n))].filter(Boolean)
    const name = names[0] ? cleanDisplayName(names[0], id) : undefined
    const said = names.find((n) => text.includes(`@${n}`)) ?? name ?? id
    out.push({ userId: id, ...(name ? { name } : {}), text: `@${said}` })
  }
  return out
}

function safeDate(msg: Message): Date {
  try {
    const d = msg.date()
    return Number.isNaN(d.getTime()) ? new Date() : d
  } catch {
    return new Date()
  }
}

/** Save the photo through FileBox to `<imageDir>/<message id>.<ext>` so it survives restarts. */
async function saveImage(msg: Message, imageDir: string): Promise<ImageRef | null> {
  try {
    const box = await msg.toFileBox()
    const ext = imageExtension(box.name, box.mediaType)
    await mkdir(imageDir, { recursive: true })
    const path = resolve(imageDir, `${safeFileName(msg.id)}.${ext}`)
    await writeFile(path, await box.toBuffer())
    const mime = box.mediaType && box.mediaType.startsWith('image/') ? box.mediaType : undefined
    return mime ? { ref: path, mime } : { ref: path }
  } catch (err) {
    log.warn({ err, msg: msg.id }, 'wechat: could not save an image')
    return null
  }
}
