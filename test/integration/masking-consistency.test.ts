// Issue 12 item 16: every person shown in a group message is shown the same way. 王秀英 is an owner of two
// flats in the roster ("王 秀英 13812345678" and "王秀英"), and a member whose display name is
// "王秀英 138-1234-5678". She binds both flats, is verified, appointed collector, reports a repair, is
// assigned it, finishes it, confirms it, records a payment, votes, and is named as a payee in the 公示. Every
// group message of every kind that names her must show her as 王* — never her given name, never her phone
// number, never a second form — and the repair view lists only the room the ticket is about, not all hers.
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { householdBindings, members, roles } from '../../db/schema.ts'
import { useTestDatabases } from '../helpers/db.ts'
import { townWorld } from '../helpers/fixtures.ts'
import type { World } from '../helpers/world.ts'

const dbs = useTestDatabases()

const ROSTER = `building,unit,room,area_m2,occupancy,owner_name
3,2,201,89.50,owner_occupied,"王 秀英 13812345678"
3,2,202,75.00,rented,王秀英
3,1,101,75.00,owner_occupied,李建国
`
const HER = '王秀英 138-1234-5678'
/** every way she could leak: her given name (any part of it), her phone number however written */
const LEAK = /秀|138.?1234.?5678|12345678/

/** The group texts one message produced (posts to the chat, group notices of private answers, button labels). */
async function groupTexts(w: World, from: string, text: string, opts: { name?: string; admin?: boolean } = {}): Promise<string[]> {
  const said = await w.says(from, text, opts)
  expect(said.outcome, text).not.toMatchObject({ error: 'internal' })
  return said.replies.filter((r) => r.chat !== undefined).flatMap((r) => [r.text, ...(r.buttons ?? []).flat().map((b) => b.text)])
}

describe('one person, one form in every group message', () => {
  it('王秀英 is 王* in every reply kind that names her, and only her ticket room is listed', async () => {
    const { w } = await townWorld(dbs, { roster: ROSTER })
    await w.says('her', '帮助', { name: HER })
    const [me] = await w.db.db.select().from(members).where(eq(members.platformUserId, 'her'))

    const seen: { kind: string; text: string }[] = []
    const record = async (kind: string, from: string, text: string, opts: { name?: string; admin?: boolean } = {}) => {
      const texts = await groupTexts(w, from, text, opts)
      expect(texts.length, `${kind}: a group message`).toBeGreaterThan(0)
      for (const t of texts) seen.push({ kind, text: t })
      return texts.join('\n')
    }

    await record('bind', 'her', '绑定 3-2-201 业主')
    await record('bind', 'her', '绑定 3-2-202 业主')
    const list = await record('verify list', 'boss', '认证')
    const numbers = [...list.matchAll(/序号 (\d+)/g)].map((m) => m[1])
    expect(numbers).toHaveLength(2)
    await record('verify', 'boss', `认证 ${numbers[0]}`)
    await record('verify', 'boss', `认证 ${numbers[1]}`)
    expect(
      await w.db.db.select().from(householdBindings).where(and(eq(householdBindings.memberId, me!.id), eq(householdBindings.status, 'verified'))),
    ).toHaveLength(2)
    await record('appoint', 'boss', `任命 @${HER} 收费员`)
    expect(await w.db.db.select().from(roles).where(eq(roles.memberId, me!.id))).toMatchObject([{ role: 'collector' }])

    await record('repair opened', 'her', '报修 3-2-201 厨房水管漏水')
    await record('repair assigned', 'boss', `派单 #1 @${HER}`)
    await record('repair list', 'boss', '报修列表')
    await record('repair done', 'her', '完工 #1')
    await record('repair view', 'boss', '报修 #1')
    await record('repair confirmed', 'her', '确认 #1')
    const view = await record('repair view', 'boss', '报修 #1')
    // the reporter's room is the ticket's room only: not every flat she owns
    expect(view).toContain('3-2-201')
    expect(view).not.toContain('3-2-202')

    await record('pay group ack', 'her', '缴费 3-2-202 100')
    await record('fee group ack', 'her', '查费 3-2-201')
    await record('poll launch', 'boss', '发起投票 请王秀英管钥匙 选项 同意/换王秀英的邻居 全体住户')
    await record('vote ack', 'her', '投票 #1 1')
    // a button press (Telegram) edits the launch post in place: that text and its buttons get the same scrub
    const pressed = await w.deliver({ ...w.message('her', '/vote 1 2'), origin: { messageId: 'launch-1' } })
    const edits = pressed.outcome.status === 'handled' ? (pressed.outcome.edits ?? []) : []
    expect(edits.length).toBeGreaterThan(0)
    for (const e of edits) for (const text of [e.text, ...(e.buttons ?? []).flat().map((b) => b.text)]) seen.push({ kind: 'poll post edit', text })
    await record('results', 'boss', '结果 #1')
    await record('expense', 'boss', '支出 120 钥匙保管费 王秀英 13812345678')
    await record('disclosure', 'boss', '公示')

    // every kind that names her shows 王*, and nothing shows her any other way
    const naming = ['verify list', 'verify', 'appoint', 'repair assigned', 'repair done', 'repair view', 'repair list', 'pay group ack', 'fee group ack', 'poll launch', 'vote ack', 'poll post edit', 'results', 'disclosure']
    for (const kind of naming) {
      const texts = seen.filter((s) => s.kind === kind).map((s) => s.text)
      expect(texts.some((t) => t.includes('王*')), `${kind} names her as 王*:\n${texts.join('\n')}`).toBe(true)
    }
    for (const { kind, text } of seen) {
      expect(text, `${kind}: her name or phone number in another form`).not.toMatch(LEAK)
      // 老王, the head, is one form too wherever he is named
      expect(text, `${kind}: the head's name in full`).not.toContain('老王')
    }
  })
})
