// 发起投票 / 發起投票 / poll: a committee member opens a poll; the launch post goes to every chat of the
// compound with the options numbered, the rule in plain words, the deadline in the compound's time zone,
// how to vote, and (Telegram) one button per option. Syntax and defaults: src/domain/poll-syntax.ts.
// The electorate is frozen in the same transaction (poll_electorate): the roster's households, areas and
// owner persons as they are now, or the residents verified now (docs/POLLS.md). Without any, no poll.
import { z } from 'zod'
import { launchButtons, launchText } from '../src/render/polls.ts'
import { parseLaunch } from '../src/domain/poll-syntax.ts'
import { createPoll, electorateAtLaunch, freezeElectorate, noticeDaysOf, pollView } from '../src/services/polls.ts'
import { defineCommand, type Reply, reply, UserError } from '../src/pipeline/command.ts'

export default defineCommand({
  name: 'poll',
  keywords: { 'zh-CN': ['发起投票'], 'zh-TW': ['發起投票'], en: ['poll'] },
  role: 'committee',
  // a title, up to 20 options and the settings: longer than most commands (the pipeline's cap, issue 12)
  maxArgs: 2000,
  args: z.object({ text: z.string().max(2000, 'poll.tooLong') }),
  async run(ctx, { text }) {
    const { t, compound } = ctx
    const noticeDays = noticeDaysOf(compound.settings)
    const res = parseLaunch(text, {
      now: ctx.now,
      timeZone: compound.timeZone,
      noticeDays,
      isHead: ctx.role === 'head',
      defaultOptions: t('poll.defaultOptions').split('/'),
    })
    if (!res.ok) throw new UserError(res.key, res.params, true)
    const spec = res.spec
    const voters = await electorateAtLaunch(ctx.tx, compound.id, spec.electorate)
    if (voters.length === 0) throw new UserError(spec.electorate === 'residents' ? 'poll.noResidents' : 'poll.noRoster')
    const poll = await createPoll(ctx.tx, {
      compoundId: compound.id,
      title: spec.title,
      options: spec.options,
      multiple: spec.multiple,
      rule: spec.rule,
      electorate: spec.electorate,
      secret: spec.secret,
      deadline: spec.deadline,
      urgent: spec.urgent,
      status: 'open',
      createdBy: ctx.member.id,
      createdAt: ctx.now,
    })
    await freezeElectorate(ctx.tx, poll, voters)
    const post: Reply = {
      to: 'compound',
      text: launchText(t, pollView(poll), compound.timeZone, { urgent: spec.urgent, noticeDays }),
      buttons: launchButtons(poll),
      dedupeKey: `poll-launched:${poll.id}`,
    }
    const out: Reply[] = [post]
    if (ctx.message.chat.kind === 'private') out.push(reply.chat(t('poll.launchedPrivately', { no: poll.no })))
    return out
  },
})
