// Who may run a command, read from its declaration (`role`, and `or` for a rule that needs the arguments):
// the pipeline enforces it, help lists by it and the README table prints it. No command refuses by role itself.
import type { Translator } from '../i18n/index.ts'
import {
  type AnyCommand,
  type BaseContext,
  type CompoundContext,
  type PassiveHandler,
  type Role,
  type RoleAlternative,
  hasRole,
  UserError,
} from './command.ts'

/** A role as commands declare it: `chatAdmin` or one of the ranked roles. */
type DeclaredRole = AnyCommand['role']

/** The refusal of someone below `role`: 只有委员可以这样做。 */
export function forbidden(t: Translator, role: DeclaredRole): UserError {
  return new UserError('common.forbidden', { role: t(`role.${role}`) })
}

function alternativeOf(cmd: AnyCommand): RoleAlternative<unknown> | undefined {
  return 'or' in cmd ? cmd.or : undefined
}

/** The least role that gets past the check before the arguments are read: the command's, or its alternative's. */
export function entryRole(cmd: AnyCommand): DeclaredRole {
  return alternativeOf(cmd)?.from ?? cmd.role
}

/**
 * The check before the arguments are read: throws the refusal. `isAdmin` is the chat admin check, made by
 * the caller before its transaction because it may call the platform.
 */
export function authorize(ctx: BaseContext, cmd: AnyCommand, isAdmin: boolean | undefined): void {
  // a supervisor holds no role in a compound they oversee, whatever the roles table or the platform says: their
  // reads go through `oversee` (./oversight.ts), and this check refuses everything else, plain-language offers too
  if (ctx.compound && ctx.supervised.includes(ctx.compound.id)) throw new UserError('oversight.readOnly')
  if (cmd.role === 'anyone') return
  if (cmd.role === 'chatAdmin') {
    if (ctx.message.chat.kind !== 'group') throw new UserError('common.groupOnly')
    if (!isAdmin) throw new UserError('common.notChatAdmin')
    return
  }
  if (!ctx.compound) throw new UserError(ctx.message.chat.kind === 'group' ? 'common.chatNotSetUp' : 'common.noCompoundPrivate')
  const least = entryRole(cmd)
  if (!hasRole(ctx.role, least as Role)) throw forbidden(ctx.t, least)
}

/** The check with the parsed arguments, after `authorize`: the alternative's rule, for someone below the role. */
export async function authorizeArgs(ctx: BaseContext, cmd: AnyCommand, args: unknown): Promise<void> {
  const alt = alternativeOf(cmd)
  if (!alt || !ctx.compound || hasRole(ctx.role, cmd.role as Role)) return
  await alt.check(ctx as CompoundContext, args)
}

/**
 * Whether help lists `cmd` to the asker: the role, or an alternative that applies to something now (an
 * assignee sees 完工 while a ticket of theirs can be marked done).
 * A chat admin command is listed in an unbound group only, to everyone there: asking the platform who is
 * an admin would hold help's transaction open on a network call.
 */
export async function mayList(ctx: BaseContext, cmd: AnyCommand): Promise<boolean> {
  if (cmd.supervisorsOnly) return ctx.supervised.length > 0
  if (cmd.role === 'anyone') return true
  if (cmd.role === 'chatAdmin') return !ctx.compound && ctx.message.chat.kind === 'group'
  if (!ctx.compound) return false
  if (hasRole(ctx.role, cmd.role)) return true
  const alt = alternativeOf(cmd)
  return !!alt && hasRole(ctx.role, alt.from) && (await alt.applies(ctx as CompoundContext))
}

/** Whether a passive handler may see the sender's photos. */
export function mayHandle(ctx: CompoundContext, handler: PassiveHandler): boolean {
  return hasRole(ctx.role, handler.role)
}

/** Who may run `cmd`, for people: "committee member, or the ticket's assignee" (the README's who column). */
export function whoMayRun(cmd: AnyCommand, t: Translator): string {
  if (cmd.supervisorsOnly) return t('role.supervisor')
  const role = t(`role.${cmd.role}`)
  const alt = alternativeOf(cmd)
  return alt ? t(`role.or.${alt.name}`, { role }) : role
}
