// 认证 [@成员|序号|全部]: the committee verifies a member's pending household binding. Without an argument the
// pending claims are listed privately to the asker, each next to the roster owner's masked name (王*) so a
// claim can be checked against the roster; `认证 全部` verifies every pending claim whose display name is the
// roster owner's (folded as the group privacy scrub folds names). Not 核验, which verifies the ledger.
import { z } from 'zod'
import { maskedOwners, namesOwner, person } from '../src/domain/group-privacy.ts'
import { type CompoundContext, defineCommand, reply, UserError } from '../src/pipeline/command.ts'
import { memberLabels, pendingBindingsOf, repliedAuthor, resolveMember, verifyBinding } from '../src/services/members.ts'

/** `认证 全部`: every language's word is accepted in every compound. */
const ALL_WORDS = new Set(['全部', '所有', 'all'])

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
    const matches = (r: (typeof list)[number]) => namesOwner(r.member.displayName, r.household.ownerName)
    if (!text && !repliedAuthor(ctx.message)) {
      const lines =
        list.length === 0
          ? [t('verify.none')]
          : [
              t('verify.listTitle'),
              ...list.map((r) => {
                const owners = maskedOwners(r.household.ownerName)
                const roster = owners.length === 0 ? t('verify.ownerUnknown') : t('verify.owner', { owners: owners.join(t('common.listSep')) })
                const item = t('verify.listItem', { no: r.binding.id, name: label(r), room: r.household.code, relation: t(`relation.${r.binding.relation}`) })
                return `${item}${roster}${matches(r) ? t('verify.nameMatches') : ''}`
              }),
            ]
      // the roster next to who claims it is for the committee only: privately, the group sees that it was answered
      const name = person(ctx.member.displayName)
      return [reply.private(lines.join('\n'), { groupAck: t('common.answeredPrivately', { name }), groupFallback: t('common.cannotDm', { name }) })]
    }
    // the number shown in the list is the binding id: stable while others are verified
    const byNumber = /^#?(\d{1,9})$/.exec(text)
    const all = ALL_WORDS.has(text.toLowerCase())
    let targets: typeof list
    if (all) {
      // one's own claim is for another committee member to check (the head may verify their own)
      targets = list.filter((r) => matches(r) && (r.member.id !== ctx.member.id || ctx.role === 'head'))
      if (targets.length === 0) throw new UserError('verify.allNone')
    } else if (byNumber) {
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
    const left = list.length - targets.length
    if (all && left > 0) out.push(t('verify.allLeft', { count: left }))
    return [reply.chat(out.join('\n'))]
  },
})
