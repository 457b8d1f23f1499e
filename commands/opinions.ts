// 意见 / 意見 / opinions: the committee's full list of an opinion round, privately — room, stance, time and note of
// every signature, the rooms that have not signed, and the CSV (UTF-8 with a BOM, for Excel). While the round runs
// it is the list so far; the same list goes to every committee member when the round closes.
import { z } from 'zod'
import { person } from '../src/domain/group-privacy.ts'
import { parsePollNumberArg } from '../src/domain/poll-syntax.ts'
import { committeeList, opinionState } from '../src/services/opinions.ts'
import { findPoll } from '../src/services/polls.ts'
import { defineCommand, type Reply, UserError } from '../src/pipeline/command.ts'

export default defineCommand({
  name: 'opinions',
  keywords: { 'zh-CN': ['意见'], 'zh-TW': ['意見'], en: ['opinions'] },
  role: 'committee',
  // 意见：… / 通知：… from a resident in the group is chatter, not a refused command
  everydayWord: true,
  parse: parsePollNumberArg,
  args: z.object({ no: z.number({ message: 'poll.numberInvalid' }).int().positive() }),
  async run(ctx, { no }) {
    const { tx, compound, t } = ctx
    const round = await findPoll(tx, compound.id, no)
    if (!round) throw new UserError('opinion.unknown', { no })
    if (round.kind !== 'opinion') throw new UserError('opinion.wrongKind', { no, kind: t(`opinion.kind.${round.kind}`) })
    const list = committeeList(t, compound, round, await opinionState(tx, round))
    // private even from a group: rooms with their words are for the committee only. Asked in a group, the first
    // part carries the group's one line: answered privately, or (unreachable) how to open a private chat — never
    // the content
    const name = person(ctx.member.displayName)
    const group = { groupAck: t('common.answeredPrivately', { name }), groupFallback: t('common.cannotDm', { name }) }
    return list.texts.map((text, i): Reply => ({
      to: 'private',
      text,
      ...(i === 0 ? group : {}),
      ...(i === list.texts.length - 1 ? { file: list.file } : {}),
    }))
  },
})
