// The database itself keeps the audit tables append-only (migrations 0001 and 0007; docs/LEDGER.md "What the
// database refuses"): ledger entries, ledger receipts, ballots, ticket events, disclosures (the published chain
// heads), frozen poll electorates, polls (never deleted; an open poll may only be closed; a closed poll's
// result never changes) and cost claims (decided once). UPDATE, DELETE, TRUNCATE and TRUNCATE … CASCADE of a
// parent table are refused, for the superuser the tests connect as and for an ordinary role that was granted
// every privilege on every table, which cannot switch the triggers off either. Runs on PGlite and, with
// DATABASE_URL, on PostgreSQL.
import { randomBytes } from 'node:crypto'
import { type SQL, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import type { Database } from '../../db/client.ts'
import { createCompound } from '../../db/compounds.ts'
import { appendLedgerEntry } from '../../db/ledger.ts'
import { useTestDatabases } from '../helpers/db.ts'

const dbs = useTestDatabases()

type Row = Record<string, unknown>
const rowsOf = (res: unknown): Row[] => ((res as { rows?: Row[] }).rows ?? (res as Row[])) as Row[]

/** One row in every audit table (and what they hang off), written the way the code writes them. */
async function setUp() {
  const db = await dbs.fresh()
  const c = await createCompound(db.db, { name: '幸福里' })
  const one = async (q: SQL) => rowsOf(await db.db.execute(q))[0]!
  const chat = await one(sql`INSERT INTO chats (compound_id, platform, platform_chat_id) VALUES (${c.id}, 'console', 'g1') RETURNING id`)
  const h = await one(sql`INSERT INTO households (compound_id, building, unit, room, code, area_centi_m2)
    VALUES (${c.id}, '3', '2', '201', '3-2-201', 8950) RETURNING id`)
  const m = await one(sql`INSERT INTO members (platform, platform_user_id, display_name) VALUES ('console', 'u1', '张三') RETURNING id`)
  const t = await one(sql`INSERT INTO tickets (compound_id, no, reporter_member_id, description) VALUES (${c.id}, 1, ${m.id}, '楼道灯不亮') RETURNING id`)
  await db.db.execute(sql`INSERT INTO ticket_events (compound_id, ticket_id, actor_member_id, action, to_status) VALUES (${c.id}, ${t.id}, ${m.id}, 'open', 'open')`)
  const entry = await db.db.transaction((tx) =>
    appendLedgerEntry(tx, { compoundId: c.id, kind: 'expense', amountFen: 3000n, note: '换灯泡', recordedAt: new Date('2026-11-20T02:00:00Z') }),
  )
  await db.db.execute(sql`INSERT INTO ledger_receipts (compound_id, entry_id, file_ref) VALUES (${c.id}, ${entry.id}, 'photo:1')`)
  const deadline = '2026-12-01T00:00:00Z'
  const open = await one(sql`INSERT INTO polls (compound_id, no, title, options, deadline) VALUES (${c.id}, 1, '换门禁', '["同意","反对"]', ${deadline}) RETURNING id`)
  const closed = await one(sql`INSERT INTO polls (compound_id, no, title, options, deadline, status, closed_at, result)
    VALUES (${c.id}, 2, '装路灯', '["同意","反对"]', ${deadline}, 'closed', ${deadline}, '{"passed":true}') RETURNING id`)
  const ballot = await one(sql`INSERT INTO ballots (compound_id, poll_id, voter_key, household_id, member_id, options)
    VALUES (${c.id}, ${open.id}, ${`h:${h.id}`}, ${h.id}, ${m.id}, '[0]') RETURNING id`)
  await db.db.execute(sql`INSERT INTO current_ballots (compound_id, poll_id, voter_key, ballot_id) VALUES (${c.id}, ${open.id}, ${`h:${h.id}`}, ${ballot.id})`)
  await db.db.execute(sql`INSERT INTO poll_electorate (compound_id, poll_id, voter_key, household_id, code, area_centi_m2)
    VALUES (${c.id}, ${open.id}, ${`h:${h.id}`}, ${h.id}, '3-2-201', 8950)`)
  await db.db.execute(sql`INSERT INTO disclosures (compound_id, chat_id, period_kind, period, chain_serial, chain_head)
    VALUES (${c.id}, ${chat.id}, 'week', '2026-W47', ${entry.serial}, ${entry.hash})`)
  const pending = await one(sql`INSERT INTO cost_claims (compound_id, ticket_id, amount_fen, claimed_by) VALUES (${c.id}, ${t.id}, 5000, ${m.id}) RETURNING id`)
  const decided = await one(sql`INSERT INTO cost_claims (compound_id, ticket_id, amount_fen, claimed_by, status, decided_by, decided_at)
    VALUES (${c.id}, ${t.id}, 3000, ${m.id}, 'approved', ${m.id}, now()) RETURNING id`)
  return { db, compoundId: c.id, openPoll: Number(open.id), closedPoll: Number(closed.id), pendingClaim: Number(pending.id), decidedClaim: Number(decided.id) }
}

const AUDIT_TABLES = ['ledger_entries', 'ledger_receipts', 'ballots', 'ticket_events', 'disclosures', 'poll_electorate', 'polls', 'cost_claims'] as const

/** How many rows each audit table holds. */
async function counts(db: Database): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const table of AUDIT_TABLES) out[table] = Number(rowsOf(await db.db.execute(sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)}`))[0]!.n)
  return out
}

interface PgError {
  code?: string
  message?: string
}

/** Run `q` (in its own transaction, as `role` when given) and return the database's error; null when it went through. */
async function attempt(db: Database, q: SQL, role?: string): Promise<PgError | null> {
  return db.db
    .transaction(async (tx) => {
      if (role) await tx.execute(sql`SET LOCAL ROLE ${sql.identifier(role)}`)
      await tx.execute(q)
    })
    .then(
      () => null,
      // drizzle wraps the driver's error: the PostgreSQL code and message are on `cause`
      (err: { cause?: PgError } & PgError) => err.cause ?? err,
    )
}

/** Every statement that would remove or rewrite audit history. */
function tamperings(s: Awaited<ReturnType<typeof setUp>>): [string, SQL][] {
  const out: [string, SQL][] = []
  for (const table of AUDIT_TABLES) {
    const t = sql.identifier(table)
    out.push([`DELETE FROM ${table}`, sql`DELETE FROM ${t}`])
    out.push([`TRUNCATE ${table}`, sql`TRUNCATE ${t}`])
    out.push([`TRUNCATE ${table} CASCADE`, sql`TRUNCATE ${t} CASCADE`])
  }
  out.push(
    ['UPDATE ledger_entries', sql`UPDATE ledger_entries SET amount_fen = 1`],
    ['UPDATE ledger_receipts', sql`UPDATE ledger_receipts SET file_ref = 'photo:forged'`],
    ['UPDATE ballots', sql`UPDATE ballots SET options = '[1]'`],
    ['UPDATE ticket_events', sql`UPDATE ticket_events SET note = '已修好'`],
    ['UPDATE disclosures (the published head)', sql`UPDATE disclosures SET chain_serial = 0, chain_head = ${'0'.repeat(64)}`],
    ['UPDATE poll_electorate', sql`UPDATE poll_electorate SET area_centi_m2 = 250000`],
    ['UPDATE an open poll other than closing it', sql`UPDATE polls SET deadline = deadline + interval '30 days' WHERE id = ${s.openPoll}`],
    ['UPDATE an open poll\'s options', sql`UPDATE polls SET options = '["同意"]' WHERE id = ${s.openPoll}`],
    ['UPDATE a closed poll\'s result', sql`UPDATE polls SET result = '{"passed":false}' WHERE id = ${s.closedPoll}`],
    ['reopen a closed poll', sql`UPDATE polls SET status = 'open', closed_at = NULL WHERE id = ${s.closedPoll}`],
    ['UPDATE a pending claim\'s amount', sql`UPDATE cost_claims SET amount_fen = 500000 WHERE id = ${s.pendingClaim}`],
    ['decide a decided claim again', sql`UPDATE cost_claims SET status = 'rejected' WHERE id = ${s.decidedClaim}`],
    // a parent table's TRUNCATE … CASCADE would take every audit table that references it
    ['TRUNCATE compounds CASCADE', sql`TRUNCATE compounds CASCADE`],
    ['TRUNCATE tickets CASCADE', sql`TRUNCATE tickets CASCADE`],
    ['TRUNCATE members CASCADE', sql`TRUNCATE members CASCADE`],
  )
  return out
}

/**
 * A plain TRUNCATE of a table other tables reference (ledger_entries, polls, ballots) is refused by PostgreSQL's
 * foreign key check before any trigger runs; its CASCADE form reaches the triggers, and is tested too.
 */
function referencedRefusal(what: string, err: PgError): boolean {
  return /^TRUNCATE \w+$/.test(what) && err.code === '0A000' && /referenced in a foreign key/.test(err.message ?? '')
}

describe('append-only audit tables', () => {
  it('refuse UPDATE, DELETE, TRUNCATE and TRUNCATE … CASCADE, and keep every row', async () => {
    const s = await setUp()
    const before = await counts(s.db)
    expect(Object.values(before).every((n) => n > 0)).toBe(true)
    for (const [what, q] of tamperings(s)) {
      const err = await attempt(s.db, q)
      expect(err, `${what} went through`).not.toBeNull()
      if (referencedRefusal(what, err!)) continue
      expect(err!.code, `${what}: ${err!.message}`).toBe('42501')
      expect(err!.message, what).toMatch(/append-only|closed|only closing|only its decision|already approved/)
    }
    expect(await counts(s.db)).toEqual(before)
    const [poll] = rowsOf(await s.db.db.execute(sql`SELECT status, result FROM polls WHERE id = ${s.closedPoll}`))
    expect(poll).toMatchObject({ status: 'closed', result: { passed: true } })
  })

  it('still let the code do what it does: append, close an open poll once, decide a pending claim once', async () => {
    const s = await setUp()
    expect(await attempt(s.db, sql`INSERT INTO ticket_events (compound_id, ticket_id, action) SELECT compound_id, id, 'note' FROM tickets`)).toBeNull()
    const close = sql`UPDATE polls SET status = 'closed', closed_at = now(), result = '{"passed":false}', result_announced_at = now() WHERE id = ${s.openPoll}`
    expect(await attempt(s.db, close)).toBeNull()
    expect((await attempt(s.db, close))?.message).toMatch(/is closed: its result cannot change/)
    const approve = sql`UPDATE cost_claims SET status = 'approved', decided_at = now(), ledger_serial = 2 WHERE id = ${s.pendingClaim}`
    expect(await attempt(s.db, approve)).toBeNull()
    expect((await attempt(s.db, approve))?.message).toMatch(/already approved/)
  })

  it('hold for an ordinary role granted every privilege, which cannot switch the triggers off', async () => {
    const s = await setUp()
    const role = `linli_app_${randomBytes(4).toString('hex')}`
    const r = sql.identifier(role)
    await s.db.db.execute(sql`CREATE ROLE ${r} NOLOGIN NOSUPERUSER`)
    try {
      await s.db.db.execute(sql`GRANT USAGE ON SCHEMA public TO ${r}`)
      await s.db.db.execute(sql`GRANT ALL PRIVILEGES ON ALL TABLES IN SCHEMA public TO ${r}`)
      await s.db.db.execute(sql`GRANT ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA public TO ${r}`)
      const before = await counts(s.db)
      // the role may write: an insert goes through
      expect(await attempt(s.db, sql`INSERT INTO ticket_events (compound_id, ticket_id, action) SELECT compound_id, id, 'note' FROM tickets`, role)).toBeNull()
      for (const [what, q] of tamperings(s)) {
        const err = await attempt(s.db, q, role)
        expect(err, `${what} went through as ${role}`).not.toBeNull()
        if (referencedRefusal(what, err!)) continue
        expect(err!.code, `${what}: ${err!.message}`).toBe('42501')
      }
      // the ways round the triggers need the owner or a superuser
      const bypass = [
        sql`SET session_replication_role = replica`,
        sql`ALTER TABLE ledger_entries DISABLE TRIGGER USER`,
        sql`ALTER TABLE disclosures DISABLE TRIGGER disclosures_append_only`,
        sql`DROP TRIGGER ballots_no_truncate ON ballots`,
        sql`CREATE OR REPLACE FUNCTION linli_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$`,
      ]
      for (const q of bypass) {
        const err = await attempt(s.db, q, role)
        expect(err, 'a bypass went through').not.toBeNull()
        expect(err!.code, err!.message).toBe('42501')
      }
      expect(await counts(s.db)).toEqual({ ...before, ticket_events: before.ticket_events! + 1 })
    } finally {
      await s.db.db.execute(sql`DROP OWNED BY ${r}`)
      await s.db.db.execute(sql`DROP ROLE ${r}`)
    }
  })
})
