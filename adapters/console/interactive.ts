// Interactive terminal group chat: a prompt showing who speaks, `:as`, `:dm`, `:group`, `:admin`, `:image`, `:help`.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import type { ImageRef, IncomingMessage } from '../../src/core/messages.ts'
import type { MessageHandler } from '../../src/core/adapter.ts'

/** What the prompt uses of the console adapter: declared here, so that this module does not import the adapter's back. */
export interface SandboxChat {
  printer?: (line: { chat?: string; user?: string; text: string; image?: string; file?: string }) => void
  setAdmin(chatId: string, userId: string, admin: boolean): void
  isChatAdmin(chatId: string, userId: string): Promise<boolean>
  message(from: string, name: string, text: string, opts: { private: boolean; images?: ImageRef[] }): IncomingMessage
}

export interface InteractiveOptions {
  /** the group chat the prompt speaks in */
  group: string
  botName: string
  defaultSpeaker?: string
  logFile?: string
}

const HELP = `沙盒命令 / sandbox commands:
  :as <名字>      换一个人说话 (switch speaker)
  :dm            与机器人私聊 (private chat with the bot)
  :group         回到群聊 (back to the group)
  :admin         切换当前说话人是否群管理员 (toggle group admin)
  :image <路径> [说明]  发送图片 (send a photo with an optional caption)
  :help          显示本帮助 (this help)
  :quit          退出 (quit)
在群里输入「帮助」试试。Type 帮助 (help) to start.`

export function runInteractive(
  adapter: SandboxChat,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  handle: MessageHandler,
  opts: InteractiveOptions,
): Promise<void> {
  const group = opts.group
  let speaker = opts.defaultSpeaker ?? '我'
  let privateChat = false
  adapter.setAdmin(group, speaker, true)
  const rl = createInterface({ input, output, terminal: true })
  const prompt = () => {
    rl.setPrompt(`[${privateChat ? `私聊 ${opts.botName}` : `群 ${group}`}] ${speaker}> `)
    rl.prompt()
  }
  // a line is being handled: its replies print, then the prompt comes back once
  let busy = false
  adapter.printer = (line) => {
    const where = line.chat !== undefined ? `→ 群 ${line.chat}` : `→ 私信 ${line.user}`
    output.write(`\n${opts.botName} ${where}:\n${line.text}\n${line.image ? `[图片 image: ${line.image}]\n` : ''}${line.file ? `[文件 file: ${line.file}]\n` : ''}`)
    // a post nobody typed for (the scheduler's, also while the bot starts) gets a fresh prompt under it
    if (!busy) prompt()
  }
  output.write(`邻里 Linli 沙盒 sandbox — ${HELP}\n`)
  if (opts.logFile) output.write(`日志写在 logs go to ${opts.logFile}\n`)
  output.write('\n')
  prompt()
  return new Promise<void>((done) => {
    let queue = Promise.resolve()
    rl.on('line', (raw) => {
      queue = queue.then(async () => {
        busy = true
        const line = raw.trim()
        if (line === ':quit' || line === ':q') return void rl.close()
        if (line === ':help') output.write(`${HELP}\n`)
        else if (line.startsWith(':as ')) speaker = line.slice(4).trim() || speaker
        else if (line === ':dm') privateChat = true
        else if (line === ':group') privateChat = false
        else if (line === ':admin') {
          const now = !(await adapter.isChatAdmin(group, speaker))
          adapter.setAdmin(group, speaker, now)
          output.write(now ? `${speaker} 现在是群管理员\n` : `${speaker} 不再是群管理员\n`)
        } else if (line.startsWith(':image ')) {
          const [path = '', ...caption] = line.slice(7).trim().split(/\s+/)
          if (!existsSync(path)) output.write(`找不到文件 ${path}\n`)
          else await handle(adapter.message(speaker, speaker, caption.join(' '), { private: privateChat, images: [{ ref: resolve(path) }] }))
        } else if (line) {
          await handle(adapter.message(speaker, speaker, line, { private: privateChat }))
        }
        busy = false
        prompt()
      })
    })
    // Ctrl-C at the prompt quits like :quit (the terminal delivers it to readline, not as a signal)
    rl.on('SIGINT', () => rl.close())
    rl.on('close', () => {
      void queue.then(() => {
        output.write('\n再见 bye\n')
        done()
      })
    })
  })
}
