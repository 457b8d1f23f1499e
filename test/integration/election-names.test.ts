// Candidates are named in full in an election's group posts (standing is consent, 公示), and nowhere else: a
// candidate who is also a roster owner appears in full in the launch, 结果, the result, the final announcement
// and the disclosure's election line, while the same name in an unrelated group post and in an objection's
// reason stays masked, as do roster owners who are not candidates (src/domain/group-privacy.ts candidate()).
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { polls, resultWindows } from '../../db/schema.ts'
import { finishDueWindows } from '../../src/services/objections.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { ROSTER_HEADER, townWorld } from '../helpers/fixtures.ts'
import type { World } from '../helpers/world.ts'

const dbs = useTestDatabases()

const ROOMS = ['1-1-101', '1-1-102', '1-1-201', '1-1-202']
const OWNERS = ['张三', '李四', '王五', '赵六']
const ROSTER = ROSTER_HEADER + ROOMS.map((r, i) => `${r.replaceAll('-', ',')},100.00,owner_occupied,${OWNERS[i]}`).join('\n')

const flushed = async (w: World) => {
  const before = w.adapter.sent.length
  await w.app.dispatcher.flush()
  return w.adapter.sent.slice(before)
}

describe('election candidates are named in full in the election’s group posts only', () => {
  it('a candidate who is a roster owner: in full in every election post, masked everywhere else', async () => {
    const { w } = await townWorld(dbs, {
      roster: ROSTER,
      people: [{ id: 'cc', name: '老李', role: 'committee' }, ...OWNERS.map((name, i) => ({ id: `o${i}`, name, rooms: [ROOMS[i]!] }))],
    })
    const launch = await w.says('boss', '发起选举 第一届物管会 名额 1 候选人 张三/周九')
    expect(launch.text).toContain('A. 张三\nB. 周九')
    // an unrelated group post naming the same roster owner: masked as always
    const other = await w.says('boss', '发起投票 张三提议装路灯 选项 装/不装')
    expect(other.text).toContain('张*提议装路灯')
    expect(other.text).not.toContain('张三')

    for (const o of ['o0', 'o1', 'o2', 'o3']) await w.says(o, '选 #1 A')
    const live = await w.says('o1', '结果 #1')
    expect(live.replies[0]!.chat).toBe('g1')
    expect(live.text).toContain('A. 张三\nB. 周九')

    const closed = await w.says('cc', '结束投票 #1')
    const post = closed.replies.find((r) => r.chat)!.text
    expect(post).toContain('A. 张三：4 户 / 400.00 m²')
    expect(post).toContain('当选（按得票排序）：A. 张三')

    // the objection names the candidate and a roster owner who is not one: the reason is scrubbed as always
    await w.says('o1', '异议 #1 张三 拉票，李四作证')
    const [window] = await w.db.db.select().from(resultWindows)
    await flushed(w)
    expect(await finishDueWindows(w.db, window!.until)).toHaveLength(1)
    const final = (await flushed(w)).find((s) => s.chat)!.text
    expect(final).toContain('异议 1：张* 拉票，李*作证')
    expect(final).toContain('选举结果生效，当选：张三。')
    expect(final).toContain('已成为委员：张三')
    expect(final).not.toContain('李四')

    // the disclosure: the election's outcome line names the elected in full; the other poll's title stays masked
    const [p2] = await w.db.db.select().from(polls).where(eq(polls.no, 2))
    const disclosed = await w.says('cc', '公示 本周')
    const summary = disclosed.replies.filter((r) => r.chat).map((r) => r.text).join('\n')
    expect(summary).toContain('#1 第一届物管会：当选 张三')
    expect(summary).toContain(`#${p2!.no} 张*提议装路灯：进行中`)
    expect(summary.match(/张三/g)).toHaveLength(1)
  })
})
