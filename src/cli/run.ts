// `linli start` and `linli sandbox`: the bot. Its modules (pipeline, every command, adapters) are loaded
// only for these two, not for every CLI command (bench/startup.ts).
import type { RunOptions } from '../main.ts'
import { args, type CliCommand } from './common.ts'
import type { Config } from '../config.ts'

async function runBot(config: Config, opts?: RunOptions): Promise<number> {
  const main = await import('../main.ts')
  return main.runBot(config, opts)
}

export const startCmd: CliCommand = {
  name: 'start',
  usage: 'linli start   (every adapter whose settings are present; the console sandbox when none is)',
  async run(argv, config) {
    args(argv, {}, 0)
    return runBot(config)
  },
}

export const sandboxCmd: CliCommand = {
  name: 'sandbox',
  usage: 'linli sandbox [--jsonl] [--data-dir DIR] [--demo]',
  async run(argv, config) {
    const { values } = args(argv, { jsonl: { type: 'boolean' }, 'data-dir': { type: 'string' }, demo: { type: 'boolean' } }, 0)
    return runBot(config, { sandbox: { jsonl: values.jsonl ?? false, demo: values.demo ?? false, dataDir: values['data-dir'] } })
  },
}
