// `linli` command line: `npm run -s linli -- <command>`.
import { setFlagsFromString } from 'node:v8'
import { chatLink, chatList, compoundCreate, migrateCmd, roleGrant, rosterImport, rosterRemove } from './cli/admin.ts'
import { type CliCommand, UsageError } from './cli/common.ts'
import { exportCmd, outboxCmd, scheduleCmd, tickCmd } from './cli/disclosure.ts'
import { billCmd } from './cli/money.ts'
import { pollsCloseDue, pollsRemind } from './cli/polls.ts'
import { sandboxCmd, startCmd } from './cli/run.ts'
import { settingsCmd } from './cli/settings.ts'
import { supervisorGrant, supervisorList, supervisorRevoke } from './cli/supervisor.ts'
import { installDriverFaultGuard } from '../db/client.ts'
import { loadConfig } from './config.ts'
import { DataFolderError } from './embedded/folder.ts'
import { watchLauncher } from './embedded/launcher.ts'
import { closeOwnedFolders } from './embedded/open.ts'
import { log } from './log.ts'

/** Every CLI command, in the order `linli help` lists them. */
export const cliCommands: CliCommand[] = [startCmd, sandboxCmd, migrateCmd, compoundCreate, rosterImport, rosterRemove, chatLink, chatList, roleGrant, supervisorGrant, supervisorRevoke, supervisorList, pollsCloseDue, pollsRemind, billCmd, exportCmd, outboxCmd, tickCmd, scheduleCmd, settingsCmd]

function usage(): string {
  return ['usage: linli <command>', ...cliCommands.map((c) => `  ${c.usage}`)].join('\n')
}

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(`${usage()}\n`)
    return argv.length === 0 ? 2 : 0
  }
  // longest name first: `chat link` before `chat`
  const cmd = [...cliCommands]
    .sort((a, b) => b.name.split(' ').length - a.name.split(' ').length)
    .find((c) => c.name.split(' ').every((w, i) => argv[i] === w))
  if (!cmd) {
    process.stderr.write(`unknown command: ${argv.join(' ')}\n${usage()}\n`)
    return 2
  }
  if (cmd !== startCmd && cmd !== sandboxCmd) {
    // the bot stops itself on a signal (src/main.ts); a command closes the database it owns and ends
    stopOnSignal()
    // a command's few queries do not repay optimising PGlite's WebAssembly: baseline code only saves about a
    // quarter of opening it (bench/startup.ts); the bot keeps V8's optimising tier for its long run
    setFlagsFromString('--liftoff-only')
  }
  try {
    const config = loadConfig()
    return await cmd.run(argv.slice(cmd.name.split(' ').length), config)
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\nusage: ${cmd.usage}\n`)
      return 2
    }
    if (err instanceof DataFolderError) {
      // expected and explained: the message says what to do, a stack trace would only hide it
      process.stderr.write(`${err.message}\n`)
      return 1
    }
    log.error({ err }, 'command failed')
    process.stderr.write(`error: ${(err as Error).message}\n`)
    return 1
  }
}

function stopOnSignal(): void {
  const stop = (sig: NodeJS.Signals) => {
    // PGlite finishes the statement in flight, shuts down cleanly and the folder is unlocked
    void closeOwnedFolders().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

/** The process entry: bin/linli.mjs (npm start, npm run linli) and `node --import tsx src/cli.ts` call this. */
export function runProcess(argv: string[]): void {
  // a database connection dropping mid-write must not end the bot (db/client.ts)
  installDriverFaultGuard({
    fault: (err) => log.warn({ err }, 'postgres.js wrote to a dropped connection; database pools renewed'),
    fatal: (err) => log.fatal({ err }, 'uncaught exception'),
  })
  watchLauncher(() => {
    log.warn('the npm process that started linli is gone; stopping')
    process.kill(process.pid, 'SIGTERM')
  })
  main(argv).then(
    (code) => process.exit(code),
    (err) => {
      log.fatal({ err }, 'fatal')
      process.exit(1)
    },
  )
}

const isEntry = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!)
if (isEntry) runProcess(process.argv.slice(2))
