// The benchmark's targets (issue 14) hold on the labelled corpus in bench/intents/: deterministic (fixed
// clock, fixed polls, the local rules only), so a regression in the rules fails here.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { HERE, loadCorpus, score } from '../../bench/intents/corpus.ts'

const corpus = loadCorpus()
const s = score(corpus)
const misses = (list: { understood: boolean; item: { text: string } }[]) => list.filter((x) => !x.understood).map((x) => x.item.text)

describe('intents corpus', () => {
  it('is the size the issue asks for, in all three languages', () => {
    const addressed = corpus.addressed.filter((a) => a.intent !== 'none')
    expect(addressed.length).toBeGreaterThanOrEqual(300)
    expect(corpus.chatter.length).toBeGreaterThanOrEqual(300)
    for (const lang of ['zh-CN', 'zh-TW', 'en']) expect(addressed.filter((a) => a.lang === lang).length, lang).toBeGreaterThanOrEqual(50)
  })

  it('≥ 90% of addressed messages understood (intent, slots, and a command the parser accepts)', () => {
    expect(s.understoodRate, misses(s.addressed.filter((a) => a.item.intent !== 'none')).join('\n')).toBeGreaterThanOrEqual(0.9)
  })

  it('≥ 99.5% of group chatter left alone', () => {
    expect(s.chatterLeftAlone, s.chatter.filter((c) => c.result).map((c) => c.text).join('\n')).toBeGreaterThanOrEqual(0.995)
  })

  it('no write without confirmation, and no money written at all', () => {
    expect(s.unconfirmedWrites).toEqual([])
    for (const a of s.addressed) if (a.result?.intent === 'payment') expect(a.result.action).toBe('show')
  })

  it('every intent is recognised with precision and recall of at least 90%', () => {
    for (const p of s.perIntent) {
      expect(p.precision, `${p.intent} precision`).toBeGreaterThanOrEqual(0.9)
      expect(p.recall, `${p.intent} recall`).toBeGreaterThanOrEqual(0.9)
    }
  })

  it('most unaddressed repair reports get the offer', () => {
    expect(s.groupRepairRecall, misses(s.groupRepairs).join('\n')).toBeGreaterThanOrEqual(0.8)
  })
})

// the held-out set measures new sentences; the safety targets must hold there too (its recall is reported
// by the benchmark, not asserted: it is what it is)
describe.runIf(existsSync(join(HERE, 'holdout', 'addressed.jsonl')))('held-out set', () => {
  it('leaves ≥ 99.5% of chatter alone and writes nothing unconfirmed', () => {
    const h = score(loadCorpus(join(HERE, 'holdout')))
    expect(h.chatterLeftAlone).toBeGreaterThanOrEqual(0.995)
    expect(h.unconfirmedWrites).toEqual([])
  })
})

// the blind sets (bench/intents/blind/<n>/): the safety targets hold on each; their recall is reported by
// the benchmark with the figures they had when written (bench/RESULTS.md)
const blindDir = join(HERE, 'blind')
const blindSets = existsSync(blindDir) ? readdirSync(blindDir).filter((d) => existsSync(join(blindDir, d, 'addressed.jsonl'))) : []
describe.each(blindSets)('blind set %s', (name) => {
  it('leaves ≥ 99.5% of chatter alone and writes nothing unconfirmed; money only shown', () => {
    const b = score(loadCorpus(join(blindDir, name)))
    expect(b.chatterLeftAlone, b.chatter.filter((c) => c.result).map((c) => c.text).join('\n')).toBeGreaterThanOrEqual(0.995)
    expect(b.unconfirmedWrites).toEqual([])
    for (const a of b.addressed) if (a.result?.intent === 'payment') expect(a.result.action).toBe('show')
  })
})
