// Self-governance (issue 17): elections, objection windows, opinion rounds, notices, building captains and
// community supervisors. Elections and opinion rounds are polls (polls.kind), so they share the poll numbering
// (#n), the frozen electorate, the append-only ballots and the one-ballot-per-household invariant.
import { boolean, index, integer, jsonb, pgTable, primaryKey, serial, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { sql } from 'drizzle-orm'
import { tstz } from './columns.ts'
import { compounds, households, members } from './compounds.ts'
import { polls } from './polls.ts'

/**
 * The candidates of an election (polls.kind = 'election'), in ballot order: option index `idx` of the poll.
 * A candidate named at launch is qualified at once; one put forward with 推荐 qualifies when enough households
 * support them (polls.nomination_support) and joins the ballot when voting opens. member_id: the member who gets
 * the committee role if elected and the objection window closes without an upheld objection (null: named only,
 * the head appoints them by hand and the final announcement says so).
 */
export const electionCandidates = pgTable(
  'election_candidates',
  {
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    pollId: integer('poll_id').notNull().references(() => polls.id),
    name: text('name').notNull(),
    memberId: integer('member_id').references(() => members.id),
    source: text('source').$type<'launch' | 'nomination'>().notNull(),
    // the ballot position once on the ballot (null: nominated, not yet qualified)
    idx: integer('idx'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.name] })],
)

/** One household's support for a nominated candidate (推荐), append-only; one per household and candidate. */
export const nominations = pgTable(
  'nominations',
  {
    id: serial('id').primaryKey(),
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    pollId: integer('poll_id').notNull().references(() => polls.id),
    candidateName: text('candidate_name').notNull(),
    householdId: integer('household_id').notNull().references(() => households.id),
    memberId: integer('member_id').notNull().references(() => members.id),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('nominations_once_uq').on(t.pollId, t.candidateName, t.householdId)],
)

/**
 * The objection window (公示期) of a closed poll or election: opened when the result is published, closed at
 * `until`. final_at / final_result are set once, when the final result is announced (the only update allowed).
 */
export const resultWindows = pgTable(
  'result_windows',
  {
    pollId: integer('poll_id').primaryKey().references(() => polls.id),
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    openedAt: tstz('opened_at').notNull().defaultNow(),
    until: tstz('until').notNull(),
    finalAt: tstz('final_at'),
    // what was announced: upheld objections, the standing result, roles granted (src/services/objections.ts)
    finalResult: jsonb('final_result'),
  },
  (t) => [index('result_windows_until_idx').on(t.until)],
)

/** An owner's objection (异议) to a published result, append-only; `no` numbers them per poll. */
export const objections = pgTable(
  'objections',
  {
    id: serial('id').primaryKey(),
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    pollId: integer('poll_id').notNull().references(() => polls.id),
    no: integer('no').notNull(),
    memberId: integer('member_id').notNull().references(() => members.id),
    householdId: integer('household_id').references(() => households.id),
    reason: text('reason').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('objections_poll_no_uq').on(t.pollId, t.no)],
)

/** The committee's answer (答复异议) to an objection, append-only: the latest answer stands. */
export const objectionAnswers = pgTable(
  'objection_answers',
  {
    id: serial('id').primaryKey(),
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    objectionId: integer('objection_id').notNull().references(() => objections.id),
    memberId: integer('member_id').notNull().references(() => members.id),
    answer: text('answer').notNull(),
    // upheld: the objection stands against the result (an elected candidate does not take office)
    upheld: boolean('upheld').notNull().default(false),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [index('objection_answers_objection_idx').on(t.objectionId)],
)

/**
 * A committee notice (通知) posted to every chat of the compound; `no` numbers them per compound. remind_at:
 * when the one reminder goes to those who have not acknowledged; reminded_at is set once when it went.
 */
export const notices = pgTable(
  'notices',
  {
    id: serial('id').primaryKey(),
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    no: integer('no').notNull(),
    text: text('text').notNull(),
    createdBy: integer('created_by').references(() => members.id),
    createdAt: tstz('created_at').notNull().defaultNow(),
    remindAt: tstz('remind_at'),
    remindedAt: tstz('reminded_at'),
  },
  (t) => [uniqueIndex('notices_compound_no_uq').on(t.compoundId, t.no), index('notices_remind_idx').on(t.remindAt)],
)

/**
 * An acknowledgement (收到) of a notice, append-only: one per member, counted per household through the
 * member's verified bindings at the time. recorded_by: a building captain who recorded it for the household
 * (member_id is then the captain): one such row per household, however many households a captain records.
 */
export const noticeAcks = pgTable(
  'notice_acks',
  {
    id: serial('id').primaryKey(),
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    noticeId: integer('notice_id').notNull().references(() => notices.id),
    memberId: integer('member_id').notNull().references(() => members.id),
    householdId: integer('household_id').references(() => households.id),
    recordedBy: integer('recorded_by').references(() => members.id),
    ackedAt: tstz('acked_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('notice_acks_member_uq').on(t.noticeId, t.memberId).where(sql`recorded_by IS NULL`),
    uniqueIndex('notice_acks_recorded_uq').on(t.noticeId, t.householdId).where(sql`recorded_by IS NOT NULL`),
    index('notice_acks_household_idx').on(t.noticeId, t.householdId),
  ],
)

/** A building captain (楼栋长): a member scoped to one building of a compound (one row per building). */
export const captainBuildings = pgTable(
  'captain_buildings',
  {
    id: serial('id').primaryKey(),
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    memberId: integer('member_id').notNull().references(() => members.id),
    building: text('building').notNull(),
    grantedBy: integer('granted_by').references(() => members.id),
    grantedAt: tstz('granted_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('captain_buildings_uq').on(t.compoundId, t.memberId, t.building)],
)

/**
 * A community (社区/街道) supervisor: read-only across the compounds listed, granted from the CLI
 * (`linli supervisor grant`). Keyed by platform identity so a grant can precede the person's first message.
 */
export const supervisors = pgTable(
  'supervisors',
  {
    id: serial('id').primaryKey(),
    platform: text('platform').notNull(),
    platformUserId: text('platform_user_id').notNull(),
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    grantedBy: text('granted_by'),
    grantedAt: tstz('granted_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('supervisors_uq').on(t.platform, t.platformUserId, t.compoundId)],
)
