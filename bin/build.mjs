// `npm run build` (and `prepare`, so `npm ci` runs it): compile to dist/ with tsc, copy the files the code
// reads at run time (migrations, seed data), and stamp dist/ with the sources' fingerprint (bin/sources.mjs).
import { spawnSync } from 'node:child_process'
import { cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fingerprint, SOURCE_DIRS, STAMP } from './sources.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const underNpmCi = process.env.npm_lifecycle_event === 'prepare'
let tsc
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
} catch {
  // `npm ci --omit=dev` has no TypeScript: linli runs from the sources
  process.stderr.write('build: typescript is not installed; `linli` runs from the sources (through tsx)\n')
  process.exit(underNpmCi ? 0 : 1)
}
// taken before compiling: a file edited during the build leaves dist/ stale, never stamped as current
const sources = fingerprint(root)
const dist = join(root, 'dist')
rmSync(dist, { recursive: true, force: true })
const res = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' })
if (res.status !== 0) {
  process.stderr.write('build: tsc failed; `linli` runs from the sources (through tsx) until a build succeeds\n')
  // under `npm ci` a failed build must not fail the install: the sources still run
  process.exit(underNpmCi ? 0 : 1)
}
const copyAssets = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name)
    if (e.isDirectory()) copyAssets(path)
    else if (!e.name.endsWith('.ts')) cpSync(path, join(dist, relative(root, path)))
  }
}
for (const d of SOURCE_DIRS) copyAssets(join(root, d))
writeFileSync(join(root, STAMP), sources)
