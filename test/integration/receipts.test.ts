// Issue 12 item 4 (first half): when a payment is recorded, every member with a verified binding to the
// household (other than the recorder) gets a private receipt: room, amount, serial, chain head, balance.
import { describe, expect, it } from 'vitest'
import { useTestDatabases } from '../helpers/db.ts'
import { bindRoom } from '../helpers/fixtures.ts'
import { groupTexts, privateTo, privateUsers } from '../helpers/world.ts'
import { moneyWorld, rows } from './money-world.ts'

const dbs = useTestDatabases()

describe('the payer’s receipt', () => {
  it('goes privately to every verified member of the household, with the serial, chain head and new balance', async () => {
    const { w } = await moneyWorld(dbs)
    w.clock.set('2026-11-23T02:00:00Z')
    const r = await w.says('col', '缴费 3-2-201 100')
    const [entry] = (await rows.ledger(w)).filter((e) => e.kind === 'payment')
    const receipt = [
      `缴费回执：3-2-201 缴费 ¥100.00，流水 #${entry!.serial}，小赵 11-23 10:00 登记。`,
      `账本链头 ${entry!.hash.slice(0, 12)}（发送「核验 ${entry!.serial}」可核对）。`,
    ]
    expect(privateUsers(r)).toEqual(['col', 'u1', 'u5'])
    for (const u of ['u1', 'u5']) expect(privateTo(r, u)).toEqual([[...receipt, '已结清，预缴余额 ¥100.00。'].join('\n')])
    // nothing of it in the group
    expect(groupTexts(r).join('\n')).not.toContain('¥100.00')
    // the head in the receipt is what 核验 shows for that entry
    await w.says('u1', `核验 ${entry!.serial}`).then((x) => x.expectReply(entry!.hash.slice(0, 12)))
  })

  it('no receipt for a pending binding, a household nobody is bound to, or the recorder themself', async () => {
    const { w, compoundId, hh, id } = await moneyWorld(dbs)
    await w.says('col', '缴费 3-2-202 60').then((r) => expect(privateUsers(r)).toEqual(['col']))
    await w.says('col', '缴费 5-101 20').then((r) => expect(privateUsers(r)).toEqual(['col']))
    await bindRoom(w.db, { compoundId, memberId: await id('cc'), householdId: hh['5-101']! })
    const r = await w.says('cc', '缴费 5-101 30')
    expect(privateUsers(r)).toEqual(['cc'])
    expect(privateTo(r, 'cc')[0]).toContain('已登记 5-101 缴费 ¥30.00')
  })

  it('a payment booked by 确认重复 sends the receipt too', async () => {
    const { w } = await moneyWorld(dbs)
    await w.says('col', '缴费 3-2-201 100')
    await w.says('col', '缴费 3-2-201 100').then((r) => expect(privateUsers(r)).toEqual(['col']))
    const ok = await w.says('col', '确认重复 1')
    expect(privateUsers(ok)).toEqual(['col', 'u1', 'u5'])
    expect(privateTo(ok, 'u1')[0]).toContain('缴费回执：3-2-201 缴费 ¥100.00，流水 #2')
    expect(privateTo(ok, 'u1')[0]).toContain('已结清，预缴余额 ¥200.00。')
  })

  it('is written in the compound’s language', async () => {
    const { t } = await import('../../src/i18n/index.ts')
    const p = { room: '3-2-201', amount: '¥100.00', serial: 7, by: 'Zhao', when: '11-23 10:00', head: 'abcdef012345' }
    expect(t('en', 'pay.receipt', p)).toBe(
      'Payment receipt: 3-2-201 paid ¥100.00, entry 7, recorded by Zhao at 11-23 10:00.\nLedger chain head abcdef012345 (send /verifyledger 7 to check it).',
    )
    expect(t('zh-TW', 'pay.receipt', p)).toContain('繳費回執：3-2-201 繳費 ¥100.00，流水 #7')
  })
})
