// 选 / 選 / elect: an owner household marks up to `seats` candidates of an election — `选 #3 A C`, `选 #3 张三 李四`,
// `/elect 3 AC`. Eligibility, the frozen electorate and the ballot are the polls' own (ownerHouseholds,
// withinElectorate, castForVoters: one current ballot per household, a later one replaces it, every cast kept).
// The answer goes privately; the group sees only that a ballot came in (a secret election: not even the room).
import { z } from 'zod'
import { lastLetter, parseMarks } from '../src/domain/election-syntax.ts'
import { letterOf } from '../src/domain/election.ts'
import { parseVote } from '../src/domain/poll-syntax.ts'
import { formatDeadline } from '../src/render/polls.ts'
import { castForVoters, findPoll, ownerHouseholds, withinElectorate } from '../src/services/polls.ts'
import { defineCommand, reply, UserError } from '../src/pipeline/command.ts'

export default defineCommand({
  name: 'elect',
  keywords: { 'zh-CN': ['选'], 'zh-TW': ['選'], en: ['elect'] },
  role: 'resident',
  args: z.object({ text: z.string().max(500, 'vote.tooLong') }),
  async run(ctx, { text }) {
    const { t, tx, compound } = ctx
    const parsed = parseVote(text)
    if ('ok' in parsed || parsed.pollNo === undefined) throw new UserError('elect.numberMissing', undefined, true)
    const no = parsed.pollNo
    const poll = await findPoll(tx, compound.id, no, 'share')
    if (!poll) throw new UserError('poll.unknown', { no })
    if (poll.kind !== 'election') throw new UserError('election.notElection', { no, kind: t(`election.kind.${poll.kind}`) })
    const deadline = formatDeadline(poll.deadline, compound.timeZone)
    if (poll.status === 'nominating') throw new UserError('elect.nominating', { no, until: formatDeadline(poll.nominationUntil ?? poll.deadline, compound.timeZone) })
    if (poll.status === 'closed') throw new UserError('elect.closed', { no })
    if (poll.deadline.getTime() <= ctx.now.getTime()) throw new UserError('elect.pastDeadline', { no, deadline })
    if (!parsed.choice) throw new UserError('elect.choiceMissing', { no }, true)
    const marks = parseMarks(parsed.choice, poll.options)
    if (!marks.ok) throw new UserError('elect.unknownCandidate', { no, choice: marks.unknown, last: lastLetter(poll.options.length) })
    const seats = poll.seats ?? 1
    if (marks.indices.length > seats) throw new UserError('elect.tooMany', { seats, count: marks.indices.length })

    const { inside, outside } = await withinElectorate(ctx, poll, await ownerHouseholds(ctx))
    const { changed, replacedOther } = await castForVoters(ctx, poll, inside, marks.indices)
    const who = inside.map((v) => v.label).join('、')
    const params = { no, title: poll.title, who, deadline }
    const choice = marks.indices.map((i) => `${letterOf(i)}. ${poll.options[i]}`).join('、')
    const lines = [t(poll.secret ? (changed ? 'elect.changedSecret' : 'elect.recordedSecret') : changed ? 'elect.changed' : 'elect.recorded', { ...params, choice })]
    if (replacedOther) lines.push(t('vote.replacedOther'))
    if (outside.length > 0) lines.push(t('vote.partlyOutside', { no, rooms: outside.join('、') }))
    const ack = poll.secret ? t('elect.ackSecret', { no }) : t('elect.ack', { no, who })
    return [reply.private(lines.join('\n'), { groupAck: ack, groupFallback: `${ack}\n${t('vote.cannotDm')}` })]
  },
})
