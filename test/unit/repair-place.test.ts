import { describe, expect, it } from 'vitest'
import { isFullRoom, type RepairText, splitRepairText } from '../../src/domain/repair-place.ts'
import { parseCorrection } from '../../commands/repair-category.ts'
import { splitCost } from '../../commands/done.ts'
import { splitTicketNo } from '../../src/services/repairs.ts'

describe('splitRepairText', () => {
  it.each<[string, RepairText]>([
    // a room at the end or start, as in 绑定
    ['楼道灯不亮 3-2-201', { description: '楼道灯不亮', room: '3-2-201' }],
    ['3栋2单元201 厨房漏水', { description: '厨房漏水', room: '3栋2单元201' }],
    ['3栋2单元201楼道灯不亮', { description: '楼道灯不亮', room: '3栋2单元201' }],
    ['水管漏水,3-201', { description: '水管漏水', room: '3-201' }],
    // a building and unit: a common area
    ['3栋2单元楼道灯不亮', { description: '楼道灯不亮', place: '3-2 楼道' }],
    ['三栋二单元门口路灯坏了', { description: '门口路灯坏了', place: '3-2 门口' }],
    ['5号楼的电梯坏了', { description: '电梯坏了', place: '5栋' }],
    ['5号楼电梯坏了', { description: '电梯坏了', place: '5栋 电梯' }],
    ['3棟2單元樓道燈不亮', { description: '樓道燈不亮', place: '3-2 樓道' }],
    ['楼道灯不亮 3栋2单元', { description: '楼道灯不亮', place: '3-2' }],
    ['电梯困人了!2号楼', { description: '电梯困人了', place: '2栋' }],
    ['3栋2单元5楼楼道灯不亮', { description: '5楼楼道灯不亮', place: '3-2 5楼楼道' }],
    // an explicit place, or a word naming one
    ['大树倒了 位置:小区花园东侧', { description: '大树倒了', place: '小区花园东侧' }],
    ['路灯不亮 地点 车棚', { description: '路灯不亮', place: '车棚' }],
    ['路灯不亮 北门', { description: '路灯不亮', place: '北门' }],
    ['北门 路灯不亮', { description: '路灯不亮', place: '北门' }],
    ['垃圾没人收 垃圾房', { description: '垃圾没人收', place: '垃圾房' }],
    ['stair light broken place: block 3', { description: 'stair light broken', place: 'block 3' }],
    // nothing that names a place
    ['楼道灯不亮', { description: '楼道灯不亮' }],
    ['楼道灯 一直不亮', { description: '楼道灯 一直不亮' }],
    ['灯 北门', { description: '灯 北门' }],
    ['3楼的灯不亮', { description: '3楼的灯不亮' }],
    ['', { description: '' }],
  ])('%j', (input, expected) => {
    expect(splitRepairText(input)).toEqual(expected)
  })

  it('tells a full room number from a short form', () => {
    expect(isFullRoom('3-2-201')).toBe(true)
    expect(isFullRoom('3栋201')).toBe(true)
    expect(isFullRoom('3-5')).toBe(false)
    expect(isFullRoom('3-2-1')).toBe(false)
    expect(isFullRoom('北门')).toBe(false)
  })
})

describe('command argument helpers', () => {
  it('splitTicketNo', () => {
    expect(splitTicketNo('#12 王师傅')).toEqual({ no: 12, rest: '王师傅' })
    expect(splitTicketNo('12王师傅')).toEqual({ no: 12, rest: '王师傅' })
    expect(splitTicketNo('# 3')).toEqual({ no: 3, rest: '' })
    expect(splitTicketNo('王师傅')).toEqual({ rest: '王师傅' })
    expect(splitTicketNo('')).toEqual({ rest: '' })
  })

  it('splitCost', () => {
    const max = 100_000_000n
    expect(splitCost('', max)).toEqual({ note: '' })
    expect(splitCost('换了灯泡', max)).toEqual({ note: '换了灯泡' })
    expect(splitCost('费用 120', max)).toEqual({ cost: '120', note: '' })
    expect(splitCost('费用120元', max)).toEqual({ cost: '120元', note: '' })
    expect(splitCost('换了灯泡 费用 120 元 含人工', max)).toEqual({ cost: '120 元', note: '换了灯泡 含人工' })
    expect(splitCost('費用:¥1,200.50', max)).toEqual({ cost: '¥1,200.50', note: '' })
    expect(splitCost('cost 45.5 new bulb', max)).toEqual({ cost: '45.5', note: 'new bulb' })
    expect(splitCost('费用 abc 换了', max)).toEqual({ cost: 'abc', note: '换了' })
    expect(splitCost('费用', max)).toEqual({ cost: '', note: '' })
  })

  it('parseCorrection', () => {
    expect(parseCorrection('水管')).toEqual({ category: 'water' })
    expect(parseCorrection('水管 紧急')).toEqual({ category: 'water', urgent: true })
    expect(parseCorrection('不急')).toEqual({ urgent: false })
    expect(parseCorrection('lift urgent')).toEqual({ category: 'lift', urgent: true })
    expect(parseCorrection('')).toBeNull()
    expect(parseCorrection('飞机')).toBeNull()
    expect(parseCorrection('水管 电梯')).toBeNull()
  })
})
