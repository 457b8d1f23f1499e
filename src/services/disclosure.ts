// 公示 on demand: the current period's summary and chart so far, with the chain head it shows recorded for
// every chat of the compound (for 核验 to check later). The scheduled disclosure is src/disclosure/batch.ts.
import type { Tx } from '../../db/client.ts'
import { chatsOfCompound, type CompoundRow } from '../../db/compounds.ts'
import { recordOnDemandDisclosure } from '../../db/disclosure.ts'
import type { Period } from '../domain/calendar.ts'
import { gatherDisclosure } from '../disclosure/build.ts'
import { type DisclosureMessages, disclosureMessages } from '../disclosure/messages.ts'
import { renderSummary } from '../render/summary.ts'
import type { Queryable } from '../../db/client.ts'

/** The messages of `period`'s disclosure as of `now`; what it shows is recorded in the caller's transaction. */
export async function discloseNow(tx: Tx, compound: CompoundRow, period: Period, now: Date): Promise<DisclosureMessages> {
  const data = await gatherDisclosure(tx, compound, period, { now })
  const messages = await disclosureMessages(data)
  const chats = await chatsOfCompound(tx, compound.id)
  await recordOnDemandDisclosure(tx, {
    compoundId: compound.id,
    chatIds: chats.map((c) => c.id),
    kind: period.kind,
    period: period.key,
    chain: data.summary.chain,
    at: now,
  })
  return messages
}

/** The text of `period`'s disclosure as of `now`, recording and posting nothing: a supervisor's read (docs/OVERSIGHT.md). */
export async function disclosurePreview(q: Queryable, compound: CompoundRow, period: Period, now: Date): Promise<string[]> {
  const data = await gatherDisclosure(q, compound, period, { now })
  return renderSummary(data.summary)
}
