// src/intents text handling: mentions, emoji, full-width, traditional → simplified; and replies to an offer.
import { describe, expect, it } from 'vitest'
import { confirmationOf } from '../../src/intents/confirm.ts'
import { cleanSlice, prepare, stripMentions } from '../../src/intents/text.ts'

const BOT = ['邻里', '鄰里', '邻里小助手', 'Linli', 'linli_bot']

describe('prepare', () => {
  it('removes the bot mention wherever it is, the longest name first', () => {
    expect(prepare('@邻里 查一下物业费', BOT).clean).toBe('查一下物业费')
    expect(prepare('3号楼下水道又堵了 @邻里', BOT).clean).toBe('3号楼下水道又堵了')
    expect(prepare('@邻里小助手 看看', BOT).clean).toBe('看看')
    expect(prepare('@邻里查一下', BOT).clean).toBe('查一下') // no space after the mention
    expect(prepare('@LINLI help', BOT).clean).toBe('help')
  })

  it('removes mentions of other people (WeChat ends them with U+2005, Telegram at a space)', () => {
    expect(prepare('@张阿姨\u2005@邻里 我家还欠多少', BOT).clean).toBe('我家还欠多少')
    expect(prepare('@bob_99 @Linli my bill', BOT).clean).toBe('my bill')
    expect(stripMentions('hi @张三 there', [])).toBe('hi   there')
  })

  it('removes emoji with their modifiers, and WeChat bracket emoji', () => {
    expect(prepare('楼道灯坏了😭👍🏻❤️', BOT).clean).toBe('楼道灯坏了')
    expect(prepare('[捂脸]电梯又停了[强]', BOT).clean).toBe('电梯又停了')
    expect(prepare('👨‍👩‍👧 hi', BOT).clean).toBe('hi')
  })

  it('folds full-width forms and spaces; keeps Chinese prose punctuation in the clean text only', () => {
    const t = prepare('投票　＃２　同意，ＯＫ！', BOT)
    expect(t.clean).toBe('投票 #2 同意，OK！')
    expect(t.folded).toBe('投票 #2 同意,ok!')
    expect(t.aligned).toBe(true)
  })

  it('folds traditional characters with OpenCC and says so', () => {
    const t = prepare('@鄰里 3棟樓道燈又壞了', BOT)
    expect(t.clean).toBe('3棟樓道燈又壞了')
    expect(t.folded).toBe('3栋楼道灯又坏了')
    expect(t.traditional).toBe(true)
    expect(prepare('楼道灯坏了', BOT).traditional).toBe(false)
    // phrase-aware, not character by character: 著 in 著火 is 着, 裡 is 里
    expect(prepare('樓裡著火了', BOT).folded).toBe('楼里着火了')
  })

  it('maps folded positions back onto the text as typed', () => {
    const t = prepare('我要報修，廚房漏水', BOT)
    const at = t.folded.indexOf('厨房')
    expect(cleanSlice(t, at)).toBe('廚房漏水')
  })

  it('drops lone surrogates and invisible characters', () => {
    expect(prepare('帮\u200B助\uD800', BOT).clean).toBe('帮助')
  })
})

describe('confirmationOf', () => {
  it.each(['是', '是的', '好', '好的！', '嗯嗯', '确认', '可以', 'OK', 'yes', 'Yes.', '👍', '@邻里 是'])('%s is yes', (s) => {
    expect(confirmationOf(s, BOT)).toBe('yes')
  })
  it.each(['不', '不用了', '算了', '取消', 'no', 'Cancel', '不是'])('%s is no', (s) => {
    expect(confirmationOf(s, BOT)).toBe('no')
  })
  it.each(['是不是坏了', '好的，不过我想先问问', '3栋楼道灯坏了', '', '是吗'])('%s is neither', (s) => {
    expect(confirmationOf(s, BOT)).toBeNull()
  })
})
