// What each chart worker thread runs (./chart-pool.ts): one chart model in, its PNG out.
import { type ChartModel, renderChartPng } from './chart.ts'

export default function renderInWorker(model: ChartModel): Uint8Array {
  return renderChartPng(model)
}
