// Synthetic data for the disclosure benchmark, generated on the server with INSERT … SELECT generate_series.
//
// Per compound: one Telegram group chat, a roster of HOUSEHOLDS households with owner names, a head and a
// collector, ENTRIES ledger entries spread over the 12 weeks before the period's end (charges, payments,
// expenses — some with a phone number or an owner's name in the note, so redaction runs —, income and one
// reversal of an expense), three repair tickets (one opened and done in the period, one opened in it, one old
// and overdue) and, in every tenth compound, an open poll. About 8 entries per compound fall in the disclosed
// week. The hash chain is real: the entries are loaded with placeholder hashes, then each compound's chain is
// computed with entryHash and written back (rechain), because every disclosure checks the chain before it
// publishes figures (db/ledger-check.ts) and a broken one would get a notice instead.
import postgres from 'postgres'
import { type ChainEntry, entryHash, GENESIS_HASH } from '../src/domain/ledger-chain.ts'

export const HOUSEHOLDS = 50
export const ENTRIES = 100

export interface DisclosureDataset {
  compounds: number
  entries: number
  households: number
  tickets: number
  seconds: number
}

export async function generateDisclosureData(url: string, compounds: number, entriesPerCompound = ENTRIES): Promise<DisclosureDataset> {
  const t0 = performance.now()
  const sql = postgres(url, { max: 4, onnotice: () => {} })
  const H = HOUSEHOLDS
  const E = entriesPerCompound
  // bulk load: FK and append-only triggers off for these sessions (superuser), as a restore would
  const load = async (fn: (tx: postgres.TransactionSql) => Promise<unknown>) =>
    sql.begin(async (tx) => {
      await tx`SET LOCAL session_replication_role = replica`
      await fn(tx)
    })
  try {
    await load(async (tx) => {
      await tx`INSERT INTO compounds (id, name, time_zone, language, settings, created_at)
        SELECT g, '小区' || g, 'Asia/Shanghai',
          CASE WHEN g % 10 = 0 THEN 'zh-TW' ELSE 'zh-CN' END,
          CASE WHEN g % 4 = 0 THEN '{"arrearsRoomsPublic": true}'::jsonb ELSE '{}'::jsonb END,
          '2026-01-01T00:00:00Z'
        FROM generate_series(1, ${compounds}::int) g`
      await tx`SELECT setval('compounds_id_seq', ${compounds}::int)`
      await tx`INSERT INTO chats (id, compound_id, platform, platform_chat_id, title)
        SELECT g, g, 'telegram', '-100' || (1000000 + g), '小区' || g || '业主群' FROM generate_series(1, ${compounds}::int) g`
      await tx`SELECT setval('chats_id_seq', ${compounds}::int)`
      // members 2c-1 (head) and 2c (collector) of compound c
      await tx`INSERT INTO members (id, platform, platform_user_id, display_name)
        SELECT m, 'telegram', (500000 + m)::text,
          (ARRAY['王建国','李秀英','张伟','刘洋','陈静','杨帆','赵磊','黄丽'])[1 + m % 8] || (m / 16)
        FROM generate_series(1, ${2 * compounds}::int) m`
      await tx`SELECT setval('members_id_seq', ${2 * compounds}::int)`
      await tx`INSERT INTO roles (compound_id, member_id, role)
        SELECT g, 2 * g - 1, 'head' FROM generate_series(1, ${compounds}::int) g
        UNION ALL SELECT g, 2 * g, 'collector' FROM generate_series(1, ${compounds}::int) g`
    })
    // households (c-1)*H + h, h = 1…H: buildings of 10 rooms (2 units × 5 floors)
    await Promise.all(
      chunks(compounds, 4).map(([a, b]) =>
        load((tx) => tx`INSERT INTO households (id, compound_id, building, unit, room, code, area_centi_m2, owner_name)
          SELECT (c - 1) * ${H}::int + h, c, b::text, u::text, r::text, b || '-' || u || '-' || r, 7000 + (h * 997) % 8000,
            (ARRAY['张','王','李','赵','刘','陈','杨','黄','周','吴'])[1 + (c + h) % 10]
              || (ARRAY['建华','秀兰','志强','桂英','海燕','国庆','丽娟','文博'])[1 + (c * 7 + h) % 8]
          FROM generate_series(${a}::int, ${b}::int) c, generate_series(1, ${H}::int) h,
            LATERAL (SELECT 1 + (h - 1) / 10 AS b, 1 + ((h - 1) % 10) / 5 AS u, (1 + (h - 1) % 5) * 100 + 1 + ((h - 1) / 5) % 2 AS r) x`),
      ),
    )
    await sql`SELECT setval('households_id_seq', ${compounds * H}::int)`
    // the ledger: serial s of compound c at 2026-08-31 00:00 +08 + (s-1)·20h (+ c seconds);
    // s % 10: 1-4 charge, 5-7 payment, 8 and 0 expense, 9 income; the last entry reverses the expense at E-2
    await Promise.all(
      chunks(compounds, 4).map(([a, b]) =>
        load((tx) => tx`INSERT INTO ledger_entries (compound_id, serial, kind, household_id, amount_fen, category, counterparty, note,
            reverses_serial, recorded_by, recorded_at, prev_hash, hash)
          SELECT c, s, k.kind,
            CASE WHEN k.kind IN ('charge', 'payment') THEN (c - 1) * ${H}::int + 1 + (s * 7 + c) % ${H}::int
                 WHEN k.kind = 'reversal' THEN NULL END,
            CASE WHEN k.kind IN ('charge', 'payment') THEN 30000 + (s * 13 + c) % 5000
                 WHEN k.kind = 'income' THEN 20000 + (c % 7) * 1000
                 WHEN k.kind = 'expense' THEN 5000 + (s * 37 + c) % 45000
                 ELSE 5000 + ((s - 2) * 37 + c) % 45000 END,
            CASE k.kind WHEN 'expense' THEN (ARRAY['cleaning','repair','utilities','greenery','security'])[1 + (s + c) % 5]
                        WHEN 'income' THEN (ARRAY['parking','advertising'])[1 + (s + c) % 2]
                        WHEN 'reversal' THEN (ARRAY['cleaning','repair','utilities','greenery','security'])[1 + (s - 2 + c) % 5] END,
            CASE WHEN k.kind = 'expense' AND s % 3 = 0 THEN '李师傅 13800138' || lpad(((c * 31 + s) % 1000)::text, 3, '0') END,
            CASE WHEN k.kind = 'expense' THEN
                   (ARRAY['楼道保洁','更换灯泡','水泵维修','绿化修剪','门禁维护'])[1 + (s + c) % 5]
                   || CASE WHEN s % 4 = 0 THEN '（经手人 张建华）' ELSE '' END
                 WHEN k.kind = 'reversal' THEN '录入错误，冲正'
                 WHEN k.kind = 'income' THEN '车位租金' END,
            CASE WHEN k.kind = 'reversal' THEN s - 2 END,
            2 * c,
            timestamptz '2026-08-31 00:00:00+08' + (s - 1) * interval '20 hours' + c * interval '1 second',
            CASE WHEN s = 1 THEN repeat('0', 64) ELSE md5(c || ':' || (s - 1)) || md5((s - 1) || ':' || c) END,
            md5(c || ':' || s) || md5(s || ':' || c)
          FROM generate_series(${a}::int, ${b}::int) c, generate_series(1, ${E}::int) s,
            LATERAL (SELECT CASE WHEN s = ${E}::int AND ${E}::int > 2 THEN 'reversal'
                                 WHEN s % 10 BETWEEN 1 AND 4 THEN 'charge'
                                 WHEN s % 10 BETWEEN 5 AND 7 THEN 'payment'
                                 WHEN s % 10 = 9 THEN 'income' ELSE 'expense' END AS kind) k`),
      ),
    )
    await Promise.all(chunks(compounds, 4).map(([a, b]) => rechain(sql, a, b)))
    await load(async (tx) => {
      // tickets 3c-2 (opened and done in the period), 3c-1 (opened in the period, open), 3c (old, overdue)
      await tx`INSERT INTO tickets (id, compound_id, no, reporter_member_id, household_id, place, description, category, urgent, status,
          origin_platform, origin_chat_id, created_at, updated_at, done_at)
        SELECT 3 * (c - 1) + n, c, n, 2 * c - 1, CASE WHEN n = 1 THEN (c - 1) * ${H}::int + 1 END, CASE WHEN n <> 1 THEN '3栋楼道' END,
          (ARRAY['楼道灯不亮','电梯异响','单元门关不上'])[n], (ARRAY['electric','elevator','door'])[n], false,
          CASE n WHEN 1 THEN 'done' ELSE 'open' END, 'telegram', '-100' || (1000000 + c),
          CASE n WHEN 3 THEN timestamptz '2026-10-08 10:00:00+08' ELSE timestamptz '2026-11-17 09:00:00+08' + n * interval '1 hour' END,
          timestamptz '2026-11-18 12:00:00+08', CASE WHEN n = 1 THEN timestamptz '2026-11-18 12:00:00+08' END
        FROM generate_series(1, ${compounds}::int) c, generate_series(1, 3) n`
      await tx`SELECT setval('tickets_id_seq', ${3 * compounds}::int)`
      await tx`INSERT INTO ticket_events (compound_id, ticket_id, actor_member_id, action, from_status, to_status, at)
        SELECT t.compound_id, t.id, t.reporter_member_id, 'created', NULL, 'open', t.created_at FROM tickets t
        UNION ALL
        SELECT t.compound_id, t.id, 2 * t.compound_id, 'done', 'open', 'done', t.done_at FROM tickets t WHERE t.no = 1`
      await tx`INSERT INTO polls (compound_id, no, title, options, multiple, rule, electorate, secret, deadline, status, created_by, created_at)
        SELECT c, 1, '是否更换小区大门（联系人 13912345678）', '["同意","反对"]'::jsonb, false, 'simple', 'owners', false,
          timestamptz '2026-11-30 20:00:00+08', 'open', 2 * c - 1, timestamptz '2026-11-19 10:00:00+08'
        FROM generate_series(10, ${compounds}::int, 10) c`
    })
    await sql`ANALYZE`
    const [n] = await sql<{ entries: number; tickets: number }[]>`
      SELECT (SELECT count(*) FROM ledger_entries)::int AS entries, (SELECT count(*) FROM tickets)::int AS tickets`
    return { compounds, entries: n!.entries, households: compounds * H, tickets: n!.tickets, seconds: (performance.now() - t0) / 1000 }
  } finally {
    await sql.end({ timeout: 5 })
  }
}

/** Compute the real chain (entryHash) of compounds a…b, 100 compounds at a time, and write it back (triggers off). */
async function rechain(sql: postgres.Sql, a: number, b: number): Promise<void> {
  for (let from = a; from <= b; from += 100) {
    const to = Math.min(b, from + 99)
    const rows = await sql<Record<string, unknown>[]>`SELECT id, compound_id, serial, kind, household_id, amount_fen::text AS amount,
        category, counterparty, note, receipt_ref, ticket_id, reverses_serial, recorded_by, recorded_at, due_at
      FROM ledger_entries WHERE compound_id BETWEEN ${from}::int AND ${to}::int ORDER BY compound_id, serial`
    const ids: number[] = []
    const prevs: string[] = []
    const hashes: string[] = []
    let compound = -1
    let prev = GENESIS_HASH
    const int = (v: unknown) => (v === null || v === undefined ? null : Number(v))
    for (const r of rows) {
      if (Number(r.compound_id) !== compound) {
        compound = Number(r.compound_id)
        prev = GENESIS_HASH
      }
      const e: ChainEntry = {
        serial: Number(r.serial),
        compoundId: compound,
        kind: String(r.kind),
        householdId: int(r.household_id),
        amountFen: BigInt(String(r.amount)),
        category: (r.category as string | null) ?? null,
        counterparty: (r.counterparty as string | null) ?? null,
        note: (r.note as string | null) ?? null,
        receiptRef: (r.receipt_ref as string | null) ?? null,
        ticketId: int(r.ticket_id),
        reversesSerial: int(r.reverses_serial),
        recordedBy: int(r.recorded_by),
        recordedAt: new Date(r.recorded_at as Date),
        dueAt: r.due_at ? new Date(r.due_at as Date) : null,
      }
      const hash = entryHash(prev, e)
      ids.push(Number(r.id))
      prevs.push(prev)
      hashes.push(hash)
      prev = hash
    }
    if (ids.length === 0) continue
    await sql.begin(async (tx) => {
      await tx`SET LOCAL session_replication_role = replica`
      await tx`UPDATE ledger_entries e SET prev_hash = v.p, hash = v.h
        FROM unnest(${ids}::int[], ${prevs}::text[], ${hashes}::text[]) AS v(id, p, h) WHERE e.id = v.id`
    })
  }
}

/** [from, to] ranges splitting 1…n into k parts. */
function chunks(n: number, k: number): [number, number][] {
  const out: [number, number][] = []
  const size = Math.ceil(n / k)
  for (let a = 1; a <= n; a += size) out.push([a, Math.min(n, a + size - 1)])
  return out
}
