// Posting a period's disclosure exactly once per compound, chat, period kind and period.
//
// For each chat of the compound, in ONE transaction: insert into `disclosures` (unique on compound, chat,
// period kind, period) ON CONFLICT DO NOTHING RETURNING; only when this caller inserted the row, enqueue
// the outbox rows (text parts, then the chart) with dedupe keys
// `disclosure:<compound>:<chat>:<kind>:<period>:<part>`. The outbox dispatcher delivers them (retrying
// with backoff); a crash after commit leaves the rows for the next flush, a crash before commit leaves
// nothing, and another instance racing on the same period blocks on the unique key and then gets no row.
import type { Db } from '../../db/client.ts'
import { chatsOfCompound, type CompoundRow } from '../../db/compounds.ts'
import { disclosedChatIds, recordDisclosure } from '../../db/disclosure.ts'
import type { Platform } from '../../adapters/types.ts'
import type { Period } from '../domain/calendar.ts'
import { chartCaption, renderSummary } from '../domain/summary.ts'
import { log } from '../log.ts'
import { type DetachedReply, enqueueReplies } from '../outbox/enqueue.ts'
import type { OutImage } from '../pipeline/command.ts'
import { type DisclosureData, gatherDisclosure } from './build.ts'
import { renderChartPng } from './chart.ts'

export interface DisclosureMessages {
  parts: string[]
  chart: OutImage | null
}

/** The chat messages of a disclosure: text parts and the chart (null when the chart could not be drawn). */
export function disclosureMessages(data: DisclosureData): DisclosureMessages {
  const parts = renderSummary(data.summary)
  let chart: OutImage | null = null
  try {
    chart = { png: renderChartPng(data.chart), caption: chartCaption(data.summary) }
  } catch (err) {
    // the text is the disclosure; a chart that cannot be drawn must not hold it back
    log.error({ err }, 'disclosure chart failed')
  }
  return { parts, chart }
}

export function disclosureKey(compoundId: number, chatId: number, period: Pick<Period, 'kind' | 'key'>, part: string | number): string {
  return `disclosure:${compoundId}:${chatId}:${period.kind}:${period.key}:${part}`
}

export interface PostResult {
  /** chats that got the disclosure from this call */
  chats: number
  /** outbox rows written */
  rows: number
}

/**
 * Post the disclosure of `period` to every chat of `compound` that does not have it yet. Safe to call
 * any number of times from any number of instances: each chat gets it once.
 */
export async function postDisclosure(
  db: Db,
  compound: CompoundRow,
  period: Period,
  opts: { now: Date; late?: boolean; render?: (data: DisclosureData) => DisclosureMessages },
): Promise<PostResult> {
  const chats = await chatsOfCompound(db, compound.id)
  const done = await disclosedChatIds(db, compound.id, period.kind, period.key)
  if (chats.every((c) => done.has(c.id))) return { chats: 0, rows: 0 }
  // read and draw outside the transaction: the chart takes a while and holds no lock
  const data = await gatherDisclosure(db, compound, period, { now: opts.now, late: opts.late })
  const msgs = (opts.render ?? disclosureMessages)(data)
  return db.transaction(async (tx) => {
    let posted = 0
    let rows = 0
    for (const chat of await chatsOfCompound(tx, compound.id)) {
      const mine = await recordDisclosure(tx, {
        compoundId: compound.id,
        chatId: chat.id,
        kind: period.kind,
        period: period.key,
        late: opts.late ?? false,
        at: opts.now,
      })
      if (!mine) continue
      const to = { to: 'chatOf' as const, platform: chat.platform as Platform, chatId: chat.platformChatId }
      const replies: DetachedReply[] = msgs.parts.map((text, i) => ({ ...to, text, dedupeKey: disclosureKey(compound.id, chat.id, period, i + 1) }))
      if (msgs.chart) {
        replies.push({ ...to, text: msgs.chart.caption ?? '', image: msgs.chart, dedupeKey: disclosureKey(compound.id, chat.id, period, 'chart') })
      }
      rows += (await enqueueReplies(tx, compound, replies, { now: opts.now })).length
      posted++
    }
    if (posted > 0) log.info({ compound: compound.id, kind: period.kind, period: period.key, chats: posted, late: opts.late ?? false }, 'disclosure posted')
    return { chats: posted, rows }
  })
}
