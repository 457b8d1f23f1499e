// One phase of the disclosure benchmark in its own process, so its peak memory (VmHWM) is its own.
//   node --import tsx bench/disclosure-child.ts <database url> <phase> [n]
// Phases:
//   per-compound <n>  postDisclosure for one compound after another (what the scheduler did before it batched;
//                     what one compound's post costs)
//   batch             postDisclosures (src/disclosure/batch.ts) over every compound
//   tick              the scheduler's runDue over every compound with the week due (the day's billing and daily
//                     jobs done, the month and the year disclosed earlier), then the next minute's tick, when
//                     nothing is due: seconds and statements of each
//   charts <n>        chart PNGs of n compounds: CPU per chart on the old path (SVG → resvg) and the new one
//                     (Skia), and the event-loop delay (and a database round trip's) while charts render in this
//                     thread (old) and in the worker pool (new) (bench/disclosure-charts.ts)
//   charts-batch <n>  postDisclosures over the first n compounds with charts (the worker pool), as the weekly run
//   verify <n>        the set-based reads (src/disclosure/facts.ts) against the per-aggregate queries, on a sample
// Prints one JSON line on stdout.
process.env.LINLI_LOG_LEVEL ??= 'warn'
export {}

const { openDatabase } = await import('../db/client.ts')
const { allCompounds } = await import('../db/disclosure.ts')
const { postDisclosures } = await import('../src/disclosure/batch.ts')
const { gatherDisclosures } = await import('../src/disclosure/build.ts')
const { gatherFacts } = await import('../src/disclosure/facts.ts')
const { postDisclosure } = await import('../src/disclosure/post.ts')
const { runDue } = await import('../src/scheduler/tick.ts')
const { localDay } = await import('../src/scheduler/schedule.ts')
const { comparable, factsByAggregate } = await import('../test/integration/disclosure-reference.ts')
const { benchCharts, loopDelayOf } = await import('./disclosure-charts.ts')
const { CHART_THREADS, closeChartPool } = await import('../src/disclosure/chart-pool.ts')
const { renderSummary } = await import('../src/render/summary.ts')
const { sql } = await import('drizzle-orm')
const { DEFAULT_SLOTS, latestSlot, periodDueAt } = await import('../src/scheduler/schedule.ts')
const { dbNameOf, peakRssMiB, serverCpu, serverCpuSince } = await import('./lib.ts')

/** Monday 2026-11-23 09:05 in Shanghai: five minutes after the default weekly slot (Monday 09:00). */
const BENCH_NOW = new Date('2026-11-23T01:05:00Z')

const [url, phase, arg] = process.argv.slice(2)
if (!url || !phase) throw new Error('usage: disclosure-child.ts <url> <phase> [n]')
const n = Number(arg ?? 0)
const now = BENCH_NOW
let statements = 0
const database = await openDatabase({ url, poolSize: 4, onQuery: () => void statements++ })
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
    const { items: _perItem, ...r } = await postDisclosures(db, items, { now, render: textOnly })
    const seconds = (performance.now() - t0) / 1000
    result = { ...r, seconds, peakRssMiB: peakRssMiB(), period: items[0]?.period.key }
  } else if (phase === 'tick') {
    // billing and the daily jobs (09:00 local) ran earlier that day: this tick's work is the weekly disclosure
    const keys = compounds.map((c) => `${c.id}:${localDay(now, c.timeZone, 9).day}`)
    await db.execute(sql`INSERT INTO job_runs (job, fire_key, instance, started_at, finished_at)
      SELECT j, k, 'bench', ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
      FROM unnest(string_to_array('bill,repair-overdue,legal-calendar,poll-remind', ',')) j, unnest(string_to_array(${keys.join(',')}, ',')) k
      ON CONFLICT DO NOTHING`)
    // and October and 2025 were disclosed on their 1st: what is due is the week
    await db.execute(sql`INSERT INTO disclosures (compound_id, chat_id, period_kind, period, created_at)
      SELECT c.compound_id, c.id, k.kind, k.period, ${now.toISOString()}::timestamptz FROM chats c, (VALUES ('month', '2026-10'), ('year', '2025')) AS k(kind, period)
      ON CONFLICT DO NOTHING`)
    const timed = async (at: Date) => {
      statements = 0
      const t0 = performance.now()
      const r = await runDue(db, at, { instance: 'bench', render: textOnly })
      return { seconds: (performance.now() - t0) / 1000, statements, errors: r.errors, chats: r.disclosures.reduce((k, d) => k + d.chats, 0) }
    }
    const due = await timed(now)
    const idle = await timed(new Date(now.getTime() + 60_000))
    result = { compounds: compounds.length, due, idle, peakRssMiB: peakRssMiB() }
  } else if (phase === 'charts') {
    const sample = compounds.slice(0, n)
    const data = await gatherDisclosures(db, sample.map((c) => ({ compound: c, ...periodOf(c) })), { now })
    const r = await benchCharts(data.map((d) => d.chart), () => db.execute(sql`SELECT 1`))
    result = { ...r, peakRssMiB: peakRssMiB() }
  } else if (phase === 'charts-batch') {
    // the weekly run as the scheduler posts it, charts included: summaries, disclosure rows, outbox rows with the PNGs
    const items = compounds.slice(0, n).map((c) => ({ compound: c, ...periodOf(c) }))
    const server0 = await serverCpu(dbNameOf(url))
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    const { result: r, p99, max } = await loopDelayOf(() => postDisclosures(db, items, { now }))
    const seconds = (performance.now() - t0) / 1000
    const cpu = process.cpuUsage(c0)
    const serverCpuSeconds = (await serverCpuSince(dbNameOf(url), server0)) / 1000
    await closeChartPool()
    const { items: _perItem, ...rest } = r
    result = { ...rest, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, serverCpuSeconds, threads: CHART_THREADS, loopP99Ms: p99, loopMaxMs: max, peakRssMiB: peakRssMiB() }
  } else if (phase === 'verify') {
    // every (compounds/n)-th compound, and the first few with a poll: the set-based reads of the whole sample
    // against the per-aggregate queries (db/ledger.ts, …) one compound at a time
    const step = Math.max(1, Math.floor(compounds.length / n))
    const sample = compounds.filter((c, i) => i % step === 0 || c.id % 10 === 0).slice(0, n + 5)
    const items = sample.map((c) => ({ compound: c, ...periodOf(c) }))
    const batch = await gatherFacts(db, items, { now })
    // JSON with bigints spelled out and object keys sorted
    const norm = (v: unknown) =>
      JSON.stringify(v, (_k, x: unknown) =>
        typeof x === 'bigint'
          ? `${x}n`
          : x && typeof x === 'object' && !Array.isArray(x)
            ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b)))
            : x,
      )
    const different: number[] = []
    for (const [k, item] of items.entries()) {
      const one = await factsByAggregate(db, item, now)
      if (norm(comparable(one)) !== norm(comparable(batch[k]!))) different.push(item.compound.id)
    }
    result = { compared: sample.length, different }
  } else {
    throw new Error(`unknown phase ${phase}`)
  }
} finally {
  await database.close()
}
process.stdout.write(`${JSON.stringify(result)}\n`)
