// The command lines src/intents produces are the ones the real parser and commands accept.
import { describe, expect, it } from 'vitest'
import { commandProblem } from '../../bench/intents/corpus.ts'
import { commands } from '../../commands/index.ts'
import { t } from '../../src/i18n/index.ts'
import { LANGS } from '../../src/i18n/define.ts'
import { amountText, commandLine, type CommandName, KEYWORDS, relationWord } from '../../src/intents/commands.ts'
import { stanceWord } from '../../src/intents/vote.ts'

describe('keywords', () => {
  it.each(Object.keys(KEYWORDS) as CommandName[])('%s: the first keyword of the command in each language', (name) => {
    const cmd = commands.find((c) => c.name === name)
    expect(cmd, name).toBeDefined()
    for (const lang of LANGS) expect(KEYWORDS[name][lang]).toBe(cmd!.keywords[lang][0])
  })

  it('English lines carry the slash, as usage lines do, and parse', () => {
    expect(commandLine('fee', 'en', '3-2-201')).toBe('/fee 3-2-201')
    expect(commandLine('ledger', 'zh-TW')).toBe('賬目')
    for (const lang of LANGS) {
      expect(commandProblem(commandLine('fee', lang, '3-2-201'), 'fee')).toBeNull()
      expect(commandProblem(commandLine('myrepairs', lang), 'myrepairs')).toBeNull()
      expect(commandProblem(commandLine('repairs', lang), 'repairs')).toBeNull()
      expect(commandProblem(commandLine('feerule', lang), 'feerule')).toBeNull()
      expect(commandProblem(commandLine('results', lang, '#2'), 'results')).toBeNull()
      expect(commandProblem(commandLine('repair', lang, '#12'), 'repair')).toBeNull()
      expect(commandProblem(commandLine('help', lang, KEYWORDS.vote[lang]), 'help')).toBeNull()
    }
  })
})

describe('arguments', () => {
  it('relation words are the ones 绑定 reads', () => {
    for (const lang of LANGS) {
      for (const r of ['owner', 'tenant', 'family'] as const) {
        expect(commandProblem(commandLine('bind', lang, `3-2-201 ${relationWord(r, lang)}`), 'bind')).toBeNull()
      }
    }
    expect(commandProblem('绑定 3-2-201 房东', 'bind')).toMatch(/refused/) // the check can fail
  })

  it('stance words are the default options of an ordinary poll in each language', () => {
    for (const lang of LANGS) {
      expect(t(lang, 'poll.defaultOptions').split('/')).toEqual([stanceWord('approve', lang), stanceWord('oppose', lang), stanceWord('abstain', lang)])
    }
  })

  it('amounts as 缴费 reads them', () => {
    expect(amountText(30000n)).toBe('300')
    expect(amountText(45050n)).toBe('450.50')
    expect(amountText(5n)).toBe('0.05')
    expect(commandProblem(commandLine('pay', 'zh-CN', `3-2-201 ${amountText(45050n)}`), 'pay')).toBeNull()
  })
})
