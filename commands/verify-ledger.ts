// 核验 [流水号]: anyone recomputes the compound's hash chain and checks that every chain head a 公示 published
// is still in it (db/ledger-check.ts). Prints the head (first 12 hex digits) and the entry count, or names the
// first problem (the entry that does not verify, or the published head that is gone or rewritten, with the
// 公示 that published it) and tells the committee privately. With a serial it also shows that entry's hash, so
// an owner can check that an entry they were shown earlier is still in the chain.
import { z } from 'zod'
import { defineCommand, reply, UserError } from '../src/pipeline/command.ts'
import { kindName, ledgerEntryBySerial, localDay } from '../src/services/ledger.ts'
import { HEAD_DIGITS, ledgerProblemText, reportFailedLedger, verifyCompoundLedger } from '../src/services/ledger-trust.ts'

export default defineCommand({
  name: 'verifyledger',
  keywords: { 'zh-CN': ['核验', '核验账本'], 'zh-TW': ['核驗', '核驗帳本'], en: ['verifyledger'] },
  role: 'resident',
  parse(raw) {
    const s = raw.trim()
    if (!s) return {}
    const m = /^(?:#|流水号?|流水號?)?\s*(\d{1,9})$/u.exec(s)
    return { serial: m ? Number(m[1]) : Number.NaN }
  },
  args: z.object({ serial: z.number({ message: 'verifyledger.badSerial' }).int().positive().optional() }),
  async run(ctx, args) {
    const { t } = ctx
    const v = await verifyCompoundLedger(ctx.tx, ctx.compound.id)
    if (!v.ok) {
      await reportFailedLedger(ctx.tx, ctx.compound, v, ctx.now)
      const text =
        v.reason === 'publishedMissing' || v.reason === 'publishedChanged'
          ? t('verifyledger.badPublished', { problem: ledgerProblemText(t, v, ctx.compound.timeZone) })
          : t('verifyledger.bad', { serial: v.firstBadSerial, reason: t(`verifyledger.reason.${v.reason}`), count: v.count })
      return [reply.chat(`${text}\n${t('verifyledger.committeeTold')}`)]
    }
    if (v.count === 0 && args.serial === undefined) return [reply.chat(t('verifyledger.empty'))]
    const lines = [t('verifyledger.ok', { count: v.count, head: v.head.slice(0, HEAD_DIGITS) })]
    if (args.serial !== undefined) {
      const e = await ledgerEntryBySerial(ctx.tx, ctx.compound.id, args.serial)
      if (!e) throw new UserError('ledger.unknownSerial', { serial: args.serial })
      lines.push(t('verifyledger.entry', { serial: e.serial, kind: kindName(t, e.kind), date: localDay(ctx, e.recordedAt), hash: e.hash.slice(0, HEAD_DIGITS) }))
    }
    return [reply.chat(lines.join('\n'))]
  },
})
