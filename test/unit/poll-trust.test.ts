// Issue 12, votes (pure parts): owner keys from roster names, secret tallies while open, 人 vs 户 in what is
// missing, and the roster a result names.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { normalizeOwnerName, ownerKeysOf } from '../../src/domain/electorate.ts'
import { launchText, liveLaunchText, resultsText } from '../../src/render/polls.ts'
import { type PollSnapshot, type PollView, snapshotFromJson, snapshotToJson } from '../../src/domain/poll-snapshot.ts'
import { tally, type Voter } from '../../src/domain/tally.ts'
import { type Lang, translator } from '../../src/i18n/index.ts'

describe('owner keys from the roster owner_name (headcount, 最高法解释 第九条)', () => {
  it.each([
    ['王秀英', ['o:王秀英']],
    ['王 秀英', ['o:王秀英']],
    ['王　秀英', ['o:王秀英']], // an ideographic space
    ['王秀英 13812345678', ['o:王秀英']],
    ['王秀英 +86 138-1234-5678', ['o:王秀英']],
    ['张三/李四', ['o:张三', 'o:李四']],
    ['张三、李四', ['o:张三', 'o:李四']],
    ['张三，李四', ['o:张三', 'o:李四']],
    ['张三；李四；张三', ['o:张三', 'o:李四']],
    ['Ｗａｎｇ Ｌｉ', ['o:wangli']],
    ['张伟（3栋）', ['o:张伟(3栋)']], // namesakes are told apart in the roster, and stay apart
    ['业主', ['h:7']],
    ['', ['h:7']],
    [null, ['h:7']],
    ['  ', ['h:7']],
  ] as const)('%j → %j', (name, keys) => {
    expect(ownerKeysOf(name, 7)).toEqual(keys)
  })

  it('a household never has no key, and keys never contain spaces', () => {
    fc.assert(
      fc.property(fc.option(fc.string({ maxLength: 30 })), fc.integer({ min: 1, max: 1e6 }), (name, id) => {
        const keys = ownerKeysOf(name, id)
        expect(keys.length).toBeGreaterThan(0)
        for (const k of keys) expect(k).not.toMatch(/\s/)
      }),
    )
  })

  it('the same name written with other widths and spaces is the same person', () => {
    expect(normalizeOwnerName('李 建 国')).toBe(normalizeOwnerName('李建国'))
    expect(normalizeOwnerName('ＬＩ Jianguo')).toBe(normalizeOwnerName('li jianguo'))
  })
})

const view = (over: Partial<PollView> = {}): PollView => ({
  no: 3,
  title: '更换大门',
  options: ['同意', '反对', '弃权'],
  multiple: false,
  rule: 'ordinary',
  electorate: 'owners',
  secret: true,
  deadline: new Date('2026-12-01T10:00:00Z'),
  status: 'open',
  closedAt: null,
  ...over,
})

/** Six households of 100 m², one owner each; `votes` are the options of the first households. */
function snapshot(votes: number[], rule: 'simple' | 'ordinary' | 'major' = 'ordinary', owners?: string[][]): PollSnapshot {
  const voters: Voter[] = Array.from({ length: 6 }, (_, i) => ({ key: `h:${i + 1}`, areaCentiM2: 10000n, ownerKeys: owners?.[i] ?? [`o:${i}`] }))
  const ballots = votes.map((o, i) => ({ voterKey: `h:${i + 1}`, options: [o] }))
  return { tally: tally({ rule, optionCount: 3, voters, ballots }), voted: null, casts: ballots.length, roster: 'frozen' }
}

describe('a secret poll shows participation only until it closes', () => {
  const langs: Lang[] = ['zh-CN', 'zh-TW', 'en']
  it.each(langs)('%s: 结果 and the live launch post carry no per-option figure and no outcome while open', (lang) => {
    const t = translator(lang)
    const asOf = new Date('2026-11-24T02:00:00Z')
    for (const votes of [[0], [1, 1], [0, 1, 2, 0], [0, 0, 0, 0, 1]]) {
      const snap = snapshot(votes)
      const launch = launchText(t, view(), 'Asia/Shanghai')
      for (const text of [resultsText(t, view(), snap, 'Asia/Shanghai'), liveLaunchText(t, view(), snap, 'Asia/Shanghai', { asOf }).slice(launch.length)]) {
        expect(text).not.toMatch(/^\d+\. /m)
        expect(text).not.toContain(t('poll.outcome.open.invalid'))
        expect(text).toContain(t('poll.results.secretOpen'))
        expect(text).toContain(t('poll.results.votedHouseholds', { households: votes.length, total: 6 }))
      }
    }
  })

  it('what an open secret poll shows depends on who voted, never on what they chose', () => {
    const t = translator('zh-CN')
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 6 }), fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 6, maxLength: 6 }), (a, other) => {
        const b = a.map((_, i) => other[i]!)
        expect(resultsText(t, view(), snapshot(a), 'Asia/Shanghai')).toBe(resultsText(t, view(), snapshot(b), 'Asia/Shanghai'))
      }),
    )
  })

  it('once closed, the per-option totals and the outcome are shown, and still no voter list', () => {
    const t = translator('zh-CN')
    const closed = view({ status: 'closed', closedAt: new Date('2026-12-01T10:00:00Z') })
    const text = resultsText(t, closed, snapshot([0, 0, 0, 0, 1]), 'Asia/Shanghai')
    expect(text).toContain('1. 同意：4 户 / 400.00 m²，业主 4 人')
    expect(text).toContain('2. 反对：1 户 / 100.00 m²，业主 1 人')
    expect(text).toContain('结果：表决有效，「同意」获得通过。')
    expect(text).toContain('不记名投票：不公开投票人和各人的选择。')
  })
})

describe('人 for persons, 户 for households in what is missing', () => {
  const open = view({ secret: false })
  // households 1–4 belong to one owner: 400 m² of 600 meets the area, 1 of 3 owners does not
  const rich = [['o:富'], ['o:富'], ['o:富'], ['o:富'], ['o:甲'], ['o:乙']]
  it.each([
    ['zh-CN', '还差业主 1 人（约 1 户）达到参与门槛'],
    ['zh-TW', '還差業主 1 人（約 1 戶）達到參與門檻'],
    ['en', '1 more owners (about 1 households) needed to reach the participation threshold'],
  ] as const)('%s: persons missing are counted in persons', (lang, want) => {
    const text = resultsText(translator(lang), open, snapshot([0, 0, 0, 0], 'ordinary', rich), 'Asia/Shanghai')
    expect(text).toContain(want)
  })

  it.each([
    ['zh-CN', '还差 3 户 / 300.00 m²，业主 3 人 达到参与门槛'],
    ['zh-TW', '還差 3 戶 / 300.00 m²，業主 3 人 達到參與門檻'],
    ['en', '3 more households / 300.00 m² and 3 more owners needed to reach the participation threshold'],
  ] as const)('%s: both when both are missing', (lang, want) => {
    expect(resultsText(translator(lang), open, snapshot([0]), 'Asia/Shanghai')).toContain(want)
  })

  it('area alone: households and m², as before', () => {
    // 5 owners' worth of heads but one owner holds households 2–6: 1 household of the big owner adds area only
    const fewHeads = [['o:a'], ['o:b'], ['o:b'], ['o:b'], ['o:b'], ['o:b']]
    const text = resultsText(translator('zh-CN'), open, snapshot([0, 1], 'ordinary', fewHeads), 'Asia/Shanghai')
    expect(text).toContain('还差 2 户 / 200.00 m² 达到参与门槛')
  })
})

describe('the result names the roster it used', () => {
  it('frozen at launch, live (older polls), or nothing for a snapshot stored before', () => {
    const t = translator('zh-CN')
    const snap = snapshot([0])
    expect(resultsText(t, view({ secret: false }), snap, 'Asia/Shanghai')).toContain('按发起时名册：6 户 / 600.00 m²，业主 6 人')
    expect(resultsText(t, view({ secret: false }), { ...snap, roster: 'live' }, 'Asia/Shanghai')).toContain('按当前名册：6 户 / 600.00 m²，业主 6 人')
    const { roster: _, ...old } = snap
    expect(resultsText(t, view({ secret: false }), old, 'Asia/Shanghai')).not.toContain('名册')
  })

  it('survives the jsonb round trip', () => {
    expect(snapshotFromJson(snapshotToJson(snapshot([0, 1])))?.roster).toBe('frozen')
    const { roster: _, ...old } = snapshot([0])
    expect(snapshotFromJson(snapshotToJson(old))?.roster).toBeUndefined()
  })
})
