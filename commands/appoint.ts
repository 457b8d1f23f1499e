import { z } from 'zod'
import { defineCommand, reply, UserError } from '../src/pipeline/command.ts'
import { memberLabels, resolveMember, setRole } from '../src/services/members.ts'

export const ROLE_WORDS: Record<string, 'collector' | 'committee' | 'head'> = {
  委员: 'committee', 委員: 'committee', committee: 'committee',
  收费员: 'collector', 收費員: 'collector', 楼栋长: 'collector', 樓棟長: 'collector', 网格员: 'collector', 網格員: 'collector', collector: 'collector',
  主任: 'head', 组长: 'head', 組長: 'head', head: 'head',
}

export default defineCommand({
  name: 'appoint',
  keywords: { 'zh-CN': ['任命'], 'zh-TW': ['任命'], en: ['appoint'] },
  role: 'head',
  parse(raw) {
    const parts = raw.split(/\s+/).filter(Boolean)
    // the role is the last word; alone, it is the role for the person whose message this one replies to
    const role = parts.length > 1 || (parts.length === 1 && parts[0]!.toLowerCase() in ROLE_WORDS) ? parts.pop()!.toLowerCase() : undefined
    return { member: parts.join(' '), role }
  },
  args: z.object({
    member: z.string(),
    role: z.string({ message: 'appoint.roleInvalid' }).refine((r) => r in ROLE_WORDS, 'appoint.roleInvalid'),
  }),
  async run(ctx, args) {
    // by mention, reply, 认证 list number, or a display name that only one member has
    const target = await resolveMember(ctx, args.member, { listNumber: true })
    if (target.id === ctx.member.id) throw new UserError('appoint.self')
    const role = ROLE_WORDS[args.role]!
    await setRole(ctx.tx, { compoundId: ctx.compound.id, memberId: target.id, role, grantedBy: ctx.member.id })
    // masked in a group (王*), with the @handle or the end of the id when another member has the same name
    const name = (await memberLabels(ctx, [target])).get(target.id)!
    return [reply.chat(ctx.t('appoint.done', { name, role: ctx.t(`role.${role}`) }))]
  },
})
