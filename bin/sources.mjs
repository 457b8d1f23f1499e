// Which files the compiled dist/ is built from, and a fingerprint of them: bin/build.mjs stamps dist/ with it,
// bin/linli.mjs runs dist/ only while the sources still have that fingerprint.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

export const SOURCE_DIRS = ['src', 'adapters', 'commands', 'db']
const SOURCE_FILES = ['package.json', 'tsconfig.json', 'tsconfig.build.json']
export const STAMP = 'dist/.sources'

/** Count, total size and newest change time of every source file: any edit, addition or removal changes it. */
export function fingerprint(root) {
  let count = 0
  let size = 0
  let newest = 0
  const visit = (path) => {
    const st = statSync(path)
    count++
    size += st.size
    newest = Math.max(newest, st.mtimeMs, st.ctimeMs)
  }
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name)
      if (e.isDirectory()) walk(path)
      else visit(path)
    }
  }
  for (const d of SOURCE_DIRS) walk(join(root, d))
  for (const f of SOURCE_FILES) visit(join(root, f))
  return `${count} ${size} ${newest}`
}

/** Whether dist/ was built from the sources as they are now. */
export function distIsCurrent(root) {
  try {
    return readFileSync(join(root, STAMP), 'utf8') === fingerprint(root)
  } catch {
    return false
  }
}
