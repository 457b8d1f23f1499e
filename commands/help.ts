// 帮助 [命令|全部]: the commands the asker may run (src/pipeline/permissions.ts). By default a short list: the
// SHORT_LIST commands this person sends most (counted from their own handled messages, inbox.command), then
// the usual ones of their role for a newcomer; `帮助 全部` lists them all; `帮助 <命令>` shows one's usage.
import { z } from 'zod'
import { type AnyCommand, type BaseContext, defineCommand, reply, type Role, usageKeyOf, usageLine } from '../src/pipeline/command.ts'
import { normalizeText } from '../src/domain/text.ts'
import { mayList } from '../src/pipeline/permissions.ts'
import { commandCounts } from '../src/services/members.ts'
import { LANGS } from '../src/i18n/index.ts'
import { toSupervisor } from '../src/services/oversight.ts'

/** How many commands the short list shows. */
export const SHORT_LIST = 6

/**
 * A newcomer's short list, by role, most needed first (command names; what the person may not run is skipped).
 * 绑定 only to someone bound to no room yet, 查费 to a resident only once they have one.
 */
const USUAL: Record<Role, readonly string[]> = {
  anyone: ['setup', 'bind', 'repair'],
  resident: ['repair', 'bind', 'fee', 'vote', 'results', 'ledger', 'myrepairs', 'repairs', 'verifyledger'],
  collector: ['pay', 'fee', 'arrears', 'repair', 'ledger', 'vote'],
  committee: ['verify', 'repairs', 'assign', 'expense', 'poll', 'disclose'],
  head: ['appoint', 'verify', 'feerule', 'poll', 'expense', 'disclose'],
}

/** `帮助 全部`: every language's word is accepted in every compound. */
const ALL_WORDS = new Set(['全部', '所有', '全部命令', 'all'])

export function findByKeyword(commands: readonly AnyCommand[], word: string): AnyCommand | undefined {
  const w = normalizeText(word).replace(/^\//, '').toLowerCase()
  return commands.find((c) => LANGS.some((l) => c.keywords[l].some((k) => k.toLowerCase() === w)))
}

/** The short list: the asker's most used commands, then their role's usual ones, then the rest in help's order. */
async function shortList(ctx: BaseContext, allowed: readonly AnyCommand[]): Promise<AnyCommand[]> {
  const candidates = allowed.filter((c) => c.name !== 'help')
  const byName = new Map(candidates.map((c) => [c.name, c]))
  const used = (await commandCounts(ctx.tx, ctx.member.id)).map((r) => r.command)
  // a newcomer without a room is offered 绑定 rather than 查费 (a resident asks about their own rooms only)
  const roomless = ctx.bindings.length === 0
  const usual = USUAL[ctx.role].filter((name) => (name === 'bind' ? roomless : name === 'fee' && ctx.role === 'resident' ? !roomless : true))
  const out = new Set<AnyCommand>()
  for (const name of [...used, ...usual, ...candidates.map((c) => c.name)]) {
    const cmd = byName.get(name)
    if (cmd) out.add(cmd)
    if (out.size === SHORT_LIST) break
  }
  return [...out]
}

export default defineCommand({
  name: 'help',
  keywords: { 'zh-CN': ['帮助', '命令'], 'zh-TW': ['幫助', '命令'], en: ['help', 'start'] },
  role: 'anyone',
  args: z.object({ text: z.string().max(50) }),
  async run(ctx, { text }) {
    const { t } = ctx
    const all = ALL_WORDS.has(normalizeText(text).toLowerCase())
    if (text && !all) {
      const cmd = findByKeyword(ctx.commands, text.split(/\s+/)[0]!)
      if (!cmd || cmd.hidden) return [reply.chat(t('help.unknownCommand', { name: text }))]
      return [reply.chat(t('help.one', { usage: usageLine(cmd, ctx.lang, t), summary: t(`${usageKeyOf(cmd)}.summary`) }))]
    }
    const allowed: AnyCommand[] = []
    for (const cmd of ctx.commands) if (!cmd.hidden && (await mayList(ctx, cmd))) allowed.push(cmd)
    const shown = all ? allowed : await shortList(ctx, allowed)
    const lines = [t('help.title')]
    for (const cmd of shown) lines.push(`• ${usageLine(cmd, ctx.lang, t)} — ${t(`${usageKeyOf(cmd)}.summary`)}`)
    if (!ctx.compound && ctx.message.chat.kind === 'group') lines.push('', t('help.notSetUp'))
    // the full list counts help itself; the short one leaves it out (this footer says how to ask)
    const more = !all && shown.length < allowed.filter((c) => c.name !== 'help').length
    lines.push('', more ? t('help.footerShort', { shown: shown.length, count: allowed.length }) : t('help.footer'))
    // what the platform adds, e.g. Telegram with privacy mode on sees only slash commands
    for (const note of ctx.message.platformNotes ?? []) lines.push('', t(note))
    return [reply.chat(lines.join('\n'))]
  },
  // a community supervisor in a compound they oversee: what they can read there (docs/OVERSIGHT.md)
  async oversee(ctx) {
    return [toSupervisor(ctx, ctx.t('oversight.help', { compounds: ctx.overseen.map((c) => c.name).join('、') }))]
  },
})
