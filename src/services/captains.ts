// Building captains (楼栋长), issue 17 item 5: a member scoped to buildings of the roster who follows up door to
// door — who has not voted or signed, who has not acknowledged a notice, who is in arrears — and records paper
// ballots and acknowledgements for the households of their buildings. Everything a captain sees is read with
// their buildings as the filter (db/captains.ts), so no row of another building ever reaches their view.
import {
  captainBuildingsOf,
  electorateInBuildings,
  householdsInBuildings,
  noticeAcksInBuildings,
} from '../../db/captains.ts'
import type { Tx } from '../../db/client.ts'
import type { CompoundRow } from '../../db/compounds.ts'
import { asOfNow } from '../domain/billing.ts'
import type { BuildingOverview, PollFollowUp } from '../render/captains.ts'
import { type CompoundContext, type RoleAlternative, UserError } from '../pipeline/command.ts'
import { arrearsFromDues, compoundDues } from './ledger.ts'

export {
  addCaptainBuildings,
  captainBuildingsOf,
  householdAcked,
  isCaptain,
  latestRecordedWithoutEvidence,
  noticeByNo,
  recordNoticeAck,
  removeCaptainBuildings,
  rosterBuildings,
} from '../../db/captains.ts'
export { verifiedMemberIdsOf } from '../../db/members.ts'

/** A photo this soon after 代录 is the paper of that ballot (as a repair photo follows 报修). */
export const RECORD_PHOTO_WINDOW_MS = 2 * 60 * 1000

/** Notices are followed up for this long after they went out. */
export const NOTICE_FOLLOW_UP_DAYS = 30

/** The captain's buildings of `ctx.member` (none: not a captain). */
export function myBuildings(ctx: CompoundContext): Promise<string[]> {
  return captainBuildingsOf(ctx.tx, ctx.compound.id, ctx.member.id)
}

/**
 * What a captain (or the committee) follows up in these buildings at `now`: per open owner poll, election and
 * opinion round the households that have not voted or signed; per notice of the last 30 days those that have not
 * acknowledged; and the arrears (overdue households with amounts) — rooms only, never names.
 */
export async function buildingOverview(tx: Tx, compound: CompoundRow, buildings: readonly string[], now: Date): Promise<BuildingOverview> {
  const homes = await householdsInBuildings(tx, compound.id, buildings)
  const inScope = new Set(homes.map((h) => h.id))
  const [electorate, acks, dues] = await Promise.all([
    electorateInBuildings(tx, compound.id, buildings, now),
    noticeAcksInBuildings(tx, compound.id, buildings, new Date(now.getTime() - NOTICE_FOLLOW_UP_DAYS * 86_400_000)),
    compoundDues(tx, compound, asOfNow(now)),
  ])
  const polls: PollFollowUp[] = []
  for (const e of electorate) {
    let p = polls.at(-1)
    if (!p || p.no !== e.pollNo) polls.push((p = { no: e.pollNo, title: e.title, kind: e.kind, total: 0, missing: [], recorded: 0 }))
    p.total++
    if (!e.voted) p.missing.push(e.code)
    else if (e.recorded) p.recorded++
  }
  const notices: BuildingOverview['notices'] = []
  for (const a of acks) {
    let n = notices.at(-1)
    if (!n || n.no !== a.noticeNo) notices.push((n = { no: a.noticeNo, text: a.text, total: 0, missing: [] }))
    n.total++
    if (!a.acked) n.missing.push(a.code)
  }
  const arrears = arrearsFromDues(dues.filter((d) => inScope.has(d.householdId)))
  return { buildings: [...buildings], households: homes.length, polls, notices, arrears }
}

/**
 * The captain rule of a command (楼栋, 代录): besides its role, a building captain, for the buildings (or the
 * household) the arguments name when they are theirs. `scope` reads what the arguments name: buildings, or one
 * household's building; null when they name none (then any captain may run it on their own buildings).
 */
export function captainRule<A>(
  name: string,
  /** the refusal of someone who is no captain: who else may run the command */
  notCaptain: string,
  scope: (ctx: CompoundContext, args: A) => Promise<string[] | null>,
): RoleAlternative<A> {
  return {
    name,
    from: 'resident',
    async check(ctx, args) {
      const mine = await myBuildings(ctx)
      if (mine.length === 0) throw new UserError(notCaptain)
      const named = await scope(ctx, args)
      const outside = (named ?? []).filter((b) => !mine.includes(b))
      if (outside.length > 0) {
        throw new UserError('captain.notYourBuilding', { building: outside.map((b) => ctx.t('captain.building', { b })).join('、'), mine: mine.map((b) => ctx.t('captain.building', { b })).join('、') })
      }
    },
    applies: async (ctx) => (await myBuildings(ctx)).length > 0,
  }
}
