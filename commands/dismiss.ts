import { z } from 'zod'
import { parseBuildingList } from '../src/domain/captain-syntax.ts'
import { defineCommand, reply, UserError } from '../src/pipeline/command.ts'
import { removeCaptainBuildings } from '../src/services/captains.ts'
import { countHeads, memberLabels, removeRole, resolveMember, roleOf } from '../src/services/members.ts'

/** The captain words of 任命 (kept here too: a command never imports another). */
const CAPTAIN_WORDS = new Set(['楼栋长', '樓棟長', '栋长', '棟長', 'captain'])

export default defineCommand({
  name: 'dismiss',
  keywords: { 'zh-CN': ['免职'], 'zh-TW': ['免職'], en: ['dismiss'] },
  role: 'head',
  // `@张三`, or `@张三 楼栋长 [3栋]` for a captain's buildings (none named: all of them)
  parse(raw) {
    const parts = raw.split(/\s+/).filter(Boolean)
    const at = parts.findIndex((p) => CAPTAIN_WORDS.has(p.toLowerCase()))
    if (at < 0) return { text: raw.trim(), captain: false, buildings: [] }
    return { text: parts.slice(0, at).join(' '), captain: true, buildings: parseBuildingList(parts.slice(at + 1).join(' ')) }
  },
  // empty text: the person whose message this one replies to (resolveMember refuses when there is none)
  args: z.object({ text: z.string().max(100), captain: z.boolean(), buildings: z.array(z.string().max(20)).max(50) }),
  async run(ctx, { text, captain, buildings }) {
    const target = await resolveMember(ctx, text, { listNumber: true })
    // masked in a group (王*), with the @handle or the end of the id when another member has the same name
    const name = (await memberLabels(ctx, [target])).get(target.id)!
    if (captain) {
      const removed = await removeCaptainBuildings(ctx.tx, ctx.compound.id, target.id, buildings.length > 0 ? buildings : null)
      if (removed.length === 0) throw new UserError('dismiss.notCaptain', { name })
      return [reply.chat(ctx.t('dismiss.captainDone', { name, buildings: removed.map((b) => ctx.t('captain.building', { b })).join('、') }))]
    }
    if (target.id === ctx.member.id) throw new UserError('appoint.self')
    const role = await roleOf(ctx.tx, ctx.compound.id, target.id)
    if (!role) throw new UserError('dismiss.noRole', { name })
    if (role === 'head' && (await countHeads(ctx.tx, ctx.compound.id)) <= 1) throw new UserError('dismiss.lastHead')
    await removeRole(ctx.tx, ctx.compound.id, target.id)
    return [reply.chat(ctx.t('dismiss.done', { name, role: ctx.t(`role.${role}`) }))]
  },
})
