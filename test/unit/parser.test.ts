import { describe, expect, it } from 'vitest'
import { commands } from '../../commands/index.ts'
import { normalizeText } from '../../src/domain/text.ts'
import { CommandParser } from '../../src/pipeline/parser.ts'

const parser = new CommandParser(commands, ['邻里', 'linli_bot'])

// [input, expected command name or null, expected args, options]
const table: Array<[string, string | null, string?, { addressed?: boolean }?]> = [
  ['帮助', 'help', ''],
  ['/帮助', 'help', ''],
  ['幫助', 'help', ''],
  ['/help', 'help', ''],
  ['help', 'help', ''],
  ['HELP', 'help', ''],
  ['/help@linli_bot', 'help', ''],
  ['/help@Linli_Bot 绑定', 'help', '绑定'],
  ['帮助 绑定', 'help', '绑定'],
  ['帮助　绑定', 'help', '绑定'], // ideographic space
  ['  帮助  ', 'help', ''],
  ['@邻里 帮助', 'help', ''],
  ['@邻里\u2005帮助', 'help', ''], // WeChat puts U+2005 after a mention
  ['@linli_bot /help', 'help', ''],
  ['@张三 帮助', null],
  ['开通 幸福里', 'setup', '幸福里'],
  ['開通 幸福里', 'setup', '幸福里'],
  ['/setup Happy Court', 'setup', 'Happy Court'],
  ['/setup@linli_bot Happy Court', 'setup', 'Happy Court'],
  ['绑定 3-2-201', 'bind', '3-2-201'],
  ['綁定 3棟2單元201 業主', 'bind', '3棟2單元201 業主'],
  ['/bind 3-2-201 tenant', 'bind', '3-2-201 tenant'],
  ['绑定３－２－２０１', 'bind', '3-2-201'], // full-width digits directly after the keyword
  ['ｂｉｎｄ 3-2-201', 'bind', '3-2-201'], // full-width latin
  ['／ｈｅｌｐ', 'help', ''],
  ['认证', 'verify', ''],
  ['認證 12', 'verify', '12'],
  ['认证 @张三', 'verify', '@张三'],
  ['/verify 3', 'verify', '3'],
  ['任命 @张三 委员', 'appoint', '@张三 委员'],
  ['任命 张三 收費員', 'appoint', '张三 收費員'],
  ['/appoint @bob committee', 'appoint', '@bob committee'],
  ['免职 @张三', 'dismiss', '@张三'],
  ['免職 @张三', 'dismiss', '@张三'],
  ['/dismiss bob', 'dismiss', 'bob'],
  ['帮\u200B助', 'help', ''], // zero-width space inside the keyword
  ['\u202E帮助', 'help', ''], // RTL override before it
  ['/help@other_bot', null],
  ['/bind@someone_else 3-2-201', null],
  ['今天天气不错', null],
  ['帮助一下我吧', null], // chatter that merely starts with a keyword
  ['帮助一下我吧', 'help', '一下我吧', { addressed: true }],
  ['helpme', null],
  ['helping hands', null],
  ['', null],
  ['   ', null],
  ['/', null],
  ['/unknowncmd', null],
  ['我想绑定 3-2-201', null], // keyword not at the start
  ['bind', 'bind', ''],
  ['Setup  Happy  Court', 'setup', 'Happy Court'],
]

describe('command parser', () => {
  it.each(table)('%j → %s', (input, name, args, opts) => {
    const r = parser.parse(input, opts)
    if (name === null) {
      expect(r.kind).not.toBe('command')
      return
    }
    expect(r.kind).toBe('command')
    if (r.kind !== 'command') return
    expect(r.parsed.command.name).toBe(name)
    expect(r.parsed.args).toBe(args)
  })

  it('has at least 40 cases across the three languages', () => {
    expect(table.length).toBeGreaterThanOrEqual(40)
  })

  it('reports commands addressed to another bot as such', () => {
    expect(parser.parse('/help@other_bot').kind).toBe('otherBot')
  })

  it('knows the language of the keyword', () => {
    const r = parser.parse('幫助')
    expect(r.kind === 'command' && r.parsed.lang).toBe('zh-TW')
    const e = parser.parse('/help')
    expect(e.kind === 'command' && e.parsed.lang).toBe('en')
  })

  it('normalizes full-width text, invisible characters and lone surrogates', () => {
    expect(normalizeText('＃１２　ＡＢ')).toBe('#12 AB')
    expect(normalizeText('a\u200Bb\u0000c')).toBe('abc')
    expect(normalizeText('x\uD800y')).toBe('xy')
    // Chinese prose punctuation is kept as typed; digits, letters, ＃ and ： are normalized
    expect(normalizeText('楼道灯不亮，很黑！＃１２：')).toBe('楼道灯不亮，很黑！#12:')
  })
})
