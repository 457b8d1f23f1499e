// Who sent a message and where, for the pipeline: the member, the compound (the group chat's, or in a private
// chat the member's only one, by role, binding or captaincy), their role there and their household bindings, the
// compound's roster version, the compounds the sender supervises, and optionally the inbox claim — in ONE
// statement, so a command's context costs one round trip.
//
// Nothing here is cached: every message reads the current rows, so a role granted by the CLI in another
// process, a binding verified a second ago or a chat linked to another compound are seen by the next message.
// The roster version lets the group privacy scrub keep its owner names per compound (src/outbox/write.ts)
// without asking the database again.
import { getTableColumns, sql, type Table } from 'drizzle-orm'
import type { Tx } from './client.ts'
import { compounds, householdBindings, households, members } from './schema.ts'

type MemberRow = typeof members.$inferSelect
type CompoundRow = typeof compounds.$inferSelect
type BindingRow = typeof householdBindings.$inferSelect
type HouseholdRow = typeof households.$inferSelect

export interface MessageContextRows {
  /** undefined: no member with this platform identity yet (then nothing was claimed) */
  member: MemberRow | undefined
  compound: CompoundRow | undefined
  role: 'collector' | 'committee' | 'head' | undefined
  bindings: { binding: BindingRow; household: HouseholdRow }[]
  /** the inbox row claimed; null when the message was handled already (or there was nothing to claim) */
  inboxId: number | null
  /** the compound's roster version (db/schema.ts rosterVersions), '' when it never changed */
  rosterVersion: string
  /** the compounds this platform identity supervises (社区 oversight, db/supervisors.ts), in grant order */
  supervised: number[]
}

export interface MessageContextQuery {
  platform: string
  senderId: string
  /** the group chat's platform id; null in a private chat (the member's compound, when they have exactly one) */
  groupChatId: string | null
  /** claim the inbox row of this message, with its compound, member and command (only when the member exists) */
  claim?: { chatId: string; messageId: string; receivedAt: Date; command?: string | null }
}

/**
 * A table's row as one JSON object keyed by the drizzle field names, and back: the same values a drizzle select
 * gives (bigint as text in the JSON, so no precision is lost; timestamps as ISO text).
 */
function rowJson(table: Table, alias: string) {
  const cols = Object.entries(getTableColumns(table))
  for (const [key, col] of cols) {
    if (!['PgSerial', 'PgInteger', 'PgText', 'PgTimestamp', 'PgJsonb', 'PgBigInt64', 'PgBoolean'].includes(col.columnType)) {
      throw new Error(`db/context.ts: column ${key} of type ${col.columnType} has no JSON mapping`)
    }
  }
  const build = `json_build_object(${cols
    .map(([key, col]) => `'${key}', ${alias}."${col.name}"${col.columnType === 'PgBigInt64' ? '::text' : ''}`)
    .join(', ')})`
  const read = (json: Record<string, unknown>) => {
    const out: Record<string, unknown> = {}
    for (const [key, col] of cols) {
      const v = json[key]
      out[key] = v === null || v === undefined ? null : col.mapFromDriverValue(v)
    }
    return out
  }
  return { build, read }
}

const memberJson = rowJson(members, 'm')
const compoundJson = rowJson(compounds, 'c')
const bindingJson = rowJson(householdBindings, 'b')
const householdJson = rowJson(households, 'h')

// $1 platform, $2 sender, $3 group chat id or NULL, $4 claim's chat id, $5 claim's message id or NULL, $6 received at,
// $7 the command
const TEXT = `WITH m AS (
  SELECT * FROM members WHERE platform = $1 AND platform_user_id = $2
), c AS (
  SELECT * FROM compounds WHERE id = CASE
    WHEN $3::text IS NOT NULL THEN (SELECT compound_id FROM chats WHERE platform = $1 AND platform_chat_id = $3::text)
    ELSE (SELECT CASE WHEN count(*) = 1 THEN min(x.id) END FROM (
      SELECT r.compound_id AS id FROM roles r JOIN m ON r.member_id = m.id
      UNION SELECT b.compound_id FROM household_bindings b JOIN m ON b.member_id = m.id
      UNION SELECT k.compound_id FROM captain_buildings k JOIN m ON k.member_id = m.id) x)
  END
), i AS (
  INSERT INTO inbox (platform, chat_id, message_id, compound_id, member_id, command, received_at)
  SELECT $1, $4::text, $5::text, (SELECT id FROM c), m.id, $7::text, $6::timestamptz FROM m WHERE $5::text IS NOT NULL
  ON CONFLICT DO NOTHING
  RETURNING id
)
SELECT
  (SELECT ${memberJson.build} FROM m) AS member,
  (SELECT ${compoundJson.build} FROM c) AS compound,
  (SELECT r.role FROM roles r, m, c WHERE r.compound_id = c.id AND r.member_id = m.id) AS role,
  (SELECT json_agg(json_build_object('binding', ${bindingJson.build}, 'household', ${householdJson.build}) ORDER BY b.id)
    FROM household_bindings b JOIN households h ON h.id = b.household_id, m, c
    WHERE b.member_id = m.id AND b.compound_id = c.id) AS bindings,
  (SELECT id FROM i) AS inbox_id,
  (SELECT v.version FROM roster_versions v, c WHERE v.compound_id = c.id) AS roster_version,
  (SELECT json_agg(s.compound_id ORDER BY s.id) FROM supervisors s WHERE s.platform = $1 AND s.platform_user_id = $2) AS supervised`

/** The placeholders of TEXT as a drizzle query (the text is fixed, so postgres.js prepares it once per connection). */
function query(p: MessageContextQuery) {
  const params = [
    p.platform,
    p.senderId,
    p.groupChatId,
    p.claim?.chatId ?? null,
    p.claim?.messageId ?? null,
    p.claim ? p.claim.receivedAt.toISOString() : null,
    p.claim?.command ?? null,
  ]
  // sql.raw for the text and one param chunk per $n, in order: drizzle numbers them $1…$6 as written
  const parts = TEXT.split(/\$(\d)/)
  const chunks = [sql.raw(parts[0]!)]
  for (let k = 1; k < parts.length; k += 2) chunks.push(sql`${params[Number(parts[k]) - 1]}`, sql.raw(parts[k + 1]!))
  return sql.join(chunks)
}

const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v)

export async function messageContext(tx: Tx, p: MessageContextQuery): Promise<MessageContextRows> {
  const res = await tx.execute(query(p))
  const row = (((res as { rows?: unknown[] }).rows ?? (res as unknown as unknown[])) as Record<string, unknown>[])[0] ?? {}
  const member = row.member == null ? undefined : (memberJson.read(json(row.member) as Record<string, unknown>) as MemberRow)
  const compound = row.compound == null ? undefined : (compoundJson.read(json(row.compound) as Record<string, unknown>) as CompoundRow)
  const bindings = ((json(row.bindings) ?? []) as { binding: Record<string, unknown>; household: Record<string, unknown> }[]).map((b) => ({
    binding: bindingJson.read(b.binding) as BindingRow,
    household: householdJson.read(b.household) as HouseholdRow,
  }))
  return {
    member,
    compound,
    role: (row.role ?? undefined) as MessageContextRows['role'],
    bindings,
    inboxId: row.inbox_id == null ? null : Number(row.inbox_id),
    rosterVersion: row.roster_version == null ? '' : String(row.roster_version),
    supervised: ((json(row.supervised) ?? []) as unknown[]).map(Number),
  }
}
