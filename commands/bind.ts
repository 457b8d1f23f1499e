import { z } from 'zod'
import { extractRoom } from '../src/domain/rooms.ts'
import { defineCommand, reply, UserError } from '../src/pipeline/command.ts'
import { bindingOf, type BindingRelation, requestBinding } from '../src/services/members.ts'
import { requireHousehold } from '../src/services/roster.ts'

const RELATIONS: Record<string, BindingRelation> = {
  业主: 'owner', 業主: 'owner', 房主: 'owner', owner: 'owner',
  租户: 'tenant', 租戶: 'tenant', 租客: 'tenant', tenant: 'tenant',
  家属: 'family', 家屬: 'family', 家人: 'family', family: 'family',
}

export default defineCommand({
  name: 'bind',
  keywords: { 'zh-CN': ['绑定'], 'zh-TW': ['綁定'], en: ['bind'] },
  role: 'resident',
  parse(raw) {
    const found = extractRoom(raw)
    const [first, ...others] = raw.split(/\s+/).filter(Boolean)
    const rest = (found ? found.rest : others.join(' ')).trim()
    return { room: found ? found.matched : first, relation: rest ? rest.toLowerCase() : 'owner' }
  },
  args: z.object({
    room: z.string({ message: 'common.missingRoom' }).min(1),
    relation: z.string().refine((r) => r in RELATIONS, 'bind.relationInvalid'),
  }),
  async run(ctx, args) {
    const { tx, t } = ctx
    const household = await requireHousehold(ctx, args.room)
    const relation = RELATIONS[args.relation]!
    const existing = await bindingOf(tx, ctx.member.id, household.id)
    if (existing?.status === 'verified') {
      throw new UserError('bind.alreadyVerified', { room: household.code, relation: t(`relation.${existing.relation}`) })
    }
    if (existing) throw new UserError('bind.alreadyPending', { room: household.code })
    await requestBinding(tx, { compoundId: ctx.compound.id, memberId: ctx.member.id, householdId: household.id, relation, at: ctx.now })
    return [reply.chat(t('bind.requested', { room: household.code, relation: t(`relation.${relation}`) }))]
  },
})
