// `npm run docs`: regenerate the README's command table from the command definitions.
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { commands } from '../../commands/index.ts'
import { commandTable, replaceTable } from './docs.ts'

const path = fileURLToPath(new URL('../../README.md', import.meta.url))
writeFileSync(path, replaceTable(readFileSync(path, 'utf8'), commandTable(commands)))
process.stdout.write('README command table updated\n')
