// 认证 [@成员|序号]: the committee verifies a member's pending household binding (no argument lists them).
// Not 核验, which verifies the ledger (verify-ledger.ts).
import { z } from 'zod'
import { type CompoundContext, defineCommand, reply, UserError } from '../src/pipeline/command.ts'
import { memberLabels, pendingBindingsOf, repliedAuthor, resolveMember, verifyBinding } from '../src/services/members.ts'

async function pending(ctx: CompoundContext) {
  return pendingBindingsOf(ctx.tx, ctx.compound.id)
}

export default defineCommand({
  name: 'verify',
  keywords: { 'zh-CN': ['认证'], 'zh-TW': ['認證'], en: ['verify'] },
  role: 'committee',
  args: z.object({ text: z.string().max(100) }),
  async run(ctx, { text }) {
    const { tx, t } = ctx
    const list = await pending(ctx)
    // two members whose names read the same are told apart (handle or the end of their id), so the committee
    // does not verify an impostor who copied a neighbour's name
    const labels = await memberLabels(ctx, list.map((r) => r.member))
    const label = (r: (typeof list)[number]) => labels.get(r.member.id) ?? r.member.displayName
    if (!text && !repliedAuthor(ctx.message)) {
      if (list.length === 0) return [reply.chat(t('verify.none'))]
      const lines = list.map((r) =>
        t('verify.listItem', { no: r.binding.id, name: label(r), room: r.household.code, relation: t(`relation.${r.binding.relation}`) }),
      )
      return [reply.chat([t('verify.listTitle'), ...lines].join('\n'))]
    }
    // the number shown in the list is the binding id: stable while others are verified
    const byNumber = /^#?(\d{1,9})$/.exec(text)
    let targets: typeof list
    if (byNumber) {
      targets = list.filter((r) => r.binding.id === Number(byNumber[1]))
      if (targets.length === 0) throw new UserError('verify.notFound', { no: byNumber[1] })
    } else {
      // a mention, the author of the message replied to, or a name only one member has
      const m = await resolveMember(ctx, text)
      targets = list.filter((r) => r.member.id === m.id)
      if (targets.length === 0) throw new UserError('verify.memberHasNone', { name: (await memberLabels(ctx, [m])).get(m.id)! })
    }
    if (targets.some((r) => r.member.id === ctx.member.id) && ctx.role !== 'head') throw new UserError('verify.self')
    const out = []
    for (const r of targets) {
      await verifyBinding(tx, ctx.compound.id, r.binding.id, ctx.member.id, ctx.now)
      out.push(t('verify.done', { name: label(r), room: r.household.code, relation: t(`relation.${r.binding.relation}`) }))
    }
    return [reply.chat(out.join('\n'))]
  },
})
