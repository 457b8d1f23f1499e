// CSV of a period's ledger for the bulletin board (宣传栏): every entry recorded in the period, in chain
// order, with its serial and hash so gaps and edits are visible. Public, so the same privacy rules as the
// summary: free text is redacted (phone numbers, full names masked); a household's charges and payments
// show its room only when the head made arrears rooms public (arrearsRoomsPublic).
import type { Queryable } from '../../db/client.ts'
import type { CompoundRow } from '../../db/compounds.ts'
import { privateNamesOf, ticketNosByIds } from '../../db/disclosure.ts'
import { householdsOf } from '../../db/households.ts'
import { type LedgerEntryRow, ledgerEntryBySerial, ledgerInPeriod } from '../../db/ledger.ts'
import type { Period } from '../domain/calendar.ts'
import { formatLocal } from '../domain/poll-time.ts'
import { categoryLabel, redactor } from '../domain/summary.ts'
import { translator } from '../i18n/index.ts'
import { compoundLang } from './build.ts'

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
export function csvField(v: string | number | null | undefined): string {
  const s = v === null || v === undefined ? '' : String(v)
  // a leading = + - @ would be a formula in a spreadsheet
  const safe = /^[=+\-@]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

/** Amount in yuan with two decimals, no currency sign (spreadsheets sum it). */
function yuan(fen: bigint): string {
  const neg = fen < 0n
  const abs = neg ? -fen : fen
  return `${neg ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`
}

/** The period's ledger as CSV text (CRLF line ends, header in the compound's language). */
export async function ledgerCsv(q: Queryable, compound: CompoundRow, period: Period): Promise<string> {
  const t = translator(compoundLang(compound))
  const entries = await ledgerInPeriod(q, compound.id, period.from, period.to)
  const redact = redactor(await privateNamesOf(q, compound.id))
  const roomsPublic = compound.settings.arrearsRoomsPublic === true
  const codes = new Map((await householdsOf(q, compound.id)).map((h) => [h.id, h.code]))
  // a reversal shows what it reverses: that entry's category, room, counterparty and ticket
  const rows: { e: LedgerEntryRow; source: LedgerEntryRow }[] = []
  for (const e of entries) {
    const orig = e.kind === 'reversal' && e.reversesSerial !== null ? await ledgerEntryBySerial(q, compound.id, e.reversesSerial) : undefined
    rows.push({ e, source: orig ?? e })
  }
  const nos = await ticketNosByIds(q, compound.id, [...new Set(rows.map((r) => r.source.ticketId).filter((id): id is number => id !== null))])
  const lines = [t('disclosure.csv.header')]
  for (const { e, source } of rows) {
    // the signed cash effect: money in positive, money out negative; charges move no cash (shown positive)
    const effectKind = e.kind === 'reversal' ? source.kind : e.kind
    const sign = (effectKind === 'expense' ? -1n : 1n) * (e.kind === 'reversal' ? -1n : 1n)
    const household = source.householdId
    const room = household !== null && roomsPublic ? (codes.get(household) ?? '') : ''
    lines.push(
      [
        e.serial,
        formatLocal(e.recordedAt, compound.timeZone),
        t(`ledger.kind.${e.kind}`),
        source.category ? categoryLabel(t, source.category) : '',
        yuan(sign * e.amountFen),
        room,
        e.note ? redact(e.note) : '',
        source.counterparty ? redact(source.counterparty) : '',
        source.ticketId !== null ? `#${nos.get(source.ticketId) ?? ''}` : '',
        e.reversesSerial ?? '',
        e.hash,
      ]
        .map(csvField)
        .join(','),
    )
  }
  return `${lines.join('\r\n')}\r\n`
}
