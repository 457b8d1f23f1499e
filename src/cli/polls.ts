// `linli polls close-due` and `linli polls remind`: what the scheduler will run, by hand until then.
// Both write outbox rows; a running bot (`linli start`, the sandbox) delivers them.
import { closeDueOpinionRounds } from '../services/opinions.ts'
import { closeDuePolls, remindOpenPolls } from '../services/polls.ts'
import { args, type CliCommand, nowFrom, print, withDatabase } from './common.ts'

export const pollsCloseDue: CliCommand = {
  name: 'polls close-due',
  usage: 'linli polls close-due [--now <ISO time>]   (close polls past their deadline and announce the results; safe to repeat)',
  async run(argv, config) {
    const { values } = args(argv, { now: { type: 'string' } }, 0)
    const now = nowFrom(values.now, config)
    return withDatabase(config, async (db) => {
      const rounds: { no: number }[] = []
      const closed = await closeDuePolls(db, now, { opinionRounds: async (due) => rounds.push(...(await closeDueOpinionRounds(db.db, now, due))) })
      if (closed.length === 0 && rounds.length === 0) print('no poll is due')
      for (const r of rounds) print(`closed opinion round #${r.no}: counts posted, list sent to the committee`)
      for (const c of closed) print(`closed poll #${c.no} "${c.title}" of "${c.compoundName}": ${c.outcome}`)
      return 0
    })
  },
}

export const pollsRemind: CliCommand = {
  name: 'polls remind',
  usage:
    'linli polls remind [--now <ISO time>]   (one digest per compound and day: groups the counts, committee privately the households not voted; not in quiet hours)',
  async run(argv, config) {
    const { values } = args(argv, { now: { type: 'string' } }, 0)
    const now = nowFrom(values.now, config)
    return withDatabase(config, async (db) => {
      const sent = await remindOpenPolls(db, now)
      if (sent.length === 0) print('no open poll needs a reminder (or the compounds are in their quiet hours)')
      for (const r of sent) {
        print(`"${r.compoundName}": ${r.rows === 0 ? 'already reminded today' : `${r.rows} messages queued`}`)
        for (const p of r.polls) {
          if (p.opinion) {
            print(`  opinion round #${p.no} "${p.title}": ${p.count} households not signed`)
            continue
          }
          const what = p.electorate === 'owners' ? `${p.count} households not voted` : p.countsVoted ? `${p.count} people voted` : `${p.count} people not voted`
          print(`  ${p.election ? 'election' : 'poll'} #${p.no} "${p.title}": ${what}`)
        }
      }
      return 0
    })
  },
}
