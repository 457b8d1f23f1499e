// Optional: an OpenAI-compatible chat/completions endpoint classifies ADDRESSED messages only (never group
// chatter, which stays with the local rules and costs nothing). Configured by LINLI_LLM_URL, LINLI_LLM_MODEL
// and LINLI_LLM_KEY; off when the URL or model is missing. The model only names the intent and its slots:
// every slot is checked here (rooms by the room grammar, amounts by parseMoney, periods by the period
// reader), the resident's own words stay the ticket description, and the command line and run / offer /
// show are decided by outcome(), as for the rules. A timeout, an HTTP error or an answer that is not
// the expected JSON falls back to the local rules.
import { z } from 'zod'
import { parseMoney } from '../domain/money.ts'
import { canonicalCode, parseRoom } from '../domain/rooms.ts'
import { readRules, repairDescription, writtenIn } from './classify.ts'
import { KEYWORDS, type CommandName } from './commands.ts'
import { DEFAULT_TIME_ZONE, outcome } from './outcome.ts'
import { paymentAmount } from './payment.ts'
import { parsePeriod } from './period.ts'
import { findRoom } from './places.ts'
import { repairSlots } from './repair.ts'
import { prepare, type Text } from './text.ts'
import { INTENTS, type IntentContext, type IntentName, type Slots, type Understood } from './types.ts'

export interface LlmConfig {
  /** the API base (`https://host/v1`) or the full `…/chat/completions` URL */
  url: string
  model: string
  key?: string
  /** default 4000 ms: a resident waits for the answer */
  timeoutMs?: number
}

export const DEFAULT_LLM_TIMEOUT_MS = 4000

/** The configuration from the environment, or null when no endpoint is configured. */
export function llmConfigFromEnv(env: Record<string, string | undefined> = process.env): LlmConfig | null {
  const url = env.LINLI_LLM_URL?.trim()
  const model = env.LINLI_LLM_MODEL?.trim()
  if (!url || !model) return null
  const timeout = Number(env.LINLI_LLM_TIMEOUT_MS)
  return { url, model, key: env.LINLI_LLM_KEY?.trim() || undefined, timeoutMs: timeout > 0 ? timeout : undefined }
}

/** Reads an addressed message. */
export interface IntentReader {
  read(text: string, ctx: IntentContext): Promise<Understood>
}

/** The local rules alone (the default, and the fallback). */
export const localReader: IntentReader = {
  read: async (text, ctx) => {
    const t = prepare(text, ctx.botNames)
    const r = readRules(t, ctx)
    return outcome(r.intent, r.slots, ctx, writtenIn(t, ctx.lang), 'rules')
  },
}

const TOPICS = Object.keys(KEYWORDS) as CommandName[]

const num = z.union([z.number(), z.string()]).transform((v) => Number(v))
const Answer = z.object({
  intent: z.enum(INTENTS as [IntentName, ...IntentName[]]),
  slots: z
    .object({
      room: z.string().nullish(),
      schedule: z.boolean().nullish(),
      ticket: num.nullish(),
      mine: z.boolean().nullish(),
      list: z.boolean().nullish(),
      period: z.string().nullish(),
      poll: num.nullish(),
      option: num.nullish(),
      stance: z.enum(['approve', 'oppose', 'abstain']).nullish(),
      relation: z.enum(['owner', 'tenant', 'family']).nullish(),
      topic: z.string().nullish(),
      amount: z.union([z.number(), z.string()]).nullish(),
    })
    .partial()
    .nullish(),
})

const SYSTEM = `You read messages that residents of a Chinese residential compound send to the compound's bot.
Reply with one JSON object and nothing else: {"intent": ..., "slots": {...}}.
intent is one of:
- "fee": the asker's (or a room's) fees, arrears, bill; slots.room if a room is named; slots.schedule=true if they ask how fees are charged
- "repair": something in the building or flat is broken and should be repaired
- "status": the status of a repair ticket; slots.ticket (number), or slots.mine=true (their own), or slots.list=true (all open)
- "ledger": the compound's income, expenses or balance; slots.period as written ("上个月", "3月", "2025", "last week")
- "results": how a poll is going; slots.poll (number) if named
- "vote": casting a vote; slots.poll (number), slots.option (1-based number) or slots.stance ("approve"|"oppose"|"abstain")
- "bind": the asker says which room they live in; slots.room, slots.relation ("owner"|"tenant"|"family")
- "help": how to use the bot; slots.topic one of ${TOPICS.join(', ')} if about one command
- "payment": a payment was made or received; slots.amount (yuan), slots.room if named
- "none": anything else (greetings, thanks, chatter)
Rooms are written like 3-2-201 (building-unit-room) or 5-101.`

function endpoint(url: string): string {
  const u = url.replace(/\/+$/, '')
  return /\/chat\/completions$/.test(u) ? u : `${u}/chat/completions`
}

function jsonOf(content: string): unknown {
  const s = content.trim().replace(/^```(?:json)?\s*/i, '').replace(/\s*```$/, '')
  const start = s.indexOf('{')
  const end = s.lastIndexOf('}')
  if (start < 0 || end <= start) throw new Error('no JSON object in the answer')
  return JSON.parse(s.slice(start, end + 1))
}

/** The model's slots, each checked locally; anything that does not check out is dropped. */
function checkedSlots(intent: IntentName, raw: z.infer<typeof Answer>['slots'], t: Text, ctx: IntentContext): Slots {
  const s = raw ?? {}
  const out: Slots = {}
  const room = s.room ? parseRoom(s.room) : null
  if (room) out.room = canonicalCode(room)
  // a room the model overlooked but the text names
  else if (intent === 'fee' || intent === 'bind' || intent === 'payment') {
    const hit = findRoom(t.folded)
    if (hit) out.room = hit.code
  }
  if (s.schedule) out.schedule = true
  const int = (n: number | null | undefined) => (n !== null && n !== undefined && Number.isInteger(n) && n > 0 ? n : undefined)
  const ticket = int(s.ticket)
  if (ticket) out.ticket = ticket
  if (s.mine) out.mine = true
  if (s.list) out.list = true
  const poll = int(s.poll)
  if (poll) out.poll = poll
  const option = int(s.option)
  if (option) out.option = option
  if (s.stance) out.stance = s.stance
  if (s.relation) out.relation = s.relation
  if (s.topic && (TOPICS as string[]).includes(s.topic)) out.topic = s.topic as CommandName
  if (s.amount !== null && s.amount !== undefined) {
    const m = parseMoney(String(s.amount))
    if (m.ok) out.amountFen = m.fen
  }
  if (intent === 'payment' && out.amountFen === undefined) {
    const hit = findRoom(t.folded)
    const a = paymentAmount(t.folded, hit ? [hit] : [])
    if (a) out.amountFen = a.fen
  }
  if (intent === 'ledger') {
    const now = ctx.now ?? new Date()
    const tz = ctx.timeZone ?? DEFAULT_TIME_ZONE
    const p = (s.period ? parsePeriod(s.period.toLowerCase(), now, tz, ctx.lang) : null) ?? parsePeriod(t.folded, now, tz, ctx.lang)
    if (p) out.period = p
  }
  // where and what of a repair come from the resident's words, read by the rules
  if (intent === 'repair') {
    const { room: placeRoom, ...where } = repairSlots(t.folded)
    Object.assign(out, where, { description: repairDescription(t) })
    if (!out.room && placeRoom) out.room = placeRoom
  }
  return out
}

/**
 * The endpoint first, the local rules as fallback: on any failure, and when the model finds nothing where
 * the rules found something (the rules only fire on specific words).
 */
export function llmReader(cfg: LlmConfig, fetchImpl: typeof fetch = fetch): IntentReader {
  return {
    async read(text, ctx) {
      const t = prepare(text, ctx.botNames)
      const local = readRules(t, ctx)
      const lang = writtenIn(t, ctx.lang)
      const fallback = () => outcome(local.intent, local.slots, ctx, lang, 'rules')
      if (!t.clean) return fallback()
      const ac = new AbortController()
      const timer = setTimeout(() => ac.abort(), cfg.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS)
      try {
        const res = await fetchImpl(endpoint(cfg.url), {
          method: 'POST',
          signal: ac.signal,
          headers: { 'content-type': 'application/json', ...(cfg.key ? { authorization: `Bearer ${cfg.key}` } : {}) },
          body: JSON.stringify({
            model: cfg.model,
            temperature: 0,
            max_tokens: 200,
            response_format: { type: 'json_object' },
            messages: [
              { role: 'system', content: SYSTEM },
              { role: 'user', content: t.clean },
            ],
          }),
        })
        if (!res.ok) return fallback()
        const body = (await res.json()) as { choices?: { message?: { content?: string } }[] }
        const content = body.choices?.[0]?.message?.content
        if (typeof content !== 'string') return fallback()
        const answer = Answer.safeParse(jsonOf(content))
        if (!answer.success) return fallback()
        const intent = answer.data.intent
        if (intent === 'none' && local.intent !== 'none') return fallback()
        return outcome(intent, checkedSlots(intent, answer.data.slots, t, ctx), ctx, lang, 'llm')
      } catch {
        return fallback()
      } finally {
        clearTimeout(timer)
      }
    },
  }
}

/** The reader the configuration asks for: the endpoint with the rules as fallback, or the rules alone. */
export function intentReader(cfg: LlmConfig | null): IntentReader {
  return cfg ? llmReader(cfg) : localReader
}
