// src/intents rules: every rule of the addressed reading, the order they run in, what each intent maps to
// (command line, run / offer / show, missing slots), and the strict unaddressed repair reading.
import { readFileSync } from 'node:fs'
import * as OpenCC from 'opencc-js'
import { describe, expect, it } from 'vitest'
import { groupRepair, readRules, RULES, understand } from '../../src/intents/classify.ts'
import { commands } from '../../commands/index.ts'
import { type CommandName, WRITES, writesWhenRun } from '../../src/intents/commands.ts'
import { CommandParser } from '../../src/pipeline/parser.ts'
import { outcome } from '../../src/intents/outcome.ts'
import { mayBeRepair } from '../../src/intents/repair.ts'
import { prepare } from '../../src/intents/text.ts'
import type { IntentContext, IntentName } from '../../src/intents/types.ts'

const BOT = ['邻里', '鄰里', 'Linli']
const polls = [
  { no: 2, options: ['同意', '反对', '弃权'] },
  { no: 3, options: ['白色', '灰色', '米色'] },
]
const ctx = (over: Partial<IntentContext> = {}): IntentContext => ({
  lang: 'zh-CN',
  botNames: BOT,
  polls,
  now: new Date('2026-11-15T02:00:00Z'),
  timeZone: 'Asia/Shanghai',
  ...over,
})
const rule = (text: string, c = ctx()) => readRules(prepare(text, BOT), c).rule

describe('each rule decides its own case', () => {
  const cases: [string, string, IntentName][] = [
    ['helpGeneral', '@邻里 你会干啥', 'help'],
    ['payment', '@邻里 3-2-201 交了300', 'payment'],
    ['status', '@邻里 12号报修单修好了吗', 'status'],
    ['poll', '@邻里 投票 #2 赞成', 'vote'],
    ['poll', '@邻里 2号投票现在什么情况', 'results'],
    ['helpHow', '@邻里 怎么报修', 'help'],
    ['feeOrLedger', '@邻里 我家还欠多少钱', 'fee'],
    ['feeOrLedger', '@邻里 上个月花了多少钱', 'ledger'],
    ['repair', '@邻里 3栋楼道灯又坏了', 'repair'],
    ['bind', '@邻里 我是3栋2单元201的业主', 'bind'],
    ['choiceOnly', '@邻里 我同意', 'vote'],
  ]
  it.each(cases)('%s: %s → %s', (name, text, intent) => {
    expect(rule(text)).toBe(name)
    expect(understand(text, ctx()).intent).toBe(intent)
  })

  it('every rule has a case above', () => {
    expect(new Set(cases.map(([n]) => n))).toEqual(new Set(RULES.map(([n]) => n)))
  })

  it.each(['@邻里 你好', '@邻里 谢谢', 'thanks!', '@邻里 今天天气怎么样', '', '@邻里'])('no rule: %s', (text) => {
    expect(rule(text)).toBeNull()
    expect(understand(text, ctx())).toMatchObject({ intent: 'none', action: 'none', command: null })
  })

  it('a message longer than a request is not read at all', () => {
    expect(understand(`3栋楼道灯又坏了${'，'.repeat(10)}${'今天天气不错'.repeat(40)}`, ctx()).intent).toBe('none')
  })
})

describe('the order settles overlaps', () => {
  it.each([
    // payment before fee: an amount after 交了 is a statement, 交了没 a question
    ['@邻里 5栋101交了物业费1084元', 'payment'],
    ['@邻里 3-2-201的物业费交清了吗', 'fee'],
    ['@邻里 我已经交了物业费360元了', 'payment'],
    ['@邻里 交了多少了', 'fee'],
    // status before repair: asking about a report is not a new report
    ['@邻里 楼道灯修好了吗？我上周报的', 'status'],
    ['@邻里 3栋楼道灯坏了，什么时候修', 'repair'],
    // a ticket number beats a poll number when the words are about repairs
    ['@邻里 #5 修得咋样了', 'status'],
    ['@邻里 #3 投了多少户了', 'results'],
    // a question about the votes is not a vote
    ['@邻里 多少人同意了？#2', 'results'],
    // a concrete request beats "how do I"
    ['@邻里 帮我查一下欠费，顺便问下怎么交', 'fee'],
    ['@邻里 咋查物业费', 'help'],
    // the schedule is not a how-to
    ['@邻里 物业费怎么收的？按面积吗', 'fee'],
    // own fees vs the compound's accounts
    ['@邻里 去年一共收了多少物业费', 'ledger'],
    ['@Linli what is my balance', 'fee'],
    ['@Linli what is the balance of the fund', 'ledger'],
    ['@邻里 看下我的账单', 'fee'],
    // a repair with a room is not a binding
    ['@邻里 我家卫生间下水道堵了，3-2-201', 'repair'],
  ] as [string, IntentName][])('%s → %s', (text, intent) => {
    expect(understand(text, ctx()).intent).toBe(intent)
  })
})

describe('what each intent maps to', () => {
  it('safe reads run', () => {
    expect(understand('@邻里 帮我看看3栋2单元201欠不欠费', ctx())).toMatchObject({ action: 'run', command: '查费 3-2-201', writes: false })
    expect(understand('@邻里 物业费标准是多少', ctx())).toMatchObject({ action: 'run', command: '收费标准' })
    expect(understand('@邻里 #5 修得咋样了', ctx())).toMatchObject({ action: 'run', command: '报修 #5' })
    expect(understand('@邻里 我报的修怎么样了', ctx())).toMatchObject({ action: 'run', command: '我的报修' })
    expect(understand('@邻里 现在还有哪些没修好', ctx())).toMatchObject({ action: 'run', command: '报修列表' })
    expect(understand('@邻里 账目 3月', ctx())).toMatchObject({ action: 'run', command: '账目 2026-03' })
    expect(understand('@邻里 小区账上还有多少钱', ctx())).toMatchObject({ action: 'run', command: '账目' })
    // a past period's 公示 is asked as its 账目 (公示 itself posts the current period to every group)
    expect(understand('@邻里 看看去年的公示', ctx())).toMatchObject({ action: 'run', command: '账目 去年' })
    expect(understand('@Linli show me last month\'s disclosure', ctx())).toMatchObject({ action: 'run', command: '账目 上月' })
    expect(understand('@邻里 2号投票现在什么情况', ctx())).toMatchObject({ action: 'run', command: '结果 #2' })
    expect(understand('@邻里 投票怎么投', ctx())).toMatchObject({ action: 'run', command: '帮助 投票' })
  })

  it('writes are offered, never run', () => {
    expect(understand('@邻里 我要报修，厨房漏水', ctx())).toMatchObject({ action: 'offer', command: '报修 厨房漏水', writes: true })
    expect(understand('@邻里 投票 #2 一', ctx())).toMatchObject({ action: 'offer', command: '投票 #2 1' })
    expect(understand('@邻里 投票 #2 赞成', ctx())).toMatchObject({ action: 'offer', command: '投票 #2 1' })
    expect(understand('@邻里 3号投票选灰色', ctx())).toMatchObject({ action: 'offer', command: '投票 #3 2' })
    expect(understand('@邻里 我住3幢201室，租的', ctx())).toMatchObject({ action: 'offer', command: '绑定 3-201 租户' })
  })

  it('money is only shown, prefilled, and never offered or run', () => {
    expect(understand('@邻里 3-2-201 交了300', ctx())).toMatchObject({ action: 'show', command: '缴费 3-2-201 300', missing: [] })
    expect(understand('@邻里 交了 300', ctx())).toMatchObject({ action: 'show', command: '缴费 房号 300', missing: ['room'] })
    expect(understand('@Linli 2-1-302 has paid 450.50', ctx({ lang: 'en' }))).toMatchObject({ action: 'show', command: '/pay 2-1-302 450.50' })
  })

  it('the place a repair command would not find goes after 位置 / place:', () => {
    expect(understand('@邻里 二单元下水道堵了好几天', ctx()).command).toBe('报修 二单元下水道堵了好几天 位置 2单元')
    // 3栋… at the start: the repair command reads it itself
    expect(understand('@邻里 3栋楼道灯又坏了', ctx()).command).toBe('报修 3栋楼道灯又坏了')
    expect(understand('@Linli hallway lights flickering in bldg 2', ctx({ lang: 'en' })).command).toBe(
      '/repair hallway lights flickering in bldg 2 place: building 2 stairwell',
    )
  })

  it('the description is the resident’s own words, script kept, request words cut', () => {
    const r = understand('@鄰里 我要報修，廚房漏水', ctx({ lang: 'zh-TW' }))
    expect(r.slots.description).toBe('廚房漏水')
    expect(r.command).toBe('報修 廚房漏水')
    expect(r.writtenIn).toBe('zh-TW')
    expect(understand('@邻里 帮我报修一下，1栋单元门关不上，谢谢', ctx()).slots.description).toBe('1栋单元门关不上')
  })

  it('command lines are in the compound language, whatever the message was written in', () => {
    expect(understand('@Linli how much do I owe?', ctx()).command).toBe('查费')
    expect(understand('@邻里 我家还欠多少钱', ctx({ lang: 'en' })).command).toBe('/fee')
    expect(understand('@鄰里 上個月花了多少錢', ctx({ lang: 'zh-TW' })).command).toBe('賬目 上個月')
  })

  it('a missing slot leaves the command to the caller', () => {
    // a number choice with two polls open: which poll?
    expect(understand('@邻里 我投第一个', ctx())).toMatchObject({ intent: 'vote', command: null, missing: ['poll'] })
    // with one poll open it is that one
    expect(understand('@邻里 我投第一个', ctx({ polls: [polls[1]!] })).command).toBe('投票 #3 1')
    // a stance goes to the one open poll with an option of that stance
    expect(understand('@邻里 我同意', ctx()).command).toBe('投票 #2 1')
    // two polls that both have it: no poll number, the vote command takes the one open poll or asks
    expect(understand('@邻里 我同意', ctx({ polls: [polls[0]!, { no: 4, options: ['同意', '反对'] }] })).command).toBe('投票 同意')
    // an option beyond the poll's options
    expect(understand('@邻里 #3 选第五个', ctx())).toMatchObject({ intent: 'vote', command: null, missing: ['option'] })
    // options unknown: a stance word of the compound language
    expect(understand('@Linli #2 no', ctx({ lang: 'en', polls: [] })).command).toBe('/vote #2 Against')
  })

  it('outcome() never runs a writing command, whatever the intent and slots', () => {
    const parser = new CommandParser(commands, BOT)
    const intents: IntentName[] = ['fee', 'repair', 'status', 'ledger', 'results', 'vote', 'bind', 'help', 'payment', 'none']
    const slotSets = [
      { room: '3-2-201', description: '楼道灯坏了', poll: 2, option: 1, amountFen: 30000n, ticket: 3 },
      { room: '3-2-201', description: '楼道灯坏了', poll: 2, stance: 'approve' as const, amountFen: 30000n, list: true },
      { description: '楼道灯坏了', stance: 'oppose' as const, amountFen: 100n, mine: true },
    ]
    let writing = 0
    for (const intent of intents) {
      for (const slots of slotSets) {
        for (const lang of ['zh-CN', 'zh-TW', 'en'] as const) {
          const r = outcome(intent, slots, ctx({ lang }), lang, 'llm')
          if (intent === 'payment') expect(r.action).toBe('show')
          if (!r.command) continue
          // the line as the parser reads it decides whether it writes, not what outcome() declared
          const p = parser.parse(r.command, { addressed: true })
          expect(p.kind, r.command).toBe('command')
          if (p.kind !== 'command') continue
          const writes = writesWhenRun(p.parsed.command.name as CommandName, p.parsed.args)
          expect(r.writes, r.command).toBe(writes)
          if (writes) {
            writing++
            expect(r.action, r.command).not.toBe('run')
          }
        }
      }
    }
    expect(writing).toBeGreaterThan(20)
    expect(writesWhenRun('repair', '#3')).toBe(false)
    expect(writesWhenRun('repair', '楼道灯坏了')).toBe(true)
    expect([...WRITES].sort()).toEqual(['bind', 'pay', 'repair', 'vote'])
  })
})

describe('unaddressed: only an unmistakable repair report', () => {
  it.each([
    '3栋楼道灯又坏了',
    '二单元下水道堵了好几天',
    '3棟樓道燈又壞了',
    '5号楼电梯又停了，差点困在里面',
    '6栋地下室漏水了',
    '3栋楼道灯怎么又坏了', // a complaint, not a question
    '7栋1单元停水了，水管是不是坏了', // states the trouble, then wonders
    'The stairwell light in building 3 is broken again',
    '2号楼电梯门关不严，一直响',
    '12棟電梯故障，困人了',
    // asked in so many words, with what is broken: no place needed
    '我要报修，厨房漏水',
    '報修：電梯又壞了',
    'I need to report a repair, the kitchen tap is leaking',
  ])('offered: %s', (text) => {
    expect(groupRepair(text, ctx())).toMatchObject({ intent: 'repair', action: 'offer' })
  })

  it('the offer carries the place and the thing', () => {
    expect(groupRepair('二单元下水道堵了好几天', ctx())?.slots).toMatchObject({ unit: '2', thing: '下水道', category: 'drainage' })
    // the device, not the door it hangs by: 单元门口 is a place, a camera at a gate is a camera
    expect(groupRepair('3栋单元门口的监控坏了', ctx())?.slots).toMatchObject({ building: '3', thing: '监控', area: '门口' })
    expect(groupRepair('The security camera at the south gate is broken', ctx())?.slots).toMatchObject({ thing: '监控', area: '南门' })
  })

  it.each([
    ['no broken state', '3栋楼道里谁放的自行车'],
    ['no place', '电梯又坏了'],
    ['asks to report, but names nothing broken', '我要报修，麻烦了'],
    ['asks whether to report', '我要报修吗？灯坏了'],
    ['already reported', '我要报修的那个灯修好了'],
    ['no thing, and not a strong trouble', '别堵在门口聊天啦'],
    ['a question', '3栋楼道灯坏了吗？'],
    ['a question', '是不是2单元的下水道堵了？'],
    ['denied', '3栋楼道灯没坏，是停电'],
    ['already fixed', '3栋楼道灯修好了，谢谢师傅'],
    ['already reported', '2单元下水道堵了，已经报修，师傅下午来'],
    ['not now', '明天上午3栋停水，请大家提前储水'],
    ['not now', '如果电梯坏了怎么办'],
    ['the past', '去年3栋电梯坏过一次'],
    ['the past', '上个月楼道灯坏了一次'],
    ['a question', '楼道灯坏了没？我看还亮着'],
    ['no thing: 单元门口 is a place', '二单元门口停了辆三轮车'],
    ['elsewhere', '公司的电梯又坏了'],
    ['elsewhere', '我家马桶堵了，有没有推荐的师傅'],
    ['elsewhere', '隔壁小区的路灯坏了好几天'],
    ['weather', '下大雨了，小区门口积水了'],
    ['too long', `3栋楼道灯又坏了${'，说起来'.repeat(20)}`],
    ['casual words', '路上堵死了'],
    ['casual words', '灯笼挂起来了真好看'],
  ])('left alone (%s): %s', (_why, text) => {
    expect(groupRepair(text, ctx())).toBeNull()
  })

  it('chatter stops at one regular-expression test: no folding', () => {
    expect(mayBeRepair('今天菜市场的青菜好便宜')).toBe(false)
    expect(mayBeRepair('晚上有没有人一起跳广场舞')).toBe(false)
    expect(mayBeRepair('3栋楼道灯又坏了')).toBe(true)
    expect(mayBeRepair('x'.repeat(121) + '坏')).toBe(false)
  })

  it('the cheap look lets through every broken-state word of the lexicon, simplified and traditional', () => {
    const text = readFileSync(new URL('../../src/intents/repair.ts', import.meta.url), 'utf8')
    const block = text.slice(text.indexOf('const STRONG'), text.indexOf('// Someone asking'))
    const words = [...block.matchAll(/[\u4e00-\u9fff]+/g)].map((m) => m[0])
    expect(words.length).toBeGreaterThan(80)
    const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' })
    for (const w of words) {
      expect(mayBeRepair(w), w).toBe(true)
      expect(mayBeRepair(toTraditional(w)), toTraditional(w)).toBe(true)
    }
  })
})
