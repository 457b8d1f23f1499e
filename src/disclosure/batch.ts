// Posting disclosures exactly once per compound, chat, period kind and period, for many (compound, period)
// items at once: the scheduler's path (src/scheduler/tick.ts) and, with a list of one, postDisclosure's
// (./post.ts).
//
// Per chunk of items: which items still have a chat without their `disclosures` row (one query); their data
// (./facts.ts: about a dozen set-based queries for the whole chunk), built and rendered item by item outside
// any transaction (the chart takes a while and holds no lock); then ONE transaction inserts the chunk's
// `disclosures` rows (unique on compound, chat, period kind and period) ON CONFLICT DO NOTHING RETURNING, and
// only the (compound, chat, period) rows this call inserted get outbox rows (text parts, then the chart) with
// dedupe keys `disclosure:<compound>:<chat>:<kind>:<period>:<part>`, through the one outbox writer
// (src/outbox/write.ts writeOutbox): the group privacy scrub of every group-bound text, with the roster names
// of the whole chunk read in one query, then inserts of up to 1000 rows. The outbox dispatcher delivers the
// rows; a crash after commit leaves them for the next flush, a crash before commit leaves nothing, and another
// instance racing on the same period blocks on the unique key and then gets no row.
//
// Before the figures go out, the chunk's ledgers are checked (db/ledger-check.ts checkLedgers: two statements for
// the chunk, plus the entries new since the last verified point): a compound whose ledger fails verification gets
// a notice instead of its summary (no chart, no chain head recorded) and its committee a private alert, once per
// broken state. Every `disclosures` row records the chain head its post showed, for 核验 to check later.
//
// Several periods of one compound in one call (a catch-up; 1 January) are one post and one chart per chat, and
// with `skipEmpty` (the scheduler) a period in which nothing happened is recorded but not posted (./catch-up.ts);
// a compound's items are never split across chunks.
//
// Failures stay small: an item whose summary cannot be built or rendered is left out and reported (the next
// call tries it again), the rest of its chunk is posted; a chunk whose queries or transaction fail is
// reported for each of its items, and the next chunk runs. Nothing is thrown.
import { asc, inArray } from 'drizzle-orm'
import type { Platform } from '../core/messages.ts'
import type { Db } from '../../db/client.ts'
import { type ChainHead, type DisclosurePeriod, disclosurePeriodKey, recordDisclosures, undisclosedPeriods } from '../../db/disclosure.ts'
import { checkLedgers, type LedgerFailure } from '../../db/ledger-check.ts'
import { chats } from '../../db/schema.ts'
import { log } from '../log.ts'
import { alertCommittee } from '../services/ledger-trust.ts'
import { type NewOutboxRow, writeOutbox } from '../outbox/write.ts'
import { renderSummary, summaryPublicNames } from '../render/summary.ts'
import { type DisclosureData, disclosureData, untrustedDisclosure } from './build.ts'
import { byLength, isEmptyPeriod, mergeParts, type PostRole, postRoles } from './catch-up.ts'
import { type DisclosureItem, gatherFacts } from './facts.ts'
import { type DisclosureMessages, disclosureKey, disclosureMessages } from './messages.ts'

export { type DisclosureItem } from './facts.ts'
/** @deprecated the name of DisclosureItem before it was shared with gatherDisclosure */
export type BatchItem = DisclosureItem

/** Items per chunk: bounds memory (one chunk's data and messages at a time) and transaction size. */
export const DEFAULT_CHUNK = 500

export interface PostOptions {
  now: Date
  /** replaces the summary and chart rendering (tests, text-only benchmarks) */
  render?: (data: DisclosureData) => DisclosureMessages | Promise<DisclosureMessages>
  chunkSize?: number
  /** the scheduler: a period in which nothing happened is recorded and logged, not posted (./catch-up.ts) */
  skipEmpty?: boolean
}

export interface ItemResult {
  item: DisclosureItem
  /** chats that got the disclosure from this call */
  chats: number
  /** outbox rows written */
  rows: number
  /** why the item was not posted (it is tried again by the next call) */
  error?: unknown
  /** nothing happened in the period: recorded by this call, not posted (`skipEmpty`) */
  empty?: true
}

export interface BatchPostResult {
  /** compounds that got (part of) a disclosure from this call */
  compounds: number
  /** chats that got a disclosure from this call */
  chats: number
  /** outbox rows written */
  rows: number
  /** failures: one per item that could not be built or rendered, one per chunk whose queries failed */
  errors: number
  /** one per item, in the order given */
  items: ItemResult[]
}

const periodOf = (i: DisclosureItem): DisclosurePeriod => ({ compoundId: i.compound.id, kind: i.period.kind, period: i.period.key })

/**
 * Post each item's disclosure to every chat of its compound that does not have it yet. Safe to run again, or
 * concurrently with itself or postDisclosure from any number of instances: each chat gets each period once.
 */
export async function postDisclosures(db: Db, items: readonly DisclosureItem[], opts: PostOptions): Promise<BatchPostResult> {
  const results: ItemResult[] = items.map((item) => ({ item, chats: 0, rows: 0 }))
  // the same period twice in one call would be one post: the first of them carries it
  const seen = new Set<string>()
  const todo = results.filter((r) => {
    const key = disclosurePeriodKey(periodOf(r.item))
    return !seen.has(key) && seen.add(key)
  })
  const size = Math.max(1, opts.chunkSize ?? DEFAULT_CHUNK)
  let errors = 0
  for (let i = 0, end = 0; i < todo.length; i = end) {
    // a compound's periods stay in one chunk: they are posted together
    end = Math.min(todo.length, i + size)
    while (end < todo.length && todo[end]!.item.compound.id === todo[end - 1]!.item.compound.id) end++
    const chunk = todo.slice(i, end)
    try {
      errors += await postChunk(db, chunk, opts)
    } catch (err) {
      errors++
      for (const r of chunk) {
        r.chats = 0
        r.rows = 0
        r.error = err
      }
      log.error({ err, compounds: [...new Set(chunk.map((r) => r.item.compound.id))] }, 'disclosure: a chunk failed')
    }
  }
  const posted = results.filter((r) => r.chats > 0)
  return {
    compounds: new Set(posted.map((r) => r.item.compound.id)).size,
    chats: posted.reduce((n, r) => n + r.chats, 0),
    rows: posted.reduce((n, r) => n + r.rows, 0),
    errors,
    items: results,
  }
}

/** Post one chunk, filling in its results; returns the number of items that failed (thrown: the chunk failed). */
async function postChunk(db: Db, chunk: ItemResult[], opts: PostOptions): Promise<number> {
  const open = await undisclosedPeriods(db, chunk.map((r) => periodOf(r.item)))
  const due = chunk.filter((r) => open.has(disclosurePeriodKey(periodOf(r.item))))
  if (due.length === 0) return 0

  // read, build and render outside the transaction (the chart takes a while and holds no lock)
  const facts = await gatherFacts(db, due.map((r) => r.item), { now: opts.now })
  // every ledger is checked before its figures go out (db/ledger-check.ts: set-based, the entries since the last
  // verified point and the published heads): a compound whose ledger fails gets a notice instead of the figures,
  // which records no chain head, and its committee a private alert (in the transaction below)
  const checks = await checkLedgers(db, [...new Set(due.map((r) => r.item.compound.id))])
  // a compound's periods due together are one post with one chart; an empty one is not posted (./catch-up.ts)
  const roles = postRoles(
    due.map((r, k) => ({
      compoundId: r.item.compound.id,
      kind: r.item.period.kind,
      empty: opts.skipEmpty === true && checks.get(r.item.compound.id)?.ok !== false && isEmptyPeriod(facts[k]!),
    })),
  )
  const render = opts.render ?? disclosureMessages
  // a merged period after the first: its text only, its chart is never drawn
  const textOnly = (data: DisclosureData): DisclosureMessages => ({ parts: renderSummary(data.summary), chart: null, publicNames: summaryPublicNames(data.summary) })
  type Ready = { result: ItemResult; msgs: DisclosureMessages; chain: ChainHead | null; role: PostRole; failure?: LedgerFailure }
  let failed = 0
  // all at once: the charts render in parallel on the worker pool (./chart-pool.ts), in the order of `due`
  const built = await Promise.all(
    due.map(async (result, k): Promise<Ready | null> => {
      try {
        const check = checks.get(result.item.compound.id)
        const role = roles[k]!
        if (check && !check.ok) return { result, msgs: untrustedDisclosure(result.item, check), chain: null, role, failure: check }
        // nothing published: no chain head recorded
        if (role === 'empty') return { result, msgs: { parts: [], chart: null }, chain: null, role }
        // the head recorded is the one the post shows (the stored head when the facts were read)
        return { result, msgs: await (role === 'joined' ? textOnly : render)(disclosureData(result.item, facts[k]!, opts.now)), chain: facts[k]!.chain, role }
      } catch (err) {
        failed++
        result.error = err
        log.error({ err, compound: result.item.compound.id, kind: result.item.period.kind, period: result.item.period.key }, 'disclosure: could not be built')
        return null
      }
    }),
  )
  const ready = built.filter((x): x is Ready => x !== null)
  if (ready.length === 0) return failed

  const ids = [...new Set(ready.map((x) => x.result.item.compound.id))]
  await db.transaction(async (tx) => {
    const chatRows = await tx.select().from(chats).where(inArray(chats.compoundId, ids)).orderBy(asc(chats.id))
    const byKey = new Map(ready.map((x) => [disclosurePeriodKey(periodOf(x.result.item)), x]))
    const pairs = ready.flatMap((x) =>
      chatRows
        .filter((c) => c.compoundId === x.result.item.compound.id)
        .map((c) => ({ ...periodOf(x.result.item), chatId: c.id, late: x.result.item.late ?? false, chain: x.chain })),
    )
    // only the (compound, chat, period) rows this call inserted get outbox rows
    const mine = await recordDisclosures(tx, pairs, opts.now)
    const chatById = new Map(chatRows.map((c) => [c.id, c]))
    const outRows: NewOutboxRow[] = []
    const ofKey = new Map<string, ItemResult>()
    // one post per compound and chat: the periods this call recorded for it, the longest first
    const posts = new Map<string, { chatId: number; entries: Ready[] }>()
    for (const rec of mine) {
      const x = byKey.get(disclosurePeriodKey(rec))!
      if (x.role === 'empty') {
        x.result.empty = true
        continue
      }
      x.result.chats++
      const at = `${rec.compoundId}:${rec.chatId}`
      const post = posts.get(at) ?? { chatId: rec.chatId, entries: [] }
      post.entries.push(x)
      posts.set(at, post)
    }
    for (const { chatId, entries } of posts.values()) {
      entries.sort((a, b) => byLength(a.result.item.period, b.result.item.period))
      const chat = chatById.get(chatId)!
      // the post's rows are keyed and counted by its first period
      const { result } = entries[0]!
      const { item } = result
      const msgs: DisclosureMessages = {
        parts: entries.length === 1 ? entries[0]!.msgs.parts : mergeParts(entries.map((x) => x.msgs.parts)),
        chart: entries.find((x) => x.msgs.chart)?.msgs.chart ?? null,
        publicNames: entries.flatMap((x) => x.msgs.publicNames ?? []),
      }
      const base = {
        compoundId: item.compound.id,
        inboxId: null,
        createdAt: opts.now,
        platform: chat.platform as Platform,
        targetKind: 'chat' as const,
        targetId: chat.platformChatId,
        publicNames: msgs.publicNames,
      }
      const add = (row: NewOutboxRow) => {
        outRows.push(row)
        ofKey.set(row.dedupeKey!, result)
      }
      msgs.parts.forEach((text, n) => add({ ...base, text, image: null, dedupeKey: disclosureKey(item.compound.id, chat.id, item.period, n + 1) }))
      if (msgs.chart) add({ ...base, text: msgs.chart.caption ?? '', image: msgs.chart.png, dedupeKey: disclosureKey(item.compound.id, chat.id, item.period, 'chart') })
    }
    // rows with a chart PNG (~0.15 MB each, sent as hex) in smaller statements: a chunk's 500 in one took 0.3 GB more
    const step = outRows.some((r) => r.image) ? 100 : outRows.length
    for (let k = 0; k < outRows.length; k += step) for (const w of await writeOutbox(tx, outRows.slice(k, k + step))) ofKey.get(w.dedupeKey!)!.rows++
    // a broken ledger is rare: its committee's alert (once per broken state) costs a few statements per compound
    const broken = new Map(ready.filter((x) => x.failure).map((x) => [x.result.item.compound.id, x]))
    for (const { result, failure } of broken.values()) await alertCommittee(tx, result.item.compound, failure!, opts.now)
  })
  const empty = ready.filter((x) => x.result.empty).map((x) => ({ compound: x.result.item.compound.id, kind: x.result.item.period.kind, period: x.result.item.period.key }))
  if (empty.length > 0) log.info({ periods: empty }, 'disclosure: nothing happened in the period, recorded and not posted')
  const posted = ready.filter((x) => x.result.chats > 0).map((x) => x.result)
  if (posted.length > 0) {
    log.info(
      { compounds: new Set(posted.map((r) => r.item.compound.id)).size, chats: posted.reduce((n, r) => n + r.chats, 0), rows: posted.reduce((n, r) => n + r.rows, 0) },
      'disclosures posted',
    )
  }
  return failed
}
