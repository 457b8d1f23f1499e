// Does a real word segmenter (@node-rs/jieba) help the intent rules? Not a dependency: install it beside the
// project to repeat this (`npm i --no-save @node-rs/jieba`, or JIEBA_MODULE=/path/to/@node-rs/jieba/index.js).
//
//   npx tsx bench/intents/jieba-experiment.mts
//
// What it measures: load time and memory; segmentation time per message; and, for every thing-word the
// lexicon finds (灯, 下水道, 窗…) in the corpus and in boundary-hard sentences, whether the match cuts
// through one of jieba's words, i.e. whether a segmenter would veto it, and whether that veto is right.
import { createRequire } from 'node:module'
import { groupRepair, understand } from '../../src/intents/classify.ts'
import { thingOf } from '../../src/intents/repair.ts'
import { prepare } from '../../src/intents/text.ts'
import { BOT_NAMES, contextFor, loadCorpus } from './corpus.ts'

const rss0 = process.memoryUsage().rss
const t0 = performance.now()
const path = process.env.JIEBA_MODULE ?? '@node-rs/jieba'
const require = createRequire(import.meta.url)
const { Jieba } = require(path) as { Jieba: { withDict(d: Uint8Array): { cut(s: string, hmm: boolean): string[] } } }
const { dict } = require(path.replace(/index\.js$/, 'dict.js').replace(/^@node-rs\/jieba$/, '@node-rs/jieba/dict.js')) as { dict: Uint8Array }
const jieba = Jieba.withDict(dict)
const loadMs = performance.now() - t0
const rssMb = (process.memoryUsage().rss - rss0) / 1e6

/** Whether [from, to) of `text` starts and ends on jieba word boundaries. */
function aligned(text: string, from: number, to: number): boolean {
  const bounds = new Set<number>([0])
  let at = 0
  for (const w of jieba.cut(text, false)) bounds.add((at += w.length))
  return bounds.has(from) && bounds.has(to)
}

// sentences where a thing-word sits inside a longer word; none of them is a repair report
const BOUNDARY_HARD = [
  '今晚别当电灯泡了',
  '这事门路很广，找他准没错',
  '窗口期快过了，赶紧报名',
  '表情包坏了哈哈',
  '手机锁屏坏了',
  '他是个大灯泡',
  '灯红酒绿的日子过够了',
  '门外汉一个，不懂装修',
  '楼道里贴的春联掉了',
  '3栋那个窗花剪得真好',
  '2单元的门面房出租',
  '下水饺了，来吃',
  '电梯舞跳坏了腿',
  '墙头草两边倒',
]

const corpus = loadCorpus()
const positives = [
  ...corpus.addressed.filter((a) => a.intent === 'repair').map((a) => a.text),
  ...corpus.groupRepairs.map((g) => g.text),
]
let vetoPositive = 0
for (const text of positives) {
  const f = prepare(text, BOT_NAMES).folded
  const hit = thingOf(f)
  if (hit && !aligned(f, hit.from, hit.to)) {
    vetoPositive++
    if (process.env.VERBOSE) console.log(`vetoed report: ${text} | ${jieba.cut(f, false).join('/')} | ${hit.thing}`)
  }
}
// the group reading over chatter and the hard sentences; the addressed reading over the hard sentences only
// (addressed, much chatter would rightly be a report: 我家马桶堵了)
const misread = [
  ...[...corpus.chatter, ...BOUNDARY_HARD].filter((t) => groupRepair(t, contextFor('zh-CN')) !== null),
  ...BOUNDARY_HARD.filter((t) => understand(t, contextFor('zh-CN')).intent === 'repair'),
]
let saved = 0
for (const text of misread) {
  const f = prepare(text, BOT_NAMES).folded
  const hit = thingOf(f)
  const veto = hit !== null && !aligned(f, hit.from, hit.to)
  if (veto) saved++
  if (process.env.VERBOSE) console.log(`misread${veto ? ' (vetoed)' : ''}: ${text} | ${jieba.cut(f, false).join('/')}`)
}
const fooled = misread.length
const t1 = performance.now()
for (let i = 0; i < 20; i++) for (const t of corpus.chatter) jieba.cut(t, false)
const cutUs = ((performance.now() - t1) * 1000) / (20 * corpus.chatter.length)

console.log(`load ${loadMs.toFixed(0)} ms, +${rssMb.toFixed(0)} MB RSS; cut ${cutUs.toFixed(1)} µs per chatter line`)
console.log(`labelled repairs whose thing-word a segmenter would veto (harm): ${vetoPositive} of ${positives.length}`)
console.log(`non-repairs read as repairs (group reading of ${corpus.chatter.length} chatter lines and ${BOUNDARY_HARD.length} boundary-hard sentences, addressed reading of the latter): ${fooled}; a veto would fix ${saved}`)
