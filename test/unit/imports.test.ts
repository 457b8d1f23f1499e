// The import structure of the code base: no file-level cycle, and imports between folders only in the
// directions stated below. Every import counts: static, type-only, `export … from`, dynamic import() and
// import('…') types. A failure names the file, the import and the rule it breaks; move the code, or change a
// rule here with its reason.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
const SCANNED = ['src', 'commands', 'db', 'adapters']

/** The layers, each a folder or a file, and which others each may import (itself always). */
const LAYERS = {
  core: { may: [], why: 'what a message is and the adapter port (src/core/): everything else speaks them' },
  domain: { may: [], why: 'pure rules and values: no I/O, no text, no platform' },
  i18n: { may: [], why: 'the texts' },
  log: { may: [], why: 'the logger' },
  config: { may: [], why: 'the settings' },
  db: { may: ['domain'], why: 'queries per aggregate; never another module’s business rule' },
  render: { may: ['core', 'domain', 'i18n'], why: 'display: values in, text (and buttons) out' },
  intents: { may: ['domain', 'i18n'], why: 'plain language read as a command, pure: the pipeline and a few commands (投票, 账目) use its readers' },
  outbox: { may: ['core', 'db', 'domain', 'log'], why: 'reply rows, written and delivered' },
  'command-api': {
    may: ['core', 'config', 'db', 'i18n', 'outbox'],
    why: 'how a command declares itself (src/pipeline/command.ts, permissions.ts): its context holds the transaction and rows, its result the replies',
  },
  pipeline: {
    may: ['command-api', 'config', 'core', 'db', 'domain', 'i18n', 'intents', 'log', 'outbox'],
    why: 'a message in, one transaction, replies out',
  },
  services: {
    may: ['command-api', 'core', 'db', 'domain', 'i18n', 'log', 'outbox', 'render'],
    why: 'what several commands and the scheduler share (src/services/; src/disclosure/ is the disclosure service, a folder of its own for its size)',
  },
  commands: {
    may: ['command-api', 'core', 'domain', 'i18n', 'intents', 'render', 'services'],
    why: 'one file per command: never db/ or another command, never the pipeline beyond its command API',
  },
  scheduler: {
    may: ['app', 'command-api', 'config', 'db', 'domain', 'i18n', 'log', 'outbox', 'render', 'services'],
    why: 'what is due each minute; started as a service of the App',
  },
  embedded: { may: ['db', 'log'], why: 'a data folder’s PGlite, one owner at a time' },
  health: { may: ['db', 'log'], why: 'liveness and readiness endpoints' },
  adapters: {
    may: ['config', 'core', 'domain', 'health', 'i18n', 'log'],
    why: 'platforms: normalize messages, deliver Outgoing; they know the bot only through src/core/ (their own bookkeeping: see EXCEPTIONS)',
  },
  app: {
    may: ['command-api', 'commands', 'config', 'core', 'db', 'i18n', 'log', 'outbox', 'pipeline'],
    why: 'wires database, pipeline, outbox and the adapters it is given',
  },
  tools: { may: ['command-api', 'commands', 'i18n'], why: 'the README command table generator' },
  entry: { may: '*', why: 'src/main.ts, src/cli.ts, src/cli/*: the only ones that pick adapters and wire everything' },
} satisfies Record<string, { may: string[] | '*'; why: string }>
type Layer = keyof typeof LAYERS

/** Single files that may import more than their layer, and why. */
const EXCEPTIONS: Record<string, { may: Layer[]; why: string }> = {
  'adapters/wechat/store.ts': {
    may: ['db', 'outbox'],
    why: 'WeChat’s own bookkeeping (room topics, greetings, logout notices to the heads) stays with its platform, behind the WechatStore interface',
  },
  'adapters/telegram/migrate-chat.ts': {
    may: ['db'],
    why: 'a group that became a supergroup moves its binding and pending replies; the adapter sees only a callback',
  },
  'adapters/index.ts': { may: ['db'], why: 'the Database type the factories are handed' },
  'adapters/wechat/index.ts': { may: ['db'], why: 'the factory builds the store from the Database it is handed' },
  'adapters/telegram/index.ts': { may: ['db'], why: 'the factory builds the migration callback from the Database it is handed' },
}

function layerOf(file: string): Layer | undefined {
  if (file === 'src/pipeline/command.ts' || file === 'src/pipeline/permissions.ts') return 'command-api'
  if (file === 'src/main.ts' || file === 'src/cli.ts' || file.startsWith('src/cli/')) return 'entry'
  if (file.startsWith('src/disclosure/')) return 'services'
  const name = /^src\/([^/]+)\//.exec(file)?.[1] ?? /^src\/([^/]+)\.ts$/.exec(file)?.[1] ?? file.split('/')[0]!
  return name in LAYERS ? (name as Layer) : undefined
}

/** Every module specifier a source text names: static, type-only, re-exports, dynamic import(), import('…') types. */
export function specifiersOf(text: string, fileName = 'x.ts'): string[] {
  const out: string[] = []
  const visit = (n: ts.Node): void => {
    let spec: ts.Node | undefined
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier) spec = n.moduleSpecifier
    else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) spec = n.arguments[0]
    else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument)) spec = n.argument.literal
    else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference)) spec = n.moduleReference.expression
    // a computed dynamic import (an optional package by name) names no file of ours
    if (spec && (ts.isStringLiteral(spec) || ts.isNoSubstitutionTemplateLiteral(spec))) out.push(spec.text)
    ts.forEachChild(n, visit)
  }
  visit(ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true))
  return out
}

function sourceFiles(): string[] {
  const files: string[] = []
  const walk = (dir: string): void => {
    for (const name of readdirSync(join(ROOT, dir))) {
      const path = join(dir, name)
      if (statSync(join(ROOT, path)).isDirectory()) walk(path)
      else if (name.endsWith('.ts')) files.push(path.split('\\').join('/'))
    }
  }
  for (const dir of SCANNED) walk(dir)
  return files.sort()
}

/** file → the files of ours it imports (relative specifiers, resolved from the repository root) */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of sourceFiles()) {
    const targets = specifiersOf(readFileSync(join(ROOT, file), 'utf8'), file)
      .filter((s) => s.startsWith('.'))
      .map((s) => relative(ROOT, resolve(ROOT, dirname(file), s)).split('\\').join('/'))
    graph.set(file, [...new Set(targets)])
  }
  return graph
}

/** One cycle through each strongly connected set of files (Tarjan), as `a → b → a`. */
export function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[] {
  let next = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const connect = (v: string): void => {
    index.set(v, next)
    low.set(v, next++)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue
      if (!index.has(w)) {
        connect(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
    }
    if (low.get(v) !== index.get(v)) return
    const component: string[] = []
    let w: string
    do {
      w = stack.pop()!
      onStack.delete(w)
      component.push(w)
    } while (w !== v)
    if (component.length > 1 || graph.get(v)?.includes(v)) found.push(component)
  }
  for (const v of graph.keys()) if (!index.has(v)) connect(v)
  return found.map((component) => {
    // the shortest way from the component's first file back to itself, inside the component
    const members = new Set(component)
    const start = [...component].sort()[0]!
    const from = new Map<string, string>()
    const queue = [start]
    let end: string | undefined
    while (queue.length > 0 && end === undefined) {
      const v = queue.shift()!
      for (const w of graph.get(v) ?? []) {
        if (w === start) {
          end = v
          break
        }
        if (members.has(w) && !from.has(w)) {
          from.set(w, v)
          queue.push(w)
        }
      }
    }
    const path = [start]
    for (let v = end!; v !== start; v = from.get(v)!) path.splice(1, 0, v)
    return [...path, start].join(' → ')
  })
}

function violations(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const out: string[] = []
  for (const [file, targets] of graph) {
    const from = layerOf(file)
    if (!from) {
      out.push(`${file}: in no layer; add its folder to LAYERS in test/unit/imports.test.ts`)
      continue
    }
    const rule = LAYERS[from]
    if (rule.may === '*') continue
    for (const target of targets) {
      const to = layerOf(target)
      if (to === from || (to && (rule.may as readonly string[]).includes(to))) continue
      if (to && EXCEPTIONS[file]?.may.includes(to)) continue
      const allowed = rule.may.length > 0 ? rule.may.join(', ') : 'nothing outside itself'
      out.push(`${file} imports ${target}: ${from} → ${to ?? 'outside every layer'} is not allowed (${from} may import ${allowed})`)
    }
  }
  return out
}

describe('imports', () => {
  const graph = importGraph()

  it('sees every kind of import', () => {
    const text = [
      "import { a } from './static.ts'",
      "import type { B } from './type-only.ts'",
      "import { type C } from './inline-type.ts'",
      "export { d } from './re-export.ts'",
      "export * from './star.ts'",
      "const e = await import('./dynamic.ts')",
      "let f: import('./type-query.ts').F",
      '// import { g } from "./in-a-comment.ts"',
      'const h = await import(name)',
    ].join('\n')
    expect(specifiersOf(text)).toEqual(['./static.ts', './type-only.ts', './inline-type.ts', './re-export.ts', './star.ts', './dynamic.ts', './type-query.ts'])
    // the real tree: hundreds of imports between our own files
    expect([...graph.values()].flat().length).toBeGreaterThan(500)
  })

  it('finds a cycle when there is one', () => {
    const g = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', []],
      ['e.ts', ['e.ts']],
    ])
    expect(cyclesOf(g)).toEqual(['a.ts → b.ts → c.ts → a.ts', 'e.ts → e.ts'])
  })

  it('has no file-level cycle', () => {
    expect(cyclesOf(graph)).toEqual([])
  })

  it('names an import against the directions', () => {
    const g = new Map([
      ['src/domain/x.ts', ['src/i18n/index.ts']],
      ['commands/x.ts', ['db/tickets.ts', 'src/services/repairs.ts']],
      ['src/pipeline/pipeline.ts', ['adapters/console/index.ts']],
      ['src/main.ts', ['adapters/index.ts']],
    ])
    expect(violations(g)).toEqual([
      'src/domain/x.ts imports src/i18n/index.ts: domain → i18n is not allowed (domain may import nothing outside itself)',
      'commands/x.ts imports db/tickets.ts: commands → db is not allowed (commands may import command-api, core, domain, i18n, intents, render, services)',
      'src/pipeline/pipeline.ts imports adapters/console/index.ts: pipeline → adapters is not allowed (pipeline may import command-api, config, core, db, domain, i18n, intents, log, outbox)',
    ])
  })

  it('imports only in the allowed directions between folders', () => {
    expect(violations(graph)).toEqual([])
  })

  it('lets only the entry import adapters/', () => {
    const importers = [...graph].filter(([f, ts]) => !f.startsWith('adapters/') && ts.some((t) => t.startsWith('adapters/'))).map(([f]) => f)
    expect(importers.every((f) => layerOf(f) === 'entry'), importers.join(', ')).toBe(true)
    expect(importers).toContain('src/main.ts')
  })

  it('lists no exception that is not needed', () => {
    for (const [file, { may }] of Object.entries(EXCEPTIONS)) {
      const used = new Set((graph.get(file) ?? []).map(layerOf))
      expect(may.filter((l) => !used.has(l)), file).toEqual([])
    }
  })
})
