import { z } from 'zod'
import { defineCommand, reply, UserError } from '../src/pipeline/command.ts'
import { createCompound, findChat, findCompoundByName, linkChat } from '../src/services/compounds.ts'
import { roleOf, setRole } from '../src/services/members.ts'

export default defineCommand({
  name: 'setup',
  keywords: { 'zh-CN': ['开通'], 'zh-TW': ['開通'], en: ['setup'] },
  role: 'chatAdmin',
  args: z.object({ text: z.string().trim().min(2, 'setup.nameInvalid').max(40, 'setup.nameInvalid') }),
  async run(ctx, { text: name }) {
    const { tx, message } = ctx
    const bound = await findChat(tx, message.platform, message.chat.id)
    if (bound) throw new UserError('setup.alreadyBound', { name: bound.compound.name })
    const existing = await findCompoundByName(tx, name)
    if (existing) {
      // joining an existing compound must not let any group admin become its head
      if ((await roleOf(tx, existing.id, ctx.member.id)) !== 'head') throw new UserError('setup.existsNotHead', { name })
      await linkChat(tx, { compoundId: existing.id, platform: message.platform, platformChatId: message.chat.id, title: message.chat.title })
      return [reply.chat(ctx.t('setup.linked', { name }))]
    }
    const compound = await createCompound(tx, { name, language: ctx.lang, timeZone: ctx.config.LINLI_DEFAULT_TZ })
    await linkChat(tx, { compoundId: compound.id, platform: message.platform, platformChatId: message.chat.id, title: message.chat.title })
    await setRole(tx, { compoundId: compound.id, memberId: ctx.member.id, role: 'head', grantedBy: ctx.member.id })
    return [reply.chat(ctx.t('setup.created', { name }))]
  },
})
