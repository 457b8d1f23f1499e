// Puppet failures as the outbox understands them (AdapterError), and which of them mean "the puppet service is
// unreachable" (the adapter reconnects).
import { AdapterError } from '../../src/core/adapter.ts'

/** gRPC UNAVAILABLE / DEADLINE_EXCEEDED and their kin: the puppet service cannot be reached. */
export function isConnectivityError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code
  if (code === 14 || code === 4) return true
  return /UNAVAILABLE|ECONNREFUSED|ECONNRESET|ETIMEDOUT|No connection established|Timeout after/i.test(String((err as Error)?.message ?? err))
}

/** Map a puppet failure to an AdapterError the outbox understands. */
export function toAdapterError(err: unknown): AdapterError {
  if (err instanceof AdapterError) return err
  const message = String((err as Error)?.message ?? err)
  const code = (err as { code?: unknown })?.code
  // gRPC: 14 UNAVAILABLE, 4 DEADLINE_EXCEEDED, 1 CANCELLED
  if (code === 14 || code === 4 || code === 1 || /UNAVAILABLE|DEADLINE|ECONNREFUSED|ECONNRESET|socket|network|timeout/i.test(message)) {
    return new AdapterError(`wechat: ${message}`, 'network')
  }
  if (/not logged in|logout|login/i.test(message)) return new AdapterError(`wechat: ${message}`, 'network', 60_000)
  return new AdapterError(`wechat: ${message}`, 'unknown')
}
