// 冲正 <流水号> <原因>: the committee corrects a mistake with a reversing entry that names the entry it
// reverses and why (the ledger is append-only). Reversing a reversal, an entry already reversed or an
// unknown serial is refused. A household's entry is confirmed privately (its amount is personal data).
import { z } from 'zod'
import { formatMoney } from '../src/domain/money.ts'
import { defineCommand, reply, UserError } from '../src/pipeline/command.ts'
import { appendLedgerEntry, kindName, LedgerError, ledgerEntryBySerial, reversalOf } from '../src/services/ledger.ts'
import { householdById } from '../src/services/roster.ts'
import { person } from '../src/domain/group-privacy.ts'

export default defineCommand({
  name: 'reverse',
  keywords: { 'zh-CN': ['冲正', '冲账'], 'zh-TW': ['沖正', '沖帳'], en: ['reverse'] },
  role: 'committee',
  parse(raw) {
    const m = /^(?:#|流水号?|流水號?|第|no\.?)?\s*(\d{1,9})\s*(?:号|號)?(?:\s+|$)(.*)$/isu.exec(raw.trim())
    if (!m) return { serial: undefined, reason: undefined }
    return { serial: Number(m[1]), reason: m[2]!.trim() || undefined }
  },
  args: z.object({
    serial: z.number({ message: 'reverse.badSerial' }).int().positive('reverse.badSerial'),
    reason: z.string({ message: 'reverse.missingReason' }).min(1, 'reverse.missingReason').max(200),
  }),
  async run(ctx, args) {
    const { t } = ctx
    const compoundId = ctx.compound.id
    const target = await ledgerEntryBySerial(ctx.tx, compoundId, args.serial)
    if (!target) throw new UserError('ledger.unknownSerial', { serial: args.serial })
    let entry
    try {
      entry = await appendLedgerEntry(ctx.tx, {
        compoundId,
        kind: 'reversal',
        amountFen: target.amountFen,
        reversesSerial: target.serial,
        note: args.reason,
        recordedBy: ctx.member.id,
        recordedAt: ctx.now,
      })
    } catch (err) {
      if (!(err instanceof LedgerError)) throw err
      switch (err.code) {
        case 'unknownSerial':
          throw new UserError('ledger.unknownSerial', { serial: args.serial })
        case 'reversalOfReversal':
          throw new UserError('reverse.ofReversal', { serial: args.serial })
        case 'alreadyReversed': {
          const by = await reversalOf(ctx.tx, compoundId, args.serial)
          throw new UserError('reverse.already', { serial: args.serial, by: by?.serial ?? '?' })
        }
        default:
          throw err
      }
    }
    const params = {
      serial: target.serial,
      newSerial: entry.serial,
      kind: kindName(t, target.kind),
      amount: formatMoney(target.amountFen),
      reason: args.reason,
    }
    if (target.householdId === null) return [reply.chat(t('reverse.done', params))]
    const household = await householdById(ctx.tx, compoundId, target.householdId)
    const name = person(ctx.member.displayName)
    return [
      reply.private(t('reverse.doneHousehold', { ...params, room: household?.code ?? '?' }), {
        groupAck: t('reverse.groupAck', { name, serial: target.serial, newSerial: entry.serial }),
        groupFallback: t('reverse.groupFallback', { name, serial: target.serial, newSerial: entry.serial }),
      }),
    ]
  },
})
