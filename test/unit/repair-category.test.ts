import { describe, expect, it } from 'vitest'
import { guessCategory, guessUrgent, parseCategoryWord, REPAIR_CATEGORIES, type RepairCategory } from '../../src/domain/repair-category.ts'

describe('guessCategory', () => {
  it.each<[string, RepairCategory]>([
    // the table
    ['楼道灯不亮', 'lighting'],
    ['3栋照明坏了', 'lighting'],
    ['水管爆了', 'water'],
    ['厨房漏水', 'water'],
    ['下水道返味', 'drainage'],
    ['楼下化粪池堵了', 'drainage'],
    ['插座没电', 'electricity'],
    ['总闸跳闸了', 'electricity'],
    ['单元门禁刷不开', 'door'],
    ['大门门锁坏了', 'door'],
    ['电梯不动了', 'lift'],
    ['树枝断了', 'greenery'],
    ['绿化带没人修剪', 'greenery'],
    ['垃圾堆了三天', 'sanitation'],
    ['楼道卫生太差', 'sanitation'],
    ['墙皮脱落', 'other'],
    // the more specific word wins
    ['电梯里的灯坏了', 'lift'],
    ['电灯不亮', 'lighting'],
    ['下水道漏水', 'drainage'],
    ['卫生间水管漏水', 'water'],
    ['电梯困人', 'lift'],
    // traditional
    ['樓道燈不亮', 'lighting'],
    ['電梯壞了', 'lift'],
    ['門禁刷不開', 'door'],
    ['跳閘了', 'electricity'],
    ['綠化帶', 'greenery'],
    ['衛生很差', 'sanitation'],
    // English
    ['stair light broken', 'lighting'],
    ['the lift is stuck', 'lift'],
    ['water pipe leaking', 'water'],
    ['drain blocked', 'drainage'],
    ['no power in block 3', 'electricity'],
    ['front door lock broken', 'door'],
    ['fallen tree', 'greenery'],
    ['rubbish not collected', 'sanitation'],
    ['crack in the wall', 'other'],
  ])('%s → %s', (text, category) => {
    expect(guessCategory(text)).toBe(category)
  })
})

describe('guessUrgent', () => {
  it.each(['厨房漏水', '水管跑水了', '配电箱冒烟', '整栋停电', '电梯困人', '着火了', '闻到燃气味', '緊急：水管爆了', '冒煙', '停電', 'water leak', 'smoke from the meter box', 'people trapped in the lift', 'power outage'])(
    '%s is urgent',
    (text) => {
      expect(guessUrgent(text)).toBe(true)
    },
  )
  it.each(['楼道灯不亮', '垃圾没人收', '门禁刷不开', '树枝太长', 'stair light broken', 'door lock broken'])('%s is not urgent', (text) => {
    expect(guessUrgent(text)).toBe(false)
  })
})

describe('parseCategoryWord', () => {
  it('reads what the committee types in any language', () => {
    expect(parseCategoryWord('水管')).toBe('water')
    expect(parseCategoryWord('下水道')).toBe('drainage')
    expect(parseCategoryWord('電路')).toBe('electricity')
    expect(parseCategoryWord('照明')).toBe('lighting')
    expect(parseCategoryWord('門禁')).toBe('door')
    expect(parseCategoryWord('Lift')).toBe('lift')
    expect(parseCategoryWord('绿化')).toBe('greenery')
    expect(parseCategoryWord('衛生')).toBe('sanitation')
    expect(parseCategoryWord('其他')).toBe('other')
    expect(parseCategoryWord('飞机')).toBeNull()
  })
  it('every category has a word', () => {
    for (const c of REPAIR_CATEGORIES) expect(parseCategoryWord(c)).toBe(c)
  })
})
