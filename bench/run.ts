// `npm run bench`: the benchmarks of issue 9, on throw-away databases on the PostgreSQL server (DATABASE_URL or
// postgres://postgres@127.0.0.1:5432/postgres). Prints a table and writes bench/RESULTS.md. Not a test.
//   BENCH_QUICK=1 npm run bench   shorter runs and 1,000 compounds (a smoke run; RESULTS.md says so)
process.env.LINLI_LOG_LEVEL ??= 'warn'
export {}

const { existsSync, readFileSync, writeFileSync } = await import('node:fs')
const { fileURLToPath } = await import('node:url')
const lib = await import('./lib.ts')
const { createBenchDatabase, machine, serverUrl, log, fmt } = lib
const pipeline = await import('./pipeline.ts')
const { benchDisclosure } = await import('./disclosure.ts')
const { benchLimiters } = await import('./limiter.ts')

const quick = process.env.BENCH_QUICK === '1'
const S = quick ? 0.3 : 1
const COMPOUNDS_SPREAD = 64
const DISCLOSURE_COMPOUNDS = quick ? 1_000 : 10_000
const t0 = performance.now()

const info = await machine(serverUrl())
log(`${info.cpu}, ${info.cores} cores, ${info.memory}; node ${info.node}; load ${info.load}`)

// ---- 1 and 2: baseline and the command pipeline ---------------------------------------------

const pdb = await createBenchDatabase('pipeline')
let baselines: Awaited<ReturnType<typeof pipeline.benchBaseline>>[] = []
let runs: Awaited<ReturnType<typeof pipeline.benchPipeline>>[] = []
let statements: Awaited<ReturnType<typeof pipeline.countStatements>>
try {
  const database = await pipeline.openBenchDatabase(pdb.url)
  try {
    const world = await pipeline.seedPipelineWorld(pdb.url, COMPOUNDS_SPREAD)
    statements = await pipeline.countStatements(pdb.url, world, { compounds: COMPOUNDS_SPREAD, samples: 20, runId: 'count' })
    log('baseline (1/2)')
    baselines.push(await pipeline.benchBaseline(pdb.url, 10_000 * S))
    const plan = [
      { label: `缴费 + 报修, ${COMPOUNDS_SPREAD} compounds`, compounds: COMPOUNDS_SPREAD, mix: 'mixed' as const, ms: 15_000 },
      { label: '缴费 + 报修, 1 compound', compounds: 1, mix: 'mixed' as const, ms: 10_000 },
      { label: `缴费 only, ${COMPOUNDS_SPREAD} compounds`, compounds: COMPOUNDS_SPREAD, mix: 'pay' as const, ms: 8_000 },
      { label: `报修 only, ${COMPOUNDS_SPREAD} compounds`, compounds: COMPOUNDS_SPREAD, mix: 'repair' as const, ms: 8_000 },
    ]
    for (const [i, p] of plan.entries()) {
      log(`pipeline: ${p.label}`)
      runs.push(await pipeline.benchPipeline(database, world, { label: p.label, compounds: p.compounds, mix: p.mix, durationMs: p.ms * S, runId: `run${i}`, dbName: pdb.name }))
    }
    log('baseline (2/2)')
    baselines.push(await pipeline.benchBaseline(pdb.url, 10_000 * S))
  } finally {
    await database.close()
  }
} finally {
  await pdb.drop().catch((err: unknown) => log(`could not drop ${pdb.name}: ${String(err)}`))
}

// ---- 3: the weekly disclosure -------------------------------------------------------------------

const ddb = await createBenchDatabase('disclosure')
let disclosure: Awaited<ReturnType<typeof benchDisclosure>>
try {
  disclosure = await benchDisclosure(ddb.url, { compounds: DISCLOSURE_COMPOUNDS, perCompoundSample: quick ? 50 : 200, charts: 6 })
} finally {
  await ddb.drop().catch((err: unknown) => log(`could not drop ${ddb.name}: ${String(err)}`))
}

// ---- 4: the outbound limiters ---------------------------------------------------------------------

log('limiters (virtual clock)')
const limiters = await benchLimiters()
const loadAfter = (await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' / ')
const totalSeconds = (performance.now() - t0) / 1000

// ---- report -----------------------------------------------------------------------------------------

const baseline = baselines.reduce((s, b) => s + b.opsPerSec, 0) / baselines.length
const yes = (ok: boolean) => (ok ? '**met**' : '**missed**')
const main = runs[0]!
const single = runs[1]!
const ratio = (r: (typeof runs)[number]) => r.result.opsPerSec / baseline
const roundTripsNote = (mix: 'pay' | 'repair') => statements[mix].perCommand.toFixed(1)

const cpuOf = (m: { cpuMsPerOp: number; serverCpuMsPerOp: number }) =>
  `${fmt.f2(m.cpuMsPerOp)} ms bot + ${fmt.f2(m.serverCpuMsPerOp)} ms PostgreSQL`
const cpuTotal = (m: { cpuMsPerOp: number; serverCpuMsPerOp: number }) => m.cpuMsPerOp + m.serverCpuMsPerOp
/** what the measured CPU per command allows with every core of the machine and nothing else running */
const ceiling = (m: { cpuMsPerOp: number; serverCpuMsPerOp: number }) => (info.cores * 1000) / cpuTotal(m)

interface Line {
  what: string
  result: string
  target: string
  verdict: string
}
const lines: Line[] = []
for (const [i, b] of baselines.entries()) {
  lines.push({
    what: `Baseline ${i + 1}/2: raw postgres.js single-row INSERT, 16 concurrent`,
    result: `${fmt.int(b.opsPerSec)} ops/s (p50 ${fmt.ms(b.p50)}, p95 ${fmt.ms(b.p95)}); CPU per op ${cpuOf(b)}`,
    target: 'reference',
    verdict: '—',
  })
}
for (const r of runs) {
  const isMain = r === main
  const ok = ratio(r) >= 0.45 && r.result.opsPerSec >= 1000
  lines.push({
    what: `Pipeline (App.handle): ${r.label}, 16 concurrent`,
    result: `${fmt.int(r.result.opsPerSec)} commands/s = ${fmt.f2(ratio(r))} × baseline; p50 ${fmt.ms(r.result.p50)}, p95 ${fmt.ms(r.result.p95)}; CPU per command ${cpuOf(r.result)}`,
    target: isMain ? 'ratio ≥ 0.45 and ≥ 1,000 commands/s' : 'same targets (informational line)',
    verdict:
      `${isMain || r === single ? yes(ok) : ok ? 'met' : 'missed'} (ratio ${ratio(r) >= 0.45 ? 'met' : 'missed'}, absolute ${r.result.opsPerSec >= 1000 ? 'met' : 'missed'})` +
      (ok ? '' : `: CPU-bound, ${fmt.f1(cpuTotal(r.result))} ms of CPU per command against ${fmt.f2(cpuTotal(baselines[0]!))} ms per INSERT, on ${info.cores} shared cores (see "The command pipeline")`),
  })
}
const d = disclosure
lines.push({
  what: `Weekly disclosure, ${fmt.int(d.dataset.compounds)} compounds / ${fmt.int(d.dataset.entries)} ledger entries: batched path (src/disclosure/batch.ts), summaries + disclosure rows + outbox rows, text only`,
  result: `${fmt.f1(d.batch.seconds)} s for ${fmt.int(d.batch.compounds)} compounds (${fmt.int(d.batch.rows)} outbox rows); peak RSS ${fmt.int(d.batch.peakRssMiB)} MiB`,
  target: '≤ 60 s, ≤ 512 MiB',
  verdict: `${yes(d.batch.seconds <= 60 && d.batch.compounds === d.dataset.compounds)} (time), ${yes(d.batch.peakRssMiB <= 512)} (memory); charts not included (next lines)`,
})
lines.push({
  what: `Same, the existing per-compound path (postDisclosure in sequence, as the scheduler's tick runs it), measured on ${d.perCompound.compounds} compounds`,
  result: `${fmt.f1(d.perCompound.perCompoundMs)} ms per compound → ${fmt.int(d.perCompound.extrapolatedSeconds)} s for ${fmt.int(d.dataset.compounds)} (extrapolated); peak RSS ${fmt.int(d.perCompound.peakRssMiB)} MiB`,
  target: '≤ 60 s',
  verdict: `${yes(d.perCompound.extrapolatedSeconds <= 60)}${d.perCompound.extrapolatedSeconds <= 60 ? '' : ': about 30 queries per compound, one compound after another — why the batched path exists'}`,
})
lines.push({
  what: 'Disclosure chart PNG (ECharts SVG → resvg), per compound',
  result: `${fmt.int(d.charts.meanMs)} ms each (first ${fmt.int(d.charts.firstMs)} ms), ${fmt.int(d.charts.meanKiB)} KiB → ${fmt.int(d.charts.extrapolatedSeconds)} s on one core for ${fmt.int(d.dataset.compounds)}, ≥ ${fmt.int(d.charts.extrapolatedSeconds / info.cores)} s on ${info.cores}`,
  target: '≤ 60 s if charts were included',
  verdict: `${yes(d.charts.extrapolatedSeconds / info.cores <= 60)}${d.charts.extrapolatedSeconds / info.cores <= 60 ? '' : ': rendering one chart is CPU work no query batching removes; 10,000 charts do not fit in 60 s on this machine, so they are not in the 60 s figure above'}`,
})
lines.push({
  what: 'Batch vs per-compound data, compared compound by compound',
  result: `${d.verify.compared - d.verify.different.length}/${d.verify.compared} identical${d.verify.different.length ? ` (different: ${d.verify.different.join(', ')})` : ''}`,
  target: 'all identical',
  verdict: yes(d.verify.different.length === 0),
})
for (const l of limiters) {
  lines.push({
    what: `Outbound limiter, ${l.platform}: ${l.layout}; ${l.mode}`,
    result: `${fmt.f1(l.result.minutes)} min to drain ${fmt.int(l.result.sends)} posts (${fmt.f1(l.result.minutes / 60)} h); ${l.result.worst}`,
    target: 'no target (informational); must stay within the limits',
    verdict: l.result.withinLimits ? 'within limits' : '**LIMITS EXCEEDED**',
  })
}

// the table on stdout
const w1 = Math.min(90, Math.max(...lines.map((l) => l.what.length)))
process.stdout.write(`\nLinli benchmarks — ${info.date} — commit ${info.commit}\n${info.cpu}, ${info.cores} cores, ${info.memory}, node ${info.node}, ${info.postgres}\n\n`)
for (const l of lines) {
  process.stdout.write(`${l.what.length > w1 ? `${l.what.slice(0, w1 - 1)}…` : l.what.padEnd(w1)} | ${l.result} | ${l.target} | ${l.verdict.replace(/\*\*/g, '')}\n`)
}
process.stdout.write(`\n(${fmt.f1(totalSeconds)} s in all; load average ${info.load} before, ${loadAfter} after)\n`)

// RESULTS.md
const stmtTable = (mix: 'pay' | 'repair') =>
  statements[mix].statements.map(([s, n]) => `| ${Number.isInteger(n) ? String(n) : n.toFixed(2)} | \`${s.replace(/\|/g, '\\|')}\` |`).join('\n')
const md = `# Benchmark results

Written by \`npm run bench\` (bench/run.ts)${quick ? ' in QUICK mode (BENCH_QUICK=1: shorter runs, 1,000 compounds — not the figures of record)' : ''}. Benchmarks are not tests: the
figures are ratios against a raw baseline measured in the same run, on a machine shared with other work.

## Machine

| | |
|---|---|
| OS | ${info.os} |
| CPU | ${info.cpu} |
| Cores | ${info.cores} |
| Memory | ${info.memory} |
| Node.js | ${info.node} |
| PostgreSQL | ${info.postgres} |
| Date | ${info.date} |
| Commit | ${info.commit} |
| Load average (1/5/15 min) | ${info.load} at the start, ${loadAfter} at the end (other engineers' test runs share the machine) |
| Whole run | ${fmt.f1(totalSeconds)} s |

## Results

| What | Result | Target | Verdict |
|---|---|---|---|
${lines.map((l) => `| ${l.what} | ${l.result} | ${l.target} | ${l.verdict} |`).join('\n')}

## The command pipeline

Each command goes through \`App.handle\`: parse → dedupe (inbox row) → resolve member, compound, role and
bindings → authorize → validate (zod) → the command in a savepoint (缴费: room lookup, ledger append under the
compound's chain lock, balance; 报修: ticket number under the compound's ticket lock, ticket, history event)
→ reply rendering → privacy scrub of group-bound text → outbox rows → COMMIT → the outbox dispatcher claims the
rows and delivers them to a no-op adapter (\`NullAdapter\`), marking each sent. Compounds: ${COMPOUNDS_SPREAD}, each with
one group chat and a roster of 300 households; 16 collectors (one per concurrent stream) hold the collector role in
every compound. Messages alternate 缴费 \`<room> <amount>\` and 报修 \`<description>\`, rooms and compounds at
random. Pool: ${pipeline.POOL_SIZE} connections (16 transactions in flight plus the dispatcher's updates). The baseline runs
before and after the pipeline runs; ratios use the mean of the two (${fmt.int(baseline)} ops/s), and the spread between them
(${baselines.map((b) => fmt.int(b.opsPerSec)).join(' and ')}) shows how noisy this machine is.

**Why two figures.** Ledger writes serialize per compound: \`appendLedgerEntry\` takes a transaction-scoped
advisory lock on the compound (the hash chain has one head), and ticket numbers likewise. A real server carries
many compounds, so the figure of record spreads the messages over ${COMPOUNDS_SPREAD} compounds, where two streams
rarely want the same lock (${fmt.int(main.result.opsPerSec)}/s). With all 16 streams in one compound
(${fmt.int(single.result.opsPerSec)}/s, p95 ${fmt.ms(single.result.p95)}), every 缴费 waits for the one before it
in that compound (and every 报修 likewise), so one compound's write rate is bounded by one transaction at a time
per lock — far above what one compound's residents generate, but it is the per-compound ceiling.

**Where the time goes.** The run is CPU-bound: the bot process and the PostgreSQL backends share the
${info.cores} cores with each other and with other work (see the load average). Measured CPU per command (this process's
\`process.cpuUsage()\`, and the utime + stime of the database's backends from /proc): ${cpuOf(main.result)} =
${fmt.f2(cpuTotal(main.result))} ms, against ${cpuOf(baselines[0]!)} = ${fmt.f2(cpuTotal(baselines[0]!))} ms per baseline INSERT.
Even with every core to itself the pipeline would top out near ${fmt.int(ceiling(main.result))} commands/s at that cost
(and the baseline near ${fmt.int(ceiling(baselines[0]!))}/s), so the measured ratio is about the ratio of CPU per operation. One
command is ${roundTripsNote('pay')} statements (缴费) or ${roundTripsNote('repair')} (报修), one message at a time (counted with a
postgres.js \`debug\` hook; the dispatcher's claim and status update included, and under load one claim serves
many rows), where the baseline is one; each statement costs a socket write and read on both sides (system calls
are expensive in this sandbox), the query building and result mapping of drizzle-orm, and the server's parse,
plan and execution. A ratio of 0.45 would mean a whole command costs about two single-row INSERTs, which a
transaction of a dozen and more statements with two advisory locks, two fsynced commits (the command's, and the
outbox row's delivery status) and the privacy scrub cannot; 1,000 commands/s on 2 cores needs about 2 ms of CPU
per command in all.

**Changes made for these figures** (product code; the integration and unit tests pass with them, on PGlite and
on PostgreSQL):

- src/pipeline/pipeline.ts: the member and chat lookups are issued together, then the inbox claim (now written
  with its compound and member) together with the role and bindings reads; postgres.js pipelines each group on
  the transaction's connection and the server still runs them in order. The \`UPDATE inbox\` after the command
  is gone: 3 round trips and 1 statement fewer per command.
- db/members.ts \`upsertMember\`: reads first and writes only for a new member or a changed display name, instead
  of an INSERT … ON CONFLICT DO UPDATE (a new row version, WAL and a row lock held to COMMIT) on every message.
- db/households.ts \`resolveHousehold\`: a full room number is looked up by the unique (compound_id, code) index
  (one row) before falling back to loading the roster (300 rows here) for partial input.
- src/outbox/dispatcher.ts: a claimed batch is delivered in lanes — rows touching a common chat in id order,
  other chats in parallel — instead of one row after another; adapters may declare \`sendsOneAtATime\`
  (src/core/adapter.ts; the WeChat adapter does) to keep strict id order. See the limiter section for its effect.

Left as they are (their owners' call): the scheduler's tick still posts disclosures per compound; the privacy
scrub of group-bound text runs one \`ownerNamesIn\` query (a regexp split of every owner name of the roster) per
group-bound text, which is 1–2 statements per command here.

Statements of one 缴费:

| per command | statement |
|---|---|
${stmtTable('pay')}

Statements of one 报修:

| per command | statement |
|---|---|
${stmtTable('repair')}

## The weekly disclosure

${fmt.int(d.dataset.compounds)} compounds, each with one Telegram group, 50 households (owner names), a head and a
collector, ${fmt.int(d.dataset.entries / d.dataset.compounds)} ledger entries over the 12 weeks up to the disclosed week (charges,
payments, expenses with phone numbers and owner names in their notes, income, one reversal), 3 repair tickets,
and an open poll in every tenth compound: ${fmt.int(d.dataset.entries)} ledger entries and ${fmt.int(d.dataset.tickets)} tickets,
generated with INSERT … SELECT generate_series, then chained with entryHash, in ${fmt.f1(d.dataset.seconds)} s. The hash chain is
real: each post first checks it (published heads and the entries since the last verified point, two statements
per chunk) and prints its head. Period: ${d.batch.period}, as due at Monday 09:05 in Asia/Shanghai.

- **Batched path** (\`postDisclosures\` in src/disclosure/batch.ts): per chunk of 500 compounds, about a dozen
  set-based queries gather every compound's totals, items, cash balances at the 13 instants of the trend
  (one pass with width_bucket), repairs, chain head, arrears (FIFO), polls and private names; the summaries are
  rendered; then one transaction inserts the chunk's \`disclosures\` rows (ON CONFLICT DO NOTHING RETURNING, as
  postDisclosure does per chat) and the outbox rows with the same dedupe keys. ${fmt.f1(d.batch.seconds)} s, peak
  RSS ${fmt.int(d.batch.peakRssMiB)} MiB (VmHWM of the child process; about 220 MiB of it is the loaded modules,
  ECharts and resvg included). Its output was compared with gatherDisclosure compound by compound:
  ${d.verify.compared - d.verify.different.length}/${d.verify.compared} identical here, and
  test/integration/disclosure-batch.test.ts asserts it on hand-made data.
- **Per-compound path** (postDisclosure, ~30 queries per compound, run one compound after another by the
  scheduler's tick): ${fmt.f1(d.perCompound.perCompoundMs)} ms per compound, so about ${fmt.int(d.perCompound.extrapolatedSeconds)} s for all.
  The scheduler (src/scheduler/tick.ts) still uses this path; switching its weekly run to postDisclosures is
  left to the owner of the scheduler.
- **Charts are not included** in the 60 s figure: one chart PNG takes ${fmt.int(d.charts.meanMs)} ms of CPU
  (ECharts SVG rendering and resvg rasterization), so 10,000 charts need about ${fmt.int(d.charts.extrapolatedSeconds)} s of
  CPU — at least ${fmt.int(d.charts.extrapolatedSeconds / info.cores)} s on ${info.cores} cores even with a worker per core. With charts,
  10,000 compounds in 60 s is impossible on this machine; the text summaries and outbox rows (what the figure
  measures) are.

## The outbound limiters

Computed, not waited for: the real limiters (adapters/telegram/limiter.ts with its DEFAULT_LIMITS: 30
messages/s overall, 20/min and 1/s per group; adapters/wechat/queue.ts: ≥ 1 s per room, 40/min overall, a
random 1–3 s pause on a room switch, seeded) run on a virtual clock, and the outbox's batching is modelled with
the dispatcher's own grouping (\`lanesOf\`): batches of 50 claimed rows, lanes in parallel, the next batch after
the last lane finishes. Each schedule is checked against the limits afterwards (the "worst" figures).
Assumptions: one Telegram bot; one WeChat account (WeChat scales only by adding accounts, each with its own
queue and its own compounds: N accounts drain N times faster); a Telegram API call takes 100 ms and a WeChat
send 300 ms where stated.

- Telegram: 10,000 posts take at least 10,000 / 30 per second ≈ 5.5 min whatever their layout. Before this
  change the outbox delivered one row after another, so the API latency and, worse, the 1 s spacing between two
  messages to one group held up every other chat: 5 posts per group made the drain about 10 times longer.
  With lanes, chats are delivered in parallel; the remaining gap to 5.5 min for 5 posts per group comes from the
  batch barrier (a batch of 50 rows holds 10 groups, whose 5 posts need 4 s of spacing).
- WeChat: per account, a room switch costs 1–3 s (2 s on average), so posts to 10,000 different rooms take
  about 5.5 h; posts kept together per room are bounded by 40/min (about 4.2 h for 10,000). The WeChat adapter
  declares \`sendsOneAtATime\`, so the outbox hands it rows strictly in id order and a room's posts stay together
  (interleaving them, as parallel lanes would, costs a switch pause per message: the "interleaved" line).
`
const resultsPath = fileURLToPath(new URL('./RESULTS.md', import.meta.url))
// the "Start-up" section is bench/startup.ts's: carried over as it is
const previous = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : ''
const startup = previous.indexOf('## Start-up')
writeFileSync(resultsPath, startup < 0 ? md : `${md.trimEnd()}\n\n${previous.slice(startup).split(/\n(?=## )/)[0]!.trimEnd()}\n`)
log(`wrote ${resultsPath}`)
