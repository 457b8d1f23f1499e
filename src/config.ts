// Environment, validated once at start.
import { z } from 'zod'

const optional = z.string().trim().min(1).optional().catch(undefined)

const EnvSchema = z.object({
  DATABASE_URL: optional,
  LINLI_DATA_DIR: z.string().trim().min(1).default('./data'),
  LINLI_BOT_NAME: z.string().trim().min(1).default('邻里'),
  LINLI_NOW: optional, // fixed or starting clock (ISO 8601) for the sandbox and the scheduler
  LINLI_SCHEDULER: z.enum(['on', 'off']).default('on'), // 'off': no disclosures, billing or reminders from this process
  LINLI_LOG_LEVEL: optional,
  LINLI_DEFAULT_TZ: z.string().default('Asia/Shanghai'),
  TELEGRAM_BOT_TOKEN: optional,
  TELEGRAM_WEBHOOK_URL: optional,
  TELEGRAM_WEBHOOK_SECRET: optional,
  TELEGRAM_API_ROOT: optional,
  PORT: z.coerce.number().int().positive().default(8080),
  // serve /healthz and /readyz on this port (in Telegram webhook mode they are also on PORT)
  // 'off': this instance handles messages but leaves delivery to instances with it on (see docs/DEPLOY.md)
  LINLI_DELIVERY: z.enum(['on', 'off']).default('on'),
  // deliver only these compounds' outbox rows (ids, comma-separated): one WeChat account per process
  LINLI_DELIVER_COMPOUNDS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'comma-separated compound ids')
    .transform((s) => s.split(',').map(Number))
    .optional(),
  LINLI_HEALTH_PORT: z.coerce.number().int().min(0).optional(),
  WECHATY_PUPPET_SERVICE_TOKEN: optional,
  WECHATY_PUPPET_SERVICE_ENDPOINT: optional,
  // optional OpenAI-compatible endpoint that reads addressed plain-language messages (docs/INTENTS.md): the
  // text of every message addressed to the bot goes there. Off unless both the URL and the model are set.
  LINLI_LLM_URL: z
    .union([z.literal(''), z.url({ protocol: /^https?$/, message: 'an http(s) URL, e.g. https://api.example.com/v1' })])
    .optional()
    .transform((v) => v || undefined),
  LINLI_LLM_MODEL: optional,
  LINLI_LLM_KEY: optional,
  LINLI_LLM_TIMEOUT_MS: z.coerce.number().int().positive().max(60_000).optional(),
})

export type Config = z.infer<typeof EnvSchema>

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = EnvSchema.safeParse(env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
    throw new Error(`invalid configuration:\n${lines.join('\n')}`)
  }
  return { ...parsed.data, ...overrides }
}

/** Bot names a leading @mention may use. */
export function botNames(config: Config): string[] {
  return [config.LINLI_BOT_NAME, '邻里', '鄰里', 'linli', 'Linli']
}
