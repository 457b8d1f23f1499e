// The Telegram adapter's own texts: the privacy-mode note `帮助` shows, the private-chat deep link answer,
// and the short answer to a button press.
import { defineMessages } from './define.ts'

export default defineMessages({
  'zh-CN': {
    'telegram.privacyModeOn':
      '提示：我在本群只能看到以 / 开头的命令（如 /help），看不到「帮助」这样的中文命令。要用中文命令，请群主把我设为群管理员，或在 @BotFather 发送 /setprivacy 选 Disable 关闭隐私模式，再把我移出群后重新拉进来。',
    'telegram.privateChatOpened': '私聊已开通，以后我会在这里私信回复你。请回到群里再发一次刚才的命令。',
    'telegram.buttonReceived': '已收到',
  },
  'zh-TW': {
    'telegram.privacyModeOn':
      '提示：我在本群只能看到以 / 開頭的命令（如 /help），看不到「幫助」這樣的中文命令。要用中文命令，請群主把我設為群管理員，或在 @BotFather 發送 /setprivacy 選 Disable 關閉隱私模式，再把我移出群後重新拉進來。',
    'telegram.privateChatOpened': '私訊已開通，以後我會在這裡私訊回覆你。請回到群裡再發一次剛才的命令。',
    'telegram.buttonReceived': '已收到',
  },
  en: {
    'telegram.privacyModeOn':
      'Note: in this group I only see commands starting with / (like /help), not Chinese keywords such as 帮助. To use them, the group owner makes me an admin, or sends /setprivacy to @BotFather and picks Disable, then removes me from the group and adds me again.',
    'telegram.privateChatOpened': 'Private chat is open: I will answer you here from now on. Go back to the group and send your command again.',
    'telegram.buttonReceived': 'Received',
  },
})
