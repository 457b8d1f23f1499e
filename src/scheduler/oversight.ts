// The weekly digest to each community (社区/街道) supervisor (docs/OVERSIGHT.md), privately: one block per
// compound they oversee (src/services/oversight.ts). Due at DIGEST_SLOT — Monday 09:30 in the time zone of their
// first compound — once per supervisor and week across instances: the job_runs key
// `oversight-digest` / `<platform>:<user id>:<ISO week>` is claimed in the transaction that writes the outbox rows
// (which carry dedupe keys too). The tick asks one statement a minute (supervisorsForDigest); the compounds of
// all digests due are read together, set-based.
//
// A supervisor who never wrote to the bot cannot be written to (Telegram refuses a user who has not started the
// bot; WeChat needs a contact), and has no member row: their digest is not claimed and waits, logged, until they
// write to the bot — the next tick of the same week sends it.
import type { Db } from '../../db/client.ts'
import type { CompoundRow } from '../../db/compounds.ts'
import { claimJobRuns, finishJobRuns } from '../../db/disclosure.ts'
import { membersByIds } from '../../db/members.ts'
import { periodOf } from '../domain/calendar.ts'
import { compoundLang } from '../disclosure/build.ts'
import { translator } from '../i18n/index.ts'
import { log } from '../log.ts'
import { detachedReplyRows } from '../outbox/enqueue.ts'
import { type NewOutboxRow, writeOutbox } from '../outbox/write.ts'
import { oversightTexts } from '../render/oversight.ts'
import { type DigestSupervisor, gatherOversight, supervisorsForDigest } from '../services/oversight.ts'
import { latestSlot, type SlotSpec } from './schedule.ts'

export const DIGEST_JOB = 'oversight-digest'
/** Monday 09:30 local: after the weekly 公示 (Monday 09:00 by default), so the digest can say whether it went out. */
export const DIGEST_SLOT: SlotSpec = { kind: 'week', weekday: 1, day: 1, month: 1, hour: 9, minute: 30 }
const DAY = 86_400_000

interface DueDigest {
  supervisor: DigestSupervisor & { memberId: number }
  compounds: CompoundRow[]
  fireKey: string
}

/** Send the digests due at `now` that no instance has claimed: how many were sent. */
export async function oversightDigests(db: Db, compounds: ReadonlyMap<number, CompoundRow>, now: Date, instance: string): Promise<number> {
  const supervisors = await supervisorsForDigest(db, DIGEST_JOB, new Date(now.getTime() - 8 * DAY))
  const due: DueDigest[] = []
  for (const s of supervisors) {
    const list = s.compoundIds.flatMap((id) => compounds.get(id) ?? [])
    if (list.length === 0) continue
    const tz = list[0]!.timeZone
    const slot = latestSlot(DIGEST_SLOT, now, tz)
    const fireKey = `${s.platform}:${s.platformUserId}:${periodOf('week', slot, tz).key}`
    if (s.taken.includes(fireKey)) continue
    if (s.memberId === null) {
      // said once at the slot's minute, then quietly every tick until they write to the bot
      const at = now.getTime() - slot.getTime() < 60_000 ? 'info' : 'debug'
      log[at]({ platform: s.platform, user: s.platformUserId }, 'oversight digest waits: the supervisor has not written to the bot yet')
      continue
    }
    due.push({ supervisor: { ...s, memberId: s.memberId }, compounds: list, fireKey })
  }
  if (due.length === 0) return 0

  // the data of every compound of the due digests, read once before the transaction (the claim decides who writes)
  const unique = [...new Map(due.flatMap((d) => d.compounds).map((c) => [c.id, c])).values()]
  const views = new Map((await gatherOversight(db, unique, now)).map((v) => [v.compound.id, v]))
  const members = await membersByIds(db, due.map((d) => d.supervisor.memberId))
  let sent = 0
  await db.transaction(async (tx) => {
    const claimed = await claimJobRuns(tx, due.map((d) => ({ job: DIGEST_JOB, fireKey: d.fireKey })), { instance, now })
    const mine = due.filter((d) => claimed.has(`${DIGEST_JOB} ${d.fireKey}`))
    if (mine.length === 0) return
    const rows: NewOutboxRow[] = []
    for (const d of mine) {
      const first = d.compounds[0]!
      const texts = oversightTexts(translator(compoundLang(first)), d.compounds.map((c) => views.get(c.id)!), first.timeZone)
      const replies = texts.map((text, i) => ({ to: 'member' as const, memberId: d.supervisor.memberId, text, dedupeKey: `oversight:${d.fireKey}:${i + 1}` }))
      rows.push(...(await detachedReplyRows(tx, first, replies, { now, members })))
    }
    await writeOutbox(tx, rows)
    await finishJobRuns(tx, mine.map((d) => ({ job: DIGEST_JOB, fireKey: d.fireKey })), now)
    sent = mine.length
  })
  if (sent > 0) log.info({ digests: sent }, 'scheduler: oversight digests sent')
  return sent
}
