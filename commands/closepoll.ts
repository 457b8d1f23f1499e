// 结束投票 / 結束投票 / closepoll: a committee member closes a poll before its deadline; the result is
// counted, stored (polls.result) and announced to every chat of the compound. Later ballots are refused.
// Polls past their deadline are closed by the scheduler (or `linli polls close-due`) the same way. Elections
// close the same way (not while still nominating); either way the result post opens the objection window. An
// opinion round is refused: it ends at its deadline (src/services/opinions.ts).
import { z } from 'zod'
import { parsePollNumberArg } from '../src/domain/poll-syntax.ts'
import { closePoll, findPoll } from '../src/services/polls.ts'
import { formatDeadline } from '../src/render/polls.ts'
import { defineCommand, type Reply, reply, UserError } from '../src/pipeline/command.ts'

export default defineCommand({
  name: 'closepoll',
  keywords: { 'zh-CN': ['结束投票'], 'zh-TW': ['結束投票'], en: ['closepoll'] },
  role: 'committee',
  parse: parsePollNumberArg,
  args: z.object({ no: z.number({ message: 'poll.numberInvalid' }).int().positive() }),
  async run(ctx, { no }) {
    const { tx, compound, t } = ctx
    const poll = await findPoll(tx, compound.id, no)
    if (!poll) throw new UserError('poll.unknown', { no })
    if (poll.kind === 'opinion') throw new UserError('opinion.closesAtDeadline', { no, deadline: formatDeadline(poll.deadline, compound.timeZone) })
    if (poll.status === 'closed') throw new UserError('closepoll.already', { no })
    if (poll.status === 'nominating') {
      throw new UserError('elect.nominating', { no, until: formatDeadline(poll.nominationUntil ?? poll.deadline, compound.timeZone) })
    }
    const closed = await closePoll(tx, compound, poll.id, ctx.now)
    if (!closed) throw new UserError('closepoll.already', { no })
    const out: Reply[] = [closed.announcement]
    if (ctx.message.chat.kind === 'private') out.push(reply.chat(t('closepoll.donePrivately', { no })))
    return out
  },
})
