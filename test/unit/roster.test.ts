import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { parseArea, parseRoster, RosterError } from '../../src/cli/roster.ts'
import { sampleRosterPath } from '../../src/cli/demo.ts'

describe('roster parsing', () => {
  it('reads the committed sample roster of about 40 households', () => {
    const rows = parseRoster(readFileSync(sampleRosterPath, 'utf8'))
    expect(rows.length).toBeGreaterThanOrEqual(38)
    expect(new Set(rows.map((r) => r.code)).size).toBe(rows.length)
  })

  it('canonicalizes codes and areas exactly', () => {
    const rows = parseRoster('\uFEFFbuilding,unit,room,area_m2,occupancy\n03,02,201,89.5,出租\nA,,101,100.05,\n')
    expect(rows.map((r) => [r.code, r.areaCentiM2, r.occupancy])).toEqual([
      ['3-2-201', 8950n, 'rented'],
      ['A-101', 10005n, 'owner_occupied'],
    ])
  })

  it.each([
    ['building,unit,room\n1,1,101\n', 1],
    ['building,unit,room,area_m2\n1,1,101,abc\n', 2],
    ['building,unit,room,area_m2\n1,1,101,80\n1,1,101,81\n', 3],
    ['building,unit,room,area_m2\n1,1,,80\n', 2],
    ['building,unit,room,area_m2,occupancy\n1,1,101,80,party\n', 2],
    ['building,unit,room,area_m2\n1,1,101,80.123\n', 2],
  ])('reports the bad line: %j', (csv, line) => {
    try {
      parseRoster(csv)
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(RosterError)
      expect((err as RosterError).line).toBe(line)
    }
  })

  it('parses areas without floats', () => {
    expect(parseArea('0.01')).toBe(1n)
    expect(parseArea('120')).toBe(12000n)
    expect(parseArea('0')).toBeNull()
    expect(parseArea('1e3')).toBeNull()
  })
})
