#!/usr/bin/env node
// `linli` — what `npm start` and `npm run linli` run: one node process, so a signal reaches the process that
// holds the database. It runs the compiled dist/ when dist/ is current with the sources (`npm run build`,
// which `npm ci` runs as `prepare`), else the sources through tsx's loader in this same process (never tsx's
// CLI, which runs node as a child of its own).
import { fileURLToPath } from 'node:url'
import { distIsCurrent } from './sources.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
let cli
if (distIsCurrent(root)) {
  cli = await import('../dist/src/cli.js')
} else {
  await import('tsx')
  cli = await import('../src/cli.ts')
}
cli.runProcess(process.argv.slice(2))
