// A photo-only message (or a photo with a caption that is not a command) from someone who opened a
// ticket in this chat within the last 2 minutes is attached to that ticket. Returns null otherwise,
// so the next passive handler (an expense receipt) may take it.
import { reply, type PassiveHandler } from '../src/pipeline/command.ts'
import { addTicketPhotos, appendTicketEvent, recentTicketCreatedBy } from '../src/services/repairs.ts'

export const PHOTO_WINDOW_MS = 2 * 60 * 1000

export const repairPhotoHandler: PassiveHandler = {
  name: 'repair-photo',
  role: 'resident',
  async onImages(ctx) {
    const { message } = ctx
    const refs = [...new Set(message.images.map((i) => i.ref).filter(Boolean))]
    if (refs.length === 0) return null
    const ticket = await recentTicketCreatedBy(
      ctx.tx,
      ctx.compound.id,
      ctx.member.id,
      { platform: message.platform, chatId: message.chat.id },
      new Date(ctx.now.getTime() - PHOTO_WINDOW_MS),
      ctx.now,
    )
    if (!ticket) return null
    const n = await addTicketPhotos(ctx.tx, ticket, { platform: message.platform, refs, addedBy: ctx.member.id, at: ctx.now })
    await appendTicketEvent(ctx.tx, { ticket, actorMemberId: ctx.member.id, action: 'photo', note: String(n), at: ctx.now })
    return [reply.chat(ctx.t('repairs.photoAdded', { no: ticket.no, n }))]
  },
}
