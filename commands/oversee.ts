// 监督 [小区] / 監督 / oversee: a community (社区/街道) supervisor's digest of the compounds they oversee, on demand —
// the same as the weekly one (src/scheduler/oversight.ts): 公示 on time or not, balance, arrears rate, repairs,
// polls with their legal-calendar flags. Only to the supervisor (privately from a group). Reads only.
import { z } from 'zod'
import { type BaseContext, type Compound, defineCommand, type Reply, UserError } from '../src/pipeline/command.ts'
import { oversightTexts } from '../src/render/oversight.ts'
import { gatherOversight, overseenByName, supervisedCompounds, toSupervisor } from '../src/services/oversight.ts'

async function digest(ctx: BaseContext, list: readonly Compound[]): Promise<Reply[]> {
  const views = await gatherOversight(ctx.tx, list, ctx.now)
  return oversightTexts(ctx.t, views, list[0]!.timeZone).map((text) => toSupervisor(ctx, text))
}

export default defineCommand({
  name: 'oversee',
  keywords: { 'zh-CN': ['监督', '监督摘要'], 'zh-TW': ['監督', '監督摘要'], en: ['oversee'] },
  role: 'anyone',
  supervisorsOnly: true,
  parse: (raw) => ({ compound: raw.trim() }),
  args: z.object({ compound: z.string().max(40) }),
  // someone who oversees nothing (refused), or a supervisor in a chat of a compound they do not oversee
  async run(ctx, args) {
    const overseen = await supervisedCompounds(ctx.tx, ctx.supervised)
    if (overseen.length === 0) throw new UserError('oversight.notSupervisor')
    return digest(ctx, args.compound ? [overseenByName(ctx.t, overseen, args.compound)] : overseen)
  },
  // the pipeline took a named compound off the arguments; otherwise every compound they oversee
  async oversee(ctx, args) {
    if (args.compound) return digest(ctx, [overseenByName(ctx.t, ctx.overseen, args.compound)])
    return digest(ctx, ctx.named && ctx.compound ? [ctx.compound] : ctx.overseen)
  },
})
