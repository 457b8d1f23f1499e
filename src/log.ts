// The one structured logger (JSON lines via pino). Console sandbox output goes to stdout, so logs go to stderr,
// except in the interactive sandbox: there a log line on the terminal would land in the middle of the prompt,
// so `logToFile` sends them to a file for the rest of the run.
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import pino from 'pino'

const level = process.env.LINLI_LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info')

type Sink = ReturnType<typeof pino.destination>

/** pino writes here; the target is stderr until logToFile switches it */
const sink = {
  target: pino.destination(2) as Sink,
  write(line: string): void {
    this.target.write(line)
  },
  flush(): void {
    this.target.flush()
  },
}

export const log = pino({ level, base: { app: 'linli' } }, sink)
export type Logger = typeof log

/** Append every later log line to `path` instead of stderr. Returns the path. */
export function logToFile(path: string): string {
  mkdirSync(dirname(path), { recursive: true })
  sink.target.flush()
  // synchronous: the interactive sandbox logs little, and a line is in the file even if the process dies next
  sink.target = pino.destination({ dest: path, append: true, sync: true })
  return path
}
