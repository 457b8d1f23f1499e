// The WeChat adapter's own texts: the welcome for new group members and the notice when the bot's account logs out.
import { defineMessages } from './define.ts'

export default defineMessages({
  'zh-CN': {
    'wechat.greeting': '欢迎 {names}！请发送「绑定 房号 业主/租户/家属」（如：绑定 3-2-201 业主）登记你家，委员会认证后即可使用；发送「帮助」查看命令。',
    'wechat.loggedOut': '邻里的微信号已掉线（{reason}），微信群暂时收不到回复。请运营者重新扫码登录。',
  },
  'zh-TW': {
    'wechat.greeting': '歡迎 {names}！請發送「綁定 房號 業主/租戶/家屬」（如：綁定 3-2-201 業主）登記你家，委員會認證後即可使用；發送「幫助」查看命令。',
    'wechat.loggedOut': '鄰里的微信號已離線（{reason}），微信群暫時收不到回覆。請營運者重新掃碼登入。',
  },
  en: {
    'wechat.greeting': 'Welcome, {names}! Send "/bind <room> [owner|tenant|family]" (e.g. /bind 3-2-201 owner) to register your household; the committee verifies it. "/help" lists the commands.',
    'wechat.loggedOut': 'Linli’s WeChat account has logged out ({reason}); the WeChat groups get no answers for now. The operator needs to scan the login QR code again.',
  },
})
