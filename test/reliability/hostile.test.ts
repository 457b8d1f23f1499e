// 5. Hostile input: ≥ 10,000 generated messages through the whole pipeline (App.handle on PostgreSQL, 8 at a
// time) from a head, a committee member, a collector, owners, tenants and strangers, in a bound group, an
// unbound group and private chats: empty text, 5,000 characters, zero-width and bidi controls, NUL, lone
// surrogates, full-width forms, SQL and markup fragments, huge, negative and malformed amounts, and every
// command keyword of every language (plain, slash, /cmd@bot, @bot, full-width) with random arguments;
// hostile display names too. Then: App.handle never rejected, no internal error, no failed transaction,
// every reply a localized sentence (no stack trace, no "undefined", "NaN", "Error", raw i18n key or
// unfilled placeholder), and the database invariants hold: every ledger chain verifies, balances equal the
// sums of their entries, one current ballot per household and poll (the latest cast), ticket and poll
// numbers and ledger serials unique and gap-free.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { IncomingMessage } from '../../src/core/messages.ts'
import { commands } from '../../commands/index.ts'
import { householdBalances } from '../../db/ledger-sums.ts'
import { ledgerEntriesOf } from '../../db/ledger.ts'
import { verifyCompoundLedger } from '../../db/ledger-check.ts'
import { compounds } from '../../db/schema.ts'
import type { App } from '../../src/app.ts'
import { LANGS, messageSets } from '../../src/i18n/index.ts'
import type { TestDatabases } from '../helpers/db.ts'
import { type World, world } from '../helpers/world.ts'
import { query, rosterCsv, rosterRooms, setUpTown } from '../helpers/fixtures.ts'
import { figures, type ServerDb, serverDb } from './helpers.ts'

const MESSAGES = Number(process.env.LINLI_HOSTILE_MESSAGES ?? 10_000)
const CONCURRENCY = 8
const SEED = Number(process.env.LINLI_HOSTILE_SEED ?? 9_090_909)
const ROOMS = rosterRooms(16)

// ---- the generator ------------------------------------------------------------------------------

const KEYWORDS = [...new Set(commands.flatMap((c) => LANGS.flatMap((l) => c.keywords[l])))]
/** ASCII → full-width forms (ｒｅｐａｉｒ, ＃１, １２３) */
const fullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))

// The literal words the reply check looks for ('NaN', 'undefined', 'Error') are never generated, so finding
// one in a reply means the code made it (String(NaN), a missing parameter, an exception's message).
const noForbidden = (s: string) => s.replace(/NaN/g, 'nan').replace(/undefined/g, 'undef').replace(/Error/g, 'error')

const ROOM_WORDS = [...ROOMS.slice(0, 6), '３-２-２０１', '三栋二单元201', '1栋1单元101室', '99-9-999', '0-0-0', '-1-1-101', '1-1', '1-1-101-5', '101']
const AMOUNTS = [
  '100', '0', '-5', '-0', '0.001', '12.345', '1e9', '1e309', '99999999999999999999', '9'.repeat(400), 'nan', 'NAN', 'Infinity', '-Infinity',
  '¥12.5', '12元', '１２３', '0x10', '1,000.00', '.5', '5.', '--1', '+7', '1 000', '三百', '5角', '0.00', '12.5.6', '１２.５０',
]
const REFS = ['#1', '#2', '#3', '#0', '#-1', '#99999999999', '＃1', '#', '1', '2', '#1a', '# 1', '#٣']
const WORDS = [
  '选项', '截止', '规则', '重大', '一般', '简单', '多选', '不记名', '全体住户', '紧急', '同意/反对', 'A/B/C', '／', '截止 2026-12-01', '截止 1999-01-01',
  '截止 3天', '截止 明天 18:00', '截止 2026-13-45', 'options', 'deadline', 'rule', 'major', 'secret', 'residents', '本周', '本月', '今年', '上月',
  '2026-11', '2026-W47', '2026-W99', '业主', '租户', '家属', '每平米每月', '每户每月', '每户一次', '起始', '2027-01', '委员', '收费员', '费用', '备注',
  '@老李', '@小赵', '@王主任', '@', '@@', '@邻里', '收款人', '照明', '水', 'lighting', '楼道灯不亮', '3栋楼道', '电梯坏了',
]
const SQL = ["'; DROP TABLE ledger_entries; --", "1' OR '1'='1", "\\'", '$1', '%s', '\\x00', 'NULL', "E'\\\\x41'", ';', '--', '/*', '*/', 'pg_sleep(10)', "')) OR 1=1--"]
const MARKUP = ['<script>alert(1)</script>', '<b>', '</b>', '**x**', '[x](javascript:alert(1))', '&lt;', '&amp;', '`code`', '${process.exit()}', '<!--', '\\n', '%00']
const UNICODE = [
  '\u0000', '\u200b', '\u200c', '\u200d', '\u202e', '\u202d', '\u2066', '\u2069', '\ufeff', '\ud800', '\udfff', '\ud83d', '😀', '👨‍👩‍👧', 'ｆｕｌｌ',
  '\u3000', '\t', '\n', '\r\n', '\u0085', '\u2028', 'é'.normalize('NFD'), '\u0301', '\uffff', '\u{10ffff}', '\u00a0', '꧁꧂', 'ﷺ', 'ℌ', 'Ⅻ',
]

const token = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ROOM_WORDS) },
  { weight: 3, arbitrary: fc.constantFrom(...AMOUNTS) },
  { weight: 1, arbitrary: fc.double().map((d) => noForbidden(String(d))) },
  { weight: 1, arbitrary: fc.bigInt().map(String) },
  { weight: 2, arbitrary: fc.constantFrom(...REFS) },
  { weight: 4, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 1, arbitrary: fc.constantFrom(...SQL) },
  { weight: 1, arbitrary: fc.constantFrom(...MARKUP) },
  { weight: 2, arbitrary: fc.constantFrom(...UNICODE) },
  { weight: 1, arbitrary: fc.constantFrom(...KEYWORDS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }).map(noForbidden) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }).map(noForbidden) },
)
const sep = fc.constantFrom(' ', ' ', ' ', '\u3000', '\t', '\n', '', '\u200b', '  ', '，', ':', '：')

const keyword = fc.constantFrom(...KEYWORDS).chain((kw) =>
  fc.constantFrom(kw, `/${kw}`, `／${kw}`, `/${kw}@邻里`, `/${kw}@other_bot`, `@邻里 ${kw}`, `@邻里${kw}`, fullWidth(kw), kw.toUpperCase(), `\u200b${kw}`, `\u202e${kw}`, ` ${kw}`),
)

const commandText = fc
  .tuple(keyword, sep, fc.array(fc.tuple(token, sep), { maxLength: 7 }))
  .map(([kw, s, args]) => `${kw}${s}${args.map(([a, b]) => `${a}${b}`).join('')}`)

// well-formed commands from the people who may give them, with hostile free text and numbers inside, so that
// payments, reversals, expenses, tickets, ballots and polls really get written (and the invariants mean something)
const freeText = fc.oneof(
  fc.constantFrom(...WORDS, ...SQL, ...MARKUP),
  fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...UNICODE, ...SQL, ...MARKUP)).map(([a, b]) => `${a}${b}${a}`),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).map(noForbidden),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).map(noForbidden),
  fc.constantFrom('楼道灯'.repeat(200), '水'.repeat(501), 'x'.repeat(41)),
)
const amount = fc.oneof(fc.constantFrom('100', '12.5', '0.01', '300', '88.88', '1,000', '１２０'), fc.constantFrom(...AMOUNTS), fc.integer({ min: -100, max: 100_000 }).map(String))
const ref = fc.oneof(fc.integer({ min: 1, max: 12 }).map((n) => `#${n}`), fc.constantFrom(...REFS))
const serial = fc.oneof(fc.integer({ min: 1, max: 40 }).map(String), fc.constantFrom('0', '-1', '#3', '99999999999', 'abc'))
const choice = fc.constantFrom('1', '2', '3', '4', '0', '1,2', '2,3', '1,1', '同意', '反对', '弃权', '甲', '乙', '聚餐', 'yes', '')
const room = fc.oneof(fc.constantFrom(...ROOMS), fc.constantFrom(...ROOM_WORDS))
const flags = fc.subarray(['多选', '不记名', '全体住户', '规则 一般', '规则 重大', '紧急', '截止 2026-12-20', '截止 3天', '截止 2020-01-01', '截止 2026-11-23 10:30'])
const plausible: fc.Arbitrary<[Sender[], string]> = fc.oneof(
  fc.tuple(room, amount, fc.option(freeText)).map(([r, a, n]): [Sender[], string] => [['col', 'cc', 'boss'], `缴费 ${r} ${a}${n ? ` ${n}` : ''}`]),
  fc
    .tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom('#1', '#2', '#3', '1', '#３') }, { weight: 1, arbitrary: ref }), choice)
    .map(([r, c]): [Sender[], string] => [['o0', 'o1', 'o2', 'o3', 'o4', 'o5', 'o6', 'o7', 't1', 'u1'], `投票 ${r} ${c}`]),
  fc
    .tuple(fc.constantFrom('#1', '#2', '#3'), fc.constantFrom('1', '2', '3', '1,2'))
    .map(([r, c]): [Sender[], string] => [['o0', 'o1', 'o2', 'o3', 'o4', 'o5', 'o6', 'o7'], `投票 ${r} ${c}`]),
  freeText.map((d): [Sender[], string] => [['o1', 'o2', 't1', 'u1', 'cc'], `报修 ${d}`]),
  fc.tuple(amount, freeText).map(([a, r]): [Sender[], string] => [['cc', 'boss'], `支出 ${a} ${r}`]),
  fc.tuple(amount, freeText).map(([a, r]): [Sender[], string] => [['cc', 'boss'], `收入 ${a} ${r}`]),
  fc.tuple(serial, freeText).map(([n, r]): [Sender[], string] => [['cc', 'boss'], `冲正 ${n} ${r}`]),
  fc.tuple(ref, amount).map(([r, a]): [Sender[], string] => [['cc', 'boss'], `完工 ${r} 费用 ${a}`]),
  fc.tuple(ref, freeText).map(([r, n]): [Sender[], string] => [['cc', 'boss'], `进度 ${r} ${n}`]),
  ref.map((r): [Sender[], string] => [['cc', 'o1', 'o2'], `确认 ${r}`]),
  fc.tuple(ref, freeText).map(([r, n]): [Sender[], string] => [['cc', 'o1', 'o2'], `驳回 ${r} ${n}`]),
  fc.tuple(ref, fc.constantFrom('@老李', '@小赵', '张师傅', '@nobody')).map(([r, n]): [Sender[], string] => [['cc'], `派单 ${r} ${n}`]),
  fc.tuple(freeText, fc.constantFrom('同意/反对', 'A/B/C', '甲/乙', '/', '一/一'), flags).map(([t, o, f]): [Sender[], string] => [['cc', 'boss'], `发起投票 ${t} 选项 ${o} ${f.join(' ')}`]),
  // polls #1–#3 stay open for the votes; the ones launched during the run may be closed
  fc.oneof(fc.integer({ min: 4, max: 14 }).map((n) => `#${n}`), fc.constantFrom('#0', '#-1', '#99999999999', '')).map((r): [Sender[], string] => [['cc'], `结束投票 ${r}`]),
  fc.tuple(freeText, amount, fc.constantFrom('每平米每月', '每户每月', '每户一次')).map(([n, a, b]): [Sender[], string] => [['boss'], `收费标准 ${n} ${a} ${b}`]),
  fc.constantFrom('查费', `查费 ${ROOMS[0]}`, '账目', '账目 本周', '核验', '核验 3', '欠费', '报修列表', '我的报修', '结果 #1', '结果 #2', '帮助', '帮助 投票').map((t): [Sender[], string] => [SENDERS, t]),
)

const text = fc.oneof(
  { weight: 30, arbitrary: commandText },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constantFrom(...UNICODE) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }).map(noForbidden) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...KEYWORDS), fc.constantFrom('x', '灯', '9', '\u200b', '😀')).map(([k, c]) => `${k} ${c.repeat(5000)}`) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 4990, maxLength: 5000 }).map(noForbidden) },
)

type Sender = 'boss' | 'cc' | 'col' | `o${number}` | 't1' | 't2' | 'u1' | 'u2'
const SENDERS: Sender[] = ['boss', 'cc', 'col', 'o0', 'o1', 'o2', 'o3', 'o4', 'o5', 'o6', 'o7', 't1', 't2', 'u1', 'u2']
const NAMES: Record<string, string> = { boss: '王主任', cc: '老李', col: '小赵', t1: '租户甲', t2: '租户乙', u1: '路人丙', u2: '路人丁' }
const nameOf = (s: string) => NAMES[s] ?? `业主${s.slice(1)}`
const hostileName = fc.oneof(
  { weight: 8, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom('\u0000', 'a\u0000b', '\ud800', '\u202e王五', '', ' ', 'x'.repeat(300), "Robert'); DROP TABLE members;--", '<b>王</b>') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }).map(noForbidden) },
)

interface Gen {
  from: Sender
  name?: string
  chat: 'g1' | 'g2' | 'dm'
  admin: boolean
  text: string
}
const chatArb = fc.constantFrom<Gen['chat']>('g1', 'g1', 'g1', 'g1', 'g1', 'g1', 'g2', 'dm')
const messageArb: fc.Arbitrary<Gen> = fc.oneof(
  fc.record({ from: fc.constantFrom(...SENDERS), name: hostileName, chat: chatArb, admin: fc.boolean(), text }),
  fc
    .tuple(plausible, fc.nat(), fc.constantFrom<Gen['chat']>('g1', 'g1', 'g1', 'g1', 'dm'))
    .map(([[who, t], k, chat]): Gen => ({ from: who[k % who.length]!, chat, admin: false, text: t })),
)

// ---- the checks ---------------------------------------------------------------------------------

const I18N_KEYS = [...new Set(messageSets.flatMap((s) => Object.keys(s['zh-CN'])))]
const STACK_FRAME = /^\s*at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m
const PLACEHOLDER = /\{[A-Za-z]+\}/

/** What is wrong with a reply text, if anything. */
function badReply(reply: string, input: string): string | null {
  if (reply.trim() === '') return 'empty reply'
  for (const word of ['NaN', 'undefined', 'Error', '[object Object]']) if (reply.includes(word)) return `contains ${word}`
  if (STACK_FRAME.test(reply)) return 'contains a stack frame'
  if (PLACEHOLDER.test(reply) && !input.includes('{')) return 'contains an unfilled placeholder'
  const key = I18N_KEYS.find((k) => reply.includes(k) && !input.includes(k))
  if (key) return `contains the raw i18n key ${key}`
  return null
}

let server: ServerDb
let w: World
beforeAll(async () => {
  server = await serverDb(CONCURRENCY + 2)
  w = await world({} as TestDatabases, { db: server.database })
  await setUpTown(w, {
    name: '幸福里',
    head: { id: 'boss', name: '王主任' },
    roster: rosterCsv(16, (i) => (i % 3 === 0 ? `户主${i}` : '')),
    people: [
      { id: 'cc', name: '老李', role: 'committee' },
      { id: 'col', name: '小赵', role: 'collector' },
      ...Array.from({ length: 8 }, (_, i) => ({ id: `o${i}`, name: `业主${i}`, rooms: [ROOMS[i]!, ...(i === 0 ? [ROOMS[8]!] : [])] })),
      { id: 't1', name: '租户甲', rooms: [ROOMS[9]!], relation: 'tenant' as const },
      { id: 't2', name: '租户乙', rooms: [ROOMS[10]!], relation: 'tenant' as const, status: 'pending' as const },
      { id: 'u1', name: '路人丙' },
      { id: 'u2', name: '路人丁' },
    ],
  })
  // something for the commands to act on: polls (open, secret, residents), tickets, a fee rule, entries
  for (const [who, t] of [
    ['cc', '发起投票 换电梯 选项 同意/反对/弃权'],
    ['cc', '发起投票 选保洁公司 选项 甲/乙/丙 不记名 多选'],
    ['cc', '发起投票 春节活动 选项 聚餐/游园 全体住户'],
    ['o1', '报修 楼道灯不亮'],
    ['o2', `报修 ${ROOMS[2]} 水管漏水`],
    ['boss', '收费标准 物业费 0.80 每平米每月'],
    ['col', `缴费 ${ROOMS[3]} 300`],
    ['cc', '支出 120 楼道保洁'],
  ] as const) {
    const r = await w.says(who, t)
    expect(r.outcome.status, t).toBe('handled')
  }
})
afterAll(async () => {
  await server.drop()
})

describe('hostile input through the whole pipeline', () => {
  it(`${MESSAGES} generated messages: never a crash, only localized replies, invariants hold`, async () => {
    const gens = fc.sample(messageArb, { numRuns: MESSAGES, seed: SEED })
    const messages: IncomingMessage[] = gens.map((g, i) => ({
      platform: 'console',
      id: `hostile-${i}`,
      chat: g.chat === 'dm' ? { id: `dm:${g.from}`, kind: 'private' } : { id: g.chat, kind: 'group' },
      sender: { id: g.from, name: g.name ?? nameOf(g.from) },
      text: g.text,
      mentionsBot: g.text.includes('@邻里'),
      images: [],
      sentAt: w.clock.now(),
      // only the head is an admin of the groups (开通 in the unbound g2 by the head makes a new compound)
      senderIsAdmin: g.chat !== 'dm' && g.admin && g.from === 'boss',
      botNames: ['邻里'],
    }))
    const byId = new Map(messages.map((m) => [m.id, m]))

    const outcomes = { ignored: 0, handled: 0, userError: 0, duplicate: 0, failed: 0, internal: 0, rejected: 0 }
    const problems: string[] = []
    let silentAcks = 0
    const started = Date.now()
    const latencies: [number, string][] = []
    let next = 0
    const worker = async (app: App) => {
      while (next < messages.length) {
        const m = messages[next++]!
        const t0 = performance.now()
        try {
          const o = await app.handle(m)
          latencies.push([performance.now() - t0, m.text])
          if (o.status === 'handled') {
            outcomes.handled++
            // a bare 收到 with no notice to acknowledge is chat, answered with silence by design (commands/ack.ts)
            if (o.command === 'ack' && o.outboxIds.length === 0) silentAcks++
            // 通知 / 意见 from someone they are not for, unaddressed in a group, are chatter: silence by design
            // (everydayWord, test/integration/notices.test.ts)
            else if ((o.command === 'notice' || o.command === 'opinions') && o.outboxIds.length === 0 && m.chat.kind === 'group' && !m.mentionsBot) silentAcks++
            if (o.error === 'user') outcomes.userError++
            if (o.error === 'internal') {
              outcomes.internal++
              problems.push(`internal error for ${JSON.stringify(m.text.slice(0, 120))}`)
            }
          } else {
            outcomes[o.status]++
            if (o.status !== 'ignored') problems.push(`${o.status} for ${JSON.stringify(m.text.slice(0, 120))} from ${JSON.stringify(m.sender.name)}`)
          }
        } catch (err) {
          outcomes.rejected++
          problems.push(`App.handle rejected: ${String(err)}`)
        }
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, () => worker(w.app)))
    await w.app.dispatcher.flush()
    const seconds = (Date.now() - started) / 1000
    latencies.sort((a, b) => a[0] - b[0])
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]![0].toFixed(0)
    if (process.env.LINLI_HOSTILE_PROFILE) for (const [ms, t] of latencies.slice(-10)) console.log(ms.toFixed(0), JSON.stringify(t.slice(0, 100)), t.length)

    // every reply of every generated message, by the message it answers
    const rows = await query<{ text: string; group_ack_text: string | null; status: string; message_id: string }>(
      w.db,
      `SELECT o.text, o.group_ack_text, o.status, i.message_id FROM outbox o JOIN inbox i ON i.id = o.inbox_id WHERE i.message_id LIKE 'hostile-%'`,
    )
    let replies = 0
    for (const r of rows) {
      const input = byId.get(r.message_id)!.text
      for (const text of [r.text, r.group_ack_text]) {
        if (text === null) continue
        replies++
        const bad = badReply(text, input)
        if (bad) problems.push(`${bad}: ${JSON.stringify(text.slice(0, 200))} (to ${JSON.stringify(input.slice(0, 80))})`)
      }
      if (r.status !== 'sent') problems.push(`reply not sent (${r.status}): ${JSON.stringify(r.text.slice(0, 80))}`)
    }
    const answered = new Set(rows.map((r) => r.message_id)).size
    if (answered !== outcomes.handled - silentAcks) problems.push(`${outcomes.handled} handled messages (${silentAcks} silent 收到, 通知, 意见) but ${answered} have replies`)
    expect(problems.slice(0, 20), `${problems.length} problems`).toEqual([])
    expect(outcomes.rejected + outcomes.internal + outcomes.failed + outcomes.duplicate).toBe(0)

    // ---- database invariants, for every compound (开通 in g2 may have made more)
    const all = await w.db.db.select().from(compounds)
    let entries = 0
    let households = 0
    for (const c of all) {
      const v = await verifyCompoundLedger(w.db.db, c.id)
      expect(v.ok, `ledger chain of ${c.name}`).toBe(true)
      // balances are the sums of their entries (reversals subtract what they reverse)
      const list = await ledgerEntriesOf(w.db.db, c.id)
      entries += list.length
      const bySerial = new Map(list.map((e) => [e.serial, e]))
      const sums = new Map<number, { billed: bigint; paid: bigint }>()
      for (const e of list) {
        const eff = e.kind === 'reversal' ? bySerial.get(e.reversesSerial!)! : e
        const sign = e.kind === 'reversal' ? -1n : 1n
        const hh = eff.householdId
        if (hh === null || (eff.kind !== 'charge' && eff.kind !== 'payment')) continue
        const s = sums.get(hh) ?? { billed: 0n, paid: 0n }
        if (eff.kind === 'charge') s.billed += sign * e.amountFen
        else s.paid += sign * e.amountFen
        sums.set(hh, s)
      }
      const balances = await householdBalances(w.db.db, c.id)
      households += balances.size
      for (const [hh, s] of sums) {
        const b = balances.get(hh)
        expect(b, `balance of household ${hh}`).toBeDefined()
        expect([b!.billedFen, b!.paidFen, b!.owedFen]).toEqual([s.billed, s.paid, s.billed - s.paid])
      }
    }
    const gapFree = async (table: string, col: string) =>
      query<{ compound_id: number; n: number; d: number; mx: number; mn: number }>(
        w.db,
        `SELECT compound_id, count(*)::int AS n, count(DISTINCT ${col})::int AS d, max(${col})::int AS mx, min(${col})::int AS mn FROM ${table} GROUP BY compound_id`,
      )
    for (const [table, col] of [['tickets', 'no'], ['polls', 'no'], ['ledger_entries', 'serial']] as const) {
      for (const r of await gapFree(table, col)) expect([r.d, r.mn, r.mx], `${table}.${col} of compound ${r.compound_id}`).toEqual([r.n, 1, r.n])
    }
    // one current ballot per voter (household or person) and poll, and it is the voter's latest cast
    const [cb] = await query<{ current: number; voters: number; latest: number; foreign: number }>(
      w.db,
      `SELECT (SELECT count(*)::int FROM current_ballots) AS current,
              (SELECT count(*)::int FROM (SELECT DISTINCT poll_id, voter_key FROM ballots) v) AS voters,
              (SELECT count(*)::int FROM current_ballots c WHERE c.ballot_id = (SELECT max(b.id) FROM ballots b WHERE b.poll_id = c.poll_id AND b.voter_key = c.voter_key)) AS latest,
              (SELECT count(*)::int FROM current_ballots c JOIN polls p ON p.id = c.poll_id WHERE p.electorate = 'owners' AND NOT EXISTS
                 (SELECT 1 FROM households h WHERE 'h:' || h.id = c.voter_key AND h.compound_id = p.compound_id)) AS foreign`,
    )
    expect(cb!.current).toBe(cb!.voters)
    expect(cb!.latest).toBe(cb!.current)
    expect(cb!.foreign).toBe(0)
    const [tk] = await query<{ tickets: number; opened: number; ballots: number }>(
      w.db,
      `SELECT (SELECT count(*)::int FROM tickets) AS tickets,
              (SELECT count(DISTINCT ticket_id)::int FROM ticket_events) AS opened,
              (SELECT count(*)::int FROM ballots) AS ballots`,
    )
    expect(tk!.opened).toBe(tk!.tickets)

    figures(
      `hostile input: ${MESSAGES} messages (seed ${SEED}) in ${seconds.toFixed(1)} s (${Math.round(MESSAGES / seconds)} msg/s, ${CONCURRENCY} at a time, p50 ${pct(0.5)} ms, p95 ${pct(0.95)} ms) → ` +
        `${outcomes.ignored} ignored, ${outcomes.handled} answered (${outcomes.userError} refusals/usage), 0 rejected, 0 internal, 0 failed; ` +
        `${replies} replies checked; invariants: ${all.length} compound(s), ${entries} ledger entries verified, ${households} balances = sums, ` +
        `${tk!.tickets} tickets gap-free, ${cb!.current} current ballots of ${tk!.ballots} casts, one per voter`,
    )
  })
})
