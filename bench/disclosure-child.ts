// One phase of the disclosure benchmark in its own process, so its peak memory (VmHWM) is its own.
//   node --import tsx bench/disclosure-child.ts <database url> <phase> [n]
// Phases: per-compound <n> (the existing path: postDisclosure per compound, in sequence as the scheduler
// runs it), batch (src/disclosure/batch.ts over every compound), charts <n> (chart PNGs), verify <n>
// (batch vs per-compound data on a sample). Prints one JSON line on stdout.
process.env.LINLI_LOG_LEVEL ??= 'warn'
export {}

const { openDatabase } = await import('../db/client.ts')
const { allCompounds } = await import('../db/disclosure.ts')
const { gatherDisclosure } = await import('../src/disclosure/build.ts')
const { gatherDisclosures, postDisclosures } = await import('../src/disclosure/batch.ts')
const { postDisclosure } = await import('../src/disclosure/post.ts')
const { renderChartPng } = await import('../src/disclosure/chart.ts')
const { renderSummary } = await import('../src/domain/summary.ts')
const { DEFAULT_SLOTS, latestSlot, periodDueAt } = await import('../src/scheduler/schedule.ts')
const { peakRssMiB } = await import('./lib.ts')

/** Monday 2026-11-23 09:05 in Shanghai: five minutes after the default weekly slot (Monday 09:00). */
const BENCH_NOW = new Date('2026-11-23T01:05:00Z')

const [url, phase, arg] = process.argv.slice(2)
if (!url || !phase) throw new Error('usage: disclosure-child.ts <url> <phase> [n]')
const n = Number(arg ?? 0)
const now = BENCH_NOW
const database = await openDatabase({ url, poolSize: 4 })
const db = database.db
const textOnly = (data: import('../src/disclosure/build.ts').DisclosureData) => ({ parts: renderSummary(data.summary), chart: null })

type Compound = Awaited<ReturnType<typeof allCompounds>>[number]
// as the scheduler computes it (src/scheduler/tick.ts), once per time zone
const periods = new Map<string, { period: import('../src/domain/calendar.ts').Period; late: boolean }>()
const periodOf = (c: Compound) => {
  let p = periods.get(c.timeZone)
  if (!p) {
    const slot = latestSlot(DEFAULT_SLOTS.week, now, c.timeZone)
    p = { period: periodDueAt('week', slot, c.timeZone), late: now.getTime() - slot.getTime() > 15 * 60_000 }
    periods.set(c.timeZone, p)
  }
  return p
}

let result: Record<string, unknown>
try {
  const compounds = await allCompounds(db)
  if (phase === 'per-compound') {
    const sample = compounds.slice(0, n)
    const t0 = performance.now()
    let rows = 0
    for (const c of sample) {
      const { period, late } = periodOf(c)
      rows += (await postDisclosure(db, c, period, { now, late, render: textOnly })).rows
    }
    const seconds = (performance.now() - t0) / 1000
    result = { compounds: sample.length, rows, seconds, perCompoundMs: (seconds * 1000) / sample.length, peakRssMiB: peakRssMiB() }
  } else if (phase === 'batch') {
    const items = compounds.map((c) => ({ compound: c, ...periodOf(c) }))
    const t0 = performance.now()
    const r = await postDisclosures(db, items, { now, render: textOnly })
    const seconds = (performance.now() - t0) / 1000
    result = { ...r, seconds, peakRssMiB: peakRssMiB(), period: items[0]?.period.key }
  } else if (phase === 'charts') {
    const sample = compounds.slice(0, n)
    const data = await gatherDisclosures(db, sample.map((c) => ({ compound: c, ...periodOf(c) })), { now })
    // the first chart loads the font and warms echarts up: timed apart
    const w0 = performance.now()
    renderChartPng(data.get(sample[0]!.id)!.chart)
    const firstMs = performance.now() - w0
    const times: number[] = []
    let bytes = 0
    for (const c of sample.slice(1)) {
      const t0 = performance.now()
      bytes += renderChartPng(data.get(c.id)!.chart).length
      times.push(performance.now() - t0)
    }
    const meanMs = times.reduce((a, b) => a + b, 0) / Math.max(1, times.length)
    result = { charts: times.length, firstMs, meanMs, meanKiB: bytes / Math.max(1, times.length) / 1024, peakRssMiB: peakRssMiB() }
  } else if (phase === 'verify') {
    // every (compounds/n)-th compound, and the first few with a poll
    const step = Math.max(1, Math.floor(compounds.length / n))
    const sample = compounds.filter((c, i) => i % step === 0 || c.id % 10 === 0).slice(0, n + 5)
    const batch = await gatherDisclosures(db, sample.map((c) => ({ compound: c, ...periodOf(c) })), { now })
    const norm = (v: unknown) =>
      JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? `${x}n` : k === 'privateNames' && Array.isArray(x) ? [...x].sort() : x))
    const different: number[] = []
    for (const c of sample) {
      const { period, late } = periodOf(c)
      const one = await gatherDisclosure(db, c, period, { now, late })
      const many = batch.get(c.id)!
      const same = norm(one) === norm(many) && renderSummary(one.summary).join('\n') === renderSummary(many.summary).join('\n')
      if (!same) different.push(c.id)
    }
    result = { compared: sample.length, different }
  } else {
    throw new Error(`unknown phase ${phase}`)
  }
} finally {
  await database.close()
}
process.stdout.write(`${JSON.stringify(result)}\n`)
