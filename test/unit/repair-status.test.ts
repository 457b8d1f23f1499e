import { describe, expect, it } from 'vitest'
import { isActive, nextStatus, TICKET_ACTIONS, TICKET_STATUSES } from '../../src/domain/repair-status.ts'

describe('repair ticket status machine', () => {
  // rows: from; columns: assign, progress, done, confirm, reopen, reject (null = refused)
  const table: Record<string, (string | null)[]> = {
    open: ['assigned', null, null, null, null, 'rejected'],
    assigned: ['assigned', 'in_progress', 'done', null, null, 'rejected'],
    in_progress: ['assigned', 'in_progress', 'done', null, null, 'rejected'],
    done: [null, null, null, 'confirmed', 'reopened', null],
    confirmed: [null, null, null, null, null, null],
    reopened: ['assigned', 'in_progress', 'done', null, null, 'rejected'],
    rejected: [null, null, null, null, null, null],
  }
  it('covers every status', () => {
    expect(Object.keys(table).sort()).toEqual([...TICKET_STATUSES].sort())
  })
  for (const from of TICKET_STATUSES) {
    TICKET_ACTIONS.forEach((action, i) => {
      it(`${from} --${action}--> ${table[from]![i] ?? 'refused'}`, () => {
        expect(nextStatus(from, action)).toBe(table[from]![i])
      })
    })
  }
  it('refuses anything from an unknown status', () => {
    for (const action of TICKET_ACTIONS) expect(nextStatus('weird', action)).toBeNull()
  })
  it('knows which statuses are active', () => {
    expect(TICKET_STATUSES.filter(isActive)).toEqual(['open', 'assigned', 'in_progress', 'reopened'])
  })
})
