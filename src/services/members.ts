// Members as commands see them: roles (任命, 免职), household bindings (绑定, 认证), and who a command means by
// "@张三": resolved by platform identity first, by display name last.
//
// A display name is whatever the person typed into their profile; anyone can copy anyone's. So a member is
// found, in this order, by (1) a mention the platform reported (Telegram `mention` → @username, `text_mention`
// → user id; WeChat's mention id list), (2) the author of the message being replied to, as the platform states
// it, (3) a number of the 认证 list (a binding of this compound), and only then (4) a typed name or @name that
// reads the same as exactly one member's display name. Several namesakes are refused with the candidates told
// apart; a mention that names nobody known is "not found", never a fallback to display names.
import type { IncomingMessage, Mention } from '../core/messages.ts'
import {
  type CompoundMember,
  compoundMemberByBinding,
  compoundMemberByPlatformId,
  compoundMembersByName,
  compoundMembersByUsername,
  ensureMember,
  namesakesIn,
} from '../../db/members.ts'
import { maskId } from '../domain/display-name.ts'
import { person } from '../domain/group-privacy.ts'
import type { Translator } from '../i18n/index.ts'
import { type CompoundContext, UserError } from '../pipeline/command.ts'
import { normalizeText } from '../domain/text.ts'

export type { CompoundMember }

// the plain member, role and binding queries the commands need
export {
  type BindingRelation,
  bindingOf,
  bindingsOf,
  commandCounts,
  ensureMember,
  findMemberById,
  pendingBindingsOf,
  requestBinding,
  verifyBinding,
} from '../../db/members.ts'
export { countHeads, removeRole, roleOf, setRole } from '../../db/compounds.ts'

export interface ResolveOptions {
  /** a bare number or `#n` is a number of the 认证 list (a binding of this compound) */
  listNumber?: boolean
}

export type MemberLookup =
  | { kind: 'member'; member: CompoundMember }
  /** `strict`: the text named someone by identity (a mention, @name, a number): no free-text fallback */
  | { kind: 'none'; name: string; strict: boolean }
  | { kind: 'ambiguous'; name: string; candidates: CompoundMember[] }
  /** no text and no reply to take the person from */
  | { kind: 'missing' }

/** The mention the platform reported for this piece of text (`@alice`, `@张三`), if any. */
export function mentionFor(message: IncomingMessage, text: string): Mention | undefined {
  const key = normalizeText(text).toLowerCase()
  if (!key) return undefined
  return message.mentions?.find((m) => {
    const said = normalizeText(m.text).toLowerCase()
    return said === key || `@${said}` === key || said === `@${key}`
  })
}

/** The author of the quoted message when the platform states it (adapters set `replyTo.sender` only then). */
export function repliedAuthor(message: IncomingMessage): { id: string; name: string } | undefined {
  const s = message.replyTo?.sender
  return s?.id ? s : undefined
}

const asMember = (row: { id: number; displayName: string; platformUserId: string; username: string | null }): CompoundMember => ({
  id: row.id,
  displayName: row.displayName,
  platformUserId: row.platformUserId,
  username: row.username,
  room: null,
})

/** Find the member `text` means (see the top of this file); refusals are returned, not thrown. */
export async function lookupMember(ctx: CompoundContext, text: string, opts: ResolveOptions = {}): Promise<MemberLookup> {
  const { tx, message } = ctx
  const platform = message.platform
  const needle = normalizeText(text)

  if (!needle) {
    const author = repliedAuthor(message)
    if (!author) return { kind: 'missing' }
    const known = await compoundMemberByPlatformId(tx, ctx.compound.id, platform, author.id)
    // the platform says this person wrote a message in this chat: a member even if they never spoke to the bot
    return { kind: 'member', member: known ?? asMember(await ensureMember(tx, platform, author.id, author.name)) }
  }

  const mention = mentionFor(message, needle)
  if (mention?.userId) {
    const known = await compoundMemberByPlatformId(tx, ctx.compound.id, platform, mention.userId)
    if (known) return { kind: 'member', member: known }
    if (mention.name) return { kind: 'member', member: asMember(await ensureMember(tx, platform, mention.userId, mention.name)) }
    return { kind: 'none', name: needle.replace(/^@/, ''), strict: true }
  }
  if (mention?.username) {
    // a handle is one account: never a display name that happens to read the same
    const found = await compoundMembersByUsername(tx, ctx.compound.id, platform, mention.username)
    if (found.length === 1) return { kind: 'member', member: found[0]! }
    if (found.length === 0) return { kind: 'none', name: `@${mention.username.replace(/^@/, '')}`, strict: true }
    return { kind: 'ambiguous', name: `@${mention.username}`, candidates: found }
  }

  const number = opts.listNumber ? /^#?\s*(\d{1,9})$/.exec(needle) : null
  if (number) {
    const m = await compoundMemberByBinding(tx, ctx.compound.id, Number(number[1]))
    return m ? { kind: 'member', member: m } : { kind: 'none', name: needle, strict: true }
  }

  const typedAt = needle.startsWith('@')
  const name = needle.replace(/^@\s*/, '')
  if (!name) return { kind: 'missing' }
  // a platform user id is an identity too (the sandbox's ids, a Telegram id copied from a profile)
  const byId = await compoundMemberByPlatformId(tx, ctx.compound.id, platform, name)
  if (byId) return { kind: 'member', member: byId }
  const found = await compoundMembersByName(tx, ctx.compound.id, platform, name)
  if (found.length === 1) return { kind: 'member', member: found[0]! }
  if (found.length > 1) return { kind: 'ambiguous', name, candidates: found }
  return { kind: 'none', name, strict: typedAt }
}

/** The member `text` means, or a localized refusal (not found, several namesakes, nobody named). */
export async function resolveMember(ctx: CompoundContext, text: string, opts: ResolveOptions = {}): Promise<CompoundMember> {
  const found = await lookupMember(ctx, text, opts)
  if (found.kind === 'member') return found.member
  throw refusal(ctx, found)
}

/** The UserError for a lookup that found no one member. */
export function refusal(ctx: CompoundContext, found: Exclude<MemberLookup, { kind: 'member' }>): UserError {
  switch (found.kind) {
    case 'missing':
      return new UserError('common.missingMember', undefined, true)
    case 'none':
      return new UserError('common.unknownMember', { name: found.name })
    case 'ambiguous':
      return new UserError('common.ambiguousMember', {
        name: found.name,
        n: found.candidates.length,
        candidates: found.candidates.map((c) => memberLabel(ctx.t, c, { tag: true, room: true })).join(ctx.t('common.listSep')),
      })
  }
}

/**
 * A member's name as a reply shows it: marked as a person (a group sees it masked, 王*; a private chat in full)
 * and, with `tag`, followed by what tells them apart from a namesake — their @handle or the end of their
 * platform id (and, with `room`, a room they are bound to). Reply text only: never store it.
 */
export function memberLabel(
  t: Translator,
  m: { displayName: string; platformUserId: string; username?: string | null; room?: string | null },
  opts: { tag?: boolean; room?: boolean } = {},
): string {
  if (!opts.tag) return person(m.displayName)
  const parts = [...(opts.room && m.room ? [m.room] : []), m.username ? `@${m.username}` : maskId(m.platformUserId)]
  return t('common.memberTagged', { name: person(m.displayName), tag: parts.join(t('common.tagSep')) })
}

/** Labels for several members of the compound: a name another member of the compound also has gets its tag. */
export async function memberLabels(
  ctx: CompoundContext,
  list: readonly { id: number; displayName: string; platformUserId: string; username?: string | null }[],
): Promise<Map<number, string>> {
  const twins = await namesakesIn(ctx.tx, ctx.compound.id, list.map((m) => m.id))
  return new Map(list.map((m) => [m.id, memberLabel(ctx.t, m, { tag: twins.has(m.id) })]))
}
