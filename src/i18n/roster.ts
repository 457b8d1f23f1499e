// The roster (房屋名册): removing a household (删除房屋), issue 12.
import { defineMessages } from './define.ts'

export default defineMessages({
  'zh-CN': {
    'cmd.removehousehold.syntax': '<房号>',
    'cmd.removehousehold.summary': '从名册删除一户（没有选票、账目或报修单引用它时）；已发起的投票仍按发起时的名册计票',
    'roster.roomTooLong': '房号太长。',
    'roster.removed': '已从名册删除 {room}（{area} m²），同时删除了 {bindings} 个绑定。已发起的投票仍按发起时的名册计票。',
    'roster.removeReferenced': '不能删除 {room}：还有 {what}引用它。有选票、账目或报修单的房屋要留在名册里，历史才能核对。',
    'roster.ref.ballots': '{n} 张选票',
    'roster.ref.ledger': '{n} 笔账目',
    'roster.ref.tickets': '{n} 张报修单',
  },
  'zh-TW': {
    'cmd.removehousehold.syntax': '<房號>',
    'cmd.removehousehold.summary': '從名冊刪除一戶（沒有選票、帳目或報修單引用它時）；已發起的投票仍按發起時的名冊計票',
    'roster.roomTooLong': '房號太長。',
    'roster.removed': '已從名冊刪除 {room}（{area} m²），同時刪除了 {bindings} 個綁定。已發起的投票仍按發起時的名冊計票。',
    'roster.removeReferenced': '不能刪除 {room}：還有 {what}引用它。有選票、帳目或報修單的房屋要留在名冊裡，歷史才能核對。',
    'roster.ref.ballots': '{n} 張選票',
    'roster.ref.ledger': '{n} 筆帳目',
    'roster.ref.tickets': '{n} 張報修單',
  },
  en: {
    'cmd.removehousehold.syntax': '<room>',
    'cmd.removehousehold.summary': 'remove a household from the roster (when no ballot, ledger entry or repair ticket refers to it); polls already open keep the roster they started with',
    'roster.roomTooLong': 'That room number is too long.',
    'roster.removed': 'Removed {room} ({area} m²) from the roster, and its {bindings} bindings with it. Polls already open still count the roster they started with.',
    'roster.removeReferenced': 'Cannot remove {room}: {what} still refer to it. A household with ballots, ledger entries or repair tickets stays in the roster so that history can be checked.',
    'roster.ref.ballots': '{n} ballot(s)',
    'roster.ref.ledger': '{n} ledger entry(ies)',
    'roster.ref.tickets': '{n} repair ticket(s)',
  },
})
