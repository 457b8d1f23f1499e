// CSV of a period's ledger for the bulletin board (宣传栏), `linli export`: every entry recorded in the period, in
// chain order, with its serial and hash so gaps and edits are visible (docs/LEDGER.md "The CSV export").
//
// Bills and cash are separate columns, so the cash column can be summed: 应收 (billed) holds charges and their
// reversals — they move no money; 实收/支出 (cash) holds payments, income and expenses and their reversals, money
// in positive and out negative. A first row 期初结余 and a last row 期末结余 carry the opening and closing balance
// in the 结余 column (which also shows the running balance after each cash row), so on paper anyone can check that
// the cash column sums exactly to closing − opening. Every household entry shows its room, as a paper 缴费公示
// does; free text is redacted like the summary (phone numbers, full names masked). Every cell that is not a plain
// number and could start a spreadsheet formula is defused (csvField).
import { and, eq, inArray } from 'drizzle-orm'
import type { Queryable } from '../../db/client.ts'
import type { CompoundRow } from '../../db/compounds.ts'
import { privateNamesOf, ticketNosByIds } from '../../db/disclosure.ts'
import { householdsOf } from '../../db/households.ts'
import { balanceAt, ledgerInPeriod } from '../../db/ledger-sums.ts'
import type { LedgerEntryRow } from '../../db/ledger.ts'
import { ledgerEntries } from '../../db/schema.ts'
import { chargeDueAt, dueDayString } from '../domain/billing.ts'
import type { Period } from '../domain/calendar.ts'
import { formatLocal } from '../domain/poll-time.ts'
import { categoryLabel, redactor } from '../render/summary.ts'
import { translator } from '../i18n/index.ts'
import { compoundLang } from './build.ts'

/** A plain number as the export writes amounts and serials: a spreadsheet reads it as a number, never a formula. */
const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?$/
/**
 * What a spreadsheet may take for a formula: = + - @ first (after any spaces, full-width ones included), or a
 * leading tab, carriage return or line feed (OWASP "CSV injection").
 */
const FORMULA_START = /^(?:[\t\r\n]|[\s\u3000]*[=+\-@＝＋－＠])/u

/**
 * One CSV field (RFC 4180): a cell that is not a plain number and could start a formula gets a leading ' (shown
 * as text by spreadsheets); then quoted when it holds a comma, quote or line break.
 */
export function csvField(v: string | number | null | undefined): string {
  const s = v === null || v === undefined ? '' : String(v)
  const safe = !PLAIN_NUMBER.test(s) && FORMULA_START.test(s) ? `'${s}` : s
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

/** Amount in yuan with two decimals, no currency sign (spreadsheets sum it). */
function yuan(fen: bigint): string {
  const neg = fen < 0n
  const abs = neg ? -fen : fen
  return `${neg ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`
}

export interface LedgerCsv {
  /** CRLF line ends, header in the compound's language */
  csv: string
  /** entries of the period (rows other than the header and the two balance rows) */
  entries: number
  openingFen: bigint
  closingFen: bigint
}

/** The period's ledger as CSV, with what the CLI reports about it. */
export async function ledgerCsvData(q: Queryable, compound: CompoundRow, period: Period): Promise<LedgerCsv> {
  const t = translator(compoundLang(compound))
  const tz = compound.timeZone
  const entries = await ledgerInPeriod(q, compound.id, period.from, period.to)
  const redact = redactor(await privateNamesOf(q, compound.id))
  const codes = new Map((await householdsOf(q, compound.id)).map((h) => [h.id, h.code]))
  // a reversal shows what it reverses: that entry's category, room, counterparty and ticket (one read for all)
  const reversed = [...new Set(entries.map((e) => e.reversesSerial).filter((s): s is number => s !== null))]
  const sources = new Map<number, LedgerEntryRow>()
  for (let i = 0; i < reversed.length; i += 1000) {
    const list = await q
      .select()
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.compoundId, compound.id), inArray(ledgerEntries.serial, reversed.slice(i, i + 1000))))
    for (const r of list) sources.set(r.serial, r)
  }
  const rows = entries.map((e) => ({ e, source: (e.reversesSerial !== null ? sources.get(e.reversesSerial) : undefined) ?? e }))
  const nos = await ticketNosByIds(q, compound.id, [...new Set(rows.map((r) => r.source.ticketId).filter((id): id is number => id !== null))])
  const openingFen = await balanceAt(q, compound.id, period.from)
  const closingFen = await balanceAt(q, compound.id, period.to)

  const blank = { serial: '', category: '', room: '', billed: '', due: '', cash: '', note: '', party: '', ticket: '', reverses: '', hash: '' }
  type Line = Omit<typeof blank, 'serial' | 'reverses'> & { serial: string | number; reverses: string | number; time: string; kind: string; balance: string }
  const line = (l: Line) =>
    [l.serial, l.time, l.kind, l.category, l.room, l.billed, l.due, l.cash, l.balance, l.note, l.party, l.ticket, l.reverses, l.hash].map(csvField).join(',')

  const lines = [t('disclosure.csv.header')]
  lines.push(line({ ...blank, time: formatLocal(period.from, tz), kind: t('disclosure.csv.opening'), balance: yuan(openingFen) }))
  let running = openingFen
  for (const { e, source } of rows) {
    // a reversal has the reversed entry's effect, negated; charges are bills (no cash), the rest is cash
    const effectKind = e.kind === 'reversal' ? source.kind : e.kind
    const sign = e.kind === 'reversal' ? -1n : 1n
    const isBill = effectKind === 'charge'
    const cashFen = isBill ? 0n : (effectKind === 'expense' ? -1n : 1n) * sign * e.amountFen
    running += cashFen
    const household = source.householdId
    lines.push(
      line({
        serial: e.serial,
        time: formatLocal(e.recordedAt, tz),
        kind: t(`ledger.kind.${e.kind}`),
        category: source.category ? categoryLabel(t, source.category) : '',
        room: household !== null ? (codes.get(household) ?? '') : '',
        billed: isBill ? yuan(sign * e.amountFen) : '',
        due: isBill ? dueDayString(chargeDueAt(source, tz), tz) : '',
        cash: isBill ? '' : yuan(cashFen),
        balance: isBill ? '' : yuan(running),
        note: e.note ? redact(e.note) : '',
        party: source.counterparty ? redact(source.counterparty) : '',
        ticket: source.ticketId !== null ? `#${nos.get(source.ticketId) ?? ''}` : '',
        reverses: e.reversesSerial ?? '',
        hash: e.hash,
      }),
    )
  }
  lines.push(line({ ...blank, time: formatLocal(period.to, tz), kind: t('disclosure.csv.closing'), balance: yuan(closingFen) }))
  return { csv: `${lines.join('\r\n')}\r\n`, entries: rows.length, openingFen, closingFen }
}

/** The period's ledger as CSV text (CRLF line ends, header in the compound's language). */
export async function ledgerCsv(q: Queryable, compound: CompoundRow, period: Period): Promise<string> {
  return (await ledgerCsvData(q, compound, period)).csv
}
