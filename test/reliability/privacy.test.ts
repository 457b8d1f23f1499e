// 7. Privacy: generated rosters whose owner names carry phone numbers, members whose display names carry
// phone numbers, and committee free text (expense reasons, payees, income, poll titles, repair notes) that
// names owners and phones. A compound's life runs through the real pipeline and the scheduler: binding and
// verifying, appointing, repairs, payments, expenses, income, an open and a secret poll with votes, 账目,
// 公示, the weekly disclosure and the poll closing. Then every message that went to a group is scanned:
// no phone number (however written), no roster owner's full name (however spaced), no member's name in full
// (a group sees people as 王*), and nothing that ties a secret ballot to its voter.
import fc from 'fast-check'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { outbox } from '../../db/schema.ts'
import { runDue } from '../../src/scheduler/tick.ts'
import type { TestDatabases } from '../helpers/db.ts'
import { TestClock, world } from '../helpers/world.ts'
import { setUpTown } from '../helpers/fixtures.ts'
import { figures, type ServerDb, serverDb } from './helpers.ts'

const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤']
const GIVEN = [...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国淑珍玉梅志红晓东春燕海波文博']

const phoneArb = fc
  .tuple(fc.constantFrom('13', '14', '15', '16', '17', '18', '19'), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 }))
  .map(([p, d]) => `${p}${d.join('')}`)
const nameArb = fc
  .tuple(fc.constantFrom(...SURNAMES), fc.array(fc.constantFrom(...GIVEN), { minLength: 1, maxLength: 2 }))
  .map(([s, g]) => `${s}${g.join('')}`)
/** How a phone number is written: plain, split by spaces, dashes or dots, in brackets, with +86 or 86-, full width. */
const styleArb = fc.constantFrom(
  (p: string) => p,
  (p: string) => `${p.slice(0, 3)} ${p.slice(3, 7)} ${p.slice(7)}`,
  (p: string) => `${p.slice(0, 3)}-${p.slice(3, 7)}-${p.slice(7)}`,
  (p: string) => `+86 ${p}`,
  (p: string) => `${p.slice(0, 3)}.${p.slice(3, 7)}.${p.slice(7)}`,
  (p: string) => `(${p.slice(0, 3)})${p.slice(3)}`,
  (p: string) => `86-${p}`,
  (p: string) => `＋８６ ${p.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)))}`,
)

interface Generated {
  owners: { name: string; phone: string; style: (p: string) => string; withPhone: boolean }[]
  /** display names of the members bound to the first households: some carry a phone */
  members: { name: string; phone: string; style: (p: string) => string; withPhone: boolean }[]
}

const generatedArb: fc.Arbitrary<Generated> = fc
  .record({
    owners: fc.uniqueArray(fc.record({ name: nameArb, phone: phoneArb, style: styleArb, withPhone: fc.boolean() }), {
      minLength: 10,
      maxLength: 10,
      selector: (o) => o.name,
    }),
    members: fc.uniqueArray(fc.record({ name: nameArb, phone: phoneArb, style: styleArb, withPhone: fc.boolean() }), {
      minLength: 6,
      maxLength: 6,
      selector: (o) => o.name,
    }),
  })
  // owners' roster names and members' display names are different people
  .filter((g) => g.members.every((m) => !g.owners.some((o) => o.name.includes(m.name) || m.name.includes(o.name))))

const RUNS = 4
const SEED = 20261123

/** 11 digits of a mainland mobile number, however split; after NFKC (full-width digits count too). */
const PHONE = /(?<![0-9A-Za-z])(?:\(?\+?86\)?[\s.-]?)?\(?1[3-9]\d\)?(?:[\s.-]?\d){8}(?![0-9A-Za-z])/

let server: ServerDb
beforeAll(async () => {
  server = await serverDb()
})
afterAll(async () => {
  await server.drop()
})

interface Leak {
  run: number
  what: string
  text: string
}

async function runCompound(run: number, g: Generated): Promise<{ groupTexts: string[]; leaks: Leak[]; phonesPlanted: number }> {
  const name = `隐私小区${run}`
  const chat = `p${run}a`
  const chat2 = `p${run}b`
  const clock = new TestClock(new Date('2026-11-16T02:00:00Z')) // Monday 10:00 in Shanghai
  const w = await world({} as TestDatabases, { db: server.database, clock })
  const rooms = Array.from({ length: 10 }, (_, i) => `${run}-${1 + (i % 2)}-${101 + Math.floor(i / 2)}`)
  const ownerField = (o: Generated['owners'][number]) => (o.withPhone ? `${o.name} ${o.style(o.phone)}` : o.name)
  const roster = [
    'building,unit,room,area_m2,occupancy,owner_name',
    ...rooms.map((r, i) => {
      const [b, u, n] = r.split('-')
      return `${b},${u},${n},${(80 + i * 3.5).toFixed(2)},owner_occupied,"${ownerField(g.owners[i]!)}"`
    }),
  ].join('\n')
  const display = (m: Generated['members'][number]) => (m.withPhone ? `${m.name}${m.style(m.phone)}` : m.name)
  const [m0, m1, m2, m3, m4, m5] = g.members as [Generated['members'][number], ...Generated['members'][number][]]
  const u = (i: number) => `r${run}m${i}`
  const town = await setUpTown(w, {
    name,
    chat,
    head: { id: u(9), name: `主任${run}` },
    roster,
    people: [
      { id: u(0), name: display(m0), role: 'committee' },
      { id: u(1), name: display(m1!), rooms: [rooms[1]!] },
      { id: u(2), name: display(m2!), rooms: [rooms[2]!] },
      { id: u(3), name: display(m3!), rooms: [rooms[3]!] },
      { id: u(4), name: display(m4!), rooms: [rooms[4]!], status: 'pending' },
      { id: u(5), name: display(m5!) },
    ],
    settings: { disclosure: { monthly: false, yearly: false } },
    chats: [{ id: chat2, title: '二群' }],
    createdAt: '2026-11-01T00:00:00Z',
  })
  const o = g.owners
  const phoneOf = (i: number) => o[i]!.style(o[i]!.phone)
  const cc = u(0)
  const head = u(9)
  const say = (who: string, text: string, opts: { chat?: string; private?: boolean } = {}) => w.says(who, text, { chat: opts.chat ?? chat, private: opts.private })

  // members, roles
  await say(u(5), `绑定 ${rooms[5]} 业主`)
  await say(cc, '认证')
  await say(cc, `认证 @${display(m4!)}`)
  await say(head, `任命 @${display(m5!)} 收费员`)
  // repairs with phone numbers and owner names in the free text
  await say(u(1), `报修 楼道灯坏了，请联系 ${o[1]!.name} 电话 ${phoneOf(1)}`)
  await say(u(2), `报修 ${rooms[2]} 厨房水管漏水 联系${phoneOf(2)}`)
  await say(u(1), '报修列表')
  await say(cc, `派单 #1 ${o[3]!.name} ${phoneOf(3)}`)
  // an owner's name typed with a space inside (王 伟) is still that owner
  await say(cc, `进度 #1 已联系 ${[...o[3]!.name].join(' ')}（${phoneOf(3)}），明天上门`)
  await say(cc, `完工 #1 费用 80 ${o[3]!.name} 已修好`)
  await say(u(1), '确认 #1')
  await say(u(2), '我的报修')
  // money: notes, reasons and payees naming owners and phones
  await say(u(5), `缴费 ${rooms[6]} 300 ${o[6]!.name}转账 ${phoneOf(6)}`)
  await say(cc, `缴费 ${rooms[7]} 200`)
  await say(cc, `支出 120 楼道保洁 电话${phoneOf(8)} 收款人 ${o[8]!.name}`)
  await say(cc, `收入 500 停车位租金 ${o[9]!.name} ${phoneOf(9)}`)
  await say(cc, `冲正 2 ${o[7]!.name}的缴费录错了 ${phoneOf(7)}`)
  await say(u(1), '账目')
  await say(u(1), '账目 本周')
  await say(u(1), '核验')
  await say(u(1), '查费')
  await say(cc, '欠费')
  // polls: an open one and a secret one; owners vote, change their mind, results in the group
  await say(cc, `发起投票 聘请${o[0]!.name}做保洁 联系${phoneOf(0)} 选项 同意/反对 截止 2026-11-20`)
  await say(cc, '发起投票 更换物业公司 选项 甲公司/乙公司/丙公司 不记名 截止 2026-11-20')
  const secretChoices = new Map<string, string>()
  const votes: [string, number, number][] = [
    [u(1), 1, 1],
    [u(2), 1, 2],
    [u(3), 1, 1],
    [u(1), 2, 2],
    [u(2), 2, 3],
    [u(3), 2, 1],
    [u(3), 2, 3],
  ]
  const options = ['甲公司', '乙公司', '丙公司']
  for (const [who, no, choice] of votes) {
    await say(who, `投票 #${no} ${choice}`)
    if (no === 2) secretChoices.set(who, options[choice - 1]!)
  }
  await say(u(5), '结果 #1')
  await say(u(5), '结果 #2')
  await say(cc, '公示')
  await say(cc, '公示 本周', { private: true })
  // the scheduler: Monday's weekly disclosure, then the polls close at their deadline
  clock.set('2026-11-23T01:05:00Z')
  await runDue(w.db.db, clock.now(), { instance: 'privacy' })
  clock.set('2026-11-20T16:00:00Z')
  await runDue(w.db.db, clock.now(), { instance: 'privacy' })
  await w.app.dispatcher.flush()
  await say(u(5), '结果 #2')

  // every group output: what the adapter sent to a chat, and every chat row in the outbox
  const rows = await w.db.db.select().from(outbox).where(eq(outbox.compoundId, town.compoundId))
  const groupTexts = [
    ...w.adapter.sent.filter((s) => s.chat === chat || s.chat === chat2).map((s) => s.text),
    ...rows.filter((r) => r.targetKind === 'chat').map((r) => r.text),
    ...rows.filter((r) => r.groupAckText).map((r) => r.groupAckText!),
  ]
  expect(rows.filter((r) => r.status !== 'sent')).toEqual([])
  const leaks: Leak[] = []
  const ownerNames = o.map((x) => x.name)
  const voterNames = [1, 2, 3].map((i) => display(g.members[i]!))
  const voterRooms = [rooms[1]!, rooms[2]!, rooms[3]!]
  for (const raw of groupTexts) {
    const text = raw.normalize('NFKC')
    if (PHONE.test(text)) leaks.push({ run, what: 'phone number', text })
    for (const n of ownerNames) if (text.replace(/\s/g, '').includes(n)) leaks.push({ run, what: `owner name ${n}`, text })
    // a member the bot names is shown 王* in a group, never by the name in their display name
    for (const m of g.members) if (text.includes(m.name)) leaks.push({ run, what: `member name ${m.name}`, text })
    // a secret poll's texts never name a voter (room or name); and no text ties a voter to a choice
    if (/投票 #2|更换物业公司/.test(text)) {
      for (const r of voterRooms) if (text.includes(r)) leaks.push({ run, what: `secret poll voter room ${r}`, text })
      for (const n of voterNames) if (text.includes(n)) leaks.push({ run, what: `secret poll voter ${n}`, text })
    }
    for (const [who, choice] of secretChoices) {
      const i = Number(who.slice(-1))
      const tag = [voterRooms[i - 1]!, voterNames[i - 1]!]
      if (tag.some((t) => text.includes(t)) && text.includes(choice)) leaks.push({ run, what: `secret ballot of ${tag[0]}`, text })
    }
  }
  const planted = o.filter((x) => x.withPhone).length + g.members.filter((m) => m.withPhone).length + 9
  return { groupTexts, leaks, phonesPlanted: planted }
}

describe('privacy of group output', () => {
  it('no phone number, no owner full name, no secret ballot in anything posted to a group', async () => {
    const samples = fc.sample(generatedArb, { numRuns: RUNS, seed: SEED })
    let texts = 0
    let planted = 0
    const leaks: Leak[] = []
    for (const [i, g] of samples.entries()) {
      const r = await runCompound(i + 1, g)
      texts += r.groupTexts.length
      planted += r.phonesPlanted
      leaks.push(...r.leaks)
    }
    if (process.env.LINLI_PRIVACY_DUMP) (await import('node:fs')).writeFileSync(process.env.LINLI_PRIVACY_DUMP, JSON.stringify(leaks, null, 1))
    const shown = leaks.slice(0, 12).map((l) => `run ${l.run}: ${l.what}: ${JSON.stringify(l.text.slice(0, 300))}`)
    expect(leaks, shown.join('\n')).toEqual([])
    figures(
      `privacy: ${RUNS} generated compounds (seed ${SEED}), ${planted} phone numbers planted in rosters, display names and free text → ${texts} group messages scanned, 0 phone numbers, 0 owner full names, 0 secret ballots revealed`,
    )
  })
})
