// src/intents slot readers: places, periods, poll numbers and choices, payment amounts.
import { describe, expect, it } from 'vitest'
import { commandProblem } from '../../bench/intents/corpus.ts'
import { paymentAmount } from '../../src/intents/payment.ts'
import { parsePeriod } from '../../src/intents/period.ts'
import { findArea, findBuildingUnit, findRoom, placeText } from '../../src/intents/places.ts'
import { prepare } from '../../src/intents/text.ts'
import { choiceOf, pollNumberOf } from '../../src/intents/vote.ts'
import { periodFromInput } from '../../commands/ledger.ts'

const fold = (s: string) => prepare(s).folded

describe('places', () => {
  it.each([
    ['帮我看看3栋2单元201欠不欠费', '3-2-201'],
    ['三栋二单元201交了一千', '3-2-201'],
    ['３－２－２０１ 的费', '3-2-201'],
    ['收到5棟101管理費', '5-101'],
    ['3幢201室，租的', '3-201'],
    ['did 5-101 pay yet', '5-101'],
    ['A-1-302 ok', 'A-1-302'],
  ])('a room anywhere: %s', (text, code) => {
    expect(findRoom(fold(text))?.code).toBe(code)
  })

  it.each(['2026-03 的账', '电话 138-1234-5678', '3楼楼道', '5号楼', '12-05 截止', '450.50'])('not a room: %s', (text) => {
    expect(findRoom(fold(text))).toBeNull()
  })

  it('buildings and units, Chinese numerals and English words', () => {
    expect(findBuildingUnit(fold('三栋二单元楼道'))).toEqual({ building: '3', unit: '2' })
    expect(findBuildingUnit(fold('5号楼电梯'))).toEqual({ building: '5' })
    expect(findBuildingUnit(fold('二单元下水道'))).toEqual({ unit: '2' })
    expect(findBuildingUnit(fold('hallway lights in bldg 2'))).toEqual({ building: '2' })
    expect(findBuildingUnit(fold('drain blocked in unit 2, block 7'))).toEqual({ building: '7', unit: '2' })
    expect(findBuildingUnit(fold('3楼楼道'))).toEqual({}) // 3楼 is a floor
  })

  it('common areas, most specific first', () => {
    expect(findArea(fold('小区北门路灯'))?.area).toBe('北门')
    expect(findArea(fold('樓梯間的燈'))?.area).toBe('楼道')
    expect(findArea(fold('the bike shed light'))?.area).toBe('车棚')
    expect(findArea(fold('7栋门口井盖'))?.area).toBe('门口')
    expect(findArea(fold('电梯又停了'))).toBeNull()
  })

  it('a place as a command argument', () => {
    expect(placeText({ building: '3', unit: '2', area: '楼道' }, 'zh-CN')).toBe('3栋2单元 楼道')
    expect(placeText({ unit: '2' }, 'zh-TW')).toBe('2单元')
    expect(placeText({ building: '3', area: '楼道' }, 'en')).toBe('building 3 stairwell')
    expect(placeText({ room: '3-2-201', building: '3' }, 'zh-CN')).toBe('3-2-201')
  })
})

describe('periods', () => {
  const now = new Date('2026-11-15T02:00:00Z') // Sunday in Shanghai, ISO week 46
  const tz = 'Asia/Shanghai'
  const cases: [string, string, string][] = [
    ['账目 3月', '2026-03', '2026-03'],
    ['三月花销', '2026-03', '2026-03'],
    ['十月份账目', '2026-10', '2026-10'],
    ['12月的账', '2025-12', '2025-12'], // December has not begun this year: last year's
    ['上个月花了多少', '上月', '2026-10'],
    ['上上个月的账目', '2026-09', '2026-09'],
    ['这个月的账', '本月', '2026-11'],
    ['上周的账', '上周', '2026-W45'],
    ['上个礼拜的开支', '上周', '2026-W45'],
    ['这个礼拜的开支', '本周', '2026-W46'],
    ['去年收了多少', '去年', '2025'],
    ['前年的收支', '2024', '2024'],
    ['今年花了多少', '今年', '2026'],
    ['2026年的收支', '2026', '2026'],
    ['2025年12月的账', '2025-12', '2025-12'],
    ['2026.3的支出', '2026-03', '2026-03'],
    ['今年3月的账', '2026-03', '2026-03'],
    ['去年12月花了多少', '2025-12', '2025-12'],
    ['ledger for last month', '上月', '2026-10'],
    ['show the accounts for march', '2026-03', '2026-03'],
    ['spending in october', '2026-10', '2026-10'],
    ['income and expenses 2025', '2025', '2025'],
  ]
  it.each(cases)('%s → %s (%s)', (text, arg, key) => {
    expect(parsePeriod(fold(text), now, tz, 'zh-CN')).toEqual({ arg, key })
  })

  it('writes the period words of the compound language, all of which 账目 reads', () => {
    expect(parsePeriod(fold('上個月'), now, tz, 'zh-TW')?.arg).toBe('上個月')
    expect(parsePeriod(fold('last week'), now, tz, 'en')?.arg).toBe('lastweek')
    for (const lang of ['zh-CN', 'zh-TW', 'en'] as const) {
      for (const [text, , key] of cases) {
        const p = parsePeriod(fold(text), now, tz, lang)!
        expect(periodFromInput(p.arg, now, tz)?.key, `${lang} ${text} → ${p.arg}`).toBe(key)
      }
    }
  })

  it.each(['3个月前的事', '12月1日截止', '我家物业费', 'may i ask'])('no period: %s', (text) => {
    expect(parsePeriod(fold(text), now, tz, 'zh-CN')).toBeNull()
  })
})

describe('poll numbers and choices', () => {
  it.each([
    ['投票 #2 一', 2],
    ['2号投票我同意', 2],
    ['第3个投票我选第二个', 3],
    ['投票二号 反对', 2],
    ['给2号投个同意', 2],
    ['I vote against poll 2', 2],
    ['vote yes on #2', 2],
    ['2号我弃权', 2],
  ])('%s → poll %i', (text, no) => {
    expect(pollNumberOf(fold(text))?.no).toBe(no)
  })

  const yesNo = ['同意', '反对', '弃权']
  const colours = ['白色', '灰色', '米色']
  it.each([
    ['一', yesNo, 1],
    ['1', colours, 1],
    ['c', colours, 3],
    ['选b', colours, 2],
    ['第一个', colours, 1],
    ['第三項', colours, 3],
    ['the first one', colours, 1],
    ['我选灰色', colours, 2],
    ['赞成', yesNo, 1],
    ['支持', yesNo, 1],
    ['不同意!', yesNo, 2], // not the option 同意
    ['不赞成', ['同意', '反對', '棄權'], 2],
    ['弃权吧', yesNo, 3],
    ['count me as a yes', ['Agree', 'Against', 'Abstain'], 1],
    ['grey', ['White', 'Grey', 'Beige'], 2],
  ] as [string, string[], number][])('%s among %j → option %i', (text, options, option) => {
    expect(choiceOf(fold(text), options)?.option).toBe(option)
  })

  it('without the options a stance word is kept as a stance', () => {
    expect(choiceOf(fold('赞同'))).toEqual({ stance: 'approve' })
    expect(choiceOf(fold('不支持'))).toEqual({ stance: 'oppose' })
    expect(choiceOf(fold('看看情况'))).toBeNull()
  })
})

describe('payment amounts', () => {
  it.each([
    ['交了 300', 30000n],
    ['3-2-201 交了300块', 30000n],
    ['201交了三百块', 30000n], // 201 before the verb is a room, not the amount
    ['收到5栋101管理费1084元', 108400n],
    ['收了6-202两百元卫生费', 20000n],
    ['三栋二单元201交了一千零八十四', 108400n],
    ['交费300 3-2-201', 30000n],
    ['2-1-302 has paid 450.50', 45050n],
    ['paid ¥1,084.00', 108400n],
    ['got 750 from 10-1-1101 today', 75000n],
    ['6-1-202交了一年的，1200', 120000n], // after a Chinese comma (folded to ",": not a thousands separator)
  ])('%s → %s fen', (text, fen) => {
    const f = fold(text)
    const room = findRoom(f)
    expect(paymentAmount(f, room ? [room] : [])?.fen).toBe(fen)
  })

  it.each(['交了没', '收到，谢谢', '交了3个月的', '12月1日交了'])('no amount: %s', (text) => {
    expect(paymentAmount(fold(text))).toBeNull()
  })
})

describe('the corpus helper itself', () => {
  it('rejects a line the parser reads as another command, or whose arguments the command refuses', () => {
    expect(commandProblem('查费 3-2-201', 'fee')).toBeNull()
    expect(commandProblem('查费 3-2-201', 'ledger')).toMatch(/parsed as fee/)
    expect(commandProblem('投票 3', 'vote')).toBeNull() // the vote command refuses it when run, not in its schema
    expect(commandProblem('账目 ' + 'x'.repeat(30), 'ledger')).toMatch(/refused/)
    expect(commandProblem('今天天气不错', 'help')).toMatch(/not a command/)
  })
})
