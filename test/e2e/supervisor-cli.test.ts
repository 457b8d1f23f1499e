// Issue 17 item 6: `linli supervisor grant|revoke|list` as the operator runs it (the real CLI, a child process).
// Grants are keyed by platform identity (before any message), revokes delete them and are logged, bad arguments
// exit 2 with the usage line.
import { describe, expect, it } from 'vitest'
import { childEnv, runCli, tempDir } from '../helpers/cli.ts'

describe('linli supervisor', { timeout: 300_000 }, () => {
  it('refuses bad arguments with the usage and exit 2', async () => {
    const env = childEnv(tempDir())
    const cases: [string[], string][] = [
      [['supervisor', 'grant', 'telegram', '42'], '--compounds <name,name,…> is required'],
      [['supervisor', 'grant', 'icq', '42', '--compounds', '幸福里'], 'platform must be one of'],
      [['supervisor', 'grant', 'telegram', '--compounds', '幸福里'], 'expected 2 argument(s)'],
      [['supervisor', 'grant', 'telegram', '42', '--compounds', ' , '], '--compounds names no compound'],
      [['supervisor', 'revoke', 'telegram'], 'expected 2 argument(s)'],
      [['supervisor', 'list', 'extra'], 'expected 0 argument(s)'],
      [['supervisor', 'grant', 'telegram', '42', '--compound', '幸福里'], 'Unknown option'],
    ]
    for (const [argv, message] of cases) {
      const r = await runCli(argv, { env })
      expect(r.code, argv.join(' ')).toBe(2)
      expect(r.stderr).toContain(message)
      expect(r.stderr).toContain(`usage: linli supervisor ${argv[1]}`)
    }
  })

  it('grants before a first message, lists, revokes one compound then all, and logs each change', async () => {
    const env = childEnv(tempDir(), { LINLI_LOG_LEVEL: 'info' })
    for (const name of ['幸福里', '东风苑']) expect((await runCli(['compound', 'create', name], { env })).code).toBe(0)
    // an unknown compound is a usage error, and nothing is granted
    const unknown = await runCli(['supervisor', 'grant', 'telegram', '42', '--compounds', '幸福里,西山'], { env })
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('no compound named "西山"')
    expect((await runCli(['supervisor', 'list'], { env })).stdout).toBe('')

    const grant = await runCli(['supervisor', 'grant', 'telegram', '42', '--compounds', '幸福里，东风苑'], { env })
    expect(grant.code).toBe(0)
    expect(grant.stdout).toContain('telegram user 42 now supervises "幸福里", "东风苑"')
    expect(grant.stderr).toContain('"msg":"supervisor granted"')
    // again: harmless
    expect((await runCli(['supervisor', 'grant', 'telegram', '42', '--compounds', '幸福里'], { env })).stdout).toContain('(already: 幸福里)')
    const list = (await runCli(['supervisor', 'list'], { env })).stdout.trim().split('\n')
    expect(list.map((l) => l.split('\t').slice(0, 3).join(' '))).toEqual(['telegram 42 幸福里', 'telegram 42 东风苑'])

    const one = await runCli(['supervisor', 'revoke', 'telegram', '42', '--compounds', '东风苑'], { env })
    expect(one.code).toBe(0)
    expect(one.stderr).toContain('"msg":"supervisor revoked"')
    expect((await runCli(['supervisor', 'list'], { env })).stdout.trim().split('\t').slice(0, 3)).toEqual(['telegram', '42', '幸福里'])
    expect((await runCli(['supervisor', 'revoke', 'telegram', '42'], { env })).code).toBe(0)
    expect((await runCli(['supervisor', 'list'], { env })).stdout).toBe('')
    // nothing left to revoke
    expect((await runCli(['supervisor', 'revoke', 'telegram', '42'], { env })).code).toBe(1)
  })
})
