// 6. Authorization: every command that needs more than a resident — and the ones that check the person
// (assignee, reporter, verified owner) — tried by every lesser role, in Chinese and as an English slash
// command: each is refused with the localized refusal, and nothing is written (a digest of every row of
// every table but the inbox and outbox is unchanged; the outbox gains only the refusal to the asker).
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { commands } from '../../commands/index.ts'
import { outbox } from '../../db/schema.ts'
import { ROLE_RANK } from '../../src/pipeline/command.ts'
import { entryRole } from '../../src/pipeline/permissions.ts'
import type { TestDatabases } from '../helpers/db.ts'
import { type World, world } from '../helpers/world.ts'
import { rosterCsv, setUpTown } from '../helpers/fixtures.ts'
import { figures, maxId, type ServerDb, serverDb, snapshot } from './helpers.ts'

let server: ServerDb
let w: World
beforeAll(async () => {
  server = await serverDb()
  w = await world({} as TestDatabases, { db: server.database })
  await setUpTown(w, {
    name: '幸福里',
    head: { id: 'boss', name: '王主任' },
    roster: rosterCsv(6),
    people: [
      { id: 'cc', name: '老李', role: 'committee' },
      { id: 'col', name: '小赵', role: 'collector' },
      { id: 'o1', name: '业主甲', rooms: ['1-1-101'] },
      { id: 'o2', name: '业主乙', rooms: ['1-1-102'] },
      { id: 't1', name: '租户丙', rooms: ['1-1-103'], relation: 'tenant', status: 'pending' },
      { id: 'u1', name: '路人丁' },
    ],
  })
  // something to act on: ticket #1 open, ticket #2 done, ledger entry 1, poll #1 open (t1's binding is pending)
  await w.says('o1', '报修 楼道灯坏了').then((r) => r.expectReply('#1'))
  await w.says('o1', '报修 水管漏水 1-1-101').then((r) => r.expectReply('#2'))
  await w.says('cc', '完工 #2').then((r) => r.expectReply('#2'))
  await w.says('col', '缴费 1-1-101 100').then((r) => r.expectReply('已私信'))
  await w.says('cc', '发起投票 修路 选项 同意/反对').then((r) => r.expectReply('【投票 #1】'))
})
afterAll(async () => {
  await server.drop()
})

type Who = 'boss' | 'cc' | 'col' | 'o1' | 'o2' | 't1' | 'u1'
const ROLE_OF: Record<Who, string> = {
  boss: 'head',
  cc: 'committee',
  col: 'collector',
  o1: 'owner (reporter of #1, #2)',
  o2: 'owner',
  t1: 'tenant (pending)',
  u1: 'resident (unbound)',
}
const RESIDENTS: Who[] = ['o1', 'o2', 't1', 'u1']
const BELOW: Record<'head' | 'committee' | 'collector', Who[]> = {
  head: ['cc', 'col', ...RESIDENTS],
  committee: ['col', ...RESIDENTS],
  collector: RESIDENTS,
}

const FORBIDDEN = /^只有(主任|委员|收费员)可以这样做。$/
// 开通 in the unbound chat g9 answers in the keyword's language
const NOT_ADMIN = /^(只有群主或群管理员可以开通。|Only the group owner or an admin can set up this group\.)$/
const NOT_ASSIGNEE = /^只有委员或被派单的人可以.+报修 #1。$/
const NOT_REPORTER = /^只有报修人或委员可以.+报修 #2。$/
const NOT_VOTER = /本投票只有经认证的业主可以参加|认证后才能投票/
const NOT_OWN_ROOM = /^(只能查询自己家的费用：1-1-102 不是你已认证绑定的房屋。|你的房屋绑定还在等待委员会认证，认证后才能查费。)$/
const NO_COMPOUND = /^我还不知道你属于哪个小区/

interface Attempt {
  /** zh-CN and the English slash form */
  texts: [string, string]
  by: Who[]
  refusal: RegExp
  chat?: string
}

/** Every command whose declaration lets in no resident (its role, or its `or` rule's least role) must be listed here. */
const PRIVILEGED: Record<string, Omit<Attempt, 'by' | 'refusal'>> = {
  setup: { texts: ['开通 新小区', '/setup New Compound'], chat: 'g9' },
  appoint: { texts: ['任命 @小赵 委员', '/appoint @小赵 committee'] },
  dismiss: { texts: ['免职 @小赵', '/dismiss @小赵'] },
  feerule: { texts: ['收费标准 物业费 0.80 每平米每月', '/feerule mgmt 0.8 per_m2_month'] },
  verify: { texts: ['认证 1', '/verify 1'] },
  assign: { texts: ['派单 #1 @老李', '/assign 1 @老李'] },
  reject: { texts: ['关闭 #1 重复报修', '/reject 1 duplicate'] },
  approve: { texts: ['批准 #2', '/approve 2'] },
  decline: { texts: ['拒绝 #2 太贵', '/decline 2 too expensive'] },
  confirmdup: { texts: ['确认重复 1', '/confirmdup 1'] },
  category: { texts: ['分类 #1 照明', '/category 1 lighting'] },
  poll: { texts: ['发起投票 修路 选项 同意/反对', '/poll Fix the road options yes/no'] },
  closepoll: { texts: ['结束投票 #1', '/closepoll 1'] },
  election: { texts: ['发起选举 物管会 名额 1 候选人 张三/李四', '/election Committee seats 1 candidates Zhang/Li'] },
  answer: { texts: ['答复异议 #1-1 已核对', '/answer 1-1 checked'] },
  removehousehold: { texts: ['删除房屋 1-1-102', '/removehousehold 1-1-102'] },
  expense: { texts: ['支出 100 保洁', '/expense 100 cleaning'] },
  income: { texts: ['收入 200 停车费', '/income 200 parking'] },
  reverse: { texts: ['冲正 1 录错了', '/reverse 1 mistake'] },
  arrears: { texts: ['欠费', '/arrears'] },
  disclose: { texts: ['公示', '/disclose'] },
  pay: { texts: ['缴费 1-1-101 100', '/pay 1-1-101 100'] },
  consult: { texts: ['征求意见 外墙翻新', '/consult facade renovation'] },
  opinions: { texts: ['意见 #1', '/opinions 1'] },
  notice: { texts: ['通知 明天停水', '/notice no water tomorrow'] },
}

function attempts(): [string, Attempt][] {
  const out: [string, Attempt][] = []
  for (const cmd of commands) {
    // those below the least role a declaration admits are refused before the arguments are read
    const least = entryRole(cmd)
    if (least === 'anyone' || least === 'resident') continue
    const spec = PRIVILEGED[cmd.name]
    if (!spec) throw new Error(`authorization test: no attempt for privileged command ${cmd.name} (${least})`)
    if (least === 'chatAdmin') {
      // nobody is an admin of g9 (and 开通 in a bound chat is refused for non-admins too)
      out.push([cmd.name, { ...spec, by: ['boss', 'cc', 'col', ...RESIDENTS], refusal: NOT_ADMIN }])
    } else {
      expect(ROLE_RANK[least]).toBeGreaterThan(ROLE_RANK.resident)
      out.push([cmd.name, { ...spec, by: BELOW[least], refusal: FORBIDDEN }])
    }
  }
  // commands open to residents by an `or` rule: the person (assignee, reporter), or one of the actions (收费标准 lists for all, sets for the head)
  out.push(['feerule', { ...PRIVILEGED.feerule!, by: BELOW.head, refusal: FORBIDDEN }])
  const notStaff: Who[] = ['col', 'o2', 't1', 'u1']
  out.push(['progress', { texts: ['进度 #1 已联系师傅', '/progress 1 called the plumber'], by: notStaff, refusal: NOT_ASSIGNEE }])
  out.push(['done', { texts: ['完工 #1 费用 50', '/done 1 cost 50'], by: notStaff, refusal: NOT_ASSIGNEE }])
  out.push(['confirm', { texts: ['确认 #2', '/confirm 2'], by: notStaff, refusal: NOT_REPORTER }])
  out.push(['reopen', { texts: ['驳回 #2 还是不亮', '/reopen 2 still broken'], by: notStaff, refusal: NOT_REPORTER }])
  out.push(['fee', { texts: ['查费 1-1-102', '/fee 1-1-102'], by: ['o1', 't1', 'u1'], refusal: NOT_OWN_ROOM }])
  out.push(['vote', { texts: ['投票 #1 1', '/vote 1 1'], by: ['boss', 'cc', 'col', 't1', 'u1'], refusal: NOT_VOTER }])
  return out
}

describe('authorization: every write command by every lesser role', () => {
  it('is refused with the localized refusal and writes nothing', async () => {
    const list = attempts()
    let tried = 0
    let privately = 0
    const byRole = new Map<string, number>()
    let before = await snapshot(w.db, ['inbox', 'outbox'])
    for (const [name, a] of list) {
      for (const who of a.by) {
        // in the group (zh-CN and English), and the Chinese form in a private chat with the bot
        const tries: { text: string; private: boolean }[] = [...a.texts.map((text) => ({ text, private: false }))]
        if (name !== 'setup') tries.push({ text: a.texts[0], private: true })
        for (const { text, private: dm } of tries) {
          const max = await maxId(w.db, 'outbox')
          const r = await w.says(who, text, { chat: a.chat, private: dm })
          tried++
          if (dm) privately++
          byRole.set(ROLE_OF[who], (byRole.get(ROLE_OF[who]) ?? 0) + 1)
          const label = `${name}: "${text}" by ${ROLE_OF[who]}${dm ? ' in private' : ''}`
          const target: [string, string] = dm ? ['user', who] : ['chat', a.chat ?? 'g1']
          expect(r.outcome.status, label).toBe('handled')
          expect(r.replies, label).toHaveLength(1)
          expect(dm ? r.replies[0]!.user : r.replies[0]!.chat, label).toBe(target[1])
          // privately, someone bound to no compound is told to bind first (a refusal too)
          expect(r.replies[0]!.text, label).toMatch(dm && who === 'u1' ? NO_COMPOUND : a.refusal)
          const after = await snapshot(w.db, ['inbox', 'outbox'])
          expect(after, `${label} wrote something`).toEqual(before)
          before = after
          const rows = await w.db.db.select().from(outbox).where(sql`${outbox.id} > ${max}`)
          expect(rows.map((x) => [x.targetKind, x.targetId]), label).toEqual([target])
        }
      }
    }
    // the same commands by the right role are not refused (the attempts above failed for the role, not the syntax)
    const right: [Who, string][] = [
      ['boss', '任命 @小赵 委员'],
      ['boss', '收费标准 物业费 0.80 每平米每月'],
      ['cc', '派单 #1 @老李'],
      ['cc', '支出 100 保洁'],
      ['cc', '收入 200 停车费'],
      ['cc', '冲正 1 录错了'],
      ['col', '缴费 1-1-101 100'],
      ['col', '欠费'],
      ['col', '查费 1-1-102'],
      ['u1', '收费标准'],
      ['o1', '驳回 #2 还是不亮'],
      ['o2', '投票 #1 1'],
      ['cc', '结束投票 #1'],
    ]
    for (const [who, text] of right) {
      const r = await w.says(who, text)
      expect(r.text, `${text} by ${who}`).not.toMatch(/只有|本投票只有/)
    }
    const roles = [...byRole].map(([role, n]) => `${role} ${n}`).join(', ')
    figures(
      `authorization: ${list.length} commands × lesser roles × (zh-CN, /english, private) = ${tried} attempts (${privately} in private) → ${tried} refused, 0 rows written (${roles})`,
    )
  })
})
