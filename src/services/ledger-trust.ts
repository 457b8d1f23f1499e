// What Linli says and does when a compound's ledger fails verification (docs/LEDGER.md "What 核验 checks, and
// what happens when it fails"): the problem in words, the notice a group gets instead of the figures (账目,
// 公示, the scheduled disclosure), and the committee's private alert, sent once per broken state (outbox dedupe
// key `chain-broken:<compound>:<first bad serial>:m<member>`).
import type { Queryable } from '../../db/client.ts'
import { checkLedger, type LedgerFailure, type LedgerVerification } from '../../db/ledger-check.ts'
import { committeeOf } from '../../db/polls.ts'
import { type Period, periodFromKey } from '../domain/calendar.ts'
import { formatLocal } from '../domain/poll-time.ts'
import { periodLabel } from '../render/summary.ts'
import { isLang, type Translator, translator } from '../i18n/index.ts'
import { log } from '../log.ts'
import { enqueueReplies } from '../outbox/enqueue.ts'

export { checkLedger, verifyCompoundLedger } from '../../db/ledger-check.ts'

/** Hex digits of a hash shown in chats (as the summaries and 核验 show the head). */
export const HEAD_DIGITS = 12

interface CompoundRef {
  id: number
  name: string
  timeZone: string
  language: string
}

const compoundT = (c: Pick<CompoundRef, 'language'>): Translator => translator(isLang(c.language) ? c.language : 'zh-CN')

/** The problem as a clause ("流水 #3 的内容与它的哈希不符…", "…公布的链头是流水 #7…"), in `t`'s language. */
export function ledgerProblemText(t: Translator, f: LedgerFailure, timeZone: string): string {
  if (f.reason === 'publishedMissing' || f.reason === 'publishedChanged') {
    const p = f.published
    const period = periodFromKey(p.period, timeZone)
    const published = t(p.onDemand ? 'ledger.published.onDemand' : 'ledger.published.scheduled', {
      date: formatLocal(p.at, timeZone),
      period: period ? periodLabel(t, period) : p.period,
    })
    return f.reason === 'publishedMissing'
      ? t('ledger.problem.publishedMissing', { published, publishedSerial: p.serial, head: p.head.slice(0, HEAD_DIGITS), count: f.count, serial: f.firstBadSerial })
      : t('ledger.problem.publishedChanged', { published, serial: p.serial, head: p.head.slice(0, HEAD_DIGITS), actual: (f.actualHash ?? '').slice(0, HEAD_DIGITS) })
  }
  return t('ledger.problem.chain', { serial: f.firstBadSerial, reason: t(`verifyledger.reason.${f.reason}`), count: f.count })
}

/** What a group reads instead of the figures of 账目. */
export function untrustedNotice(t: Translator, f: LedgerFailure, timeZone: string): string {
  return t('ledger.untrusted', { problem: ledgerProblemText(t, f, timeZone) })
}

/** What a group reads instead of a 公示's figures (on demand or scheduled). */
export function untrustedDisclosureText(t: Translator, compound: Pick<CompoundRef, 'name' | 'timeZone'>, period: Pick<Period, 'kind' | 'key'>, f: LedgerFailure): string {
  return t('disclosure.untrusted', { compound: compound.name, period: periodLabel(t, period), problem: ledgerProblemText(t, f, compound.timeZone) })
}

/** The key that makes the committee's alert about this broken state go out once per member. */
export const chainBrokenKey = (compoundId: number, f: LedgerFailure): string => `chain-broken:${compoundId}:${f.firstBadSerial}`

/**
 * Tell every committee member and the head privately, in the compound's language, in the caller's transaction.
 * Once per broken state: a second call for the same first bad serial writes nothing.
 */
export async function alertCommittee(q: Queryable, compound: CompoundRef, f: LedgerFailure, now: Date): Promise<void> {
  const t = compoundT(compound)
  const text = t('ledger.alert', { compound: compound.name, problem: ledgerProblemText(t, f, compound.timeZone) })
  const key = chainBrokenKey(compound.id, f)
  const members = await committeeOf(q, compound.id)
  if (members.length === 0) return
  await enqueueReplies(q, compound, members.map((memberId) => ({ to: 'member' as const, memberId, text, dedupeKey: `${key}:m${memberId}` })), { now })
}

/**
 * The cheap check (db/ledger-check.ts checkLedger) before publishing figures; when it fails, the committee is
 * alerted (once per broken state) and the failure is returned for the caller to say so instead.
 */
export async function checkLedgerOrAlert(q: Queryable, compound: CompoundRef, now: Date): Promise<LedgerVerification> {
  const v = await checkLedger(q, compound.id)
  if (!v.ok) await alertCommittee(q, compound, v, now)
  return v
}

/** 核验 found the ledger failing: a warning for the operator, and the committee told (once per broken state). */
export async function reportFailedLedger(q: Queryable, compound: CompoundRef, f: LedgerFailure, now: Date): Promise<void> {
  log.warn({ compound: compound.id, serial: f.firstBadSerial, reason: f.reason }, 'ledger chain does not verify')
  await alertCommittee(q, compound, f, now)
}
