// A Telegram group upgraded to a supergroup gets a new chat id: move the compound binding (and replies not yet
// sent) to it. Called for `migrate_to_chat_id` / `migrate_from_chat_id` messages and for a send that fails with
// 400 migrate_to_chat_id. Idempotent: both service messages arrive, and either may come first.
import { and, eq } from 'drizzle-orm'
import type { Database } from '../../db/client.ts'
import { chats, outbox } from '../../db/schema.ts'

export type RekeyResult = 'moved' | 'already' | 'absent' | 'conflict'

export async function rekeyTelegramChat(database: Database, oldId: string, newId: string): Promise<RekeyResult> {
  if (oldId === newId) return 'already'
  return database.db.transaction(async (tx) => {
    const at = (id: string) => and(eq(chats.platform, 'telegram'), eq(chats.platformChatId, id))
    const [existing] = await tx.select({ id: chats.id }).from(chats).where(at(newId)).limit(1)
    const [old] = await tx.select({ id: chats.id }).from(chats).where(at(oldId)).limit(1).for('update')
    if (!old) return existing ? 'already' : 'absent'
    // the new supergroup was set up on its own before the migration arrived: leave both for the operator
    if (existing) return 'conflict'
    await tx.update(chats).set({ platformChatId: newId }).where(eq(chats.id, old.id))
    const pendingTo = (col: typeof outbox.targetId | typeof outbox.groupChatId) =>
      and(eq(outbox.platform, 'telegram'), eq(col, oldId), eq(outbox.status, 'pending'))
    await tx.update(outbox).set({ targetId: newId }).where(and(pendingTo(outbox.targetId), eq(outbox.targetKind, 'chat')))
    await tx.update(outbox).set({ groupChatId: newId }).where(pendingTo(outbox.groupChatId))
    return 'moved'
  })
}

/** The callback the adapter gets: re-key in this database, logging what happened. */
export function chatMigrationHandler(
  database: Database,
  logger: { info(o: object, m: string): void; warn(o: object, m: string): void },
): (oldId: string, newId: string) => Promise<void> {
  return async (oldId, newId) => {
    const result = await rekeyTelegramChat(database, oldId, newId)
    const line = { platform: 'telegram', from: oldId, to: newId, result }
    if (result === 'conflict') logger.warn(line, 'chat migrated but the new supergroup is already bound; left as is')
    else logger.info(line, 'chat migrated')
  }
}
