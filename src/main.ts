// Runs the bot: database, pipeline, outbox, adapters and the scheduler, with graceful shutdown.
import { resolve } from 'node:path'
import { ConsoleAdapter } from '../adapters/console/index.ts'
import { platformAdapters } from '../adapters/index.ts'
import { commands } from '../commands/index.ts'
import type { ChatAdapter } from './core/adapter.ts'
import { commandEntries } from './pipeline/command.ts'
import type { IncomingMessage } from './core/messages.ts'
import { App, type Service } from './app.ts'
import { openConfigured } from './cli/common.ts'
import type { Config } from './config.ts'
import { closeChartPool } from './disclosure/chart-pool.ts'
import { HealthServer, healthState } from './health.ts'
import { log, logToFile } from './log.ts'
import { DEMO_HEAD, seedDemoIfEmpty } from './cli/demo.ts'
import { schedulerService } from './scheduler/service.ts'

export interface RunOptions {
  /** force the console sandbox (linli sandbox) */
  sandbox?: { jsonl: boolean; demo: boolean; dataDir?: string }
}

export const services: Array<(config: Config) => Service | null> = [schedulerService]

export async function runBot(config: Config, opts: RunOptions = {}): Promise<number> {
  // SIGINT / SIGTERM stop the bot in every mode, also while it is still starting: what is in flight finishes,
  // then the database is closed and the data folder unlocked; a second signal ends the process at once
  let signals = 0
  let onSignal: (sig: NodeJS.Signals) => void = () => {}
  const signalled = new Promise<void>((res) => {
    onSignal = (sig) => {
      if (++signals === 1) return res()
      log.warn({ signal: sig }, 'second signal: exiting without a clean shutdown')
      process.exit(1)
    }
  })
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    return await run(config, opts, signalled)
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

async function run(config: Config, opts: RunOptions, signalled: Promise<void>): Promise<number> {
  const dataDir = opts.sandbox?.dataDir ?? config.LINLI_DATA_DIR
  const platformsConfigured = !opts.sandbox && Boolean(config.TELEGRAM_BOT_TOKEN || config.WECHATY_PUPPET_SERVICE_TOKEN)
  const interactive = !platformsConfigured && !opts.sandbox?.jsonl && process.stdin.isTTY === true
  // the terminal is the chat: log lines would print into the prompt
  const logFile = interactive ? logToFile(resolve(dataDir, 'linli.log')) : undefined
  const newConsole = (mode: 'interactive' | 'jsonl') =>
    new ConsoleAdapter({ mode, imageDir: resolve(dataDir, 'images'), fileDir: resolve(dataDir, 'out'), botName: config.LINLI_BOT_NAME, defaultSpeaker: DEMO_HEAD, logFile })
  // The terminal sandbox shows its prompt as soon as the data folder is this process's: opening PGlite and the
  // rest of the start take seconds, and what is typed meanwhile waits for them (handled in order, after
  // what the services post at start, as below)
  let consoleAdapter: ConsoleAdapter | undefined = interactive ? newConsole('interactive') : undefined
  let handle: ((m: IncomingMessage) => ReturnType<App['handle']>) | undefined
  let inputOpen!: () => void
  const startedUp = new Promise<void>((res) => (inputOpen = res))
  let prompted = false
  const prompt = () => {
    if (!consoleAdapter || prompted) return
    prompted = true
    void consoleAdapter.start((m) => startedUp.then(() => handle!(m)))
  }
  const database = await openConfigured(config, dataDir, 'bot', { onOwned: prompt })
  prompt()
  const platforms = opts.sandbox ? [] : await platformAdapters(config, { database, dataDir, commands: commandEntries(commands) })
  if (platforms.length === 0) {
    // `npm start` seeds the demo (with a month of history) on a new database; `linli sandbox` only with --demo, bare
    const demo = opts.sandbox ? opts.sandbox.demo : true
    if (demo && (await seedDemoIfEmpty(database, config, config.LINLI_NOW ? new Date(config.LINLI_NOW) : new Date(), { history: !opts.sandbox }))) log.info('seeded the demo compound')
    consoleAdapter ??= newConsole('jsonl')
  }
  const adapters: ChatAdapter[] = consoleAdapter ? [consoleAdapter] : platforms
  const app = new App({ database, config, adapters })
  // adapters learn whether handling failed (database down): they must not drop a redelivery of it
  handle = (m) => app.handle(m)
  const running = services.map((make) => make(config)).filter((s): s is Service => s !== null)
  healthState.database = database
  const healthServer = config.LINLI_HEALTH_PORT !== undefined ? new HealthServer(config.LINLI_HEALTH_PORT) : undefined
  if (healthServer) log.info({ port: (await healthServer.listen()).port }, 'health endpoints: /healthz /readyz')

  let stopping: Promise<void> | undefined
  const shutdown = () =>
    (stopping ??= (async () => {
      log.info('shutting down')
      // not ready any more: the load balancer stops sending while in-flight work finishes
      healthState.draining = true
      for (const s of running) await s.stop().catch((err) => log.error({ err }, 'service stop failed'))
      for (const a of adapters) await a.stop().catch((err) => log.error({ err }, 'adapter stop failed'))
      await app.dispatcher.stop()
      if (config.LINLI_DELIVERY === 'on') await app.dispatcher.flush().catch(() => 0)
      await healthServer?.close()
      await database.close()
      // the chart workers (started by the first chart): nothing renders any more
      await closeChartPool().catch((err) => log.error({ err }, 'chart workers did not stop'))
    })())

  // platform adapters first; the console sandbox reads its input only after the services have started,
  // so what they post at start (the scheduler's first tick) comes before the replies to the input
  for (const a of adapters) if (a !== consoleAdapter) await a.start(handle)
  if (config.LINLI_DELIVERY === 'on') {
    await app.dispatcher.flush()
    app.dispatcher.start()
  }
  for (const s of running) await s.start(app)
  if (consoleAdapter && !prompted) await consoleAdapter.start(handle)
  inputOpen()
  healthState.started = true
  log.info({ adapters: adapters.map((a) => a.platform), db: database.driver }, 'linli started')

  // the sandbox ends when its input ends
  await (consoleAdapter ? Promise.race([consoleAdapter.done, signalled]) : signalled)
  await shutdown()
  return 0
}
