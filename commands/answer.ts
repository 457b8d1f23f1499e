// 答复异议 / 答覆異議 / answer: the committee answers an objection — `答复异议 #3-1 已核对纸质票，计票无误`, or with
// 成立 / upheld as the last word when the objection stands (then the result does not take effect: for an
// election nobody gets the committee role). Answers are append-only; the latest stands. Allowed until the
// final announcement is written. The objector is told privately.
import { z } from 'zod'
import { findObjection, insertAnswer, windowOf } from '../src/services/objections.ts'
import { findPoll } from '../src/services/polls.ts'
import { defineCommand, reply, UserError } from '../src/pipeline/command.ts'

const UPHELD = new Set(['成立', '成立。', 'upheld', 'upheld.'])

export default defineCommand({
  name: 'answer',
  keywords: { 'zh-CN': ['答复异议'], 'zh-TW': ['答覆異議'], en: ['answer'] },
  role: 'committee',
  parse(raw) {
    const m = /^#?\s*(\d{1,6})\s*[-－—–]\s*(\d{1,4})(?:\s+(.*))?$/s.exec(raw.trim())
    if (!m) return { no: null, k: null, answer: '', upheld: false }
    const words = (m[3] ?? '').trim().split(/\s+/).filter(Boolean)
    const upheld = words.length > 0 && UPHELD.has(words.at(-1)!.toLowerCase())
    if (upheld) words.pop()
    return { no: Number(m[1]), k: Number(m[2]), answer: words.join(' '), upheld }
  },
  args: z.object({
    no: z.number({ message: 'answer.refInvalid' }).int().positive(),
    k: z.number({ message: 'answer.refInvalid' }).int().positive(),
    answer: z.string().max(500, 'poll.tooLong'),
    upheld: z.boolean(),
  }),
  async run(ctx, { no, k, answer, upheld }) {
    const { t, tx, compound } = ctx
    const poll = await findPoll(tx, compound.id, no)
    if (!poll) throw new UserError('poll.unknown', { no })
    const window = await windowOf(tx, compound.id, poll.id, 'update')
    const objection = window ? await findObjection(tx, compound.id, poll.id, k) : undefined
    if (!window || !objection) throw new UserError('answer.unknown', { no, k })
    if (window.finalAt !== null) throw new UserError('answer.final', { no })
    if (!answer) throw new UserError('answer.textMissing', { no, k }, true)
    await insertAnswer(tx, { compoundId: compound.id, objectionId: objection.id, memberId: ctx.member.id, answer, upheld, createdAt: ctx.now })
    const mark = upheld ? t('answer.upheldMark') : ''
    const out = [reply.chat(t('answer.done', { no, k, upheld: mark }))]
    if (objection.memberId !== ctx.member.id) out.push(reply.member(objection.memberId, t('answer.toObjector', { no, k, answer, upheld: mark })))
    return out
  },
})
