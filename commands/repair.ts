// 报修 <描述> [房号或位置]: open a repair ticket (with the photos sent with it, or with the quoted
// message's text and photos when replying to one); `报修 #<n>` shows one ticket with its history.
//
// Where: a room at the start or end of the description is resolved against the roster (a full room
// number that is not in it is refused, as everywhere); anything else that names a place (`3栋2单元楼道`,
// `北门`, `位置 车棚`) is kept as free text. With no place given the ticket has neither: it is NOT put
// on the reporter's own household (most reports in a group are about common parts); `报修 #<n>` shows
// the reporter's verified room next to their name so the committee still knows where they live.
import { z } from 'zod'
import type { IncomingMessage } from '../src/core/messages.ts'
import { guessCategory, guessUrgent, isRepairCategory } from '../src/domain/repair-category.ts'
import { formatLocalTime, overdueDaysOf } from '../src/domain/repair-overdue.ts'
import { isFullRoom, MAX_PLACE_LENGTH, splitRepairText } from '../src/domain/repair-place.ts'
import { formatMoney } from '../src/domain/money.ts'
import type { Translator } from '../src/i18n/index.ts'
import { type CompoundContext, defineCommand, reply, type Reply } from '../src/pipeline/command.ts'
import { person } from '../src/domain/group-privacy.ts'
import { normalizeText } from '../src/domain/text.ts'
import { bindingsOf, ensureMember, findMemberById, repliedAuthor } from '../src/services/members.ts'
import { pendingClaimsOf } from '../src/services/repair-costs.ts'
import { requireHousehold, resolveHousehold } from '../src/services/roster.ts'
import {
  addTicketPhotos,
  assigneeName,
  categoryLabel,
  chars,
  committeeMemberIds,
  createTicket,
  loadTicket,
  overdueDaysFor,
  short,
  splitTicketNo,
  statusLabel,
  ticketCostsOf,
  type TicketEventRow,
  ticketHistory,
  ticketPhotosOf,
  type TicketView,
  ticketView,
  what,
  whereOf,
} from '../src/services/repairs.ts'

export const MAX_DESCRIPTION = 500
// `报修了吗` / `报修的事…` is talk about repairs, not a report
const UNCLEAR = /^[了的过過吗嗎呢吧么麼啊呀嘛]/u

/** The quoted message when replying to one that has text or photos. */
function quotedOf(message: IncomingMessage) {
  const q = message.replyTo
  if (!q) return undefined
  return q.text?.trim() || (q.images?.length ?? 0) > 0 ? q : undefined
}

export default defineCommand({
  name: 'repair',
  keywords: { 'zh-CN': ['报修'], 'zh-TW': ['報修'], en: ['repair'] },
  role: 'resident',
  attachedArgs: true,
  parse(raw, message) {
    // `报修 #12`, or a bare number (`报修 12`): show that ticket
    if (/^#\s*\d/.test(raw) || /^\d{1,9}$/.test(raw)) return { no: splitTicketNo(raw).no ?? 0, description: '', unclear: false }
    const own = splitRepairText(raw)
    const quoted = quotedOf(message)
    if (!quoted) return { ...own, unclear: UNCLEAR.test(own.description) }
    // replying to someone's message: its text is the description; what follows 报修 may add a place or words
    const quotedText = normalizeText(quoted.text ?? '')
    const fromQuote = own.room || own.place ? { description: quotedText } : splitRepairText(quotedText)
    return {
      description: [fromQuote.description, own.description].filter(Boolean).join(' '),
      room: own.room ?? fromQuote.room,
      place: own.place ?? fromQuote.place,
      unclear: false,
    }
  },
  args: z
    .object({
      no: z.number().int().positive('repairs.missingNo').optional(),
      description: z.string(),
      room: z.string().optional(),
      place: z.string().optional(),
      unclear: z.boolean(),
    })
    .superRefine((v, issue) => {
      if (v.no !== undefined) return
      const n = chars(v.description.trim())
      const fail = (message: string) => issue.addIssue({ code: 'custom', message, path: ['description'] })
      if (n === 0) fail('repairs.descEmpty')
      else if (v.unclear) fail('repairs.descUnclear')
      else if (n < 2) fail('repairs.descTooShort')
      else if (n > MAX_DESCRIPTION) fail('repairs.descTooLong')
      else if (v.place && chars(v.place) > MAX_PLACE_LENGTH) fail('repairs.placeTooLong')
    }),
  async run(ctx, args) {
    if (args.no !== undefined) return showTicket(ctx, args.no)
    const { tx, t, message } = ctx
    const description = args.description.trim()

    // where: a room of the roster, or free text
    let household: { id: number; code: string } | null = null
    let place = args.place?.trim() || null
    if (args.room) {
      const res = await resolveHousehold(tx, ctx.compound.id, args.room)
      if (res.ok && res.row) household = res.row
      else if (isFullRoom(args.room) || (!res.ok && res.reason === 'ambiguous')) await requireHousehold(ctx, args.room)
      else place = args.room
    }

    // who: the author of the quoted message, when the platform states it (adapters set replyTo.sender only for
    // a real quote from this chat: never for text typed to look like one); otherwise the sender
    const quoted = quotedOf(message)
    let reporter = ctx.member
    const author = repliedAuthor(message)
    if (quoted && author && author.id !== message.sender.id) {
      reporter = await ensureMember(tx, message.platform, author.id, author.name)
    }

    const text = `${description} ${place ?? ''}`
    const ticket = await createTicket(tx, {
      compoundId: ctx.compound.id,
      reporterMemberId: reporter.id,
      householdId: household?.id ?? null,
      place: household ? null : place,
      description,
      category: guessCategory(text),
      urgent: guessUrgent(text),
      originPlatform: message.platform,
      originChatId: message.chat.id,
      createdBy: ctx.member.id,
      at: ctx.now,
    })
    const refs = [...new Set([...message.images, ...(quoted?.images ?? [])].map((i) => i.ref).filter(Boolean))]
    const photos = await addTicketPhotos(tx, ticket, { platform: message.platform, refs, addedBy: ctx.member.id, at: ctx.now })

    const view = { ticket, householdCode: household?.code ?? null }
    const about = what(t, view)
    const lines = [t(ticket.urgent ? 'repairs.createdUrgent' : 'repairs.created', { no: ticket.no, what: about })]
    if (reporter.id !== ctx.member.id) lines.push(t('repairs.createdFor', { name: person(reporter.displayName) }))
    if (photos > 0) lines.push(t('repairs.photosAttached', { n: photos }))
    const out: Reply[] = [reply.chat(lines.join('\n'))]
    if (ticket.urgent) {
      const notice = t('repairs.urgentNotice', { no: ticket.no, what: about, desc: short(description, 100), name: reporter.displayName })
      for (const id of await committeeMemberIds(tx, ctx.compound.id)) {
        if (id !== ctx.member.id) out.push(reply.member(id, notice))
      }
    }
    return out
  },
})

/** `报修 #<n>`: the ticket, where it is, who has it, and every change with who and when. */
async function showTicket(ctx: CompoundContext, no: number): Promise<Reply[]> {
  const { tx, t } = ctx
  const ticket = await loadTicket(ctx, no, false)
  const view = (await ticketView(tx, ticket.id))!
  const history = await ticketHistory(tx, ticket.id)
  const photos = await ticketPhotosOf(tx, ticket.id)
  const lines = [
    t('repairs.show.title', { no, status: statusLabel(t, ticket.status), urgent: ticket.urgent ? t('repairs.show.urgent') : '' }).trim(),
    ticket.description,
    t('repairs.show.what', { category: categoryLabel(t, ticket.category) }),
  ]
  const where = whereOf(view)
  if (where) lines.push(t('repairs.show.where', { where }))
  // the reporter's verified rooms: all of them in a private chat; in a group at most the one the ticket is
  // about, so a group never learns every flat a member holds (issue 12)
  const rooms = (await bindingsOf(tx, ticket.reporterMemberId, ctx.compound.id))
    .filter((b) => b.binding.status === 'verified')
    .map((b) => b.household.code)
    .filter((code) => ctx.message.chat.kind === 'private' || code === view.householdCode)
  const reporter = person(view.reporterName)
  lines.push(
    rooms.length > 0
      ? t('repairs.show.reporterRoom', { name: reporter, room: rooms.join('、') })
      : t('repairs.show.reporter', { name: reporter }),
  )
  const who = assigneeName(view)
  if (who) lines.push(t('repairs.show.assignee', { name: person(who) }))
  // the cost is what the ledger says (linked expenses net of reversals), plus any claim awaiting approval
  const cost = (await ticketCostsOf(tx, ctx.compound.id, [ticket.id])).get(ticket.id)
  if (cost && cost.bookedFen > 0n) lines.push(t('repairs.show.cost', { amount: formatMoney(cost.bookedFen) }))
  for (const claim of await pendingClaimsOf(tx, ctx.compound.id, ticket.id)) {
    const claimant = person((await findMemberById(tx, claim.claimedBy))?.displayName ?? '?')
    lines.push(t('repairs.show.pending', { amount: formatMoney(claim.amountFen), claimant, no }))
  }
  if (photos.length > 0) lines.push(t('repairs.show.photos', { n: photos.length }))
  const late = overdueDaysFor(ctx, ticket)
  if (late > 0) lines.push(t('repairs.show.overdue', { days: late, limit: overdueDaysOf(ctx.compound.settings) }))
  lines.push(t('repairs.show.history'))
  for (const h of history) lines.push(eventLine(ctx, view, h.event, h.actorName))
  return [reply.chat(lines.join('\n'))]
}

function eventLine(ctx: CompoundContext, view: TicketView, e: TicketEventRow, actorName: string | null): string {
  const t: Translator = ctx.t
  const actor = actorName !== null ? person(actorName) : t('repairs.event.unknownActor')
  const at = formatLocalTime(e.at, ctx.compound.timeZone, ctx.now)
  const note = e.note ?? ''
  let text: string
  switch (e.action) {
    case 'created':
      text =
        e.actorMemberId !== view.ticket.reporterMemberId
          ? t('repairs.event.createdFor', { actor, reporter: person(view.reporterName) })
          : t('repairs.event.created', { actor })
      break
    case 'done':
      text = t(note ? 'repairs.event.doneNote' : 'repairs.event.done', { actor, note })
      break
    case 'category': {
      const [from = 'other', to = 'other'] = note.split('>')
      text = t('repairs.event.category', {
        actor,
        from: categoryLabel(t, isRepairCategory(from) ? from : 'other'),
        to: categoryLabel(t, isRepairCategory(to) ? to : 'other'),
      })
      break
    }
    case 'urgency':
      text = t(note === 'true' ? 'repairs.event.urgencyOn' : 'repairs.event.urgencyOff', { actor })
      break
    case 'assign':
      // the note is the assignee's name as stored
      text = t('repairs.event.assign', { actor, note: person(note) })
      break
    default:
      text = t(`repairs.event.${e.action}`, { actor, note })
  }
  return `${at} ${text}`
}
