// The outbox delivers a claimed batch in lanes: rows that touch a common chat go one after another in id order,
// other chats in parallel; an adapter that sends one message at a time gets all its rows in one lane.
import { describe, expect, it } from 'vitest'
import type { OutboxRow } from '../../db/outbox.ts'
import { lanesOf } from '../../src/outbox/dispatcher.ts'

let nextId = 0
const row = (platform: string, kind: 'chat' | 'user', target: string, groupChatId: string | null = null): OutboxRow => ({
  id: ++nextId,
  platform,
  target_kind: kind,
  target_id: target,
  text: `#${nextId}`,
  image: null,
  buttons: null,
  group_chat_id: groupChatId,
  group_ack_text: groupChatId ? 'ok' : null,
  group_fallback_text: null,
  attempts: 1,
  file: null,
  file_name: null,
})
const ids = (lanes: OutboxRow[][]) => lanes.map((l) => l.map((r) => r.id))

describe('outbox lanes', () => {
  it('keeps a chat’s rows together and in order, and separates other chats', () => {
    nextId = 0
    const rows = [row('telegram', 'chat', '-1'), row('telegram', 'chat', '-2'), row('telegram', 'chat', '-1'), row('telegram', 'user', '7')]
    expect(ids(lanesOf(rows))).toEqual([[1, 3], [2], [4]])
  })

  it('a private reply acknowledged in a group shares the lane of that group, and of the user’s other rows', () => {
    nextId = 0
    const rows = [
      row('telegram', 'chat', '-1'),
      row('telegram', 'user', '7', '-1'), // receipt to 7, "recorded" in -1
      row('telegram', 'user', '7'),
      row('telegram', 'chat', '-2'),
      row('telegram', 'user', '8', '-2'),
      row('telegram', 'chat', '-1'),
    ]
    expect(ids(lanesOf(rows))).toEqual([[1, 2, 3, 6], [4, 5]])
  })

  it('does not mix platforms, and puts every row of a one-at-a-time platform in one lane', () => {
    nextId = 0
    const rows = [row('wechat', 'chat', 'a@chatroom'), row('telegram', 'chat', '-1'), row('wechat', 'chat', 'b@chatroom'), row('telegram', 'chat', '-2')]
    expect(ids(lanesOf(rows))).toEqual([[1], [2], [3], [4]])
    expect(ids(lanesOf(rows, new Set(['wechat'])))).toEqual([[1, 3], [2], [4]])
  })
})
