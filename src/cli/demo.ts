// The demo compound `npm start` creates on a new data directory, so the sandbox is ready to try — with a
// plausible recent month behind it (fee schedule, bills, most households paid, two repairs whose costs are
// booked against their tickets, parking income, a closed poll and an open one), so that the first summary a
// new user sees has real numbers and a chart with bars. The month is played through the real pipeline and
// commands at past times, so it obeys every rule a real compound does (chain, due dates, frozen electorates).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { and, eq, sql } from 'drizzle-orm'
import { SANDBOX_GROUP } from '../../adapters/console/index.ts'
import type { IncomingMessage } from '../core/messages.ts'
import { commands as allCommands, passiveHandlers } from '../../commands/index.ts'
import type { Database } from '../../db/client.ts'
import { createCompound, linkChat, setRole } from '../../db/compounds.ts'
import { householdsOf } from '../../db/households.ts'
import { upsertMember } from '../../db/members.ts'
import { compounds, householdBindings, outbox } from '../../db/schema.ts'
import { addMonths, compareMonths } from '../domain/billing.ts'
import { addDays, localDate, localDateString, monthKeyOf, startOfLocalDay } from '../domain/calendar.ts'
import { botNames, type Config } from '../config.ts'
import { Pipeline } from '../pipeline/pipeline.ts'
import { billMonth } from '../services/fees.ts'
import { importRoster, parseRoster } from './roster.ts'

export const DEMO_COMPOUND = '幸福里小区'
export const DEMO_HEAD = '王主任'
export const DEMO_COLLECTOR = '李会计'
export const sampleRosterPath = fileURLToPath(new URL('../../db/seed/sample-roster.csv', import.meta.url))

const DAY = 86_400_000
/** 物业费 per m² per month, in yuan: what the demo's schedule charges */
const RATE = '0.60'

/**
 * Seed only an empty database: never touches a real one. Returns whether it seeded. `now` is the bot's
 * clock (LINLI_NOW in the sandbox): the demo month is the four weeks before it. Without `history` only the
 * compound, its roster, chat and head are made (`linli sandbox --demo`: a predictable start for scripts).
 */
export async function seedDemoIfEmpty(database: Database, config: Config, now: Date = new Date(), opts: { history?: boolean } = {}): Promise<boolean> {
  const [row] = await database.db.select({ n: sql<number>`count(*)::int` }).from(compounds)
  if ((row?.n ?? 0) > 0) return false
  const timeZone = config.LINLI_DEFAULT_TZ
  const db = database.db
  const compound = await createCompound(db, { name: DEMO_COMPOUND, timeZone, language: 'zh-CN' })
  await importRoster(db, compound.id, parseRoster(readFileSync(sampleRosterPath, 'utf8')), now)
  await linkChat(db, { compoundId: compound.id, platform: 'console', platformChatId: SANDBOX_GROUP, title: '幸福里业主群' })
  const head = await upsertMember(db, 'console', DEMO_HEAD, DEMO_HEAD)
  await setRole(db, { compoundId: compound.id, memberId: head.id, role: 'head' })
  if (opts.history === false) return true
  const collector = await upsertMember(db, 'console', DEMO_COLLECTOR, DEMO_COLLECTOR)
  await setRole(db, { compoundId: compound.id, memberId: collector.id, role: 'collector' })

  // owners of the first 16 flats speak in the group under their roster names, verified by the head
  const flats = await householdsOf(db, compound.id)
  const owners = flats.slice(0, 16).filter((h) => h.ownerName)
  for (const h of owners) {
    const m = await upsertMember(db, 'console', h.ownerName!, h.ownerName!)
    await db
      .insert(householdBindings)
      .values({ compoundId: compound.id, memberId: m.id, householdId: h.id, relation: 'owner', status: 'verified', verifiedBy: head.id, verifiedAt: new Date(now.getTime() - 30 * DAY), createdAt: new Date(now.getTime() - 30 * DAY) })
      .onConflictDoNothing()
  }

  const pipeline = new Pipeline({ database, commands: allCommands, passive: passiveHandlers, config, clock: { now: () => at }, botNames: botNames(config) })
  let at = now
  let seq = 0
  const say = async (daysAgo: number, hour: number, who: string, text: string) => {
    at = localTime(now, daysAgo, hour, timeZone)
    const msg: IncomingMessage = {
      platform: 'console',
      id: `demo-${++seq}`,
      chat: { id: SANDBOX_GROUP, kind: 'group', title: '幸福里业主群' },
      sender: { id: who, name: who },
      text,
      mentionsBot: false,
      images: [],
      sentAt: at,
    }
    const outcome = await pipeline.handle(msg)
    // the demo must play exactly as written: a refused line is a bug in this script, not in the data
    if (outcome.status !== 'handled' || outcome.error) throw new Error(`demo: "${text}" by ${who} was not handled (${JSON.stringify(outcome)})`)
  }

  // the fee schedule from the month four weeks ago, billed each month as the scheduler would on the 1st
  const first = monthKeyOf(new Date(now.getTime() - 28 * DAY), timeZone)
  await say(28, 10, DEMO_HEAD, `收费标准 物业费 ${RATE} 每平米每月 起始 ${first}`)
  for (let m = first; compareMonths(m, monthKeyOf(now, timeZone)) <= 0; m = addMonths(m, 1)) {
    const [y, mo] = m.split('-').map(Number)
    const firstOfMonth = new Date(startOfLocalDay({ year: y!, month: mo!, day: 1 }, timeZone).getTime() + 8 * 3_600_000)
    const billedAt = localTime(now, 28, 10, timeZone)
    await billMonth(db, compound.id, m, firstOfMonth.getTime() > billedAt.getTime() ? firstOfMonth : billedAt)
  }

  // most households pay their first month's bill over the four weeks; a few do not (arrears)
  const payers = flats.filter((_, i) => i % 8 !== 7 && i % 13 !== 5)
  for (const [i, h] of payers.entries()) {
    const fen = (BigInt(h.areaCentiM2) * 60n + 50n) / 100n // 0.60 元/m² = 60 fen per m²; area is in centi-m²
    await say(26 - (i * 17) % 26, 9 + (i % 9), DEMO_COLLECTOR, `缴费 ${h.code} ${yuan(fen)} 现金`)
  }

  const [a, b, c] = owners
  // two repairs, fixed and paid for; parking income; cleaning
  await say(21, 19, a!.ownerName!, '报修 3栋楼道灯不亮，晚上看不见台阶')
  await say(21, 20, DEMO_HEAD, '派单 #1 电工刘师傅')
  await say(20, 15, DEMO_HEAD, '完工 #1 费用 120 更换两个声控灯')
  await say(20, 18, a!.ownerName!, '确认 #1')
  await say(17, 10, DEMO_HEAD, '收入 600 停车租金 十月')
  await say(7, 8, b!.ownerName!, '报修 2单元下水道堵了，一楼返水')
  await say(7, 9, DEMO_HEAD, '派单 #2 管道疏通王师傅')
  await say(6, 16, DEMO_HEAD, '完工 #2 费用 350 疏通主管道')
  await say(5, 10, b!.ownerName!, '确认 #2')
  await say(3, 11, DEMO_HEAD, '支出 800 保洁工资 收款人 赵阿姨')
  await say(2, 20, c!.ownerName!, '报修 小区大门门禁刷卡没反应')

  // a closed poll, and an open one
  await say(16, 10, DEMO_HEAD, `发起投票 是否在1栋门口加装非机动车充电桩 选项 同意/反对 截止 ${dayString(now, 9, timeZone)}`)
  for (const [i, o] of owners.slice(0, 11).entries()) await say(15 - (i % 5), 12 + (i % 8), o.ownerName!, `投票 #1 ${i % 4 === 3 ? 2 : 1}`)
  await say(9, 21, DEMO_HEAD, '结束投票 #1')
  await say(3, 10, DEMO_HEAD, `发起投票 小区绿化改造方案 选项 方案A 种树/方案B 草坪/暂不改造 截止 ${dayString(now, -5, timeZone)}`)
  for (const [i, o] of owners.slice(2, 8).entries()) await say(2 - (i % 2), 9 + i, o.ownerName!, `投票 #2 ${(i % 3) + 1}`)

  // what the month's commands said was said then: the sandbox starts with nothing waiting to be printed
  await db
    .update(outbox)
    .set({ status: 'sent', sentAt: now })
    .where(and(eq(outbox.compoundId, compound.id), eq(outbox.status, 'pending')))
  return true
}

function yuan(fen: bigint): string {
  return `${fen / 100n}.${String(fen % 100n).padStart(2, '0')}`
}

/** The instant of `hour`:00 local time, `daysAgo` days before `now`'s local day; never after `now`. */
function localTime(now: Date, daysAgo: number, hour: number, timeZone: string): Date {
  const day = addDays(localDate(now, timeZone), -daysAgo)
  const t = new Date(startOfLocalDay(day, timeZone).getTime() + hour * 3_600_000)
  return t.getTime() > now.getTime() ? new Date(now.getTime() - 60_000) : t
}

/** `now`'s local date shifted by `daysAgo` days back (negative: ahead), as YYYY-MM-DD. */
function dayString(now: Date, daysAgo: number, timeZone: string): string {
  return localDateString(new Date(now.getTime() - daysAgo * DAY), timeZone)
}
