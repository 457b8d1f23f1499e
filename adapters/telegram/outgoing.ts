// Outgoing → Bot API calls: text split at 4096 characters on line boundaries, a photo with a caption of at most
// 1024 characters (the rest follows as text), inline buttons on the last message, a document (CSV) last.
import type { InlineKeyboardMarkup } from 'grammy/types'
import type { Button, Outgoing } from '../../src/core/messages.ts'

/** Telegram counts message length in UTF-16 code units, as JavaScript does. */
export const MAX_TEXT = 4096
export const MAX_CAPTION = 1024
export const MAX_CALLBACK_DATA_BYTES = 64

export type Part =
  | { kind: 'text'; text: string; keyboard?: InlineKeyboardMarkup }
  | { kind: 'photo'; png: Uint8Array; caption?: string; keyboard?: InlineKeyboardMarkup }
  | { kind: 'document'; bytes: Uint8Array; name: string; keyboard?: InlineKeyboardMarkup }

/** Split `text` into pieces of at most `max` characters, at line ends where possible (never inside a surrogate pair). */
export function splitText(text: string, max = MAX_TEXT): string[] {
  if (text.length <= max) return text ? [text] : []
  const out: string[] = []
  let current = ''
  const flush = () => {
    if (current) out.push(current)
    current = ''
  }
  for (const line of text.split('\n')) {
    const candidate = current ? `${current}\n${line}` : line
    if (candidate.length <= max) {
      current = candidate
      continue
    }
    flush()
    let rest = line
    while (rest.length > max) {
      let cut = max
      // do not cut a surrogate pair in half
      const code = rest.charCodeAt(cut - 1)
      if (code >= 0xd800 && code <= 0xdbff) cut--
      out.push(rest.slice(0, cut))
      rest = rest.slice(cut)
    }
    current = rest
  }
  flush()
  return out.filter((s) => s.trim() !== '')
}

/** Inline keyboard from buttons; a button whose data exceeds 64 bytes (Telegram's limit) is left out. */
export function inlineKeyboard(
  buttons: Button[][] | undefined,
  onDropped?: (b: Button) => void,
): InlineKeyboardMarkup | undefined {
  if (!buttons) return undefined
  const rows = buttons
    .map((row) =>
      row.filter((b) => {
        const ok = b.text.trim() !== '' && b.data !== '' && Buffer.byteLength(b.data, 'utf8') <= MAX_CALLBACK_DATA_BYTES
        if (!ok) onDropped?.(b)
        return ok
      }),
    )
    .filter((row) => row.length > 0)
    .map((row) => row.map((b) => ({ text: b.text, callback_data: b.data })))
  return rows.length > 0 ? { inline_keyboard: rows } : undefined
}

/** The Bot API calls one Outgoing becomes, in order; the keyboard rides on the last one. */
export function planOutgoing(out: Outgoing, onDroppedButton?: (b: Button) => void): Part[] {
  const parts: Part[] = []
  if (out.image) {
    const caption = out.image.caption ?? out.text
    const [head = '', ...restOfCaption] = splitText(caption, MAX_CAPTION)
    const tail = caption.slice(head.length).replace(/^\n/, '')
    parts.push({ kind: 'photo', png: out.image.png, caption: head || undefined })
    if (restOfCaption.length > 0) for (const text of splitText(tail)) parts.push({ kind: 'text', text })
    // a text different from the caption is sent too
    if (out.text && out.text !== caption) for (const text of splitText(out.text)) parts.push({ kind: 'text', text })
  } else {
    for (const text of splitText(out.text)) parts.push({ kind: 'text', text })
  }
  // the document follows its text (which says what it is); the keyboard stays on the text
  const keyboard = inlineKeyboard(out.buttons, onDroppedButton)
  if (keyboard && parts.length > 0) parts[parts.length - 1]!.keyboard = keyboard
  if (out.file) parts.push({ kind: 'document', bytes: out.file.bytes, name: out.file.name })
  return parts
}

/** Numeric ids as numbers (as the Bot API documents them); `@username` stays a string. */
export function apiChatId(chatId: string): number | string {
  return /^-?\d+$/.test(chatId) ? Number(chatId) : chatId
}

/** A send target: a chat id, or `<chat id>/<topic id>` for a forum topic (IncomingMessage.chat.replyTarget). */
export function splitTarget(target: string): { chatId: string; topic?: number } {
  const m = /^(-?\d+)\/(\d+)$/.exec(target)
  return m ? { chatId: m[1]!, topic: Number(m[2]) } : { chatId: target }
}
