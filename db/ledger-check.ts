// Verifying a compound's ledger: 核验 and the export (verifyCompoundLedger, everything recomputed) and the cheap
// check that 账目 and every 公示 run before they publish numbers (checkLedgers). docs/LEDGER.md "What 核验
// checks, and what happens when it fails".
//
// Both check (a) the chain: serials 1..n without gaps, each entry linked to the previous hash, each hash
// recomputed from the entry; and (b) every chain head a 公示 published (disclosures.chain_serial / chain_head)
// is still in it: the entry with that serial exists and has that hash. A tail deleted by someone with the
// triggers off, or entries rewritten with their hashes recomputed, leave a valid chain behind; only (b) sees it.
//
// Recomputing every hash costs about 0.1 ms an entry (1 s for 10,000), too much for every 账目, so checkLedgers
// recomputes only the entries after a point already verified:
// - the point this process last verified for the compound, kept with a fingerprint of the rows up to it: their
//   count and the sum of their xmin. Any UPDATE, DELETE or re-INSERT gives the row a new xmin, triggers or not,
//   so a changed fingerprint means an old row was touched, and the whole chain is recomputed;
// - else (the first check since the process started) the newest head a 公示 published: (b) proves that entry
//   is still there with the hash the group was shown, and that post went out only after a check passed.
// (b) runs every time. Set-based: one statement for any number of compounds (the scheduler passes a chunk), and
// one more for their new entries; a compound that fails, or whose fingerprint moved, is then verified in full
// on its own (the exception, not the rule).
import { and, asc, eq, gt, lte, or, sql } from 'drizzle-orm'
import { GENESIS_HASH, verifyChain } from '../src/domain/ledger-chain.ts'
import type { Queryable } from './client.ts'
import { parseDisclosurePeriod } from './disclosure.ts'
import { ledgerEntries } from './schema.ts'

/** A chain head a 公示 published: the newest entry's serial and hash as the post showed them. */
export interface PublishedHead {
  disclosureId: number
  serial: number
  head: string
  periodKind: 'week' | 'month' | 'year'
  /** the period key (2026-W47), also for an on-demand 公示 */
  period: string
  /** posted with 公示 by a committee member rather than by the schedule */
  onDemand: boolean
  at: Date
}

export type ChainProblem = 'hashMismatch' | 'prevMismatch' | 'serialGap'
export type PublishedProblem = 'publishedMissing' | 'publishedChanged'

export type LedgerFailure =
  | {
      ok: false
      reason: ChainProblem
      /** the first entry that does not fit (for a deleted entry: the one after the hole) */
      firstBadSerial: number
      /** entries verified good before it */
      count: number
      /** the first bad entry's row id */
      firstBadId?: number
    }
  | {
      ok: false
      /** missing: the published entry is gone (a deleted tail); changed: it is there with another hash */
      reason: PublishedProblem
      /** missing: the first serial no longer in the ledger; changed: the published serial */
      firstBadSerial: number
      /** entries in the ledger, all of them chained correctly */
      count: number
      published: PublishedHead
      /** the hash the entry has now (null when it is gone) */
      actualHash: string | null
    }

export type LedgerVerification = { ok: true; count: number; head: string } | LedgerFailure

/** What a check cost (tests and measurements): entries whose hash was recomputed, compounds verified in full. */
export interface CheckStats {
  hashed: number
  full: number
}

// ---- the per-process record of what was verified ---------------------------------------------------------

interface Verified {
  /** the database and its server's start: a process talks to one database, tests to many (and a restarted
   * server may hold a restored one) */
  db: string
  /** rows with serial ≤ `serial` and the sum of their xmin when they were verified */
  rows: number
  xmins: string
  serial: number
  hash: string
  /** set when that state did not verify: the same rows give the same answer */
  failure?: LedgerFailure
}

/** Bounds the memory of a process serving many compounds (about 200 bytes each). */
const MAX_REMEMBERED = 50_000
const verified = new Map<number, Verified>()

function remember(compoundId: number, v: Verified): void {
  verified.delete(compoundId)
  if (verified.size >= MAX_REMEMBERED) verified.delete(verified.keys().next().value!)
  verified.set(compoundId, v)
}

/** Forget what this process verified (tests: a restarted process). */
export function forgetLedgerChecks(): void {
  verified.clear()
}

// ---- queries -------------------------------------------------------------------------------------------

type Row = Record<string, unknown>
const rowsOf = (res: unknown): Row[] => ((res as { rows?: Row[] }).rows ?? (res as Row[])) as Row[]
/** integers as one text parameter (the drivers differ on array parameters) */
const ints = (values: readonly number[]) => sql`string_to_array(${values.join(',')}, ',')::int[]`

interface Fingerprint {
  db: string
  /** entries, the newest serial and its hash, and the sum of the entries' xmin */
  rows: number
  last: number
  lastHash: string
  xmins: string
  /** the same over the entries with serial ≤ the `upTo` asked for, and that entry's hash */
  upToRows: number
  upToXmins: string
  upToHash: string | null
  /** the newest published head */
  published: { serial: number; head: string } | null
  /** some published head is not in the chain as published */
  publishedBad: boolean
}

/** The published head that is not in the chain where it was published. */
const BAD_PUBLISHED = sql`d.chain_serial IS NOT NULL AND NOT (d.chain_serial = 0 AND d.chain_head = ${GENESIS_HASH})
  AND e.hash IS DISTINCT FROM d.chain_head`

/** One statement for all `items`: each compound's fingerprint, also up to `upTo`, and its published heads. */
async function fingerprints(q: Queryable, items: readonly { compoundId: number; upTo: number }[]): Promise<Map<number, Fingerprint>> {
  const xmin = sql`e.xmin::text::bigint`
  const res = await q.execute(sql`SELECT p.compound_id, current_database() || ' ' || pg_postmaster_start_time()::text AS db, f.n, f.last, f.x, f.un, f.ux, f.uh,
      (SELECT l.hash FROM ledger_entries l WHERE l.compound_id = p.compound_id ORDER BY l.serial DESC LIMIT 1) AS last_hash,
      pub.chain_serial AS pub_serial, pub.chain_head AS pub_head, bad.id IS NOT NULL AS pub_bad
    FROM unnest(${ints(items.map((i) => i.compoundId))}, ${ints(items.map((i) => i.upTo))}) AS p(compound_id, up_to)
    CROSS JOIN LATERAL (SELECT count(*)::int AS n, coalesce(max(e.serial), 0)::int AS last, coalesce(sum(${xmin}), 0)::text AS x,
        (count(*) FILTER (WHERE e.serial <= p.up_to))::int AS un,
        coalesce(sum(${xmin}) FILTER (WHERE e.serial <= p.up_to), 0)::text AS ux,
        max(e.hash) FILTER (WHERE e.serial = p.up_to) AS uh
      FROM ledger_entries e WHERE e.compound_id = p.compound_id) f
    LEFT JOIN LATERAL (SELECT d.chain_serial, d.chain_head FROM disclosures d
      WHERE d.compound_id = p.compound_id AND d.chain_serial IS NOT NULL ORDER BY d.chain_serial DESC, d.id DESC LIMIT 1) pub ON true
    LEFT JOIN LATERAL (SELECT d.id FROM disclosures d
        LEFT JOIN ledger_entries e ON e.compound_id = d.compound_id AND e.serial = d.chain_serial
      WHERE d.compound_id = p.compound_id AND ${BAD_PUBLISHED} LIMIT 1) bad ON true`)
  const out = new Map<number, Fingerprint>()
  for (const r of rowsOf(res)) {
    out.set(Number(r.compound_id), {
      db: String(r.db),
      rows: Number(r.n),
      last: Number(r.last),
      lastHash: r.last_hash == null ? GENESIS_HASH : String(r.last_hash),
      xmins: String(r.x),
      upToRows: Number(r.un),
      upToXmins: String(r.ux),
      upToHash: r.uh == null ? null : String(r.uh),
      published: r.pub_serial == null ? null : { serial: Number(r.pub_serial), head: String(r.pub_head) },
      publishedBad: r.pub_bad === true || r.pub_bad === 't',
    })
  }
  return out
}

/** The first published head (lowest serial) of the compound that is not in the chain as published. */
async function publishedProblem(q: Queryable, compoundId: number): Promise<(PublishedHead & { actualHash: string | null }) | null> {
  const res = await q.execute(sql`SELECT d.id, d.chain_serial, d.chain_head, d.period_kind, d.period,
      floor(extract(epoch from d.created_at) * 1000)::float8 AS at, e.hash AS actual
    FROM disclosures d LEFT JOIN ledger_entries e ON e.compound_id = d.compound_id AND e.serial = d.chain_serial
    WHERE d.compound_id = ${compoundId} AND ${BAD_PUBLISHED}
    ORDER BY d.chain_serial, d.created_at, d.id LIMIT 1`)
  const [r] = rowsOf(res)
  if (!r) return null
  const { key, onDemand } = parseDisclosurePeriod(String(r.period))
  return {
    disclosureId: Number(r.id),
    serial: Number(r.chain_serial),
    head: String(r.chain_head),
    periodKind: r.period_kind as PublishedHead['periodKind'],
    period: key,
    onDemand,
    at: new Date(Number(r.at)),
    actualHash: r.actual == null ? null : String(r.actual),
  }
}

// ---- the checks ----------------------------------------------------------------------------------------

/**
 * The full check (核验, export): every entry of the compound recomputed, and every published head looked up.
 * The first problem by serial is reported (a broken chain before a published one on a tie).
 */
export async function verifyCompoundLedger(q: Queryable, compoundId: number, stats?: CheckStats): Promise<LedgerVerification> {
  const fp = (await fingerprints(q, [{ compoundId, upTo: 0 }])).get(compoundId)!
  // entries appended after the fingerprint was taken are left for the next check
  const rows = await q
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.compoundId, compoundId), lte(ledgerEntries.serial, fp.last)))
    .orderBy(asc(ledgerEntries.serial))
  if (stats) {
    stats.hashed += rows.length
    stats.full++
  }
  const chain = verifyChain(rows)
  const pub = fp.publishedBad ? await publishedProblem(q, compoundId) : null
  let result: LedgerVerification = chain
  if (!chain.ok) {
    const bad = rows.find((r) => r.serial === chain.firstBadSerial)
    result = bad ? { ...chain, firstBadId: bad.id } : chain
  }
  if (pub) {
    const { actualHash, ...published } = pub
    const missing = actualHash === null
    const firstBadSerial = missing ? Math.min(pub.serial, rows.length + 1) : pub.serial
    if (chain.ok || firstBadSerial < chain.firstBadSerial) {
      result = { ok: false, reason: missing ? 'publishedMissing' : 'publishedChanged', firstBadSerial, count: chain.count, published, actualHash }
    }
  }
  remember(compoundId, {
    db: fp.db,
    rows: fp.rows,
    xmins: fp.xmins,
    serial: fp.last,
    hash: fp.lastHash,
    ...(result.ok ? {} : { failure: result }),
  })
  return result
}

/**
 * The cheap check of many compounds (账目, 公示, the scheduled batch): the same answer as verifyCompoundLedger,
 * recomputing only entries newer than what is known to be good (see the top of this file).
 */
export async function checkLedgers(q: Queryable, compoundIds: readonly number[], stats?: CheckStats): Promise<Map<number, LedgerVerification>> {
  const ids = [...new Set(compoundIds)]
  const out = new Map<number, LedgerVerification>()
  if (ids.length === 0) return out
  const known = (id: number) => verified.get(id)
  const fps = await fingerprints(
    q,
    ids.map((compoundId) => ({ compoundId, upTo: known(compoundId)?.serial ?? 0 })),
  )
  const full: number[] = []
  const tails: { compoundId: number; from: { serial: number; hash: string }; fp: Fingerprint }[] = []
  for (const id of ids) {
    const fp = fps.get(id)!
    const v = known(id)
    const same = v !== undefined && v.db === fp.db
    if (same && v.failure) {
      // still broken while nothing changed; anything changed is looked at again in full
      if (fp.rows === v.rows && fp.xmins === v.xmins) out.set(id, v.failure)
      else full.push(id)
      continue
    }
    if (fp.publishedBad) {
      full.push(id)
      continue
    }
    if (same) {
      const untouched = fp.upToRows === v.serial && fp.upToXmins === v.xmins && fp.upToHash === (v.serial === 0 ? null : v.hash)
      if (!untouched) full.push(id)
      else if (fp.last === v.serial && fp.rows === v.serial) out.set(id, { ok: true, count: v.serial, head: v.hash })
      else tails.push({ compoundId: id, from: { serial: v.serial, hash: v.hash }, fp })
      continue
    }
    // first check here: from the newest published head (its entry is there with that hash: publishedBad is false)
    const from = fp.published && fp.published.serial > 0 ? fp.published : { serial: 0, head: GENESIS_HASH }
    tails.push({ compoundId: id, from: { serial: from.serial, hash: from.head }, fp })
  }

  if (tails.length > 0) {
    const wanted = tails.filter((t) => t.fp.last > t.from.serial)
    // one statement: each compound's entries after its verified point (a range scan of the serial index each)
    const rows =
      wanted.length === 0
        ? []
        : await q
            .select()
            .from(ledgerEntries)
            .where(
              or(
                ...wanted.map((t) =>
                  and(eq(ledgerEntries.compoundId, t.compoundId), gt(ledgerEntries.serial, t.from.serial), lte(ledgerEntries.serial, t.fp.last)),
                ),
              ),
            )
            .orderBy(asc(ledgerEntries.compoundId), asc(ledgerEntries.serial))
    const byCompound = new Map<number, typeof rows>()
    for (const r of rows) {
      let list = byCompound.get(r.compoundId)
      if (!list) byCompound.set(r.compoundId, (list = []))
      list.push(r)
    }
    for (const t of tails) {
      const tail = byCompound.get(t.compoundId) ?? []
      if (stats) stats.hashed += tail.length
      const res = verifyChain(tail, t.from)
      // serials 1..last with none missing below the verified point, or an entry after it that does not fit:
      // the full check tells exactly what is wrong
      if (!res.ok || res.count !== t.fp.last || t.fp.rows !== t.fp.last) {
        full.push(t.compoundId)
        continue
      }
      remember(t.compoundId, { db: t.fp.db, rows: t.fp.rows, xmins: t.fp.xmins, serial: t.fp.last, hash: res.head })
      out.set(t.compoundId, res)
    }
  }

  for (const id of full) out.set(id, await verifyCompoundLedger(q, id, stats))
  return out
}

/** checkLedgers for one compound. */
export async function checkLedger(q: Queryable, compoundId: number, stats?: CheckStats): Promise<LedgerVerification> {
  return (await checkLedgers(q, [compoundId], stats)).get(compoundId)!
}
