import { z } from 'zod'
import { defineCommand, reply, UserError } from '../src/pipeline/command.ts'
import { countHeads, memberLabels, removeRole, resolveMember, roleOf } from '../src/services/members.ts'

export default defineCommand({
  name: 'dismiss',
  keywords: { 'zh-CN': ['免职'], 'zh-TW': ['免職'], en: ['dismiss'] },
  role: 'head',
  // empty text: the person whose message this one replies to (resolveMember refuses when there is none)
  args: z.object({ text: z.string().max(100) }),
  async run(ctx, { text }) {
    const target = await resolveMember(ctx, text, { listNumber: true })
    // masked in a group (王*), with the @handle or the end of the id when another member has the same name
    const name = (await memberLabels(ctx, [target])).get(target.id)!
    if (target.id === ctx.member.id) throw new UserError('appoint.self')
    const role = await roleOf(ctx.tx, ctx.compound.id, target.id)
    if (!role) throw new UserError('dismiss.noRole', { name })
    if (role === 'head' && (await countHeads(ctx.tx, ctx.compound.id)) <= 1) throw new UserError('dismiss.lastHead')
    await removeRole(ctx.tx, ctx.compound.id, target.id)
    return [reply.chat(ctx.t('dismiss.done', { name, role: ctx.t(`role.${role}`) }))]
  },
})
