// From an intent and its slots to the command line and what the bot may do with it. The one place that
// decides run / offer / show, for the rules and the optional LLM alike: a writing command is never `run`,
// and a payment is only ever `show`n.
import type { Lang } from '../i18n/define.ts'
import { splitRepairText } from '../domain/repair-place.ts'
import { amountText, commandLine, type CommandName, relationWord, ROOM_PLACEHOLDER, writesWhenRun } from './commands.ts'
import { defaultPeriod } from './period.ts'
import { placeText } from './places.ts'
import type { Action, IntentContext, IntentName, MissingSlot, Slots, Understood } from './types.ts'
import { stanceWord } from './vote.ts'

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai'

interface Built {
  name: CommandName | null
  args?: string
  missing?: MissingSlot[]
}

function build(intent: IntentName, s: Slots, ctx: IntentContext): Built {
  const lang = ctx.lang
  switch (intent) {
    case 'fee':
      return s.schedule ? { name: 'feerule' } : { name: 'fee', args: s.room ?? '' }
    case 'repair': {
      const description = (s.description ?? '').trim()
      if ([...description].length < 2) return { name: 'repair', missing: ['description'] }
      // a building, unit or room the repair command would not find by itself goes after 位置 / place: (an
      // area alone, 厨房 or 楼道, is in the description already)
      const own = splitRepairText(description)
      const structured = s.room !== undefined || s.building !== undefined || s.unit !== undefined
      const place = own.room || own.place || !structured ? '' : placeText(s, lang)
      const where = place ? ` ${lang === 'en' ? 'place:' : '位置'} ${place}` : ''
      return { name: 'repair', args: `${description}${where}` }
    }
    case 'status':
      if (s.ticket !== undefined) return { name: 'repair', args: `#${s.ticket}` }
      return { name: s.list ? 'repairs' : 'myrepairs' }
    case 'ledger':
      return { name: 'ledger', args: (s.period ?? defaultPeriod(ctx.now ?? new Date(), ctx.timeZone ?? DEFAULT_TIME_ZONE)).arg }
    case 'results':
      return { name: 'results', args: s.poll !== undefined ? `#${s.poll}` : '' }
    case 'vote': {
      const open = ctx.polls ?? []
      const poll = s.poll ?? (open.length === 1 ? open[0]!.no : undefined)
      const options = open.find((p) => p.no === poll)?.options
      if (s.option !== undefined && options && s.option > options.length) return { name: 'vote', missing: ['option'] }
      const choice = s.option !== undefined ? String(s.option) : s.stance ? stanceWord(s.stance, lang) : undefined
      if (choice === undefined) return { name: 'vote', missing: ['option'] }
      // a choice by word goes to the one open poll (`投票 同意`, the command finds it or asks which);
      // a number needs the poll's number
      if (poll === undefined) return s.option !== undefined ? { name: 'vote', missing: ['poll'] } : { name: 'vote', args: choice }
      return { name: 'vote', args: `#${poll} ${choice}` }
    }
    case 'bind':
      if (!s.room) return { name: 'bind', missing: ['room'] }
      return { name: 'bind', args: s.relation ? `${s.room} ${relationWord(s.relation, lang)}` : s.room }
    case 'help':
      return { name: 'help', args: s.topic ? commandLine(s.topic, lang).replace(/^\//, '') : '' }
    case 'payment': {
      if (s.amountFen === undefined || s.amountFen <= 0n) return { name: 'pay', missing: ['description'] }
      const room = s.room ?? ROOM_PLACEHOLDER[lang]
      return { name: 'pay', args: `${room} ${amountText(s.amountFen)}`, missing: s.room ? [] : ['room'] }
    }
    case 'none':
      return { name: null }
  }
}

/** The full answer for an intent with its slots: command line, action, what is missing. */
export function outcome(intent: IntentName, slots: Slots, ctx: IntentContext, writtenIn: Lang, source: 'rules' | 'llm'): Understood {
  const b = build(intent, slots, ctx)
  const writes = b.name !== null && writesWhenRun(b.name, b.args ?? '')
  const missing = b.missing ?? []
  // a payment's line is shown even with the room to fill in; anything else needs all its slots
  const complete = b.name !== null && (missing.length === 0 || (intent === 'payment' && missing.every((m) => m === 'room')))
  const command = complete ? commandLine(b.name!, ctx.lang, b.args ?? '') : null
  let action: Action
  if (intent === 'none' || b.name === null) action = 'none'
  else if (intent === 'payment' || b.name === 'pay') action = 'show'
  else if (writes) action = 'offer'
  else action = 'run'
  return { intent, slots, action, command, commandName: b.name, writes, missing, writtenIn, source }
}
