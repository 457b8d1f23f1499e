// The scheduler as a service of the running bot (src/main.ts `services`): one tick at start (before the
// console sandbox reads its input, so `echo '' | LINLI_NOW=… npm start` prints what is due), then a
// node-cron task every minute. The task is `distributed` with the job_runs coordinator, so of several
// instances one runs each minute's tick; the tick itself is idempotent (unique keys), so even two ticks
// at once post nothing twice. After each tick the outbox is flushed (unless LINLI_DELIVERY=off). The clock
// is the App's (LINLI_NOW).
// LINLI_SCHEDULER=off turns it off (operators who run ticks elsewhere, tests).
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import cron, { type ScheduledTask } from 'node-cron'
import type { App, Service } from '../app.ts'
import type { Config } from '../config.ts'
import { log } from '../log.ts'
import { JobRunsCoordinator } from './coordinator.ts'
import { runDue, TICK_JOB, type TickOptions, type TickReport } from './tick.ts'

export interface SchedulerOptions {
  /** cron expression of the tick (default every minute) */
  expression?: string
  /** run one tick in start() (default true) */
  tickAtStart?: boolean
  render?: TickOptions['render']
}

const cronLogger = {
  info: (m: string) => log.debug({ cron: true }, m),
  warn: (m: string) => log.warn({ cron: true }, m),
  error: (m: string | Error, err?: Error) => log.error({ err: err ?? m }, 'cron error'),
  debug: (m: string | Error) => log.debug({ cron: true }, String(m)),
}

export class SchedulerService implements Service {
  readonly instance = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
  private task: ScheduledTask | undefined
  private app: App | undefined
  private inflight: Promise<TickReport | null> = Promise.resolve(null)
  private stopped = false

  constructor(
    private readonly config: Config,
    private readonly opts: SchedulerOptions = {},
  ) {}

  async start(app: App): Promise<void> {
    this.app = app
    this.stopped = false
    if (this.opts.tickAtStart !== false) await this.tick()
    const db = app.opts.database.db
    this.task = cron.schedule(this.opts.expression ?? '* * * * *', () => this.tick(), {
      name: TICK_JOB,
      timezone: this.config.LINLI_DEFAULT_TZ,
      noOverlap: true,
      distributed: true,
      runCoordinator: new JobRunsCoordinator(db, app.clock, this.instance),
      distributedLease: 10 * 60_000,
      logger: cronLogger,
    })
    log.info({ instance: this.instance, expression: this.opts.expression ?? '* * * * *' }, 'scheduler started')
  }

  /** Run what is due now and deliver it. Never throws. */
  tick(): Promise<TickReport | null> {
    const app = this.app
    if (!app || this.stopped) return Promise.resolve(null)
    const run = this.inflight.then(async () => {
      if (this.stopped) return null
      try {
        const report = await runDue(app.opts.database.db, app.clock.now(), { instance: this.instance, render: this.opts.render })
        // an instance with delivery off leaves the rows to the instances that deliver
        if (app.opts.config.LINLI_DELIVERY !== 'off') await app.dispatcher.flush()
        return report
      } catch (err) {
        log.error({ err }, 'scheduler tick failed')
        return null
      }
    })
    this.inflight = run
    return run
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.task) await this.task.destroy()
    this.task = undefined
    await this.inflight
  }
}

/** The factory src/main.ts registers: null when LINLI_SCHEDULER=off. */
export function schedulerService(config: Config): SchedulerService | null {
  if (config.LINLI_SCHEDULER === 'off') return null
  return new SchedulerService(config)
}
