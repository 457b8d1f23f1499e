// Community oversight in the pipeline (docs/OVERSIGHT.md): whether a message acts on a compound its sender
// supervises. Then the supervisor is no member role there: the command's permission check is not consulted at
// all, only a command that declares `oversee` answers them (账目, 公示, 监督, 帮助), and every other command is
// refused — a supervisor who is also a chat admin, or holds a role, gets no write through this path.
import { compoundsByIds } from '../../db/supervisors.ts'
import type { BaseContext, Compound } from './command.ts'

export interface Oversight {
  /** the compound acted on; null when the sender supervises several and named none (a private chat) */
  compound: Compound | null
  overseen: Compound[]
  /** the argument text without the compound's name */
  args: string
  /** the compound was named at the start of the arguments */
  named: boolean
}

const fold = (s: string) => s.normalize('NFKC').toLowerCase()

/**
 * The supervised compound a message acts on, or null for the ordinary path. In a group: the group's compound
 * when supervised. In a private chat: a supervised compound named at the start of the arguments
 * (`账目 幸福小区 3月`; a period word is never a compound name), else the sender's own compound of membership
 * when they supervise it, else — with no compound of their own — their only supervised compound (or none named).
 * A supervisor who is a member of a compound they do not supervise uses it in private as anyone would.
 */
export async function oversightOf(ctx: BaseContext, args: string): Promise<Oversight | null> {
  const ids = ctx.supervised
  if (ids.length === 0) return null
  if (ctx.message.chat.kind === 'group') {
    if (!ctx.compound || !ids.includes(ctx.compound.id)) return null
    return { compound: ctx.compound, overseen: await compoundsByIds(ctx.tx, ids), args, named: false }
  }
  const overseen = await compoundsByIds(ctx.tx, ids)
  // a compound name has at most 40 characters: only the start is read (the argument cap comes after this)
  const text = fold(args.trim().slice(0, 64))
  // the longest name first: 幸福里二期 before 幸福里
  for (const c of [...overseen].sort((a, b) => b.name.length - a.name.length)) {
    const name = fold(c.name)
    if (text === name || (text.startsWith(name) && /^\s/.test(text.slice(name.length, name.length + 1)))) {
      return { compound: c, overseen, args: args.trim().slice(c.name.length).trim(), named: true }
    }
  }
  if (ctx.compound) return ids.includes(ctx.compound.id) ? { compound: ctx.compound, overseen, args, named: false } : null
  return { compound: overseen.length === 1 ? overseen[0]! : null, overseen, args, named: false }
}
