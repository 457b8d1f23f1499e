import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { childEnv, runCli, tempDir } from '../helpers/cli.ts'

describe('linli CLI', { timeout: 300_000 }, () => {
  it('prints usage and exits non-zero on bad arguments', async () => {
    const dir = tempDir()
    const env = childEnv(dir)
    const none = await runCli([], { env })
    expect(none.code).toBe(2)
    expect(none.stdout).toContain('usage: linli')
    const unknown = await runCli(['frobnicate'], { env })
    expect(unknown.code).toBe(2)
    const missing = await runCli(['compound', 'create'], { env })
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('usage: linli compound create')
    const badRole = await runCli(['role', 'grant', 'console', 'u1', 'king', '--compound', 'x'], { env })
    expect(badRole.code).toBe(2)
  })

  it('creates a compound, imports a roster all-or-nothing, links chats and grants roles', async () => {
    const dir = tempDir()
    const env = childEnv(dir)
    expect((await runCli(['compound', 'create', '东风小区', '--tz', 'Asia/Shanghai', '--lang', 'zh-TW'], { env })).code).toBe(0)
    expect((await runCli(['compound', 'create', '坏时区', '--tz', 'Mars/Base'], { env })).code).toBe(2)
    const bad = join(dir, 'bad.csv')
    writeFileSync(bad, 'building,unit,room,area_m2\n1,1,101,80\n1,1,102,-5\n')
    const r1 = await runCli(['roster', 'import', bad, '--compound', '东风小区'], { env })
    expect(r1.code).toBe(1)
    expect(r1.stderr).toContain('line 3')
    const good = join(dir, 'good.csv')
    writeFileSync(good, 'building,unit,room,area_m2,occupancy,owner_name\n1,1,101,80,,王一\n1,1,102,90.25,rented,\n2,,301,70,vacant,\n')
    const r2 = await runCli(['roster', 'import', good, '--compound', '东风小区'], { env })
    expect(r2.stdout).toContain('3 new, 0 updated')
    writeFileSync(good, 'building,unit,room,area_m2\n1,1,101,81.5\n')
    const r3 = await runCli(['roster', 'import', good, '--compound', '东风小区'], { env })
    expect(r3.stdout).toContain('0 new, 1 updated')
    expect((await runCli(['chat', 'link', 'telegram', '-1001', '--compound', '东风小区'], { env })).code).toBe(0)
    expect((await runCli(['chat', 'link', 'icq', '1', '--compound', '东风小区'], { env })).code).toBe(2)
    const list = await runCli(['chat', 'list'], { env })
    expect(list.stdout).toContain('telegram\t-1001\t东风小区')
    const g = await runCli(['role', 'grant', 'telegram', '42', 'head', '--compound', '东风小区'], { env })
    expect(g.code).toBe(0)
    expect((await runCli(['role', 'grant', 'telegram', '42', 'head', '--compound', '无此小区'], { env })).code).toBe(2)
  })
})
