// The chat messages of a disclosure (text parts and the chart) and the outbox dedupe key of each.
import type { Period } from '../domain/calendar.ts'
import { chartCaption, renderSummary, summaryPublicNames } from '../render/summary.ts'
import { log } from '../log.ts'
import type { OutImage } from '../pipeline/command.ts'
import type { DisclosureData } from './build.ts'
import { renderChart } from './chart-pool.ts'

export interface DisclosureMessages {
  parts: string[]
  chart: OutImage | null
  /** the elected of closed elections, named in full in the parts (the rows' publicNames: src/domain/group-privacy.ts) */
  publicNames?: readonly string[]
}

/**
 * The chat messages of a disclosure: text parts and the chart (null when the chart could not be drawn). The chart
 * is rendered in a worker thread (./chart-pool.ts).
 */
export async function disclosureMessages(data: DisclosureData): Promise<DisclosureMessages> {
  const parts = renderSummary(data.summary)
  let chart: OutImage | null = null
  try {
    chart = { png: await renderChart(data.chart), caption: chartCaption(data.summary) }
  } catch (err) {
    // the text is the disclosure; a chart that cannot be drawn must not hold it back
    log.error({ err }, 'disclosure chart failed')
  }
  return { parts, chart, publicNames: summaryPublicNames(data.summary) }
}

export function disclosureKey(compoundId: number, chatId: number, period: Pick<Period, 'kind' | 'key'>, part: string | number): string {
  return `disclosure:${compoundId}:${chatId}:${period.kind}:${period.key}:${part}`
}
