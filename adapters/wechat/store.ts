// The little database bookkeeping the WeChat adapter does outside the pipeline: room topics,
// greeting new members once, and telling committee heads elsewhere when the account logs out.
import { and, eq, inArray, ne } from 'drizzle-orm'
import type { Database } from '../../db/client.ts'
import { chats, compounds, greetings, householdBindings, members, roles } from '../../db/schema.ts'
import { isLang, t, type Params } from '../../src/i18n/index.ts'
import { log } from '../../src/log.ts'
import { writeOutbox } from '../../src/outbox/write.ts'

export interface WechatStore {
  /** a room's topic changed: record it as the chat title (rooms not bound to a compound are not recorded) */
  recordTopic(roomId: string, topic: string): Promise<void>
  /**
   * Members joined a room: the welcome text for those not greeted before in this compound and not yet
   * bound to a household there (recorded as greeted), or null (room not bound, nobody new).
   */
  greetingFor(roomId: string, joined: readonly { id: string; name: string }[]): Promise<string | null>
  /** whether a room is bound to a compound (photos from other rooms are not saved) */
  isBoundRoom(roomId: string): Promise<boolean>
  /** Queue a notice to the heads of compounds with WeChat groups who use another platform; returns how many. */
  notifyHeads(key: string, params: Params): Promise<number>
}

const PLATFORM = 'wechat'

export function databaseStore(database: Database, now: () => Date = () => new Date()): WechatStore {
  const { db } = database
  return {
    async recordTopic(roomId, topic) {
      const rows = await db
        .update(chats)
        .set({ title: topic })
        .where(and(eq(chats.platform, PLATFORM), eq(chats.platformChatId, roomId)))
        .returning({ id: chats.id })
      log.info({ room: roomId, topic, recorded: rows.length > 0 }, 'wechat: room topic changed')
    },

    async isBoundRoom(roomId) {
      const [row] = await db
        .select({ id: chats.id })
        .from(chats)
        .where(and(eq(chats.platform, PLATFORM), eq(chats.platformChatId, roomId)))
        .limit(1)
      return row !== undefined
    },

    async greetingFor(roomId, joined) {
      if (joined.length === 0) return null
      return db.transaction(async (tx) => {
        const [bound] = await tx
          .select({ compoundId: chats.compoundId, language: compounds.language })
          .from(chats)
          .innerJoin(compounds, eq(chats.compoundId, compounds.id))
          .where(and(eq(chats.platform, PLATFORM), eq(chats.platformChatId, roomId)))
          .limit(1)
        if (!bound) return null
        const ids = [...new Set(joined.map((j) => j.id))]
        // already bound to a household here: nothing to explain
        const boundMembers = await tx
          .select({ userId: members.platformUserId })
          .from(householdBindings)
          .innerJoin(members, eq(householdBindings.memberId, members.id))
          .where(
            and(
              eq(householdBindings.compoundId, bound.compoundId),
              eq(members.platform, PLATFORM),
              inArray(members.platformUserId, ids),
            ),
          )
        const skip = new Set(boundMembers.map((r) => r.userId))
        const candidates = ids.filter((id) => !skip.has(id))
        if (candidates.length === 0) return null
        const inserted = await tx
          .insert(greetings)
          .values(
            candidates.map((id) => ({
              compoundId: bound.compoundId,
              platform: PLATFORM,
              platformUserId: id,
              platformChatId: roomId,
              greetedAt: now(),
            })),
          )
          .onConflictDoNothing()
          .returning({ userId: greetings.platformUserId })
        if (inserted.length === 0) return null
        const fresh = new Set(inserted.map((r) => r.userId))
        const lang = isLang(bound.language) ? bound.language : 'zh-CN'
        const names = joined
          .filter((j) => fresh.has(j.id))
          .map((j) => j.name || j.id)
          .filter((n, i, all) => all.indexOf(n) === i)
        return t(lang, 'wechat.greeting', { names: names.join(lang === 'en' ? ', ' : '、') })
      })
    },

    async notifyHeads(key, params) {
      const heads = await db
        .selectDistinct({
          compoundId: compounds.id,
          language: compounds.language,
          platform: members.platform,
          userId: members.platformUserId,
        })
        .from(chats)
        .innerJoin(compounds, eq(chats.compoundId, compounds.id))
        .innerJoin(roles, and(eq(roles.compoundId, compounds.id), eq(roles.role, 'head')))
        .innerJoin(members, eq(roles.memberId, members.id))
        .where(and(eq(chats.platform, PLATFORM), ne(members.platform, PLATFORM)))
      if (heads.length === 0) return 0
      const createdAt = now()
      await writeOutbox(
        db,
        heads.map((h) => ({
          compoundId: h.compoundId,
          platform: h.platform,
          targetKind: 'user' as const,
          targetId: h.userId,
          text: t(isLang(h.language) ? h.language : 'zh-CN', key, params),
          createdAt,
        })),
      )
      return heads.length
    },
  }
}
