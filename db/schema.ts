// Drizzle schema: the single source for migrations (drizzle-kit generate) and typed queries.
// Every table that belongs to a compound carries compound_id so the schema can be distributed by it.
// One module per area under ./schema/; drizzle.config.ts and every query import them through this file.
export * from './schema/compounds.ts'
export * from './schema/messages.ts'
export * from './schema/repairs.ts'
export * from './schema/money.ts'
export * from './schema/polls.ts'
export * from './schema/scheduling.ts'
export * from './schema/offers.ts'
export * from './schema/governance.ts'
