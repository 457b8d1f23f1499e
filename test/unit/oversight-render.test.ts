// The supervisor's digest text (src/render/oversight.ts) for the states the integration fixture does not reach:
// a period with nothing to post, a post not due yet, disclosure switched off, an untrusted ledger, a result never
// posted, and the other languages.
import { describe, expect, it } from 'vitest'
import { translator } from '../../src/i18n/index.ts'
import { arrearsRate, oversightLines, oversightTexts, type OversightView } from '../../src/render/oversight.ts'

const at = (iso: string) => new Date(iso)
const view = (over: Partial<OversightView> = {}): OversightView => ({
  compound: { name: '幸福里', timeZone: 'Asia/Shanghai' },
  asOf: at('2026-12-07T01:30:00Z'),
  disclosures: [
    { kind: 'week', period: { kind: 'week', key: '2026-W49' }, dueAt: at('2026-12-07T01:00:00Z'), status: 'empty', postedAt: null },
    { kind: 'month', period: { kind: 'month', key: '2026-11' }, dueAt: at('2026-12-01T01:00:00Z'), status: 'missing', postedAt: null },
  ],
  untrusted: false,
  balanceFen: 123456n,
  arrears: { households: 1, billed: 3 },
  repairs: { open: 0, overdue: 0 },
  polls: [
    {
      no: 4,
      title: '换物业',
      kind: 'election',
      status: 'closed',
      deadline: at('2026-12-01T10:00:00Z'),
      closedAt: at('2026-12-01T10:00:00Z'),
      rule: 'major',
      shortNotice: null,
      resultNotPosted: true,
    },
  ],
  ...over,
})

describe('the oversight digest text', () => {
  it('says every 公示 state, the arrears rate and the flags', () => {
    const zh = oversightLines(translator('zh-CN'), view()).join('\n')
    expect(zh).toContain('公示：2026年第49周 无收支和报修，按规则未发帖')
    expect(zh).toContain('公示：2026年11月 未发布（应于 2026-12-01 09:00 发布）')
    expect(zh).toContain('结余：¥1,234.56')
    expect(zh).toContain('欠费率：33.3%（1 户欠费 / 3 户已出账）')
    expect(zh).toContain('选举 #4「换物业」已于 2026-12-01 18:00 结束')
    expect(zh).toContain('⚠ 结束已超过 3 天，结果仍未发到群')
    const off = oversightLines(translator('zh-CN'), view({ disclosures: [], untrusted: true, arrears: { households: 0, billed: 0 }, polls: [] })).join('\n')
    expect(off).toContain('公示：定时公示已关闭')
    expect(off).toContain('⚠ 账本核验未通过')
    expect(off).toContain('欠费率：尚未出账')
    expect(off).toContain('投票：近 7 天没有进行中或结束的投票')
    expect(arrearsRate({ households: 2, billed: 3 })).toBe('66.7%')
  })

  it('in traditional Chinese and English, one header over several compounds', () => {
    const tw = oversightTexts(translator('zh-TW'), [view(), view({ compound: { name: '东风苑', timeZone: 'Asia/Shanghai' } })], 'Asia/Shanghai')
    expect(tw).toHaveLength(1)
    expect(tw[0]!.startsWith('【社區監督摘要】截至 2026-12-07 09:30')).toBe(true)
    expect(tw[0]).toContain('━━ 东风苑')
    const en = oversightTexts(translator('en'), [view({ disclosures: [{ kind: 'week', period: { kind: 'week', key: '2026-W49' }, dueAt: at('2026-12-07T01:00:00Z'), status: 'pending', postedAt: null }] })], 'Asia/Shanghai')[0]!
    expect(en).toContain('Disclosure: ')
    expect(en).toContain('due 2026-12-07 09:00')
    expect(en).toContain('Arrears rate: 33.3% (1 households in arrears / 3 billed)')
    expect(en).toContain('election #4 "换物业" closed 2026-12-01 18:00')
  })
})
