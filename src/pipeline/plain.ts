// Plain language in the pipeline (issue 14, docs/INTENTS.md): what happens to a message that is not a command.
//
//   addressed (an @mention, a private chat, a reply to the bot): read for intent (src/intents). A safe read is
//     run as the sender through the usual permission rules; a write (a ticket, a vote, a binding) is offered
//     and done on the same person's 是 / button in the same chat within 10 minutes; money is never written:
//     the exact 缴费 line is shown for a collector to send.
//   unaddressed, in a group: a 是 / 不用 answering an offer of the sender's there, or an unmistakable repair
//     report, which gets one short offer (once an hour per person; the compound setting groupRepairOffers:
//     false turns it off). Anything else is chatter and costs no database statement.
import type { Button, IncomingMessage, Outgoing } from '../core/messages.ts'
import type { Database, Queryable, Tx } from '../../db/client.ts'
import { findChat, findCompoundById } from '../../db/compounds.ts'
import {
  answerOffer,
  groupOfferSince,
  offerById,
  type OfferOutcome,
  pendingOffer,
  recordOffer,
  unansweredOffers,
} from '../../db/intent-offers.ts'
import { compoundIdsOfMember, findMember } from '../../db/members.ts'
import { openPollsOf } from '../../db/polls.ts'
import type { Config } from '../config.ts'
import type { Lang, Translator } from '../i18n/index.ts'
import { writtenIn } from '../intents/classify.ts'
import { ROOM_PLACEHOLDER } from '../intents/commands.ts'
import {
  confirmationOf,
  groupRepair,
  type IntentContext,
  intentReader,
  type IntentReader,
  llmConfigFromEnv,
  localReader,
  MAX_LENGTH,
  OFFER_VALID_MS,
  type Understood,
} from '../intents/index.ts'
import { prepare } from '../intents/text.ts'
import { log } from '../log.ts'
import type { Reply } from '../outbox/reply.ts'
import { type AnyCommand, type BaseContext, type Clock, type Compound, UserError, usageLine } from './command.ts'
import { OfferHints } from './offer-hints.ts'
import type { CommandParser, ParsedCommand } from './parser.ts'
import { authorize } from './permissions.ts'

/** A person gets at most one unaddressed repair offer an hour. */
export const GROUP_OFFER_EVERY_MS = 60 * 60_000
const OFFER_MINUTES = OFFER_VALID_MS / 60_000
/** a Telegram button's data: the offer it answers (the presser must be the person it was made to) */
const BUTTON = /^offer:(\d{1,12}):(yes|no)$/

/** What the pipeline resolved for a message (its context without the command-specific parts). */
export type Resolved = Omit<BaseContext, 'usage' | 'isChatAdmin'> & { inboxId: number | null }

/** The pipeline's own steps this module runs through, so a plain message is handled exactly like a command. */
export interface PlainDeps {
  database: Database
  config: Config
  clock: Clock
  parser: CommandParser
  botNames: readonly string[]
  context(tx: Tx, msg: IncomingMessage, lang: Lang): Promise<Resolved>
  run(tx: Tx, ctx: BaseContext, parsed: ParsedCommand): Promise<{ replies: Reply[]; error?: 'user' | 'internal' }>
  claim(tx: Tx, msg: IncomingMessage, who: { compoundId: number | null; memberId: number; command: string | null }): Promise<number | null>
  write(tx: Tx, msg: IncomingMessage, compound: Compound | null, replies: Reply[], inboxId: number): Promise<number[]>
  edits(tx: Tx, msg: IncomingMessage, compound: Compound | null, replies: Reply[]): Promise<Outgoing[]>
  isChatAdmin(msg: IncomingMessage): Promise<boolean>
}

/** The pipeline's HandleOutcome, for a plain message. */
export type PlainOutcome =
  | { status: 'ignored' }
  | { status: 'duplicate' }
  | { status: 'handled'; command: string; outboxIds: number[]; error?: 'user' | 'internal'; edits?: Outgoing[] }

interface Answer {
  kind: 'yes' | 'no'
  /** the offer a button names */
  offerId?: number
}

interface Acted {
  replies: Reply[]
  error?: 'user' | 'internal'
  /** the command run (a safe read, an accepted offer): counted in inbox.command like a typed one */
  command?: string
}

const IGNORED = { status: 'ignored' } as const

class DuplicateInTx extends Error {}

/** A 是 / 不用 (or a button press) answering an offer; null for anything else. Only short texts are read. */
export function answerOf(text: string, botNames: readonly string[]): Answer | null {
  const b = BUTTON.exec(text.trim())
  if (b) return { kind: b[2] as 'yes' | 'no', offerId: Number(b[1]) }
  if (text.length > 40) return null
  const c = confirmationOf(text, botNames)
  return c ? { kind: c } : null
}

/** The offer's buttons (Telegram); platforms without buttons show the text, which says how to answer. */
export function offerButtons(t: Translator, offerId: number): Button[][] {
  return [
    [
      { text: t('intent.button.yes'), data: `offer:${offerId}:yes` },
      { text: t('intent.button.no'), data: `offer:${offerId}:no` },
    ],
  ]
}

/** A message that opens with @ one of the bot's names is addressed, as the command parser reads it. */
export function opensWithMention(text: string, botNames: readonly string[]): boolean {
  const head = text.slice(0, 80).replace(/^[\s\u200B-\u200F\uFEFF]+/, '').normalize('NFKC').toLowerCase()
  if (!head.startsWith('@')) return false
  return botNames.some((n) => n !== '' && head.startsWith(`@${n.toLowerCase()}`) && /^(?:$|[\s:,，\u2005])/.test(head.slice(n.length + 1)))
}

const chat = (text: string, buttons?: Button[][]): Reply => ({ to: 'chat', text, ...(buttons ? { buttons } : {}) })

export class PlainLanguage {
  readonly hints: OfferHints
  private readonly reader: IntentReader
  /** an LLM endpoint reads addressed messages: outside the transaction, it may take seconds */
  private readonly remote: boolean

  constructor(private readonly d: PlainDeps) {
    const llm = llmConfigFromEnv({
      LINLI_LLM_URL: d.config.LINLI_LLM_URL,
      LINLI_LLM_MODEL: d.config.LINLI_LLM_MODEL,
      LINLI_LLM_KEY: d.config.LINLI_LLM_KEY,
      LINLI_LLM_TIMEOUT_MS: d.config.LINLI_LLM_TIMEOUT_MS?.toString(),
    })
    this.reader = intentReader(llm)
    this.remote = llm !== null
    this.hints = new OfferHints(() => unansweredOffers(d.database.db, new Date(d.clock.now().getTime() - OFFER_VALID_MS)), OFFER_VALID_MS)
  }

  async handle(msg: IncomingMessage): Promise<PlainOutcome> {
    const text = msg.text ?? ''
    if (!text.trim()) return IGNORED
    const names = this.namesOf(msg)
    const answer = answerOf(text, names)
    const addressed = msg.mentionsBot || msg.chat.kind === 'private' || opensWithMention(text, names)
    if (!addressed) {
      if (msg.chat.kind !== 'group') return IGNORED
      if (answer && (await this.hints.mayHave(msg, this.d.clock.now()))) return this.answer(msg, answer)
      // chatter ends here: one precompiled regular expression, no statement
      const found = groupRepair(text, { lang: 'zh-CN', botNames: names })
      return found?.command ? this.groupOffer(msg, text) : IGNORED
    }
    if (answer) {
      const done = await this.answer(msg, answer)
      // a button names its offer: a press by anyone else, or on an answered offer, does nothing
      if (done.status !== 'ignored' || answer.offerId !== undefined) return done
    }
    return this.read(msg, text)
  }

  private namesOf(msg: IncomingMessage): string[] {
    return [...this.d.botNames, ...(msg.botNames ?? [])]
  }

  /** The language a message is written in, for a chat without a compound (a compound's language wins). */
  private langOf(msg: IncomingMessage): Lang {
    return writtenIn(prepare(msg.text.slice(0, MAX_LENGTH * 4), this.namesOf(msg)), 'zh-CN')
  }

  private async inTx(fn: (tx: Tx) => Promise<PlainOutcome>): Promise<PlainOutcome> {
    try {
      return await this.d.database.db.transaction(fn)
    } catch (e) {
      if (e instanceof DuplicateInTx) return { status: 'duplicate' }
      throw e
    }
  }

  /** Claim the inbox row (a redelivery then rolls back everything above) and write the replies. */
  private async finish(tx: Tx, msg: IncomingMessage, base: Resolved, label: string, acted: Acted): Promise<PlainOutcome> {
    if (!acted.replies.some((r) => r.to !== 'origin')) return IGNORED
    const inboxId = await this.d.claim(tx, msg, { compoundId: base.compound?.id ?? null, memberId: base.member.id, command: acted.command ?? null })
    if (inboxId === null) throw new DuplicateInTx()
    const outboxIds = await this.d.write(tx, msg, base.compound, acted.replies, inboxId)
    const edits = await this.d.edits(tx, msg, base.compound, acted.replies)
    return { status: 'handled', command: label, outboxIds, ...(acted.error ? { error: acted.error } : {}), ...(edits.length ? { edits } : {}) }
  }

  private commandContext(base: Resolved, msg: IncomingMessage, cmd?: AnyCommand): BaseContext {
    const { inboxId: _inbox, ...rest } = base
    return { ...rest, usage: () => (cmd ? usageLine(cmd, base.lang, base.t) : ''), isChatAdmin: () => this.d.isChatAdmin(msg) }
  }

  private command(name: string): AnyCommand | undefined {
    return this.d.parser.commands.find((c) => c.name === name)
  }

  // ---- answering an offer ------------------------------------------------------------------------

  private answer(msg: IncomingMessage, a: Answer): Promise<PlainOutcome> {
    return this.inTx(async (tx) => {
      const base = await this.d.context(tx, msg, this.langOf(msg))
      const compound = base.compound
      if (!compound) return IGNORED
      const now = base.now
      const offer =
        a.offerId !== undefined
          ? await offerById(tx, compound.id, a.offerId)
          : await pendingOffer(tx, {
              compoundId: compound.id,
              memberId: base.member.id,
              platform: msg.platform,
              chatId: msg.chat.id,
              since: new Date(now.getTime() - OFFER_VALID_MS),
            })
      // for the same person, in the same chat, once
      if (!offer || offer.memberId !== base.member.id || offer.platform !== msg.platform || offer.chatId !== msg.chat.id || offer.outcome !== null) {
        return IGNORED
      }
      this.hints.forget(msg)
      const { t } = base
      let outcome: OfferOutcome
      let acted: Acted
      if (offer.expiresAt.getTime() <= now.getTime()) {
        outcome = 'expired'
        acted = { replies: [chat(t('intent.expired', { minutes: OFFER_MINUTES }))] }
      } else if (a.kind === 'no') {
        outcome = 'declined'
        acted = { replies: [chat(t('intent.declined'))] }
      } else {
        outcome = 'accepted'
        acted = await this.runLine(tx, base, msg, offer.command)
      }
      await answerOffer(tx, compound.id, offer.id, outcome, now)
      // the pressed offer loses its buttons and says what came of it
      if (msg.origin) acted.replies.push({ to: 'origin', text: t(`intent.answered.${outcome}`, { command: offer.command }) })
      return this.finish(tx, msg, base, `offer:${offer.intent}`, acted)
    })
  }

  /** Run a command line as the sender: parsed, authorized, validated and run like a typed command. */
  private async runLine(tx: Tx, base: Resolved, msg: IncomingMessage, line: string): Promise<Acted> {
    const parsed = this.d.parser.parse(line, { addressed: true })
    if (parsed.kind !== 'command') {
      log.error({ line, platform: msg.platform, chat: msg.chat.id, msg: msg.id }, 'plain language: a command line that does not parse')
      return { replies: [chat(base.t('common.internalError'))], error: 'internal' }
    }
    const done = await this.d.run(tx, this.commandContext(base, msg, parsed.parsed.command), parsed.parsed)
    return { ...done, command: parsed.parsed.command.name }
  }

  // ---- an addressed message ----------------------------------------------------------------------

  private async read(msg: IncomingMessage, raw: string): Promise<PlainOutcome> {
    // a long text (a forwarded notice) is no request: read no further than the rules would, send it nowhere
    const long = raw.length > MAX_LENGTH * 2
    const text = long ? raw.slice(0, MAX_LENGTH * 4) : raw
    const early = this.remote && !long ? await this.readOutside(msg, text) : null
    return this.inTx(async (tx) => {
      const base = await this.d.context(tx, msg, this.langOf(msg))
      const u = early ?? (await localReader.read(text, await this.intentContext(tx, msg, base.compound, base.lang, base.now)))
      return this.finish(tx, msg, base, `intent:${u.intent}`, await this.act(tx, base, msg, u))
    })
  }

  /** The LLM's reading, before the transaction: the compound (language, zone, open polls) read on their own. */
  private async readOutside(msg: IncomingMessage, text: string): Promise<Understood> {
    const q = this.d.database.db
    let compound: Compound | null = null
    if (msg.chat.kind === 'group') compound = (await findChat(q, msg.platform, msg.chat.id))?.compound ?? null
    else {
      const m = await findMember(q, msg.platform, msg.sender.id)
      const ids = m ? await compoundIdsOfMember(q, m.id) : []
      if (ids.length === 1) compound = (await findCompoundById(q, ids[0]!)) ?? null
    }
    const lang = compound?.language === 'zh-TW' || compound?.language === 'en' ? compound.language : compound ? 'zh-CN' : this.langOf(msg)
    return this.reader.read(text, await this.intentContext(q, msg, compound, lang, this.d.clock.now()))
  }

  private async intentContext(q: Queryable, msg: IncomingMessage, compound: Compound | null, lang: Lang, now: Date): Promise<IntentContext> {
    // a plain-language vote means a poll (选 marks election candidates, typed)
    const polls = compound ? (await openPollsOf(q, compound.id, now)).filter((p) => p.kind === 'poll').map((p) => ({ no: p.no, options: p.options })) : []
    return { lang, botNames: this.namesOf(msg), polls, now, timeZone: compound?.timeZone ?? this.d.config.LINLI_DEFAULT_TZ }
  }

  private async act(tx: Tx, base: Resolved, msg: IncomingMessage, u: Understood): Promise<Acted> {
    const { t } = base
    if (u.action === 'none') return { replies: [chat(t('intent.notUnderstood'))] }
    if (u.action === 'show') return { replies: [chat(this.paymentLine(base, msg, u))] }
    if (!u.command) return { replies: [chat(this.missing(base, u))] }
    if (u.action === 'run') return this.runLine(tx, base, msg, u.command)
    // a write: offered, after the same role check the command itself would make
    const parsed = this.d.parser.parse(u.command, { addressed: true })
    if (parsed.kind !== 'command') return this.runLine(tx, base, msg, u.command)
    const ctx = this.commandContext(base, msg, parsed.parsed.command)
    try {
      authorize(ctx, parsed.parsed.command, undefined)
    } catch (err) {
      if (err instanceof UserError) return { replies: [chat(t(err.key, err.params))], error: 'user' }
      throw err
    }
    const compound = base.compound!
    const offer = await recordOffer(tx, {
      compoundId: compound.id,
      memberId: base.member.id,
      platform: msg.platform,
      chatId: msg.chat.id,
      messageId: msg.id,
      source: 'addressed',
      intent: u.intent,
      command: u.command,
      at: base.now,
      validMs: OFFER_VALID_MS,
    })
    this.hints.add({ platform: msg.platform, chatId: msg.chat.id, userId: msg.sender.id, expiresAt: offer.expiresAt })
    // a vote's choice is never shown in a group (commands/vote.ts answers it privately)
    const text =
      u.intent === 'vote' && msg.chat.kind === 'group'
        ? t('intent.offerVote', { minutes: OFFER_MINUTES })
        : t('intent.offer', { what: t(`intent.what.${u.intent}`), command: u.command, minutes: OFFER_MINUTES })
    return { replies: [chat(text, offerButtons(t, offer.id))] }
  }

  /** Money is never written from chat: a collector gets the exact line to send, anyone else where it is recorded. */
  private paymentLine(base: Resolved, msg: IncomingMessage, u: Understood): string {
    const { t } = base
    const pay = this.command('pay')
    let mayPay = false
    if (pay) {
      try {
        authorize(this.commandContext(base, msg, pay), pay, undefined)
        mayPay = true
      } catch {
        mayPay = false
      }
    }
    if (!mayPay) return t('intent.payResident')
    if (!u.command) return this.missing(base, u)
    const lines = [t('intent.payCommand', { command: u.command })]
    if (u.missing.includes('room')) lines.push(t('intent.payRoom', { placeholder: ROOM_PLACEHOLDER[base.lang] }))
    return lines.join('\n')
  }

  /** What is still needed, with the command's usage line. */
  private missing(base: Resolved, u: Understood): string {
    const cmd = u.commandName ? this.command(u.commandName) : undefined
    const usage = cmd ? usageLine(cmd, base.lang, base.t) : ''
    const slot = u.intent === 'payment' ? 'amount' : (u.missing[0] ?? 'description')
    return base.t(`intent.missing.${slot}`, { usage })
  }

  // ---- an unaddressed repair report --------------------------------------------------------------

  private groupOffer(msg: IncomingMessage, text: string): Promise<PlainOutcome> {
    return this.inTx(async (tx) => {
      const base = await this.d.context(tx, msg, this.langOf(msg))
      const compound = base.compound
      if (!compound || compound.settings.groupRepairOffers === false) return IGNORED
      const now = base.now
      if (await groupOfferSince(tx, compound.id, base.member.id, new Date(now.getTime() - GROUP_OFFER_EVERY_MS))) return IGNORED
      // read again in the compound's language: the command line is written in it
      const u = groupRepair(text, { lang: base.lang, botNames: this.namesOf(msg) })
      const parsed = u?.command ? this.d.parser.parse(u.command, { addressed: true }) : null
      if (!u?.command || parsed?.kind !== 'command') return IGNORED
      try {
        authorize(this.commandContext(base, msg, parsed.parsed.command), parsed.parsed.command, undefined)
      } catch {
        return IGNORED // nobody asked the bot: a refusal would be noise
      }
      const offer = await recordOffer(tx, {
        compoundId: compound.id,
        memberId: base.member.id,
        platform: msg.platform,
        chatId: msg.chat.id,
        messageId: msg.id,
        source: 'group',
        intent: u.intent,
        command: u.command,
        at: now,
        validMs: OFFER_VALID_MS,
      })
      this.hints.add({ platform: msg.platform, chatId: msg.chat.id, userId: msg.sender.id, expiresAt: offer.expiresAt })
      return this.finish(tx, msg, base, 'offer:repair', { replies: [chat(base.t('intent.groupRepairOffer'), offerButtons(base.t, offer.id))] })
    })
  }
}
