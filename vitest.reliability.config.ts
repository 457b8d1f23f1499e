// The reliability suite (`npm run test:reliability`): redelivery, crash points, several instances,
// a database outage, hostile input, authorization and privacy, always against PostgreSQL. CI sets
// DATABASE_URL; without it the local server is used. Every test file creates databases of its own on it.
import { defineConfig } from 'vitest/config'

process.env.DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/postgres'

export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    globalSetup: ['test/helpers/global-setup.ts'],
    pool: 'forks',
    // two cores: two files at a time; the heavy cases spawn processes of their own
    maxWorkers: 2,
    // the figures each case prints are part of the result
    silent: false,
  },
})
