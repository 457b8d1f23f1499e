// Telegram updates → IncomingMessage. Pure: no API calls, no clock except the one passed in.
import type { CallbackQuery, Chat, Message, MessageEntity, PhotoSize, User, UserFromGetMe } from 'grammy/types'
import type { Lang } from '../../src/i18n/index.ts'
import { cleanDisplayName } from '../../src/domain/display-name.ts'
import type { ImageRef, IncomingMessage, Mention } from '../../src/core/messages.ts'

/** Group, supergroup or private; channels are not chats the bot serves. */
export function chatKind(chat: Pick<Chat, 'type'>): 'group' | 'private' | null {
  if (chat.type === 'private') return 'private'
  if (chat.type === 'group' || chat.type === 'supergroup') return 'group'
  return null
}

/** First and last name, cleaned of bidi overrides and invisible characters; else the @username, else the id. */
export function displayName(u: Pick<User, 'first_name' | 'last_name' | 'username' | 'id'>): string {
  return cleanDisplayName([u.first_name, u.last_name].filter(Boolean).join(' '), u.username ? `@${u.username}` : String(u.id))
}

/** The largest size of a photo (Telegram sends several), or an image sent as a file. */
export function imagesOf(m: Pick<Message, 'photo' | 'document'>): ImageRef[] {
  if (m.photo && m.photo.length > 0) {
    const area = (p: PhotoSize) => p.width * p.height
    const best = m.photo.reduce((a, b) => (area(b) > area(a) || (area(b) === area(a) && (b.file_size ?? 0) > (a.file_size ?? 0)) ? b : a))
    return [{ ref: best.file_id, mime: 'image/jpeg' }]
  }
  if (m.document?.mime_type?.startsWith('image/')) return [{ ref: m.document.file_id, mime: m.document.mime_type }]
  return []
}

/**
 * Who sent it. An anonymous group admin posts as the group itself (`sender_chat` equal to the chat; `from` is
 * the GroupAnonymousBot): the sender is the chat and a chat admin. A user posting as a channel is that channel.
 */
export function senderOf(m: Pick<Message, 'from' | 'sender_chat' | 'chat' | 'author_signature'>): {
  sender: IncomingMessage['sender']
  anonymousAdmin: boolean
} {
  if (m.sender_chat) {
    if (m.sender_chat.id === m.chat.id) {
      const title = 'title' in m.chat ? m.chat.title : undefined
      return { sender: { id: String(m.chat.id), name: cleanDisplayName(m.author_signature ?? title, String(m.chat.id)) }, anonymousAdmin: true }
    }
    const title = 'title' in m.sender_chat ? m.sender_chat.title : undefined
    return { sender: { id: String(m.sender_chat.id), name: cleanDisplayName(title, String(m.sender_chat.id)) }, anonymousAdmin: false }
  }
  if (m.from) {
    return {
      sender: { id: String(m.from.id), name: displayName(m.from), isBot: m.from.is_bot, username: m.from.username ?? null },
      anonymousAdmin: false,
    }
  }
  return { sender: { id: String(m.chat.id), name: String(m.chat.id) }, anonymousAdmin: false }
}

function entityText(text: string, e: MessageEntity): string {
  return text.slice(e.offset, e.offset + e.length)
}

// Telegram's username syntax: a letter, then letters, digits or underscores, 5–32 in all
const HANDLE = /(?<![A-Za-z0-9_@.])@([A-Za-z][A-Za-z0-9_]{4,31})(?![A-Za-z0-9_])/g

/**
 * The people a message mentions, as Telegram states them: a `mention` entity is an @username, a `text_mention`
 * a user id (users without a username). A typed @handle Telegram did not mark (an old client, a forwarded
 * text) is still a handle, never a display name.
 */
export function mentionsOf(m: Pick<Message, 'text' | 'caption' | 'entities' | 'caption_entities'>): Mention[] {
  const text = m.text ?? m.caption ?? ''
  const entities = m.entities ?? m.caption_entities ?? []
  const out: Mention[] = []
  const covered: Array<[number, number]> = []
  for (const e of entities) {
    covered.push([e.offset, e.offset + e.length])
    if (e.type === 'mention') {
      const said = entityText(text, e)
      out.push({ username: said.replace(/^@/, '').toLowerCase(), text: said })
    } else if (e.type === 'text_mention') {
      out.push({ userId: String(e.user.id), name: displayName(e.user), text: entityText(text, e) })
    }
  }
  for (const h of text.matchAll(HANDLE)) {
    const at = h.index
    if (covered.some(([a, b]) => at >= a && at < b)) continue
    out.push({ username: h[1]!.toLowerCase(), text: h[0] })
  }
  return out
}

/** `@thisbot` anywhere, a text mention of the bot, or a reply to one of the bot's messages. */
export function mentionsBot(m: Message, me: UserFromGetMe): boolean {
  const text = m.text ?? m.caption ?? ''
  const entities = m.entities ?? m.caption_entities ?? []
  const at = `@${me.username}`.toLowerCase()
  for (const e of entities) {
    if (e.type === 'mention' && entityText(text, e).toLowerCase() === at) return true
    if (e.type === 'text_mention' && e.user.id === me.id) return true
    if (e.type === 'bot_command' && entityText(text, e).toLowerCase().endsWith(at)) return true
  }
  return m.reply_to_message?.from?.id === me.id
}

export interface NormalizeOptions {
  me: UserFromGetMe
  platformNotes?: string[]
}

/**
 * A message the pipeline should see, or null: channel posts, service messages (members joining, pinned
 * messages, chat migration — the adapter handles that one) and automatic forwards from a linked channel.
 * Messages from other bots are passed on with `sender.isBot` so the pipeline ignores them.
 */
export function normalizeMessage(m: Message, opts: NormalizeOptions): IncomingMessage | null {
  const kind = chatKind(m.chat)
  if (!kind) return null
  if (m.is_automatic_forward) return null
  const text = m.text ?? m.caption ?? ''
  const images = imagesOf(m)
  if (!text && images.length === 0) return null
  const { sender, anonymousAdmin } = senderOf(m)
  const title = 'title' in m.chat ? m.chat.title : undefined
  const msg: IncomingMessage = {
    platform: 'telegram',
    id: String(m.message_id),
    chat: kind === 'group' ? { id: String(m.chat.id), kind, ...(title ? { title } : {}), ...topicOf(m) } : { id: String(m.chat.id), kind },
    sender,
    text,
    mentionsBot: mentionsBot(m, opts.me),
    images,
    sentAt: new Date(m.date * 1000),
    botNames: [opts.me.username],
  }
  if (anonymousAdmin) msg.senderIsAdmin = true
  const mentions = mentionsOf(m)
  if (mentions.length > 0) msg.mentions = mentions
  // in a forum topic every message "replies" to the topic's creation; that is no quote
  const r = m.reply_to_message?.forum_topic_created ? undefined : m.reply_to_message
  if (r) {
    const rImages = imagesOf(r)
    const rText = r.text ?? r.caption
    // reply_to_message is always a message of this chat (a quote from elsewhere is external_reply, not read):
    // its author is a person of this chat, as Telegram states it — unless it is a bot (this one included) or
    // a post made as a chat or channel, which is nobody to credit
    const author = r.from && !r.sender_chat && !r.from.is_bot ? { id: String(r.from.id), name: displayName(r.from) } : undefined
    msg.replyTo = {
      id: String(r.message_id),
      ...(rText !== undefined ? { text: rText } : {}),
      ...(author ? { sender: author } : {}),
      ...(rImages.length > 0 ? { images: rImages } : {}),
    }
  }
  if (opts.platformNotes?.length) msg.platformNotes = opts.platformNotes
  return msg
}

/**
 * A button press becomes the presser's message: the button's data is a command line (`/vote 3 1`),
 * handled exactly as if the presser had typed it (the pipeline authorizes as usual). The dedupe key
 * is the callback query id, so a redelivered press is not counted twice. The message carrying the button is
 * the `origin`: a command may update it (a poll's launch post shows the tally so far).
 */
export function normalizeCallback(q: CallbackQuery, me: UserFromGetMe, now: Date): IncomingMessage | null {
  if (!q.data || !q.message) return null
  const kind = chatKind(q.message.chat)
  if (!kind) return null
  const chat = q.message.chat
  const title = 'title' in chat ? chat.title : undefined
  const topic = 'is_topic_message' in q.message ? topicOf(q.message) : {}
  return {
    platform: 'telegram',
    id: `cb:${q.id}`,
    chat: kind === 'group' ? { id: String(chat.id), kind, ...(title ? { title } : {}), ...topic } : { id: String(q.from.id), kind },
    sender: { id: String(q.from.id), name: displayName(q.from), isBot: q.from.is_bot, username: q.from.username ?? null },
    text: q.data,
    mentionsBot: true,
    images: [],
    sentAt: now,
    botNames: [me.username],
    origin: { messageId: String(q.message.message_id) },
  }
}

/** A message in a forum topic (not General): replies go to that topic, as `<chat id>/<topic id>`. */
export function topicOf(m: Pick<Message, 'chat' | 'is_topic_message' | 'message_thread_id'>): { replyTarget?: string } {
  if (!m.is_topic_message || m.message_thread_id === undefined) return {}
  return { replyTarget: `${m.chat.id}/${m.message_thread_id}` }
}

/** `/start <payload>` (or `/start@thisbot <payload>`) in a private chat: the deep link that opens the private chat. */
export function startPayload(m: Message, me: UserFromGetMe): string | null {
  if (m.chat.type !== 'private' || !m.text) return null
  const match = /^\/start(?:@([A-Za-z0-9_]+))?\s+(\S+)\s*$/.exec(m.text)
  if (!match) return null
  if (match[1] && match[1].toLowerCase() !== me.username.toLowerCase()) return null
  return match[2]!
}

/** The user's language from Telegram's IETF tag: English, traditional Chinese, or (default) simplified Chinese. */
export function langOf(languageCode: string | undefined): Lang {
  const code = (languageCode ?? '').toLowerCase()
  if (code.startsWith('en')) return 'en'
  if (/^zh-(hant|tw|hk|mo)/.test(code)) return 'zh-TW'
  return 'zh-CN'
}
