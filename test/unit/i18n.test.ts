import { describe, expect, it } from 'vitest'
import { commands } from '../../commands/index.ts'
import { hasKey, LANGS, messageSets, t } from '../../src/i18n/index.ts'
import { usageKeyOf } from '../../src/pipeline/command.ts'

describe('i18n completeness', () => {
  it('every message set has every key in every language, none empty', () => {
    for (const set of messageSets) {
      const keys = Object.keys(set['zh-CN']).sort()
      for (const lang of LANGS) {
        expect(Object.keys(set[lang]).sort(), `keys of ${lang}`).toEqual(keys)
        // a command without arguments has an empty syntax; every other text must say something
        for (const k of keys.filter((k) => !k.endsWith('.syntax'))) {
          expect((set[lang] as Record<string, string>)[k]?.trim(), `${lang} ${k}`).toBeTruthy()
        }
      }
    }
  })

  it('no key is defined by two message sets', () => {
    const seen = new Map<string, number>()
    messageSets.forEach((set, i) => {
      for (const k of Object.keys(set['zh-CN'])) {
        expect(seen.has(k), `duplicate key ${k}`).toBe(false)
        seen.set(k, i)
      }
    })
  })

  it('placeholders agree across languages', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
    for (const set of messageSets) {
      for (const [k, zh] of Object.entries(set['zh-CN'])) {
        for (const lang of LANGS) expect(names((set[lang] as Record<string, string>)[k]!), `${lang} ${k}`).toEqual(names(zh))
      }
    }
  })

  it('every command has a summary and syntax, and keywords in all three languages', () => {
    for (const cmd of commands) {
      expect(hasKey(`${usageKeyOf(cmd)}.summary`), `${cmd.name} summary`).toBe(true)
      expect(hasKey(`${usageKeyOf(cmd)}.syntax`), `${cmd.name} syntax`).toBe(true)
      for (const lang of LANGS) expect(cmd.keywords[lang].length, `${cmd.name} ${lang}`).toBeGreaterThan(0)
    }
  })

  it('interpolates parameters', () => {
    expect(t('zh-CN', 'bind.requested', { room: '3-2-201', relation: '业主' })).toBe('已申请绑定 3-2-201（业主），等待委员会认证。')
    expect(t('en', 'bind.requested', { room: '3-2-201', relation: 'owner' })).toContain('3-2-201 (owner)')
  })
})
