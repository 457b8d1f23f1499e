// One measurement of what a command costs, for bench/commands.ts, with the code of the checkout at <root> (this
// one, or an older one: `npm run bench -- --before <checkout>`). Uses only what both have: bench/lib.ts,
// bench/pipeline.ts (seedPipelineWorld, messageFactory, newApp, benchPipeline), db/schema.ts.
//   node --import tsx bench/commands-child.ts <root> count <samples>    statements per command, one message at a time
//   node --import tsx bench/commands-child.ts <root> cpu <seconds>      CPU per command, 16 concurrent, 64 compounds
// Prints one JSON line on stdout.
process.env.LINLI_LOG_LEVEL ??= 'warn'
export {}

const [root, phase, arg] = process.argv.slice(2)
if (!root || !phase) throw new Error('usage: commands-child.ts <root> count|cpu <n>')
const n = Number(arg ?? 20)
const COMPOUNDS = 64

type Lib = typeof import('./lib.ts')
type Pipeline = typeof import('./pipeline.ts')
const lib = (await import(`${root}/bench/lib.ts`)) as Lib
const p = (await import(`${root}/bench/pipeline.ts`)) as Pipeline
const { default: postgres } = await import('postgres')
const { drizzle } = await import('drizzle-orm/postgres-js')

const bench = await lib.createBenchDatabase('commands')
let result: Record<string, unknown>
try {
  const database = await p.openBenchDatabase(bench.url)
  try {
    const world = await p.seedPipelineWorld(bench.url, COMPOUNDS)
    if (phase === 'count') result = await count(world)
    else {
      const run = await p.benchPipeline(database, world, {
        label: 'mixed',
        compounds: COMPOUNDS,
        mix: 'mixed',
        durationMs: n * 1000,
        runId: 'cpu',
        dbName: bench.name,
      })
      result = { ...run.result, outcomes: run.outcomes }
    }
  } finally {
    await database.close()
  }
} finally {
  await bench.drop()
}
process.stdout.write(`${JSON.stringify(result)}\n`)

/**
 * Every statement the driver sends (its debug hook), BEGIN, SAVEPOINT and COMMIT included, and the outbox
 * dispatcher's. The bot is warmed up first with one message in every compound, as a running bot is (its
 * per-compound caches filled).
 */
async function count(world: Awaited<ReturnType<Pipeline['seedPipelineWorld']>>) {
  const schema = await import(`${root}/db/schema.ts`)
  let k = 0
  const byStatement = new Map<string, number>()
  const client = postgres(bench.url, {
    max: 1,
    onnotice: () => {},
    types: { bigint: postgres.BigInt },
    debug: (_c, query) => {
      k++
      const key = query.replace(/\s+/g, ' ').trim().slice(0, 80)
      byStatement.set(key, (byStatement.get(key) ?? 0) + 1)
    },
  })
  const db = drizzle(client, { schema })
  const database = { db, driver: 'postgres', close: () => client.end({ timeout: 5 }) } as unknown as Parameters<Pipeline['newApp']>[0]
  const out: Record<string, { perCommand: number; statements: [string, number][] }> = {}
  try {
    const { app } = p.newApp(database)
    for (const mix of ['pay', 'repair'] as const) {
      const make = p.messageFactory(world, { runId: `count-${mix}`, compounds: COMPOUNDS, mix, seed: 7 })
      // one message in every compound first: what the bot keeps per compound is there, as in a running bot
      for (let c = 1; c <= COMPOUNDS; c++) {
        const m = make(0, 100_000 + c)
        await app.handle({ ...m, chat: { ...m.chat, id: `g${c}` } })
      }
      k = 0
      byStatement.clear()
      for (let i = 1; i <= n; i++) await app.handle(make(0, i))
      out[mix] = { perCommand: k / n, statements: [...byStatement].map(([s, v]) => [s, v / n] as [string, number]) }
    }
  } finally {
    await database.close()
  }
  return out
}
