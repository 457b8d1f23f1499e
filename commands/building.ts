// 楼栋 / 樓棟 / building [3栋…]: a building captain's follow-up list for their buildings — who has not voted or
// signed in each open poll, election and opinion round, who has not acknowledged a notice of the last 30 days,
// and the arrears (rooms and amounts). Always private: a group sees only that it was sent. The committee may
// ask for any building (no building: their own as captain, else all of them); a captain for their own only.
import { z } from 'zod'
import { parseBuildingList } from '../src/domain/captain-syntax.ts'
import { person } from '../src/domain/group-privacy.ts'
import { defineCommand, reply, UserError } from '../src/pipeline/command.ts'
import { buildingText } from '../src/render/captains.ts'
import { buildingOverview, captainRule, myBuildings, rosterBuildings } from '../src/services/captains.ts'

export default defineCommand({
  name: 'building',
  keywords: { 'zh-CN': ['楼栋', '楼栋情况'], 'zh-TW': ['樓棟', '樓棟情況'], en: ['building'] },
  role: 'committee',
  or: captainRule<{ buildings: string[] }>('captain', 'captain.notCaptain', async (_ctx, args) => (args.buildings.length > 0 ? args.buildings : null)),
  parse(raw) {
    return { buildings: parseBuildingList(raw) }
  },
  maxArgs: 200,
  args: z.object({ buildings: z.array(z.string().max(20)).max(50) }),
  async run(ctx, args) {
    const { t } = ctx
    const known = await rosterBuildings(ctx.tx, ctx.compound.id)
    const unknown = args.buildings.filter((b) => !known.includes(b))
    if (unknown.length > 0) throw new UserError('captain.unknownBuilding', { building: unknown.map((b) => t('captain.building', { b })).join('、'), known: known.join('、') || '—' })
    let buildings = args.buildings
    if (buildings.length === 0) {
      const mine = await myBuildings(ctx)
      buildings = mine.length > 0 ? mine : known
    }
    const overview = await buildingOverview(ctx.tx, ctx.compound, buildings, ctx.now)
    const name = person(ctx.member.displayName)
    return [
      reply.private(buildingText(t, overview, ctx.compound.timeZone), {
        groupAck: t('common.answeredPrivately', { name }),
        groupFallback: t('common.cannotDm', { name }),
      }),
    ]
  },
})
