// Bot API failures → AdapterError, so the outbox can tell a retry from a permanent failure.
import { GrammyError, HttpError } from 'grammy'
import { AdapterError } from '../../src/core/adapter.ts'

/** The new supergroup id when Telegram says the group was upgraded (400 with migrate_to_chat_id). */
export function migratedTo(err: unknown): string | undefined {
  if (err instanceof GrammyError && err.parameters?.migrate_to_chat_id !== undefined) {
    return String(err.parameters.migrate_to_chat_id)
  }
  return undefined
}

/** Sending into a forum topic that was closed or deleted since the message came. */
export function topicGone(err: unknown): boolean {
  return err instanceof GrammyError && err.error_code === 400 && /thread not found|TOPIC_CLOSED|TOPIC_DELETED|TOPIC_ID_INVALID/i.test(err.description)
}

const PERMISSION_400 = /not enough rights|have no rights|need administrator rights|CHAT_WRITE_FORBIDDEN|CHAT_RESTRICTED|USER_BANNED/i
const NOT_FOUND_400 = /chat not found|user not found|PEER_ID_INVALID|group chat was deactivated/i

export function toAdapterError(err: unknown): AdapterError {
  if (err instanceof AdapterError) return err
  const mapped = map(err)
  mapped.cause = err
  return mapped
}

function map(err: unknown): AdapterError {
  if (err instanceof GrammyError) {
    const what = `telegram ${err.method}: ${err.error_code} ${err.description}`
    switch (err.error_code) {
      case 429:
        return new AdapterError(what, 'rate_limited', Math.max(1, err.parameters?.retry_after ?? 1) * 1000)
      case 401:
      case 404: // the Bot API answers 404 to a wrong token
        return new AdapterError(what, 'auth')
      case 403:
        return new AdapterError(what, 'permission')
      case 400:
        if (NOT_FOUND_400.test(err.description)) return new AdapterError(what, 'not_found')
        if (PERMISSION_400.test(err.description)) return new AdapterError(what, 'permission')
        return new AdapterError(what, 'unknown')
      default:
        return new AdapterError(what, err.error_code >= 500 ? 'network' : 'unknown')
    }
  }
  if (err instanceof HttpError) return new AdapterError(`telegram: ${err.message}`, 'network')
  return new AdapterError(`telegram: ${err instanceof Error ? err.message : String(err)}`, 'unknown')
}
