// `linli polls close-due` and `linli polls remind`: what the scheduler will run, by hand until then.
// Both write outbox rows; a running bot (`linli start`, the sandbox) delivers them.
import { closeDuePolls, remindOpenPolls } from '../services/polls.ts'
import { args, type CliCommand, nowFrom, print, withDatabase } from './common.ts'

export const pollsCloseDue: CliCommand = {
  name: 'polls close-due',
  usage: 'linli polls close-due [--now <ISO time>]   (close polls past their deadline and announce the results; safe to repeat)',
  async run(argv, config) {
    const { values } = args(argv, { now: { type: 'string' } }, 0)
    const now = nowFrom(values.now, config)
    return withDatabase(config, async (db) => {
      const closed = await closeDuePolls(db, now)
      if (closed.length === 0) print('no poll is due')
      for (const c of closed) print(`closed poll #${c.no} "${c.title}" of "${c.compoundName}": ${c.outcome}`)
      return 0
    })
  },
}

export const pollsRemind: CliCommand = {
  name: 'polls remind',
  usage: 'linli polls remind [--now <ISO time>]   (committee privately: households not voted; groups: the count; once a day)',
  async run(argv, config) {
    const { values } = args(argv, { now: { type: 'string' } }, 0)
    const now = nowFrom(values.now, config)
    return withDatabase(config, async (db) => {
      const sent = await remindOpenPolls(db, now)
      if (sent.length === 0) print('no open poll needs a reminder')
      for (const r of sent) {
        const what = r.electorate === 'owners' ? `${r.count} households not voted` : r.countsVoted ? `${r.count} people voted` : `${r.count} people not voted`
        print(`poll #${r.no} "${r.title}" of "${r.compoundName}": ${what}; ${r.rows === 0 ? 'already reminded today' : `${r.rows} messages queued`}`)
      }
      return 0
    })
  },
}
