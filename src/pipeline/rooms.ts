// Household lookup with the localized refusals every command shares.
import { resolveHousehold } from '../../db/households.ts'
import { type CompoundContext, UserError } from './command.ts'

export async function requireHousehold(ctx: CompoundContext, input: string) {
  const res = await resolveHousehold(ctx.tx, ctx.compound.id, input)
  if (res.ok && res.row) return res.row
  if (res.ok) throw new UserError('common.unknownRoom', { room: input })
  switch (res.reason) {
    case 'unparseable':
      throw new UserError('common.unparseableRoom', { input: res.input })
    case 'unknown':
      throw new UserError('common.unknownRoom', { room: res.understood })
    case 'ambiguous':
      throw new UserError('common.ambiguousRoom', { room: res.understood, candidates: res.candidates.join('、') })
  }
}
