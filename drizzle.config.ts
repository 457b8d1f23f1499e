import { defineConfig } from 'drizzle-kit'

// Migrations are generated from db/schema.ts and committed; the same SQL runs on PGlite and PostgreSQL.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.ts',
  out: './db/migrations',
})
