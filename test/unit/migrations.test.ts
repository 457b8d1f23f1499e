import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrationsFolder } from '../../db/migrate.ts'

describe('migrations journal', () => {
  // the migrator skips a migration whose `when` is older than the newest applied one
  it('has strictly increasing timestamps and a file per entry', () => {
    const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as {
      entries: { idx: number; when: number; tag: string }[]
    }
    journal.entries.forEach((e, i) => {
      expect(e.idx).toBe(i)
      if (i > 0) expect(e.when).toBeGreaterThan(journal.entries[i - 1]!.when)
      expect(readFileSync(join(migrationsFolder, `${e.tag}.sql`), 'utf8').length).toBeGreaterThan(0)
    })
  })
})
