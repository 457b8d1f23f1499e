// Issue 12 item 17: a hostile message such as `完工 #1 费用 1 1 1 …` (40 KB) blocked the process for 17 s.
// Every command has a cap on its argument text (DEFAULT_MAX_ARGS, or the definition's maxArgs); the pipeline
// refuses anything longer with a localized sentence BEFORE any parser runs, and nothing is written. The work
// is counted, not timed: the command's parse is never called and parseMoney never runs on such a message;
// and a message just under the cap costs each command at most a handful of parseMoney calls.
import { sql } from 'drizzle-orm'
import { describe, expect, it, vi } from 'vitest'

// parseMoney, counted (the same function): how much amount parsing a message costs
const money = vi.hoisted(() => ({ calls: 0 }))
vi.mock('../../src/domain/money.ts', async (importOriginal) => {
  const mod = await importOriginal<typeof import('../../src/domain/money.ts')>()
  return {
    ...mod,
    parseMoney: (...args: Parameters<typeof mod.parseMoney>) => {
      money.calls++
      return mod.parseMoney(...args)
    },
  }
})

const { commands } = await import('../../commands/index.ts')
const { t } = await import('../../src/i18n/index.ts')
const { DEFAULT_MAX_ARGS } = await import('../../src/pipeline/command.ts')
const { useTestDatabases } = await import('../helpers/db.ts')
const { ROSTER_HEADER, townWorld } = await import('../helpers/fixtures.ts')
const { world } = await import('../helpers/world.ts')
type World = Awaited<ReturnType<typeof world>>

const dbs = useTestDatabases()

const TABLES = [
  'compounds', 'chats', 'households', 'household_bindings', 'roles', 'tickets', 'ticket_events', 'ticket_photos', 'fee_schedules',
  'ledger_entries', 'ledger_receipts', 'polls', 'ballots', 'poll_electorate', 'cost_claims', 'confirmations', 'disclosures',
]

/** Row counts of every table a command writes (inbox, outbox and members are the pipeline's own). */
async function counts(w: World): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const table of TABLES) {
    const r = await w.db.db.execute(sql.raw(`SELECT count(*)::int AS n FROM ${table}`))
    const rows = (Array.isArray(r) ? r : (r as { rows: { n: number }[] }).rows) as { n: number }[]
    out[table] = Number(rows[0]!.n)
  }
  return out
}

/** 幸福里 with a roster, head 老王 (boss), an open ticket #1 assigned to him and an open poll #1. */
async function setUp(): Promise<World> {
  const { w } = await townWorld(dbs, { roster: `${ROSTER_HEADER}3,2,201,89.50,owner_occupied,王秀英\n` })
  await w.says('boss', '报修 楼道灯不亮').then((r) => r.expectReply('#1'))
  await w.says('boss', '派单 #1 李师傅').then((r) => r.expectReply('#1'))
  await w.says('boss', '发起投票 换门禁 选项 同意/反对').then((r) => r.expectReply('#1'))
  return w
}

// What a hostile sender repeats: every unit that once made a parser try every prefix or split point.
const UNITS = ['1 ', '费用 1 ', '3-2-', '选项 a/', '一']
const fill = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size)

describe('the argument cap', () => {
  it('`完工 #1 费用 1 1 1 …` (40 KB) is refused before parsing, in every language, and writes nothing', async () => {
    const w = await setUp()
    const done = commands.find((c) => c.name === 'done')!
    const parse = vi.spyOn(done, 'parse')
    const before = await counts(w)
    const text = `完工 #1 费用 ${'1 '.repeat(20 * 1024)}`
    money.calls = 0
    const said = await w.says('boss', text)
    said.expectReply(t('zh-CN', 'common.argsTooLong', { n: text.trim().length - '完工 '.length, max: DEFAULT_MAX_ARGS }))
    expect(said.text).toContain('完工 #<编号>')
    expect(said.outcome).toMatchObject({ status: 'handled', error: 'user' })
    expect(parse).not.toHaveBeenCalled()
    expect(money.calls).toBe(0)
    expect(await counts(w)).toEqual(before)
    // the refusal in the other languages
    expect(t('zh-TW', 'common.argsTooLong', { n: 1, max: 2 })).toMatch(/太長/)
    expect(t('en', 'common.argsTooLong', { n: 1, max: 2 })).toMatch(/too long/)
    parse.mockRestore()
  })

  it('every command: 40 KB of hostile arguments get the refusal, no parser runs, nothing is written', async () => {
    const w = await setUp()
    const parses = commands.filter((c) => c.parse).map((c) => [c.name, vi.spyOn(c, 'parse')] as const)
    const before = await counts(w)
    money.calls = 0
    for (const command of commands) {
      for (const unit of UNITS) {
        const keyword = command.keywords['zh-CN'][0]!
        const said = await w.says('boss', `${keyword} ${fill(unit, 40 * 1024)}`, { admin: true })
        expect(said.text, `${command.name} ${JSON.stringify(unit)}`).toMatch(/这条命令太长了（\d+ 字），最多 \d+ 字/)
        expect(said.outcome).toMatchObject({ status: 'handled', error: 'user' })
      }
    }
    for (const [name, parse] of parses) expect(parse, name).not.toHaveBeenCalled()
    expect(money.calls).toBe(0)
    expect(await counts(w)).toEqual(before)
    for (const [, parse] of parses) parse.mockRestore()
  })

  it('just under the cap, every command answers (no internal error) for a handful of parseMoney calls at most', async () => {
    const w = await setUp()
    for (const command of commands) {
      const max = command.maxArgs ?? DEFAULT_MAX_ARGS
      for (const unit of UNITS) {
        const keyword = command.keywords['zh-CN'][0]!
        money.calls = 0
        const said = await w.says('boss', `${keyword} ${fill(unit, max).trim()}`, { admin: true })
        expect(said.outcome, `${command.name} ${JSON.stringify(unit)}`).not.toMatchObject({ error: 'internal' })
        expect(said.text).not.toMatch(/太长了/)
        expect(money.calls, `${command.name} ${JSON.stringify(unit)}`).toBeLessThanOrEqual(10)
      }
    }
  })
})
