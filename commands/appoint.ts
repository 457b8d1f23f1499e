import { z } from 'zod'
import { parseBuildingList } from '../src/domain/captain-syntax.ts'
import { defineCommand, reply, UserError } from '../src/pipeline/command.ts'
import { addCaptainBuildings, rosterBuildings } from '../src/services/captains.ts'
import { memberLabels, resolveMember, setRole } from '../src/services/members.ts'

export const ROLE_WORDS: Record<string, 'collector' | 'committee' | 'head'> = {
  委员: 'committee', 委員: 'committee', committee: 'committee',
  收费员: 'collector', 收費員: 'collector', 网格员: 'collector', 網格員: 'collector', collector: 'collector',
  主任: 'head', 组长: 'head', 組長: 'head', head: 'head',
}

/** A building captain (楼栋长) is not a rank but a scope: captain_buildings, beside any role the member has. */
export const CAPTAIN_WORDS = new Set(['楼栋长', '樓棟長', '栋长', '棟長', 'captain'])

/** `@张三 楼栋长 3栋,5栋` → the member text, and the building text after the captain word (null: no captain word). */
export function splitCaptain(raw: string): { member: string; buildings: string } | null {
  const parts = raw.split(/\s+/).filter(Boolean)
  const at = parts.findIndex((p) => CAPTAIN_WORDS.has(p.toLowerCase()))
  if (at < 0) return null
  return { member: parts.slice(0, at).join(' '), buildings: parts.slice(at + 1).join(' ') }
}

export default defineCommand({
  name: 'appoint',
  keywords: { 'zh-CN': ['任命'], 'zh-TW': ['任命'], en: ['appoint'] },
  role: 'head',
  parse(raw) {
    const captain = splitCaptain(raw)
    if (captain) return { member: captain.member, role: 'captain', buildings: parseBuildingList(captain.buildings) }
    const parts = raw.split(/\s+/).filter(Boolean)
    // the role is the last word; alone, it is the role for the person whose message this one replies to
    const role = parts.length > 1 || (parts.length === 1 && parts[0]!.toLowerCase() in ROLE_WORDS) ? parts.pop()!.toLowerCase() : undefined
    return { member: parts.join(' '), role, buildings: [] }
  },
  args: z
    .object({
      member: z.string(),
      role: z.string({ message: 'appoint.roleInvalid' }).refine((r) => r in ROLE_WORDS || r === 'captain', 'appoint.roleInvalid'),
      buildings: z.array(z.string().max(20)).max(50),
    })
    .refine((a) => a.role !== 'captain' || a.buildings.length > 0, 'appoint.captainBuildingsMissing'),
  async run(ctx, args) {
    // by mention, reply, 认证 list number, or a display name that only one member has
    const target = await resolveMember(ctx, args.member, { listNumber: true })
    // masked in a group (王*), with the @handle or the end of the id when another member has the same name
    const name = (await memberLabels(ctx, [target])).get(target.id)!
    if (args.role === 'captain') {
      // a scope, not a rank: the head may look after their own building too
      const known = await rosterBuildings(ctx.tx, ctx.compound.id)
      const unknown = args.buildings.filter((b) => !known.includes(b))
      const label = (list: string[]) => list.map((b) => ctx.t('captain.building', { b })).join('、')
      if (unknown.length > 0) throw new UserError('captain.unknownBuilding', { building: label(unknown), known: known.join('、') || '—' })
      await addCaptainBuildings(ctx.tx, { compoundId: ctx.compound.id, memberId: target.id, buildings: args.buildings, grantedBy: ctx.member.id, at: ctx.now })
      return [reply.chat(ctx.t('appoint.captainDone', { name, buildings: label(args.buildings) }))]
    }
    if (target.id === ctx.member.id) throw new UserError('appoint.self')
    const role = ROLE_WORDS[args.role]!
    await setRole(ctx.tx, { compoundId: ctx.compound.id, memberId: target.id, role, grantedBy: ctx.member.id })
    return [reply.chat(ctx.t('appoint.done', { name, role: ctx.t(`role.${role}`) }))]
  },
})
