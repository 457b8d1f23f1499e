// The Telegram platform: runs when TELEGRAM_BOT_TOKEN is set (adapters/index.ts loads this module, and grammY
// with it, only then). The adapter itself is adapter.ts.
import type { Database } from '../../db/client.ts'
import type { Config } from '../../src/config.ts'
import type { CommandEntry } from '../../src/core/adapter.ts'
import { log } from '../../src/log.ts'
import { TelegramAdapter } from './adapter.ts'
import { chatMigrationHandler } from './migrate-chat.ts'
import { telegramMode } from './mode.ts'

export { ALLOWED_UPDATES, START_PAYLOAD, TelegramAdapter, type TelegramAdapterOptions } from './adapter.ts'
export { type TelegramMode, telegramMode } from './mode.ts'

export interface TelegramDeps {
  /** the bot's database, for re-keying a group that became a supergroup */
  database?: Database
  /** the commands, for the "/" menu */
  commands?: readonly CommandEntry[]
}

/** `linli start` runs the adapter when TELEGRAM_BOT_TOKEN is set. */
export async function createTelegramAdapter(config: Config, deps: TelegramDeps = {}): Promise<TelegramAdapter | null> {
  if (!config.TELEGRAM_BOT_TOKEN) return null
  return new TelegramAdapter({
    token: config.TELEGRAM_BOT_TOKEN,
    mode: telegramMode(config),
    apiRoot: config.TELEGRAM_API_ROOT,
    commands: deps.commands,
    onChatMigrated: deps.database ? chatMigrationHandler(deps.database, log) : undefined,
  })
}
