// Polls (表决): the poll, every ballot, the ballot that counts per voter, and the electorate frozen at launch.
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, serial, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { sql } from 'drizzle-orm'
import { tstz } from './columns.ts'
import { compounds, households, members } from './compounds.ts'

export const polls = pgTable(
  'polls',
  {
    id: serial('id').primaryKey(),
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    no: integer('no').notNull(),
    title: text('title').notNull(),
    options: jsonb('options').$type<string[]>().notNull(),
    multiple: boolean('multiple').notNull().default(false),
    rule: text('rule').$type<'simple' | 'ordinary' | 'major'>().notNull().default('simple'),
    electorate: text('electorate').$type<'owners' | 'residents'>().notNull().default('owners'),
    secret: boolean('secret').notNull().default(false),
    deadline: tstz('deadline').notNull(),
    // nominating: an election still taking 推荐 (no ballots yet; options and deadline may still change)
    status: text('status').$type<'nominating' | 'open' | 'closed'>().notNull().default('open'),
    createdBy: integer('created_by').references(() => members.id),
    createdAt: tstz('created_at').notNull().defaultNow(),
    closedAt: tstz('closed_at'),
    result: jsonb('result'),
    resultAnnouncedAt: tstz('result_announced_at'),
    // launched by the head with 紧急 / urgent: a notice period shortened on purpose (no legal-calendar flag)
    urgent: boolean('urgent').notNull().default(false),
    // poll: a motion (表决); election: options are candidates (db/schema/governance.ts); opinion: 征求意见,
    // options are the stances and each ballot may carry free text (ballots.note)
    kind: text('kind').$type<'poll' | 'election' | 'opinion'>().notNull().default('poll'),
    // election: seats to fill (each household marks at most this many candidates)
    seats: integer('seats'),
    // election with a nomination period: households needed to qualify a nominee, and when nomination ends
    nominationSupport: integer('nomination_support'),
    nominationUntil: tstz('nomination_until'),
  },
  (t) => [uniqueIndex('polls_compound_no_uq').on(t.compoundId, t.no)],
)

/** Every cast ballot, append-only (a trigger refuses UPDATE and DELETE). */
export const ballots = pgTable(
  'ballots',
  {
    id: serial('id').primaryKey(),
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    pollId: integer('poll_id').notNull().references(() => polls.id),
    voterKey: text('voter_key').notNull(), // h:<household id> or m:<member id>
    householdId: integer('household_id').references(() => households.id),
    memberId: integer('member_id').notNull().references(() => members.id),
    options: jsonb('options').$type<number[]>().notNull(),
    castAt: tstz('cast_at').notNull().defaultNow(),
    // opinion rounds: the household's free-text opinion with its signature
    note: text('note'),
    // a paper vote or signature recorded by a building captain (member_id is then the captain too)
    recordedBy: integer('recorded_by').references(() => members.id),
    // the photo of the paper, as the platform's file reference
    evidencePlatform: text('evidence_platform'),
    evidenceRef: text('evidence_ref'),
  },
  (t) => [index('ballots_poll_idx').on(t.pollId)],
)

/** The one ballot that counts per voter: the unique key is the invariant. */
export const currentBallots = pgTable(
  'current_ballots',
  {
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    pollId: integer('poll_id').notNull().references(() => polls.id),
    voterKey: text('voter_key').notNull(),
    ballotId: integer('ballot_id').notNull().references(() => ballots.id),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.voterKey] })],
)

/**
 * A poll's electorate frozen at launch: later roster changes (re-import, removal, new bindings) never move an
 * open poll's denominators or a voter's weight. Append-only (trigger). No foreign key to households: a
 * household removed from the roster still counts in the polls it was frozen into.
 */
export const pollElectorate = pgTable(
  'poll_electorate',
  {
    compoundId: integer('compound_id').notNull().references(() => compounds.id),
    pollId: integer('poll_id').notNull().references(() => polls.id),
    // h:<household id> (owner polls) or m:<member id> (resident polls): matches ballots.voter_key
    voterKey: text('voter_key').notNull(),
    householdId: integer('household_id'),
    code: text('code'),
    areaCentiM2: bigint('area_centi_m2', { mode: 'bigint' }).notNull().default(sql`0`),
    // the owner persons of this voter (headcount: 最高法 interpretation art. 9), e.g. o:<normalized owner name>
    ownerKeys: jsonb('owner_keys').$type<string[]>().notNull().default([]),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.voterKey] })],
)
