// Disclosure posts (公示) and the run coordinator of scheduled jobs.
import { boolean, index, integer, pgTable, primaryKey, serial, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { tstz } from './columns.ts'
import { chats, compounds } from './compounds.ts'

/** One disclosure post per compound, chat, period kind and period: recorded before it is sent. */
export const disclosures = pgTable(
  'disclosures',
  {
    id: serial('id').primaryKey(),
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    chatId: integer('chat_id').notNull().references(() => chats.id),
    periodKind: text('period_kind').$type<'week' | 'month' | 'year'>().notNull(),
    period: text('period').notNull(),
    late: boolean('late').notNull().default(false),
    // the ledger chain head this post published (serial 0 and GENESIS for an empty ledger): 核验 checks it is still in the chain
    chainSerial: integer('chain_serial'),
    chainHead: text('chain_head'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  // the scheduler's every-minute check reads the rows of the periods due now (db/disclosure.ts undisclosedPeriods)
  (t) => [uniqueIndex('disclosures_once_uq').on(t.compoundId, t.chatId, t.periodKind, t.period), index('disclosures_period_idx').on(t.period, t.periodKind)],
)

/** Run coordinator for scheduled jobs: one row per (job, fire) means one run across instances. */
export const jobRuns = pgTable(
  'job_runs',
  {
    job: text('job').notNull(),
    fireKey: text('fire_key').notNull(),
    instance: text('instance'),
    startedAt: tstz('started_at').notNull().defaultNow(),
    finishedAt: tstz('finished_at'),
  },
  // started_at: the daily prune of runs older than JOB_RUNS_KEEP_DAYS (src/scheduler/tick.ts)
  (t) => [primaryKey({ columns: [t.job, t.fireKey] }), index('job_runs_started_idx').on(t.startedAt)],
)
