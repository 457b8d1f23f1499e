// 征求意见 / 徵求意見 / consult: a committee member asks the owners' opinion on a topic (issue 17). The round is a
// poll of kind 'opinion' (its #n is the compound's next poll number) with the roster frozen as its electorate; one
// post goes to every chat with how to sign (Telegram: 同意 / 不同意 buttons). Closed by the scheduler at the
// deadline (src/services/opinions.ts), when the group gets the counts and themes and the committee the full list.
import { z } from 'zod'
import { parseConsult } from '../src/domain/opinion.ts'
import { consultButtons, consultText } from '../src/render/opinions.ts'
import { launchOpinionRound } from '../src/services/opinions.ts'
import { defineCommand, type Reply, reply, UserError } from '../src/pipeline/command.ts'

export default defineCommand({
  name: 'consult',
  keywords: { 'zh-CN': ['征求意见'], 'zh-TW': ['徵求意見'], en: ['consult'] },
  role: 'committee',
  args: z.object({ text: z.string().max(1000, 'consult.tooLong') }),
  async run(ctx, { text }) {
    const { t, compound } = ctx
    const res = parseConsult(text, { now: ctx.now, timeZone: compound.timeZone })
    if (!res.ok) throw new UserError(res.key, res.params, true)
    const round = await launchOpinionRound(ctx.tx, compound, { title: res.title, deadline: res.deadline, memberId: ctx.member.id, now: ctx.now })
    if (!round) throw new UserError('consult.noRoster')
    const out: Reply[] = [
      { to: 'compound', text: consultText(t, round, compound.timeZone), buttons: consultButtons(t, round.no), dedupeKey: `opinion-launched:${round.id}` },
    ]
    if (ctx.message.chat.kind === 'private') out.push(reply.chat(t('consult.launchedPrivately', { no: round.no })))
    return out
  },
})
