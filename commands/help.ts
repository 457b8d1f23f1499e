import { z } from 'zod'
import { type AnyCommand, defineCommand, reply, usageKeyOf, usageLine } from '../src/pipeline/command.ts'
import { normalizeText } from '../src/domain/text.ts'
import { mayList } from '../src/pipeline/permissions.ts'
import { LANGS } from '../src/i18n/index.ts'

export function findByKeyword(commands: readonly AnyCommand[], word: string): AnyCommand | undefined {
  const w = normalizeText(word).replace(/^\//, '').toLowerCase()
  return commands.find((c) => LANGS.some((l) => c.keywords[l].some((k) => k.toLowerCase() === w)))
}

export default defineCommand({
  name: 'help',
  keywords: { 'zh-CN': ['帮助', '命令'], 'zh-TW': ['幫助', '命令'], en: ['help', 'start'] },
  role: 'anyone',
  args: z.object({ text: z.string().max(50) }),
  async run(ctx, { text }) {
    const { t } = ctx
    if (text) {
      const cmd = findByKeyword(ctx.commands, text.split(/\s+/)[0]!)
      if (!cmd || cmd.hidden) return [reply.chat(t('help.unknownCommand', { name: text }))]
      return [reply.chat(t('help.one', { usage: usageLine(cmd, ctx.lang, t), summary: t(`${usageKeyOf(cmd)}.summary`) }))]
    }
    const lines = [t('help.title')]
    for (const cmd of ctx.commands) {
      if (cmd.hidden || !(await mayList(ctx, cmd))) continue
      lines.push(`• ${usageLine(cmd, ctx.lang, t)} — ${t(`${usageKeyOf(cmd)}.summary`)}`)
    }
    if (!ctx.compound && ctx.message.chat.kind === 'group') lines.push('', t('help.notSetUp'))
    lines.push('', t('help.footer'))
    // what the platform adds, e.g. Telegram with privacy mode on sees only slash commands
    for (const note of ctx.message.platformNotes ?? []) lines.push('', t(note))
    return [reply.chat(lines.join('\n'))]
  },
})
