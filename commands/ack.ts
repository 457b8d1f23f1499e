// 收到 / 收到 / ack (issue 17): a resident acknowledges a notice — the one pressed (Telegram button: `/ack <n>`),
// the one named (`收到 #3`), the one the message quotes, or else the compound's newest notice of the last
// ACK_WINDOW_DAYS days. One acknowledgement per member (a second is a friendly no-op), counted for the households
// of the member's verified bindings. A bare 收到 when there is no notice to acknowledge is ordinary chat: no answer.
// The answer goes privately, so a hundred 收到 do not flood the group.
import { z } from 'zod'
import { ACK_WINDOW_DAYS, acknowledge, findNotice, latestNoticeSince } from '../src/services/notices.ts'
import { defineCommand, reply, UserError } from '../src/pipeline/command.ts'

/** A notice post as quoted: 【通知 #3】 / [Notice #3]. */
const QUOTED = /(?:【通知|\[Notice)\s*#(\d{1,6})/i

export default defineCommand({
  name: 'ack',
  keywords: { 'zh-CN': ['收到'], 'zh-TW': ['收到'], en: ['ack', 'received'] },
  role: 'resident',
  parse: (raw, message) => {
    const m = /^#?\s*(\d{1,6})\b/.exec(raw.trim())
    if (m) return { no: Number(m[1]), named: true }
    const quoted = message.replyTo?.text ? QUOTED.exec(message.replyTo.text) : null
    return quoted ? { no: Number(quoted[1]), named: true } : { named: false }
  },
  args: z.object({ no: z.number().int().positive().optional(), named: z.boolean() }),
  async run(ctx, { no, named }) {
    const { t, tx, compound } = ctx
    const notice = named && no !== undefined
      ? await findNotice(tx, compound.id, no)
      : await latestNoticeSince(tx, compound.id, new Date(ctx.now.getTime() - ACK_WINDOW_DAYS * 86_400_000))
    if (!notice) {
      if (named) throw new UserError('notice.unknown', { no })
      return []
    }
    const verified = ctx.bindings.filter((b) => b.status === 'verified').sort((a, b) => a.household.id - b.household.id)
    const fresh = await acknowledge(tx, notice, { memberId: ctx.member.id, householdId: verified[0]?.household.id ?? null, now: ctx.now })
    const params = { no: notice.no, rooms: [...new Set(verified.map((b) => b.household.code))].join('、') }
    const text = !fresh ? t('ack.already', params) : verified.length > 0 ? t('ack.recorded', params) : t('ack.recordedNoRoom', params)
    return [reply.private(text, { groupFallback: t('ack.groupFallback', params) })]
  },
})
