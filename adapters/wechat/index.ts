// The WeChat platform: runs when WECHATY_PUPPET_SERVICE_TOKEN is set. wechaty is loaded only then
// (it takes a second or two to import), so the console sandbox and the CLI stay quick.
import type { Database } from '../../db/client.ts'
import { botNames, type Config } from '../../src/config.ts'
import type { ChatAdapter } from '../../src/core/adapter.ts'

export type { WechatAdapter, WechatAdapterOptions, WechatTrace } from './adapter.ts'

export interface WechatDeps {
  /** for room topics, greetings and logout notices */
  database?: Database
  /** overrides LINLI_DATA_DIR (where photos are saved) */
  dataDir?: string
}

/** The adapter for `linli start`, or null when no puppet-service token is configured. */
export async function createWechatAdapter(config: Config, deps: WechatDeps = {}): Promise<ChatAdapter | null> {
  const token = config.WECHATY_PUPPET_SERVICE_TOKEN
  if (!token) return null
  const [{ PuppetService }, { WechatAdapter }, { databaseStore }] = await Promise.all([
    import('wechaty-puppet-service'),
    import('./adapter.ts'),
    import('./store.ts'),
  ])
  const endpoint = config.WECHATY_PUPPET_SERVICE_ENDPOINT
  // constructing is offline-safe; tokens `insecure_…` / `puppet_<provider>_…` are read by the puppet service
  const puppet = new PuppetService({ token, ...(endpoint ? { endpoint } : {}) })
  return new WechatAdapter({
    puppet,
    dataDir: deps.dataDir ?? config.LINLI_DATA_DIR,
    botNames: botNames(config),
    ...(deps.database ? { store: databaseStore(deps.database) } : {}),
  })
}
