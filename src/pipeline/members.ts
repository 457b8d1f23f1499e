// Resolving "@张三" to one member of the compound, with the localized refusals.
import { findCompoundMembers } from '../../db/members.ts'
import { type CompoundContext, UserError } from './command.ts'

export async function resolveMember(ctx: CompoundContext, mention: string) {
  const found = await findCompoundMembers(ctx.tx, ctx.compound.id, ctx.message.platform, mention)
  const name = mention.replace(/^@/, '')
  if (found.length === 0) throw new UserError('common.unknownMember', { name })
  if (found.length > 1) throw new UserError('common.ambiguousMember', { name })
  return found[0]!
}
