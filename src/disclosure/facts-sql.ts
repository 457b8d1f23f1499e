// What the set-based readers of the disclosure facts share: the items (a compound and a period each), the
// instant their open tickets and arrears are counted at, the items as a table for a statement, decoding the
// raw rows, and the effect of a ledger entry in plain SQL. Statements filter by compound_id (./facts.ts).
import { sql, type SQL } from 'drizzle-orm'
import type { Queryable } from '../../db/client.ts'
import type { CompoundRow } from '../../db/compounds.ts'
import type { Period } from '../domain/calendar.ts'

/** A compound and the period to disclose. */
export interface DisclosureItem {
  compound: CompoundRow
  period: Period
  /** posted after its scheduled time (补发) */
  late?: boolean
}

type Row = Record<string, unknown>

export async function rows(q: Queryable, query: SQL): Promise<Row[]> {
  const res = await q.execute(query)
  return ((res as { rows?: Row[] }).rows ?? (res as unknown as Row[])) as Row[]
}

export const big = (v: unknown): bigint => (v === null || v === undefined ? 0n : BigInt(String(v)))
export const num = (v: unknown): number => Number(v ?? 0)
export const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v))
/** epoch milliseconds as selected by `ms(...)` → Date */
export const date = (v: unknown): Date => new Date(Number(v))
/** a timestamptz as epoch milliseconds, truncated like the drivers' Date mapping */
export const ms = (col: SQL) => sql`floor(extract(epoch from ${col}) * 1000)::float8`

/** A list of integers as one text parameter (the drivers differ on array parameters; text is the same everywhere). */
export const idList = (ids: readonly number[]) => sql`string_to_array(${ids.join(',')}, ',')::int[]`
export const textList = (values: readonly string[]) => sql`string_to_array(${values.join(',')}, ',')`

/** When open tickets and arrears are counted: `now` while the period runs (an on-demand 公示), else its end. */
export const disclosureAsOf = (i: Pick<DisclosureItem, 'period'>, now: Date) => (now.getTime() < i.period.to.getTime() ? now : i.period.to)

/** `unnest(…) AS p(ix, compound_id, pfrom, pto, as_of)`: the items with their periods, one text parameter per column. */
export function periodsTable(items: readonly DisclosureItem[], now: Date): SQL {
  const ix = items.map((_, k) => k)
  const stamps = (f: (i: DisclosureItem) => Date) => sql`${textList(items.map((i) => f(i).toISOString()))}::timestamptz[]`
  return sql`unnest(${idList(ix)}, ${idList(items.map((i) => i.compound.id))}, ${stamps((i) => i.period.from)}, ${stamps((i) => i.period.to)},
    ${stamps((i) => disclosureAsOf(i, now))}) AS p(ix, compound_id, pfrom, pto, as_of)`
}

// the effect of an entry, as in db/ledger-sums.ts: a reversal has the reversed entry's kind, negated
export const EFF = sql`CASE WHEN e.kind = 'reversal' THEN o.kind ELSE e.kind END`
export const SIGN = sql`CASE WHEN e.kind = 'reversal' THEN -1 ELSE 1 END`
export const CASH = sql`CASE ${EFF} WHEN 'payment' THEN ${SIGN} * e.amount_fen WHEN 'income' THEN ${SIGN} * e.amount_fen
  WHEN 'expense' THEN -${SIGN} * e.amount_fen ELSE 0 END`
export const JOIN_ORIG = sql`LEFT JOIN ledger_entries o ON o.compound_id = e.compound_id AND o.serial = e.reverses_serial`
/**
 * JOIN_ORIG when `e` is every entry of a list of compounds: `o` is limited to them too, or the planner hashes the
 * whole table (EXPLAIN: a sequential scan of every compound's ledger for each chunk).
 */
export const joinOrigOf = (ids: readonly number[]) =>
  sql`LEFT JOIN ledger_entries o ON o.compound_id = e.compound_id AND o.serial = e.reverses_serial AND o.compound_id = ANY(${idList(ids)})`
