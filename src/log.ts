// The one structured logger (JSON lines via pino). Console sandbox output goes to stdout, so logs go to stderr.
import pino from 'pino'

const level = process.env.LINLI_LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info')

export const log = pino({ level, base: { app: 'linli' } }, pino.destination(2))
export type Logger = typeof log
