// One CSV cell (src/disclosure/csv.ts csvField): RFC 4180 quoting, and formula injection closed for every field —
// a cell that is not a plain number and could start a formula in a spreadsheet is prefixed with ' (issue 12 item 5).
import fc from 'fast-check'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { csvField } from '../../src/disclosure/csv.ts'

describe('csvField', () => {
  it('quotes a comma, a quote or a line break (RFC 4180)', () => {
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
    expect(csvField(null)).toBe('')
    expect(csvField(undefined)).toBe('')
    expect(csvField('')).toBe('')
  })

  it('leaves plain numbers (amounts, serials) alone, negative ones included', () => {
    for (const n of ['-12.50', '12.50', '0.00', '-0.01', '1084', '3']) expect(csvField(n)).toBe(n)
    expect(csvField(42)).toBe('42')
    expect(csvField(-7)).toBe('-7')
  })

  it.each([
    ['=SUM(A1)', "'=SUM(A1)"],
    ['+1+1', "'+1+1"],
    ['@SUM(1)', "'@SUM(1)"],
    // starts like a number, but is a formula: the old check let these through
    ['-1+HYPERLINK("http://evil.example","点我")', `"'-1+HYPERLINK(""http://evil.example"",""点我"")"`],
    ['-0+cmd|\' /C calc\'!A0', "'-0+cmd|' /C calc'!A0"],
    ['-12.50+1', "'-12.50+1"],
    // a leading tab, carriage return or line feed, and full-width or space-led formula characters
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', `"'\r=1+1"`],
    ['\n=1', `"'\n=1"`],
    ['＝1+1', "'＝1+1"],
    ['  =1+1', "'  =1+1"],
    ['　-1+2', "'　-1+2"],
  ])('%j is defused as %j', (input, expected) => {
    expect(csvField(input)).toBe(expected)
  })

  it('leaves ordinary text alone: dates, times, rooms, tickets, hashes, Chinese', () => {
    for (const s of ['2026-11-16 10:30', '3-2-201', '#12', '物业费 2026-11', 'a1b2c3', '楼道保洁 -1 次']) expect(csvField(s)).toBe(s)
  })

  it('property: a parsed cell is the input, or the input behind one quote mark when it could be a formula', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        const rows = parse(`${csvField(s)}\r\n`, { relax_quotes: false }) as string[][]
        const cell = rows[0]?.[0] ?? ''
        const dangerous = !/^-?\d+(?:\.\d+)?$/.test(s) && (/^[\t\r\n]/.test(s) || /^[\s\u3000]*[=+\-@＝＋－＠]/u.test(s))
        expect(cell).toBe(dangerous ? `'${s}` : s)
        // what a spreadsheet sees first is never a formula character
        if (cell.length > 0 && !/^-?\d+(?:\.\d+)?$/.test(cell)) expect(cell).not.toMatch(/^[\t\r\n]|^[\s\u3000]*[=+\-@＝＋－＠]/u)
      }),
      { numRuns: 500 },
    )
  })
})
