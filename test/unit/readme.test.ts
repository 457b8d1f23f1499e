import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { commands } from '../../commands/index.ts'
import { commandTable, replaceTable } from '../../src/tools/docs.ts'

const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8')

describe('README', () => {
  it('has the command table generated from the definitions (run `npm run docs`)', () => {
    expect(replaceTable(readme, commandTable(commands))).toBe(readme)
  })

  it('has exactly the two set-up commands', () => {
    const blocks = [...readme.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)].map((m) => m[1]!.trim())
    expect(blocks.slice(0, 2)).toEqual(['npm ci && npm start', 'npm ci && npm test'])
  })
})
