// What a message is, whatever the platform: adapters normalize what arrives to IncomingMessage and deliver Outgoing.
export type Platform = 'wechat' | 'telegram' | 'console'

/** A photo as the platform knows it: a file id (Telegram), a saved path (WeChat, console). */
export interface ImageRef {
  ref: string
  mime?: string
}

/** A mention the platform reported: by user id, or by handle (username) when that is all it says. */
export interface Mention {
  userId?: string
  username?: string
  name?: string
  text: string
}

export interface IncomingMessage {
  platform: Platform
  /** platform message id: with the chat id, the dedupe key */
  id: string
  chat: {
    id: string
    kind: 'group' | 'private'
    title?: string
    /**
     * Where replies to this message go when not the chat itself, as the adapter's send() understands it
     * (a Telegram forum topic: `<chat id>/<topic id>`). The chat id stays the binding and dedupe key.
     */
    replyTarget?: string
  }
  /**
   * `username`: the platform's handle (Telegram @username, as the platform gives it) — null when the user has
   * none, absent where the platform has no handles. Names are shown, never trusted: see `mentions`.
   */
  sender: { id: string; name: string; isBot?: boolean; username?: string | null }
  /** as typed; the parser normalizes */
  text: string
  mentionsBot: boolean
  /**
   * The message this one quotes. `sender` is set only when the platform itself states who wrote the quoted
   * message and that it is from this chat (Telegram reply_to_message, a sandbox line of the same group);
   * a quote that exists only as text (WeChat's 「name：…」 form) has none: its text may be read, its name is
   * never an identity.
   */
  replyTo?: { id: string; text?: string; sender?: { id: string; name: string }; images?: ImageRef[] }
  /**
   * People the platform says this message mentions (Telegram `mention` → username, `text_mention` → user id;
   * WeChat's mention id list; sandbox `mentions`). `text` is how the mention appears in the message (`@alice`),
   * which is how a command argument is matched to it; `name` is the platform's name for that user, when given.
   */
  mentions?: Mention[]
  images: ImageRef[]
  sentAt: Date
  /** the adapter already knows the sender is a chat admin (console `admin`, Telegram anonymous admin) */
  senderIsAdmin?: boolean
  /** names the bot answers to, for stripping a leading @mention and `/cmd@bot` */
  botNames?: string[]
  /** i18n keys of platform notes `帮助` appends (e.g. Telegram privacy mode: only slash commands are seen) */
  platformNotes?: string[]
  /** the bot's own message whose button was pressed to send this one (Telegram inline keyboards) */
  origin?: { messageId: string }
}

export interface Button {
  text: string
  /** a command line the adapter feeds back as the presser's message, e.g. `/vote 3 1` */
  data: string
}

/** A document as bytes and the name it is sent under. */
export interface OutFile {
  bytes: Uint8Array
  name: string
}

export interface Outgoing {
  text: string
  image?: { png: Uint8Array; caption?: string }
  /** a document sent after the text (an opinion round's CSV): Telegram sendDocument, WeChat a file, console a file path */
  file?: OutFile
  /** optional inline buttons; platforms without them ignore this (the text says how to answer) */
  buttons?: Button[][]
}
