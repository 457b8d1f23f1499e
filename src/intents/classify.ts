// The local, deterministic reading of a message: a lexicon and ordered rules over the folded text.
//
//   understand(text, ctx)   an addressed message (an @mention, a private chat, a reply to the bot)
//   groupRepair(text, ctx)  an unaddressed group message: only an unmistakable repair report
//
// Rules run in a fixed order; the first that matches decides (see RULES below and
// test/unit/intents-rules.test.ts, one case per rule).
import type { Lang } from '../i18n/define.ts'
import type { CommandName } from './commands.ts'
import { DEFAULT_TIME_ZONE, outcome } from './outcome.ts'
import { paymentAmount, PAY_VERB } from './payment.ts'
import { defaultPeriod, parsePeriod } from './period.ts'
import { findArea, findRoom, placeOf } from './places.ts'
import { groupRepairOf, hasProblem, hasStrongProblem, mayBeRepair, REPAIR_VERB, repairSlots, thingOf } from './repair.ts'
import { cleanSlice, prepare, type Text } from './text.ts'
import type { IntentContext, IntentName, Relation, Slots, Understood } from './types.ts'
import { choiceOf, onlyNamesOption, pollNumberOf, pollOfChoice, stanceOf } from './vote.ts'

/** Longer messages are not requests to the bot (a forwarded notice, a story): nothing is read from them. */
export const MAX_LENGTH = 200

// ---- lexicon ------------------------------------------------------------------------------------

const HELP_GENERAL =
  /怎么用|咋用|如何使用|怎么使用|使用说明|说明书|你.{0,4}(?:会|能|可以).{0,4}(?:干嘛|干啥|做啥|干什么|做什么|啥|什么)|有(?:什么|哪些|啥)(?:功能|命令|指令|用处)|(?:功能|命令|指令)都?(?:有|是)?(?:哪些|什么|啥)|功能列表|菜单|^帮助|(?:看|查看|发|给我)(?:一?下)?帮助|帮助(?:文档|说明|信息|菜单)|怎么玩|咋玩|你是(?:干嘛|干啥|做什么|干什么|做啥|啥)的|使用方法|用法|(?:能|可以)问(?:你)?(?:些)?(?:什么|啥|哪些)|问你(?:些)?(?:什么|啥)|机器人怎么|(?:怎么|如何|咋)操作|帮帮忙|不会用|教教我|教我用|第一次用|新手|^[?？]+$|^help\b|what can you do|what can i (?:ask|do|say)|what do you do|how does (?:this|it) work|how do i use|^commands?\??$|(?:what|which|list of) commands|(?:your|the) commands|commands are there|^menu\??$|instructions|tutorial|user guide|\bmanual\b/
// how to do something (not 怎么样 / 怎么又 / 怎么办: those are not questions about the bot)
const HOW = /(?:怎么|咋|如何|怎样)(?!样|么样|回事|又|办|还|没|不|这么|那么)|\bhow (?:do|can|should|does) (?:i|we|one|you)\b|\bhow to\b/
const HELP_TOPICS: readonly (readonly [CommandName, RegExp])[] = [
  ['pay', /交费|缴费|交.{0,3}费|缴.{0,3}费|交钱|付钱|记录缴费|\bpay\b/],
  ['fee', /查.{0,3}费|看.{0,3}费|欠费|\bfees?\b|\bowe\b/],
  ['repair', /报修|报|修|\brepairs?\b|\breport\b/],
  ['vote', /投票|投|表决|\bvote\b/],
  ['bind', /绑定|绑|认证|登记|\bbind\b|\bregister\b|\blink\b/],
  ['ledger', /账目|账本|收支|\bledger\b|\baccounts\b/],
]
const WHERE_TO_PAY = /(?:交|缴|付)(?:到)?哪(?!个月|一?年|天|一?期|一?月)|(?:交|缴)给谁|(?:哪里|哪儿|在哪|去哪)(?:交|缴)|找谁交|where (?:do|can|should) i pay/
const WANT_TO_VOTE = /^(?:我)?(?:要|想)投票[了吧啊呀]?$|^i (?:want|would like) to vote$/
// a concrete request: the sentence asks for something, not how to do it
const REQUEST = /帮我?查|查一下|查下|查查|看看|看下|帮忙查/

const SCHEDULE =
  /收费标准|多少钱一个?月|按(?:户|人|面积|平米|套|月)收|一坪|每坪|标准|怎么收|怎么算|如何收|怎么计算|按面积|多少钱一平|一平(?:米|方)?多少|(?:一年|一个月|每月|每年|一平)(?:要)?多少|单价|收法|怎么个收|多少钱?一?平(?:米|方)?|计费|收费方式|怎么收费|涨(?:价|了|没涨|不涨|多少)|要涨|调价|\brates?\b|(?:go(?:ne|ing)? up|increas(?:e|ed|ing))\b|per (?:square|sq|m2)|square met|monthly fee|how much is the (?:management |property )?fee|fee (?:schedule|rule)|calculated|how (?:are|is) (?:the )?fees? (?:charged|worked out)/
const FEE =
  /物业费|物业废|管理费|卫生费|服务费|停车费|车位费|取暖费|供暖费|暖气费|公摊费|垃圾费|到账|入账|(?:钱|款|费|转账)(?:你们)?收到了?(?:吗|没)|费用|查费|查[^,，。?？]{0,10}费|欠|缴费记录|交费情况|缴费情况|(?<![月年周]份?的?)[账帐]单|到期|交到几月|交清|交过|(?:交|缴)费?了(?:没|吗)|(?:还|该|要)(?:要|需要|差|得)?(?:交|缴)多少|还差多少|没交|没缴|未交|未缴|补交|补缴|交了多少|缴了多少|交的钱|够不够|拖欠|(?:要|需要|得|该)(?:再)?(?:交|缴)钱|交钱吗|交够|缴够|费交|(?:我|俺|咱)(?:们)?家?的?账(?![目本])|\bowed?\b|\bfees?\b|\bbill\b|\bbalance\b|behind on|outstanding|unpaid|arrears|\bdid\s+\d[\d-]*\s+pay\b|\bhave i paid\b|paid up|up to date|my dues|\bmy payments?\b|payments? (?:go|went|gone|come|came) through|(?:get|got|receive|received) my (?:payment|money|transfer)/
const OWN = /我|俺|咱|\bmy\b|\bi\b|\bme\b/
const LEDGER =
  /账目|公示|\bdisclosures?\b|(?<=[月年周]份?的?)[账帐]单|帐目|账本|帐本|收支|(?<!报)账(?!单)|帐(?!单)|花了多少|花销|开销|花费|支出|花哪|花在哪|收入|收了多少|收益|结余|余额|(?:还)?剩(?:下)?多少|财务|公开|公布|明细|花了(?:啥|什么|哪些)|花钱|开支|基金|资金|经费|公款|\bledger\b|(?<!\bmy |\byour |\bthe bot )\baccounts?\b|\bspen[dt]\b|spending|expenses?|income|money go|\bfund\b|balance of|kitty|how much money|financ|what did we pay|用在哪|用到哪|用哪了|花在|钱.{0,4}(?:用|花)(?:在|到)?哪/

const REPAIR_REF = /报修|报的|修|工单|维修单|单子|单号|ticket|repair|\bfix|\breport(?:ed)?\b/
const STATUS_Q =
  /怎么样|修不修|到底|修完|都修|what'?s happening|happening with|any news|what happened|咋样|怎样|进度|进展|修好|修了没|修了吗|修没|好了没|好没|修得|派给|谁(?:来)?修|给谁了|谁负责|处理到|到哪了|到哪一步|did anyone (?:fix|look|come)|anyone fix|有下文|下文|回音|还没人|没人来|没人管|没人修|怎么还没|没处理|未处理|\bnews\b|heard anything|有人(?:去)?(?:管|处理|接|修|看|来)|处理(?:没|了没|了吗|得|情况)|解决(?:没|了没|了吗)|搞定|处理好|完工|完成|弄好|谁在修|接了|啥时候|什么时候|何时|多久|(?:单子|报修单?|工单|维修单|报的修)呢|情况|(?:进展|进度|情况|处理得?)如何|\bstatus\b|update|progress|fixed|\bdone\b|looked at|still open|open repairs|what repairs|when will|\bwhen\b/
const LIST = /哪些|所有|没(?:修|处理)好?的|全部|都有(?:啥|什么)|有(?:啥|什么)报修|都(?:修|处理|弄|解决|搞定)(?:完|好)?了|还有多少|多少.{0,3}没|有?几个没|列表|清单|\blist\b|what repairs|open repairs|which repairs|all (?:repair )?(?:tickets|repairs)|which tickets|open tickets|tickets (?:are )?(?:still )?open/
// a lookup of one's own or all tickets: 查一下我的维修单 / 我的工单
const LOOKUP = /^(?:帮我)?(?:查|看)|^(?:show|check|see)\b|^(?:我的|my)\s*(?:报修单?|工单|维修单|单子|repairs?|tickets?)\s*[呢啊吧]?\s*[?？]?$/
const MINE = /我(?:报|的|上次|之前|前天|昨天|那)|(?:上回|上次|之前|前几天|昨天|前天|上周|上个?礼拜|上星期)报的|\bmy\b|\bi reported\b/
const TICKET_NO = [
  /(?:工单|单子|维修单|报修单|报修|单号|\bticket|\brepair)\s*(?:no\.?)?\s*#?\s*(\d{1,6})(?!\s*(?:栋|幢|号楼|单元|-))/,
  /第?\s*(\d{1,6})\s*号\s*(?:报修单|报修|工单|单子|单|维修单)/,
  /#\s*(\d{1,6})/,
]

// 结果 / results with no other subject before it are the poll's (the 结果 command): 结果出来了吗 / results out yet?
const VOTE_WORD = /投票|表决|投了|票|投|选|\bpoll|\bvote|\bballot|\btally\b|^(?:投票)?结果|^(?:(?:are|is|any)\s+)?(?:the\s+)?results?\b/
const RESULT_Q =
  /结果|情况|进度|多少|几户|几个人|通过|截止|结束|统计|怎么样|咋样|怎样|现在|看看|看下|有什么|什么票|在投|啥时候|什么时候|过了没|过了吗|过没过|几个|进行|目前|领先|谁赢|赢了|哪个赢|胜出|票多|票数|\bresults?\b|\bhow is\b|how's|\bgoing\b|\bpass(?:ed)?\b|\bopen\b|how many|\bstatus\b|\btally\b|winning|deadline|\bends?\b|\bclose/

const BIND =
  /房号|房间号|门牌|绑定|绑上|绑一下|绑|关联|登记|认证|注册|我是|我住|我家是|我家在|住在|住户|业主|房主|租户|租客|租的|租了|我租|租房|家属|\brent\b|\brenting\b|\badd me\b|\bowns?\b|\bbind\b|\blink\b|\bregister\b|\bi live\b|\bi'?m (?:in|at)\b|\bi am (?:in|at)\b|\bi'?m the owner\b|\bi am the owner\b|\bowner of\b|\btenant\b|my flat|my apartment/
const RELATIONS: readonly (readonly [Relation, RegExp])[] = [
  ['family', /家属|家人|儿子|女儿|老婆|老公|爸|妈|父母|孩子|亲戚|\bfamily\b|\bson\b|\bdaughter\b|\bwife\b|\bhusband\b|\bparents?\b|\bmum\b|\bmom\b|\bdad\b|\bfather\b|\bmother\b/],
  ['tenant', /租户|租客|房客|租的|租住|租了|我租|租房|\btenant\b|\brenting\b|\brent\b/],
  ['owner', /业主|房主|户主|屋主|产权人|房东|\bowner\b|\bown\b/],
]

// words that only ask for the repair, cut from the description: 我要报修， / 帮我登记一下报修： / report repair:
const REPAIR_LEAD =
  /^(?:我要|我想|帮我|帮忙|麻烦|请)?(?:报个修|报一下修|报修一下|报修|保修|登记一下报修|登记报修|登记一下|修一下)(?:一下)?[\s,，:：!！。]*|^(?:i (?:want|need|would like) to )?report (?:a )?(?:repair|problem)?\s*:?\s*/
const FILLER_END = /[\s,，。!！~～]*(?:谢谢|麻烦了|辛苦了|thanks|thank you|pls|please)?[\s,，。!！~～]*$/

// ---- helpers ------------------------------------------------------------------------------------

/** The language the message was written in: any Chinese character decides between zh-CN and zh-TW. */
export function writtenIn(t: Text, fallback: Lang): Lang {
  if (/[\u3400-\u9fff]/.test(t.clean)) return t.traditional ? 'zh-TW' : 'zh-CN'
  return /[a-z]{2}/i.test(t.clean) ? 'en' : fallback
}

function ticketNumberOf(f: string): number | undefined {
  for (const re of TICKET_NO) {
    const m = re.exec(f)
    if (m) return Number(m[1])
  }
  return undefined
}

/** The report in the resident's own words (as typed, script kept), without 我要报修 / 谢谢 around it. */
export function repairDescription(t: Text): string {
  const lead = REPAIR_LEAD.exec(t.folded)
  const from = lead ? lead[0].length : 0
  const end = FILLER_END.exec(t.folded.slice(from))
  const to = end ? from + end.index : t.folded.length
  return cleanSlice(t, from, to).trim()
}

interface Reading {
  intent: IntentName
  slots: Slots
}

const none: Reading = { intent: 'none', slots: {} }

// ---- rules, in order ------------------------------------------------------------------------------

type Rule = (t: Text, ctx: IntentContext) => Reading | null

/** 怎么用 / 你会干啥 / help */
const helpGeneral: Rule = (t) => (HELP_GENERAL.test(t.folded) ? { intent: 'help', slots: {} } : null)

/** 3-2-201 交了300 / 收到5栋101管理费1084: the 缴费 line to send */
const payment: Rule = (t) => {
  const f = t.folded
  if (!PAY_VERB.test(f) || /没|吗|多少|几|\?|\bdid\b|\bhave i\b/.test(f)) return null
  const room = findRoom(f)
  const amount = paymentAmount(f, room ? [room] : [])
  if (!amount) return null
  return { intent: 'payment', slots: { ...(room ? { room: room.code } : {}), amountFen: amount.fen } }
}

/** #12 修好了吗 / 我报的修怎么样了 / 还有哪些没修好 */
const status: Rule = (t) => {
  const f = t.folded
  if (/^我的报修$|^my repairs\??$/.test(f)) return { intent: 'status', slots: { mine: true } }
  const ticket = ticketNumberOf(f)
  const aboutRepair = REPAIR_REF.test(f)
  // `第17号工单`: a ticket named and nothing wrong said about anything is a look at that ticket
  const bareTicket = ticket !== undefined && aboutRepair && !hasProblem(f) && !VOTE_WORD.test(f) && f.length <= 16
  const asks = STATUS_Q.test(f) || LIST.test(f) || bareTicket || (aboutRepair && LOOKUP.test(f) && !hasProblem(f))
  if (!asks) return null
  if (ticket !== undefined && (aboutRepair || !VOTE_WORD.test(f))) return { intent: 'status', slots: { ticket } }
  if (!aboutRepair) return null
  // a report that also wonders when it will be fixed is a report
  if (hasProblem(f) && !MINE.test(f)) return null
  if (LIST.test(f) && !MINE.test(f)) return { intent: 'status', slots: { list: true } }
  return { intent: 'status', slots: { mine: true } }
}

/** 投票 #2 赞成 / 2号投票现在什么情况 */
const poll: Rule = (t, ctx) => {
  const f = t.folded
  const no = pollNumberOf(f)
  const votey = VOTE_WORD.test(f)
  if (!votey && !no) return null
  const rest = no ? f.slice(0, no.from) + ' ' + f.slice(no.to) : f
  const options = ctx.polls?.find((p) => p.no === no?.no)?.options ?? (no ? undefined : ctx.polls?.length === 1 ? ctx.polls[0]!.options : undefined)
  let choice = choiceOf(rest, options)
  // no number and several open polls: the one poll whose own options are named (我选白色, 白色几票了)
  const named = !no && (ctx.polls?.length ?? 0) > 1 ? pollOfChoice(rest, ctx.polls!) : null
  if (named) choice = { ...choice, option: named.option }
  const pollNo = no?.no ?? named?.poll
  const asks = RESULT_Q.test(rest)
  if (choice && !asks && (votey || no)) {
    const slots: Slots = {}
    if (pollNo !== undefined) slots.poll = pollNo
    if (choice.option !== undefined) slots.option = choice.option
    if (choice.stance) slots.stance = choice.stance
    return { intent: 'vote', slots }
  }
  // a question about a poll, or about how many chose something (多少人同意了 #2)
  // `#3 现在谁领先`: a question about a numbered thing that is not a repair is about the poll
  if ((votey && (asks || no)) || (no && asks && (choice || !REPAIR_REF.test(f)))) return { intent: 'results', slots: pollNo !== undefined ? { poll: pollNo } : {} }
  return null
}

/** 怎么报修 / 投票怎么投 / 物业费交哪 / 我要投票 */
const helpHow: Rule = (t) => {
  const f = t.folded
  if (WHERE_TO_PAY.test(f)) return { intent: 'help', slots: { topic: 'pay' } }
  if (WANT_TO_VOTE.test(f)) return { intent: 'help', slots: { topic: 'vote' } }
  const how = HOW.exec(f)
  if (!how || REQUEST.test(f) || SCHEDULE.test(f)) return null
  // the topic right after the question word, else right before it (投票怎么投)
  const after = f.slice(how.index + how[0].length, how.index + how[0].length + 20)
  const before = f.slice(Math.max(0, how.index - 8), how.index)
  for (const part of [after, before]) {
    for (const [topic, re] of HELP_TOPICS) if (re.test(part)) return { intent: 'help', slots: { topic } }
  }
  return /^(?:怎么|咋|如何|how)/.test(f) && f.length <= 12 ? { intent: 'help', slots: {} } : null
}

/** 我家还欠多少 / 上个月花了多少钱 / 物业费标准 */
const feeOrLedger: Rule = (t, ctx) => {
  const f = t.folded
  const room = findRoom(f)
  const fee = FEE.test(f)
  if ((fee || /收费/.test(f)) && SCHEDULE.test(f) && !room) return { intent: 'fee', slots: { schedule: true } }
  const ledger = LEDGER.test(f)
  if (fee && (room || OWN.test(f) || !ledger)) return { intent: 'fee', slots: room ? { room: room.code } : {} }
  if (!ledger) return null
  const now = ctx.now ?? new Date()
  const tz = ctx.timeZone ?? DEFAULT_TIME_ZONE
  return { intent: 'ledger', slots: { period: parsePeriod(f, now, tz, ctx.lang) ?? defaultPeriod(now, tz) } }
}

/** 我要报修，厨房漏水 / 3栋楼道灯又坏了 */
const repair: Rule = (t) => {
  const f = t.folded
  const thing = thingOf(f)
  // pests are the trouble by themselves (楼道里有老鼠); addressed only, the group reading still wants a broken state
  const problem = hasProblem(f) || thing?.thing === '虫鼠'
  const verb = REPAIR_VERB.test(f)
  const placed = thing !== null || findArea(f) !== null || Object.keys(placeOf(f)).length > 0
  const report = (problem && placed) || hasStrongProblem(f) || (verb && (problem || thing !== null || findArea(f) !== null))
  if (!report) return null
  return { intent: 'repair', slots: { ...repairSlots(f), description: repairDescription(t) } }
}

/** 我是3栋2单元201的业主 / bind me to 3-2-201 */
const bind: Rule = (t) => {
  const f = t.folded
  const room = findRoom(f)
  if (!room) return null
  // `我家5栋3单元201`: the home said and nothing else
  const ownHome = /(?:我|我们|俺|咱)家\s*(?:是|在|住)?\s*$/.test(f.slice(0, room.from)) && /^[\s,，。!！~]*$/.test(f.slice(room.to))
  if (!ownHome && !BIND.test(f)) return null
  const slots: Slots = { room: room.code }
  for (const [relation, re] of RELATIONS) {
    if (re.test(f)) {
      slots.relation = relation
      break
    }
  }
  return { intent: 'bind', slots }
}

/**
 * @邻里 我同意 / 灰色 / put me down for grey: a choice alone, for the open poll that has it (the one poll with
 * an option of that stance, or with that option's words); a stance two polls share stays poll-less.
 */
const choiceOnly: Rule = (t, ctx) => {
  const f = t.folded.replace(/^(?:我|i)\s*(?:投|vote)?\s*/, '')
  const polls = ctx.polls ?? []
  const stance = stanceOf(f)
  const named = polls.length > 1 ? pollOfChoice(f, polls) : null
  if (stance && f.length <= 8) return { intent: 'vote', slots: named ? { stance, poll: named.poll, option: named.option } : { stance } }
  // an option's own words with nothing but choice words around them
  const poll = named ? polls.find((p) => p.no === named.poll) : polls.length === 1 ? polls[0] : undefined
  if (!poll || !onlyNamesOption(t.folded, poll.options)) return null
  const option = named?.option ?? choiceOf(f, poll.options)?.option
  return option === undefined ? null : { intent: 'vote', slots: { poll: poll.no, option } }
}

export const RULES: readonly (readonly [string, Rule])[] = [
  ['helpGeneral', helpGeneral],
  ['payment', payment],
  ['status', status],
  ['poll', poll],
  ['helpHow', helpHow],
  ['feeOrLedger', feeOrLedger],
  ['repair', repair],
  ['bind', bind],
  ['choiceOnly', choiceOnly],
]

/** Which rule decides, and what it read (for tests and the benchmark's diagnostics). */
export function readRules(t: Text, ctx: IntentContext): Reading & { rule: string | null } {
  if (!t.folded || t.folded.length > MAX_LENGTH) return { ...none, rule: null }
  for (const [name, rule] of RULES) {
    const r = rule(t, ctx)
    if (r) return { ...r, rule: name }
  }
  return { ...none, rule: null }
}

/** An addressed message, read by the local rules. */
export function understand(raw: string, ctx: IntentContext): Understood {
  const t = prepare(raw, ctx.botNames)
  const r = readRules(t, ctx)
  return outcome(r.intent, r.slots, ctx, writtenIn(t, ctx.lang), 'rules')
}

/**
 * An unaddressed group message: a repair offer for an unmistakable repair report (place + broken thing),
 * otherwise null. Chatter costs one precompiled regular-expression test on the raw text.
 */
export function groupRepair(raw: string, ctx: IntentContext): Understood | null {
  if (!mayBeRepair(raw)) return null
  const t = prepare(raw, ctx.botNames)
  const found = groupRepairOf(t.folded)
  if (!found) return null
  return outcome('repair', { ...found.slots, description: repairDescription(t) }, ctx, writtenIn(t, ctx.lang), 'rules')
}
