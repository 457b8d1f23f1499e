// Which adapters run: every platform whose settings are present; the console sandbox when none is.
import type { Database } from '../db/client.ts'
import type { Config } from '../src/config.ts'
import type { ChatAdapter, CommandEntry } from '../src/core/adapter.ts'
import { createWechatAdapter } from './wechat/index.ts'

// grammY is loaded only when a Telegram token is set (like wechaty): the sandbox and the CLI start faster
const createTelegramAdapter = async (config: Config, deps?: AdapterDeps): Promise<ChatAdapter | null> =>
  config.TELEGRAM_BOT_TOKEN ? (await import('./telegram/index.ts')).createTelegramAdapter(config, deps) : null

/** What `linli start` hands every factory besides the config (optional: factories must cope without). */
export interface AdapterDeps {
  database?: Database
  dataDir?: string
  /** the commands, for menus (Telegram's "/") */
  commands?: readonly CommandEntry[]
}

/** Platform adapters register a factory here (one line per platform). */
export const platformFactories: Array<(config: Config, deps?: AdapterDeps) => Promise<ChatAdapter | null>> = [
  createWechatAdapter,
  createTelegramAdapter,
]

export async function platformAdapters(config: Config, deps: AdapterDeps = {}): Promise<ChatAdapter[]> {
  const out: ChatAdapter[] = []
  for (const make of platformFactories) {
    const a = await make(config, deps)
    if (a) out.push(a)
  }
  return out
}
