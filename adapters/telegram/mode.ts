// How updates reach the bot: long polling, or a webhook when TELEGRAM_WEBHOOK_URL is set.
import { randomBytes } from 'node:crypto'
import type { Config } from '../../src/config.ts'
import { SECRET_PATTERN } from './webhook.ts'

/** How updates arrive: validated once from the environment (see `telegramMode`). */
export type TelegramMode =
  | { kind: 'polling' }
  | { kind: 'webhook'; url: string; path: string; secret: string; port: number; host?: string }
  /** updates are fed by the caller through `bot.handleUpdate` (tests) */
  | { kind: 'manual' }

/** Polling unless TELEGRAM_WEBHOOK_URL is set; the webhook's path is the URL's path, its port PORT. */
export function telegramMode(config: Config): TelegramMode {
  if (!config.TELEGRAM_WEBHOOK_URL) return { kind: 'polling' }
  let url: URL
  try {
    url = new URL(config.TELEGRAM_WEBHOOK_URL)
  } catch {
    throw new Error(`TELEGRAM_WEBHOOK_URL is not a URL: ${config.TELEGRAM_WEBHOOK_URL}`)
  }
  // the public Bot API calls https webhooks only; a self-hosted server (TELEGRAM_API_ROOT) may call http
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && config.TELEGRAM_API_ROOT)) {
    throw new Error('TELEGRAM_WEBHOOK_URL must be an https:// URL')
  }
  const secret = config.TELEGRAM_WEBHOOK_SECRET ?? randomBytes(32).toString('base64url')
  if (!SECRET_PATTERN.test(secret)) {
    throw new Error('TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -')
  }
  return { kind: 'webhook', url: url.toString(), path: url.pathname || '/', secret, port: config.PORT }
}
