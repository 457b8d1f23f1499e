// 删除房屋 / 刪除房屋 / removehousehold: the head removes a household from the roster (a room typed twice, a
// flat merged into another). Refused while a ballot, a ledger entry or a repair ticket refers to it; its
// bindings go with it in the same transaction; polls already launched keep it in their frozen electorate.
// The operator's CLI `linli roster remove` does the same (src/services/roster.ts removeHousehold).
import { z } from 'zod'
import { canonicalCode, parseRoom } from '../src/domain/rooms.ts'
import { formatArea } from '../src/domain/tally.ts'
import { removeHousehold } from '../src/services/roster.ts'
import { defineCommand, reply, UserError } from '../src/pipeline/command.ts'

export default defineCommand({
  name: 'removehousehold',
  keywords: { 'zh-CN': ['删除房屋'], 'zh-TW': ['刪除房屋'], en: ['removehousehold'] },
  role: 'head',
  parse: (raw) => ({ room: raw.trim() }),
  args: z.object({ room: z.string().min(1, 'common.missingRoom').max(40, 'roster.roomTooLong') }),
  async run(ctx, { room }) {
    const { t } = ctx
    const address = parseRoom(room)
    if (!address) throw new UserError('common.unparseableRoom', { input: room })
    // the exact room only: unlike 绑定 or 报修, a removal never takes the unit-less guess
    const res = await removeHousehold(ctx.tx, ctx.compound.id, canonicalCode(address))
    if (res.ok) {
      const { household, bindings } = res
      return [reply.chat(t('roster.removed', { room: household.code, area: formatArea(household.areaCentiM2), bindings }))]
    }
    if (res.reason === 'unknown') throw new UserError('common.unknownRoom', { room: res.code })
    const { ballots, ledger, tickets } = res.refs
    const what = [
      ballots > 0 ? t('roster.ref.ballots', { n: ballots }) : null,
      ledger > 0 ? t('roster.ref.ledger', { n: ledger }) : null,
      tickets > 0 ? t('roster.ref.tickets', { n: tickets }) : null,
    ].filter((x) => x !== null)
    throw new UserError('roster.removeReferenced', { room: res.household.code, what: what.join(ctx.lang === 'en' ? ', ' : '、') })
  },
})
