// Intents benchmark (issue 14): how well the local rules read plain-language messages.
//
//   npm run bench:intents                 print the scores and write the "Intents" section of bench/RESULTS.md
//   options: --no-write (print only), --verbose (list every miss)
//
// Deterministic (fixed clock, fixed open polls, no LLM); the timings are informational.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { groupRepair, understand } from '../../src/intents/classify.ts'
import { mayBeRepair } from '../../src/intents/repair.ts'
import { simplify } from '../../src/intents/text.ts'
import { contextFor, HERE, type ItemResult, loadCorpus, score, type Scores } from './corpus.ts'

const { values } = parseArgs({ options: { 'no-write': { type: 'boolean' }, verbose: { type: 'boolean' } } })

const pct = (x: number) => `${(x * 100).toFixed(1)}%`
const verdict = (ok: boolean) => (ok ? '**met**' : '**missed**')

function misses(s: Scores): string[] {
  const out: string[] = []
  const show = (kind: string, r: ItemResult) =>
    `${kind} ${r.item.intent} → ${r.result?.intent ?? 'none'} ${[...r.slotErrors, r.commandError ?? ''].filter(Boolean).join('; ')} | ${r.item.text} | ${r.result?.command ?? ''}`
  for (const a of s.addressed) if (a.item.intent !== 'none' ? !a.understood : !a.intentOk) out.push(show('addressed', a))
  for (const c of s.chatter) if (c.result) out.push(`chatter answered | ${c.text} | ${c.result.command}`)
  for (const g of s.groupRepairs) if (!g.understood) out.push(show('group repair', g))
  return out
}

function timeEach(texts: string[], fn: (t: string) => unknown, rounds: number): number {
  for (const t of texts) fn(t) // warm up (regexes, the converter)
  const t0 = performance.now()
  for (let i = 0; i < rounds; i++) for (const t of texts) fn(t)
  return ((performance.now() - t0) * 1000) / (rounds * texts.length)
}

const t0 = performance.now()
const convStart = performance.now()
simplify('樓道燈')
const converterMs = performance.now() - convStart

const corpus = loadCorpus()
const s = score(corpus)
const holdoutDir = join(HERE, 'holdout')
const holdout = existsSync(join(holdoutDir, 'addressed.jsonl')) ? score(loadCorpus(holdoutDir)) : null
// bench/intents/blind/<n>/: sets written blind, scored one by one (see its README.md)
const blindDir = join(HERE, 'blind')
const blind = existsSync(blindDir)
  ? readdirSync(blindDir)
      .filter((d) => existsSync(join(blindDir, d, 'addressed.jsonl')))
      .sort((a, b) => Number(a) - Number(b))
      .map((name) => ({ name, s: score(loadCorpus(join(blindDir, name))) }))
  : []
const blindRows = blind.map(({ name, s: b }) => {
  const w = b.addressed.filter((a) => a.item.intent !== 'none')
  const wrong = w.filter((a) => !a.intentOk && (a.result?.intent ?? 'none') !== 'none').length
  return `| ${name} | ${pct(b.understoodRate)} (${w.filter((a) => a.understood).length} of ${w.length}) | ${pct(b.intentRate)} | ${wrong} | ${pct(b.chatterLeftAlone)} (${b.chatter.filter((c) => !c.result).length} of ${b.chatter.length}) | ${b.groupRepairs.filter((g) => g.understood).length} of ${b.groupRepairs.length} | ${b.unconfirmedWrites.length} |`
})

const byLang = (lang: string) => corpus.addressed.filter((a) => a.lang === lang).length
const withIntent = s.addressed.filter((a) => a.item.intent !== 'none')
const chatterStopped = corpus.chatter.filter((t) => !mayBeRepair(t)).length
const chatterUs = timeEach(corpus.chatter, (t) => groupRepair(t, contextFor('zh-CN')), 200)
const addressedUs = timeEach(
  corpus.addressed.map((a) => a.text),
  (t) => understand(t, contextFor('zh-CN')),
  20,
)

const perIntent = [
  '| Intent | Labelled | Predicted | Correct | Precision | Recall |',
  '|---|---|---|---|---|---|',
  ...s.perIntent.map((p) => `| ${p.intent} | ${p.labelled} | ${p.predicted} | ${p.correct} | ${pct(p.precision)} | ${pct(p.recall)} |`),
].join('\n')

const understood = withIntent.filter((a) => a.understood).length
const summary = [
  '| What | Result | Target | Verdict |',
  '|---|---|---|---|',
  `| Addressed messages understood (intent, every labelled slot, and a command line the parser and the command accept) | ${pct(s.understoodRate)} (${understood} of ${withIntent.length}); intent alone ${pct(s.intentRate)} | ≥ 90% | ${verdict(s.understoodRate >= 0.9)} |`,
  `| Group chatter left alone (no offer) | ${pct(s.chatterLeftAlone)} (${s.chatter.filter((c) => !c.result).length} of ${s.chatter.length}) | ≥ 99.5% | ${verdict(s.chatterLeftAlone >= 0.995)} |`,
  `| Writes without confirmation (a writing command to run, or a payment not only shown) | ${s.unconfirmedWrites.length} | 0 | ${verdict(s.unconfirmedWrites.length === 0)} |`,
  `| Unaddressed repair reports offered, with their slots (informational) | ${pct(s.groupRepairRecall)} (${s.groupRepairs.filter((g) => g.understood).length} of ${s.groupRepairs.length}) | — | — |`,
  ...(holdout
    ? [
        `| Held-out set (bench/intents/holdout/, never tuned on): addressed understood | ${pct(holdout.understoodRate)} (${holdout.addressed.filter((a) => a.item.intent !== 'none' && a.understood).length} of ${holdout.addressed.filter((a) => a.item.intent !== 'none').length}); intent alone ${pct(holdout.intentRate)} | ≥ 90% | ${verdict(holdout.understoodRate >= 0.9)} |`,
        `| Held-out set: chatter left alone | ${pct(holdout.chatterLeftAlone)} (${holdout.chatter.filter((c) => !c.result).length} of ${holdout.chatter.length}) | ≥ 99.5% | ${verdict(holdout.chatterLeftAlone >= 0.995)} |`,
        `| Held-out set: writes without confirmation | ${holdout.unconfirmedWrites.length} | 0 | ${verdict(holdout.unconfirmedWrites.length === 0)} |`,
        `| Held-out set: unaddressed repair reports offered (informational) | ${pct(holdout.groupRepairRecall)} (${holdout.groupRepairs.filter((g) => g.understood).length} of ${holdout.groupRepairs.length}) | — | — |`,
      ]
    : []),
].join('\n')

const section = `## Intents

Written by \`npm run bench:intents\` (bench/intents/run.ts); the rest of this file by other benchmarks.
The local rules of src/intents (issue 14) against a labelled corpus in bench/intents/: ${s.addressed.length} messages
addressed to the bot (${byLang('zh-CN')} zh-CN, ${byLang('zh-TW')} zh-TW, ${byLang('en')} en; slang, typos, punctuation, emoji,
@mentions, full-width; ${s.addressed.length - withIntent.length} of them greetings and thanks labelled none), ${s.chatter.length} lines of ordinary group
chatter (hard negatives among them: 灯, 水, 钱, 投票, 坏, 堵 and 漏 used casually; reports of things already
fixed, of other places, of what may happen), and ${s.groupRepairs.length} unaddressed repair reports. Fixed clock
(2026-11-15 10:00 Asia/Shanghai) and two open polls (#2 同意/反对/弃权, #3 白色/灰色/米色, in the item's language).
Every produced command line is parsed by the real CommandParser and checked by the command's own argument
parser and schema.

${summary}

${perIntent}

**How honest the figures are.** The rules were written with the corpus in view, so the figures above say that
the rules cover it, not how they do on sentences nobody tuned them on. Three blind sets say that: each was
written after the last change to the rules and scored before any further change, then its misses were
fixed (vocabulary mostly, and two real bugs: 单元门口 read as the thing 单元门, an amount after "，" not read)
and it joined the corpus above.

| Blind set | Addressed understood | Intent alone | Chatter left alone | Group reports offered | Writes without confirmation |
|---|---|---|---|---|---|
| 1 (after the first rules) | 64.3% (101 messages) | 66.3% | 100% (105 lines) | 12 of 13 | 0 |
| 2 (after set 1's fixes) | 70.4% (81) | 75.3% | 97.8% (93): 上个月楼道灯坏了一次, 楼道灯坏了没？我看还亮着 | 9 of 12 | 0 |
| 3 (after set 2's fixes) | 73.1% (67) | 80.6% | 98.7% (75): 二单元门口停了辆三轮车 | 10 of 11 | 0 |

On sets 1–3 the rules then read about three messages in four; a wrongly offered repair in group chatter
was rare but not below the 0.5% target (1 in 75 on set 3).

Sets 4, 5 and 6 are kept apart in bench/intents/blind/<n>/ (see its README.md): each was written and
committed before its misses were looked at. Sets 4 and 5 (written first) were then used to widen the lexicon
by word classes (round 1: trees, rubbish, tap water, hanging wires, flicker, silence; ticket references
such as 报修21 / 单号10 / 第17号工单 and lookups; 我家 + a room, 房号, 房客; 已收, a count of days not read as
money; colour stems, "vote A"; the compound, its districts and whole buildings as places of a group
report). Set 6 was written after round 1 and scored before round 2, which came from its misses (fee per
month and per 坪, pests, 停运, 夹人, tripping, a room after a colon, 指令有哪些, I'm in). "Blind" is a set's
figure when it was written; "after" is the figure on the rules as they stand, which were tuned on it: it
says the set is covered, not how new sentences fare.

| Blind set | Scored blind | Addressed understood, blind → after | Intent alone, blind → after | Wrong action, blind → after | Chatter left alone, blind → after | Group reports, blind → after | Writes without confirmation |
|---|---|---|---|---|---|---|---|
| 4 (180 addressed, 168 chatter) | before round 1 | 88.9% (160) → 100% | 92.2% → 100% | 4 → 0 | 100% → 100% | 13 → 15 of 15 | 0 → 0 |
| 5 (178 addressed, 161 chatter) | before round 1 | 87.1% (155) → 100% | 87.1% → 100% | 4 → 0 | 100% → 100% | 13 → 15 of 15 | 0 → 0 |
| 6 (104 addressed, 122 chatter) | after round 1, before round 2 | 84.6% (88) → 99.0% (103) | 89.4% → 100% | 1 → 0 | 100% → 100% | 10 → 10 of 10 | 0 → 0 |
| 7 (164 addressed, 160 chatter) | after round 2, before round 3 | 87.2% (143) → 99.4% (163) | 91.5% → 100% | 0 → 0 | 100% → 100% | 11 → 12 of 12 | 0 → 0 |
| 8 (160 addressed, 152 chatter) | after round 2; again after round 3, never tuned on | 89.4% (143); 95.6% (153) | 93.8%; 96.9% | 1; 1 | 100%; 100% | 12 of 12; 12 of 12 | 0; 0 |

As the rules stand (printed by this run; wrong action: a labelled message read as another intent rather
than as none):

| Blind set | Addressed understood | Intent alone | Wrong action | Chatter left alone | Group reports offered | Writes without confirmation |
|---|---|---|---|---|---|---|
${blindRows.join('\n')}

So on sentences nobody tuned on, the rules read 85–89% of addressed messages: **under the 90% target** on
each of sets 4–6 when written. Set 6 is the only measurement of round 1 on new sentences (84.6%, lower than
4 and 5 were on the rules before it). Sets 7 and 8 (written together, before their author read the rules)
are round 2's untuned measurement: 87.2% and 89.4%, still under 90%. Round 3 was tuned on set 7 alone, by
class (a choice names its poll by that poll's options: 我选白色, 我同意, grey please; 结果 / results alone ask
about the poll, who is winning; a fee's rise, other charges such as 停车费, whether a payment arrived; 我的报修单呢,
都处理了吗; heating, lawns, ditches and sewer wells, a tap that will not stop, pests, 派个师傅; a month after 一下).
Set 8, never looked at, then read **95.6%** (153 of 160): round 3's blind figure, the first over 90%. One
set of 160 is a small sample (a 95% interval of roughly 91–98%), and set 7's one miss left is by design:
投第一个 with two polls open asks which poll. None of the 451 chatter lines
of sets 4–6 got an offer, blind (sets 2 and 3 each had one). Wrong actions were rare (9 of 462 blind
messages: 交到哪个月 read as "where to pay", "my account" as the ledger, 已收 / 收+room as a fee question,
"garbage … for 3 days" shown a pay line, 8月份账单 as a fee, two votes as result questions) and none wrote
anything. The one miss left in set 6 is a category: a branch hanging on a wire is filed as electricity (电
comes before 树 in the domain's category order; the committee corrects it with 分类). What misses is unknown
wording: it falls to \`none\` (the bot then says what it can do) far more often than to a wrong action, and
a wrong action is at worst an offer the resident declines: nothing writes without a 是, and money never.
The optional LLM reader (src/intents/llm.ts) is the way past the lexicon for addressed messages. To measure
again, add bench/intents/blind/<next>/ (same three files), commit it before looking at its misses, and
record its first figures here.

**Cost.** Unaddressed chatter: ${chatterUs.toFixed(1)} µs per message on average; ${chatterStopped} of ${corpus.chatter.length} chatter lines
(${pct(chatterStopped / corpus.chatter.length)}) stop at one precompiled regular-expression test on the raw text (no
normalisation, no allocation), the rest are folded and read in full. Addressed messages: ${addressedUs.toFixed(1)} µs each.
The OpenCC converter (opencc-js) is built on first use in ${converterMs.toFixed(0)} ms. ${cpus().length} cores shared with other
work, load average ${loadavg()
  .map((x) => x.toFixed(2))
  .join(' / ')}.

**Word segmentation (@node-rs/jieba): measured, not adopted.** It installs prebuilt here (linux-x64-gnu,
no build step). bench/intents/jieba-experiment.mts (run by hand, jieba installed beside the project) checked
every thing-word the lexicon matched against jieba's word boundaries: its default dictionary cuts the
compound's own words wrongly (路/灯不亮, 单元楼/道, 铁门关, 楼梯扶手, 对讲机), so a boundary check would have
vetoed 24 of 226 labelled repair reports and fixed none of the misreadings (over the 607 chatter lines
and 14 boundary-hard sentences such as 当电灯泡, 窗口期, 门外汉, the rules misread 2, 楼道里贴的春联掉了 and
电梯舞跳坏了腿 in the addressed reading, and jieba vetoes neither). It also costs 100–310 ms to load its
dictionary and about 53 MB of memory, on a bot whose start-up is budgeted. The lexicon's own look-arounds
(灯 but not 灯笼, 红绿灯, 关灯) do the one job segmentation would do here.
`

process.stdout.write(`${section}\n`)
if (values.verbose)
  for (const m of [...misses(s), ...(holdout ? misses(holdout).map((m) => `holdout ${m}`) : []), ...blind.flatMap((b) => misses(b.s).map((m) => `blind ${b.name} ${m}`))])
    process.stdout.write(`${m}\n`)
process.stdout.write(`(${((performance.now() - t0) / 1000).toFixed(1)} s)\n`)
if (!values['no-write']) {
  const path = resolve(HERE, '../RESULTS.md')
  const md = readFileSync(path, 'utf8')
  const start = md.indexOf('## Intents')
  const next = start < 0 ? -1 : md.indexOf('\n## ', start + 1)
  const updated = start < 0 ? `${md.trimEnd()}\n\n${section}` : `${md.slice(0, start)}${section}${next < 0 ? '' : md.slice(next)}`
  writeFileSync(path, updated)
  process.stdout.write(`wrote the Intents section of ${path}\n`)
}
