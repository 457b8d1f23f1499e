// 通知 / 通知 / notice (issue 17), committee:
//   通知 <内容>        posted to every chat of the compound, numbered per compound, with a 收到 button (Telegram)
//                      and the line 回复「收到」确认; residents acknowledge with 收到 (commands/ack.ts).
//   通知 #<n> [未读]   privately: how many households have acknowledged, and the rooms that have not, per building
//                      (asked in a group, the group hears only that it was answered privately, or how to get it).
// One reminder goes to the groups later (src/services/notices.ts; setting noticeReminderHours).
import { z } from 'zod'
import { person } from '../src/domain/group-privacy.ts'
import { noticeButtons, noticeText, unreadTexts } from '../src/render/notices.ts'
import { findNotice, MAX_NOTICE, postNotice, unreadOf } from '../src/services/notices.ts'
import { defineCommand, type Reply, reply, UserError } from '../src/pipeline/command.ts'

const UNREAD = /^(?:未读|未讀|未确认|未確認|unread|unacknowledged)?$/i

export default defineCommand({
  name: 'notice',
  keywords: { 'zh-CN': ['通知'], 'zh-TW': ['通知'], en: ['notice'] },
  role: 'committee',
  // 意见：… / 通知：… from a resident in the group is chatter, not a refused command
  everydayWord: true,
  maxArgs: 2000,
  parse: (raw) => {
    const text = raw.trim()
    const m = /^#\s*(\d{1,6})(?:\s+([\s\S]*))?$/.exec(text) ?? /^(\d{1,6})(?:\s+(unread|未读|未讀))?$/i.exec(text)
    if (m) return { mode: 'unread', no: Number(m[1]), sub: (m[2] ?? '').trim() }
    return { mode: 'post', text }
  },
  args: z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('unread'), no: z.number().int().positive(), sub: z.string() }),
    z.object({ mode: z.literal('post'), text: z.string().min(1, 'notice.textMissing').max(MAX_NOTICE, 'notice.tooLong') }),
  ]),
  async run(ctx, args) {
    const { t, tx, compound } = ctx
    if (args.mode === 'unread') {
      if (!UNREAD.test(args.sub)) throw new UserError('notice.subInvalid', { no: args.no })
      const notice = await findNotice(tx, compound.id, args.no)
      if (!notice) throw new UserError('notice.unknown', { no: args.no })
      const texts = unreadTexts(t, await unreadOf(tx, notice), compound.timeZone)
      // asked in a group: one line there (answered privately, or how to open a private chat), never the rooms
      const name = person(ctx.member.displayName)
      const group = { groupAck: t('common.answeredPrivately', { name }), groupFallback: t('common.cannotDm', { name }) }
      return texts.map((text, i) => reply.private(text, i === 0 ? group : {}))
    }
    const notice = await postNotice(tx, compound, { text: args.text, memberId: ctx.member.id, now: ctx.now })
    const out: Reply[] = [
      { to: 'compound', text: noticeText(t, notice.no, notice.text), buttons: noticeButtons(t, notice.no), dedupeKey: `notice:${notice.id}` },
    ]
    if (ctx.message.chat.kind === 'private') out.push(reply.chat(t('notice.postedPrivately', { no: notice.no })))
    return out
  },
})
