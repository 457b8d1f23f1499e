// What a community (社区/街道) supervisor sees of each compound they oversee (docs/OVERSIGHT.md): whether the
// last scheduled 公示 went out on time, the balance, the arrears rate, open and overdue repairs, and the polls
// open or closed in the last week with their legal-calendar flags. Read for a whole list of compounds at once
// with the disclosure's set-based readers (src/disclosure/facts.ts: the figures the 公示 and 账目 print) plus a
// few statements of its own (db/supervisors.ts), so the weekly digest of many supervisors costs the same
// statements as one. The on-demand 监督 and the scheduler's digest (src/scheduler/oversight.ts) both come here.
import type { Queryable } from '../../db/client.ts'
import type { CompoundRow } from '../../db/compounds.ts'
import { pollResultsSent } from '../../db/disclosure.ts'
import { checkLedgers } from '../../db/ledger-check.ts'
import { billedHouseholds, disclosureRecords, pollsForOversight } from '../../db/supervisors.ts'
import { periodOf } from '../domain/calendar.ts'
import { LATE_AFTER_MS, latestSlot, periodDueAt, slotsOf } from '../domain/disclosure-schedule.ts'
import { noticeDays, resultDue, shortNotice } from '../domain/legal-calendar.ts'
import { gatherFacts } from '../disclosure/facts.ts'
import type { DisclosureCheck, OversightPoll, OversightView } from '../render/oversight.ts'
import { noticeDaysOf } from './polls.ts'
import { type BaseContext, type Compound, type OversightContext, type Reply, reply, UserError } from '../pipeline/command.ts'

export { compoundsByIds as supervisedCompounds, supervisorsForDigest, type DigestSupervisor } from '../../db/supervisors.ts'

const DAY = 86_400_000
/** The digest lists polls open now or closed within this long. */
export const POLLS_WINDOW_DAYS = 7
/** How far back a poll's legal calendar is checked (as the committee's daily flags: src/scheduler/reminders.ts). */
const LEGAL_LOOKBACK_DAYS = 30

export type { DisclosureCheck, OversightPoll } from '../render/oversight.ts'

/** One compound's oversight as src/render/oversight.ts shows it, with its full row. */
export interface CompoundOversight extends OversightView {
  compound: CompoundRow
}

/** The oversight of each compound as of `now`, in the order given: a fixed number of statements for the list. */
export async function gatherOversight(q: Queryable, compounds: readonly CompoundRow[], now: Date): Promise<CompoundOversight[]> {
  if (compounds.length === 0) return []
  const ids = compounds.map((c) => c.id)
  // the current week so far: its facts are the balance, arrears and repairs as of now (disclosureAsOf)
  const facts = await gatherFacts(q, compounds.map((compound) => ({ compound, period: periodOf('week', now, compound.timeZone) })), { now })
  const billed = await billedHouseholds(q, ids, now)
  const ledgers = await checkLedgers(q, ids)

  // the latest slot of the weekly and the monthly 公示 of each compound, and what was recorded for its period
  const due = compounds.map((compound) => {
    const { slots } = slotsOf(compound.settings)
    return slots
      .filter((s) => s.kind !== 'year')
      .map((spec) => {
        const at = latestSlot(spec, now, compound.timeZone)
        return { compound, kind: spec.kind, at, period: periodDueAt(spec.kind, at, compound.timeZone) }
      })
      // a compound discloses only the periods it was there for (as the tick decides)
      .filter((d) => compound.createdAt.getTime() <= d.at.getTime())
  })
  const records = await disclosureRecords(q, due.flat().map((d) => ({ compoundId: d.compound.id, kind: d.kind, period: d.period.key })))

  const polls = await pollsForOversight(q, ids, new Date(now.getTime() - POLLS_WINDOW_DAYS * DAY))
  const closed = [...polls.values()].flat().filter((p) => p.status === 'closed').map((p) => p.id)
  const sent = await pollResultsSent(q, closed)
  const since = new Date(now.getTime() - LEGAL_LOOKBACK_DAYS * DAY)

  return compounds.map((compound, ix) => {
    const f = facts[ix]!
    const disclosures: DisclosureCheck[] = due[ix]!.map((d) => {
      const r = records.get(`${compound.id}:${d.kind}:${d.period.key}`)
      const base = { kind: d.kind, period: { kind: d.period.kind, key: d.period.key }, dueAt: d.at }
      if (!r) return { ...base, status: now.getTime() - d.at.getTime() > LATE_AFTER_MS ? 'missing' : 'pending', postedAt: null }
      if (!r.published) return { ...base, status: 'empty', postedAt: null }
      const late = r.late || r.at.getTime() - d.at.getTime() > LATE_AFTER_MS
      return { ...base, status: late ? 'late' : 'onTime', postedAt: r.at }
    })
    const minDays = noticeDaysOf(compound.settings)
    const list: OversightPoll[] = (polls.get(compound.id) ?? []).map((p) => ({
      no: p.no,
      title: p.title,
      kind: p.kind,
      status: p.status,
      deadline: p.deadline,
      closedAt: p.closedAt,
      rule: p.rule,
      shortNotice: shortNotice(p, now, minDays, since) ? { days: noticeDays(p), min: minDays } : null,
      resultNotPosted: resultDue(p, now, since) && !sent.has(p.id),
    }))
    return {
      compound,
      asOf: now,
      disclosures,
      untrusted: ledgers.get(compound.id)?.ok === false,
      balanceFen: f.closingFen,
      arrears: { households: f.arrears.length, billed: billed.get(compound.id) ?? 0 },
      repairs: { open: f.repairs.open, overdue: f.repairs.overdue },
      polls: list,
    }
  })
}

const fold = (s: string) => s.normalize('NFKC').toLowerCase().trim()

/** The compound a supervisor's read is about; refused, with their compounds listed, when they named none of several. */
export function overseenCompound(ctx: OversightContext): Compound {
  if (ctx.compound) return ctx.compound
  const word = (ctx.message.text ?? '').trim().split(/\s+/)[0] ?? ''
  throw new UserError('oversight.nameCompound', {
    count: ctx.overseen.length,
    example: `${word} ${ctx.overseen[0]?.name ?? ''}`,
    compounds: ctx.overseen.map((c) => c.name).join('、'),
  })
}

/** The supervised compound called `name`, or the refusal listing theirs. */
export function overseenByName(t: BaseContext['t'], overseen: readonly Compound[], name: string): Compound {
  const c = overseen.find((x) => fold(x.name) === fold(name))
  if (!c) throw new UserError('oversight.unknownCompound', { name, compounds: overseen.map((x) => x.name).join('、') })
  return c
}

/** A reply for the supervisor alone: in their private chat, or privately from a group (never to the group). */
export function toSupervisor(ctx: Pick<BaseContext, 'message'>, text: string): Reply {
  return ctx.message.chat.kind === 'private' ? reply.chat(text) : reply.private(text)
}
