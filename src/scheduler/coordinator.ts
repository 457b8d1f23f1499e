// node-cron 4's run coordinator for `distributed: true` tasks, over PostgreSQL (or PGlite): the key
// node-cron passes is `<task name>:<fire time ISO>`, stored as job_runs (job, fire_key). The insert
// ON CONFLICT DO NOTHING RETURNING elects exactly one instance per fire; a fire claimed by an instance
// that died before finishing may be taken over once its lease (ttlMs) has run out.
import type { RunCoordinator } from 'node-cron'
import type { Db } from '../../db/client.ts'
import { claimJobRun, finishJobRun } from '../../db/disclosure.ts'
import type { Clock } from '../pipeline/command.ts'

export function splitCoordinatorKey(key: string): { job: string; fireKey: string } {
  const i = key.indexOf(':')
  return i < 0 ? { job: key, fireKey: '' } : { job: key.slice(0, i), fireKey: key.slice(i + 1) }
}

export class JobRunsCoordinator implements RunCoordinator {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly instance: string,
  ) {}

  async shouldRun(key: string, ttlMs: number): Promise<boolean> {
    const { job, fireKey } = splitCoordinatorKey(key)
    return claimJobRun(this.db, job, fireKey, { instance: this.instance, now: this.clock.now(), leaseMs: ttlMs > 0 ? ttlMs : undefined })
  }

  async onComplete(key: string): Promise<void> {
    const { job, fireKey } = splitCoordinatorKey(key)
    await finishJobRun(this.db, job, fireKey, this.clock.now())
  }
}
