// Repair reports: what is broken (a thing of the building), how (a broken state), and where. The same
// lexicon serves the addressed reading (looser: any broken thing, or 报修 + a description) and the
// unaddressed one (strict: a place of the compound + a broken thing, nothing that reads as chatter).
// Patterns run on the folded text (simplified, lower case).
import { guessCategory, type RepairCategory } from '../domain/repair-category.ts'
import { findArea, placeOf, type PlaceSlots, type Span } from './places.ts'

// Things of a building, most specific first (路灯 before 灯, 门禁 before 单元门 before 门). Canonical words
// are simplified Chinese.
const THINGS: readonly (readonly [string, RegExp])[] = [
  ['路灯', /路灯|street ?lights?|street ?lamps?|lamp ?posts?/],
  ['灯', /(?<!红绿|信号|车|台|花|彩|霓虹|关|开|黑)灯(?!笼|光秀|塔|会|谜)|灯泡|灯管|照明|\blights?\b|\blamps?\b|\bbulbs?\b/],
  ['化粪池', /化粪池|septic/],
  ['井盖', /井盖|manhole/],
  ['监控', /监控|摄像头|监视器|\bcctv\b|\bcameras?\b/],
  ['下水道', /下水道|下水管|下水|排水管|排水沟|水沟|沟渠|明沟|排污|污水管|阴沟|(?:雨水|污水|下水|窨|检查)井|\bditch(?:es)?\b|\bdrains?\b|\bsewers?\b|\bsewage\b|\bgutters?\b/],
  ['地漏', /地漏/],
  ['马桶', /马桶|坐便器|蹲坑|\btoilets?\b/],
  ['水龙头', /水龙头|龙头|\btaps?\b|faucets?/],
  ['水管', /水管|供水管|暖气管|管道|\bpipes?\b/],
  ['水泵', /水泵|水箱|二次供水|\bpumps?\b/],
  ['电梯', /电梯|\blifts?\b|elevators?/],
  ['暖气', /暖气(?!费)|暖气片|供暖|地暖|\bradiators?\b|\bheating\b/],
  ['门禁', /门禁|门卡|刷卡|人脸识别|access control|card reader|keypad/],
  ['对讲', /对讲|门铃|intercom|doorbell/],
  ['单元门', /单元门(?!口)|楼道门|防盗门|entry door|entrance door|front door|main door/],
  ['门锁', /门锁|锁芯|(?<!开)锁(?=坏|不上|不了|打不开)|\blocks?\b/],
  ['铁门', /铁门|卷帘门|车库门|\bgates?\b/],
  ['道闸', /道闸|栏杆机|挡车杆|抬杆|\bbarriers?\b|boom gate/],
  ['充电桩', /充电桩|充电口|charging (?:pile|station|point)s?|chargers?/],
  ['窗', /窗户|窗|玻璃|\bwindows?\b|\bglass\b/],
  ['扶手', /扶手|handrails?|railings?/],
  ['楼梯', /楼梯(?!间|口)|台阶|\bstairs\b|\bsteps\b/],
  ['外墙', /外墙|墙皮|瓷砖|墙面|\bwalls?\b|\btiles?\b/],
  ['电线', /电线|线路|电路|电闸|总闸|配电箱|电箱|wiring|breakers?|\bfuses?\b/],
  ['表', /电表|水表|\bmeters?\b/],
  ['消防', /消防栓|灭火器|hydrants?|extinguishers?/],
  ['信箱', /信箱|报箱|mailbox/],
  ['虫鼠', /蟑螂|老鼠|耗子|白蚁|\brats?\b|\bmice\b|cockroach(?:es)?|termites?/],
  ['门', /(?<![a-z])门(?=坏|关不|打不|开不|合不|掉|锁不)|\bdoors?\b/],
  ['树', /树枝|树干|大树|树(?=倒|歪|断|枝|干|要|快|被|压|砸|挡)|\btrees?\b|\bbranch(?:es)?\b/],
  ['草', /草坪|草地|杂草|绿化带|花坛|灌木|绿篱|草(?=长|太|都|好久|没|枯)|\blawns?\b|\bgrass\b|\bhedges?\b/],
  ['垃圾', /垃圾桶|垃圾箱|垃圾站|垃圾(?!分类|车|袋)|\brubbish\b|\bgarbage\b|\btrash\b|\bbins?\b/],
  ['自来水', /自来水|水质|tap water/],
]

// Broken states. STRONG ones name the trouble by themselves (漏水, 停电), so a place is enough with them.
const STRONG =
  /漏水|夹人|渗水|进水|积水|漏雨|停水|停电|跳闸|没电了|没水了|不出水|冒水|返水|反水|喷水|水漫|淹了|塌了|塌陷|裂缝|开裂|困人|关人|关了人|卡人|被困|困住|冒烟|起火|着火|火花|leak(?:s|ing|ed)?\b|flood(?:ed|ing)?|no water|no power|power cut|burst|smoke|sparks?|on fire|trapped/
const PROBLEM = new RegExp(
  [
    STRONG.source,
    '坏|损坏|关不住|关不掉|拧不紧|一直滴|不热|不暖|冰凉|不够热|没修剪|没人修剪|没剪|杂草丛生|长疯了|枯死|停运|不运行|消杀|灭鼠|灭蟑|成灾|泛滥|耷拉|垂下来|裸露|就闪|闪得|老闪|总闪|乱闪|闪烁|闪个|不响|没声音|没有声音|没人收拾|没人清|没人倒|没人收|没人扫|没人打扫|没人处理|没人管|没清理|没有清理|没清运|没有清运|没收走|没有收走|堆满|堆成山|堆了一|堆着|一堆|发黄|发黑|浑浊|有味|有股味|有怪味|有股怪味|一股味|一股怪味|掀了|掀翻|掀掉|刮断|刮跑|刮倒|刮掉|吹倒|吹跑|吹掉|冒出|冒上来|漫出|返上来|不亮|灭了|黑了|全黑|一闪一闪|闪个不停|忽明忽暗|一直闪|堵|不通|漏|渗|溢|满了|爆了|爆管|裂了|破了|碎了|断了|掉了|掉下|脱落|松了|松动|晃|卡住|卡了|停了|不动|不转|失灵|没反应|不灵|刷不开|打不开|关不上|关不起来|锁不上|抬不起|充不上|烧掉|烧了|烧坏|没水|没电|臭|反味|不能用|用不了|没了|不见了|被偷|歪了|倾斜|要倒|快倒|倒了|怪声|异响|噪音|响声|不正常|出问题|有问题|堵塞|关不严|关不紧|合不拢|一直响|响个不停|叫个不停|不会亮|亮不了|不工作|不好使|不管用|故障|失效|滴水|渗漏|都不开|不开了|开不了',
    "\\bbroken\\b|\\bbroke\\b|not working|isn'?t working|doesn'?t work|does not work|out of order|\\bstuck\\b|\\bblocked\\b|clogged|flicker(?:s|ing)?|\\bdead\\b|overflow(?:s|ing)?|cracked|\\bfallen\\b|\\bloose\\b|jammed|smells?\\b|\\btripped\\b|\\btripping\\b|\\beverywhere\\b|all over the|infest(?:ed|ation)?|\\bnoise|grinding|rattl|squeak|won'?t (?:close|open|lock|work|turn on|shut)|can'?t (?:close|open|lock)|doesn'?t (?:close|open|lock|shut)|\\bno (?:lights?|power|water|electricity)\\b|back(?:s|ed|ing)? up|piling up|pile of|(?:hasn'?t|have ?n'?t|not) been (?:collected|emptied|cleaned|picked up)|nobody (?:collected|emptied|cleaned)|blocking|discolou?red|\\bbrown\\b|out of service|\\bmissing\\b|(?:keeps?|kept) (?:going|turning|switching|cutting) (?:off|out)|(?:goes|went|going) off|cuts? out|\\bdrip(?:s|ping)?\\b|malfunction|faulty|\\bfault\\b|overgrown|(?:radiators?|heating)\\b[^.!?]{0,20}\\b(?:cold|not (?:on|warm))\\b|\\bnot warm\\b",
    // a light that "is out"
    '(?:lights?|lamps?)\\b[^.!?]{0,20}\\b(?:is|are|went|goes|gone)\\s+(?:all\\s+)?(?:out|off)\\b',
  ].join('|'),
)

// Someone asking the bot to register a repair.
export const REPAIR_VERB =
  /报修|报个修|保修|报一下修|登记.{0,3}修|维修|修一下|修下|修修|修一修|来修|找(?:个)?人修|派人修|帮忙修|修理|派(?:个|人|师傅)|来个?(?:人|师傅)|(?:找|叫)个?师傅|(?:来|过来)(?:处理|看看|看一下)|处理一下|report (?:a |an )?(?:repair|leak|problem|fault|broken)|send someone|can (?:someone|somebody|you) (?:come|send)|\brepair\b|\bfix\b|needs? fixing/

export interface RepairSlots extends PlaceSlots {
  /** what is broken, canonical simplified word, when named */
  thing?: string
  category: RepairCategory
}

export function thingOf(folded: string): (Span & { thing: string }) | null {
  for (const [thing, re] of THINGS) {
    const m = re.exec(folded)
    if (m) return { thing, from: m.index, to: m.index + m[0].length }
  }
  return null
}

export function hasProblem(folded: string): boolean {
  return PROBLEM.test(folded)
}

export function hasStrongProblem(folded: string): boolean {
  return STRONG.test(folded)
}

export function repairSlots(folded: string): RepairSlots {
  const { roomHit: _r, ...place } = placeOf(folded)
  const thing = thingOf(folded)
  const out: RepairSlots = { ...place, category: guessCategory(folded) }
  if (thing) out.thing = thing.thing
  // a thing that names its area: 楼道灯 is in the 楼道 even when no other place is said
  if (!out.area && thing?.thing === '单元门') out.area = '门口'
  return out
}

// ---- the unaddressed reading ------------------------------------------------------------------

/**
 * A cheap first look at raw text (no normalisation, no allocation): could it be a repair report at all?
 * Chatter without a broken-state word stops here. Every word of the broken-state lexicon, in both
 * scripts, contains one of these (test/unit/intents-repair.test.ts checks it with OpenCC).
 */
const MAYBE = new RegExp(
  [
    '坏|壞|堵|漏|渗|滲|溢|不亮|灭|滅|黑了|全黑|闪|閃|忽明忽暗|不通|满了|滿了|爆|裂|破了|碎|断|斷|掉|脱落|脫落|松|鬆|晃',
    '卡住|卡了|卡人|停了|停水|停电|停電|不动|不動|不转|不轉|失灵|失靈|反应|反應|不灵|不靈|不开|不開|关不|關不|锁不|鎖不',
    '抬不|充不|烧|燒|没水|沒水|没电|沒電|臭|反味|不能用|用不了|没了|沒了|不见|不見|被偷|歪|倾斜|傾斜|要倒|快倒|倒了',
    '不热|不熱|不够热|不夠熱|不暖|冰凉|冰涼|修剪|没剪|沒剪|杂草|雜草|长疯|長瘋|枯死|怪声|怪聲|异响|異響|噪音|响声|響聲|不正常|问题|問題|进水|進水|积水|積水|冒|喷水|噴水|水漫|淹|塌|困人|被困|困住|困在',
    '关人|關人|关了人|關了人|起火|着火|著火|火花|跳闸|跳閘|不出水|返水|反水|不严|不嚴|不紧|不緊|合不|一直响|一直響|个不停|個不停',
    '夹人|夾人|停运|停運|不运行|不運行|消杀|消殺|灭鼠|滅鼠|灭蟑|滅蟑|成灾|成災|泛滥|氾濫|泛濫|tripping|everywhere|all over|infest|耷拉|垂下|裸露|漫|颳|不响|不響|没声|沒聲|没有声|沒有聲|没人|沒人|没清|沒清|没有清|沒有清|没收|沒收|没有收|沒有收|堆|发黄|發黃|发黑|發黑|浑浊|渾濁|味|掀|刮|吹倒|吹跑|吹掉|返上|back|piling|pile of|been collected|been emptied|been cleaned|been picked|nobody|blocking|discolo|brown|不会亮|不會亮|亮不了|不工作|不好使|不管用|故障|失效|滴|不开|不開|开不了|開不了|drip|fault|malfunction',
    "broke|block|clog|leak|stuck|flicker|not work|n't|dead|burst|overflow|crack|loose|jam|flood|no water|no power|noise",
    'overgrown|cold|not warm|grinding|rattl|squeak|no light|missing|smoke|fire|spark|trapped|out of|is out|are out|went out|smell|tripped|fallen|power cut|off|cut out|cuts out',
  ].join('|'),
  'i',
)

export function mayBeRepair(raw: string): boolean {
  return raw.length <= 120 && MAYBE.test(raw)
}

// Not a report: asking (吗, 是不是), denying (没坏), already handled (修好了, 已报修), not happening now
// (如果, 上次, 明天停水通知), or somewhere that is not the compound (公司, 老家, 隔壁小区, 我家里).
const QUESTION = /吗|嘛|是不是|有没有|会不会|是否|对不对|不知道|谁知道|了没|[?？]|^(?:is|are|does|do|did|has|have|was|were|any ?one|anybody)\b/
const DENIED = /没坏|没有坏|(?<!是)不是坏|没堵|没漏|not broken|isn'?t broken|no longer/
const HANDLED =
  /修好|好了|正常了|恢复了|来电了|来水了|修了|修完|通了|换好|换了|已经修|已修|在修|正在修|来修了|报修了|已报修|已经报|报过|报了|有人报|联系了|fixed|repaired|cleared|been reported|reported it|already reported|on it/
const NOT_NOW = /如果|要是|万一|假如|去年|以前|上次|之前|上个?月|上个?(?:周|星期|礼拜)|前几天|坏过|堵过|漏过|记得|明天|后天|下周|将于|计划|预计|通知|暂停|保养|检修|施工|\bif\b|last (?:year|time)|used to|tomorrow|scheduled|maintenance/
const ELSEWHERE =
  /家里|另一个小区|别的小区|其他小区|(?:妈|爸|父母|亲戚|朋友|同事|女儿|儿子)家|我家(?!门口|楼下|楼道|楼上|单元)|我们家|公司|单位|学校|老家|隔壁|外面|马路|路上|路口|高架|地铁|医院|商场|超市|银行|车上|手机|电脑|电视|空调|洗衣机|冰箱|网络|宽带|\bwork\b|office|school|city|highway|\bphone\b|\bat home\b|\bmy (?:kitchen|bathroom|flat|apartment|home|house|car)\b/
// a trouble stated as a clause of its own (坏了，… / 停水了，…) before any question
const ASSERTED = new RegExp(`怎么又|又.{0,6}了|(?:${STRONG.source})了|(?<!是不是|不是|会不会|有没有)(?:坏|堵|漏|停|灭|断|掉|裂|爆|塌)了(?:好几天|好久|[一二三四五六七八九十两几\\d]+天)?[,，。!！]`)
// standing water after a storm is weather, not a fault, unless something is named as broken
const RAIN = /雨|storm|\brain/
// a thing or area of the compound, stated: a building, a unit, a room, a common area
const COMMON_AREA = /小区|[东南西北]区|楼道|楼梯|走廊|过道|地下室|车库|停车场|车棚|楼顶|屋顶|天台|顶楼|[东南西北]门|大门|正门|门口|楼下|广场|花园|绿化带|垃圾站|配电房|电梯间|stair|hallway|corridor|basement|garage|car ?park|bike shed|roof|gate|entrance/

// Asking in so many words to report a repair, at the start (`我要报修，厨房漏水`, `報修：電梯壞了`, `I need to report a
// repair, …`): with a broken thing or state after it, that is unmistakable even when no place of the compound is named
const ASKS_TO_REPORT = /^(?:我|我们|俺|咱|咱们)?(?:要|想|需要|得|申请|来)?报(?:个|一下)?修\s*(?:一下)?[,，:：。!！\s]|^(?:i|we) (?:want|need|would like|'d like) to report (?:a |an )?(?:repair|problem|fault|leak)\b/

export interface GroupRepair {
  slots: RepairSlots
}

/**
 * An unaddressed group message that is unmistakably a repair report: a place of the compound and a
 * broken thing (`3栋楼道灯又坏了`, `二单元下水道堵了好几天`), or an explicit request to report one with what
 * is broken (`我要报修，厨房漏水`), and nothing that makes it chatter.
 * `folded` is the prepared text (see prepare()); call mayBeRepair(raw) first, it is far cheaper.
 */
export function groupRepairOf(folded: string): GroupRepair | null {
  if (folded.length > 80) return null
  if (!PROBLEM.test(folded)) return null
  // `怎么又坏了` and `停水了，是不是水管坏了` state the trouble before they wonder about it
  if (QUESTION.test(folded) && !ASSERTED.test(folded)) return null
  if (DENIED.test(folded) || HANDLED.test(folded) || NOT_NOW.test(folded) || ELSEWHERE.test(folded)) return null
  const thing = thingOf(folded)
  if (ASKS_TO_REPORT.test(folded) && (thing || hasStrongProblem(folded))) return { slots: repairSlots(folded) }
  const place = placeOf(folded)
  const named = place.room !== undefined || place.building !== undefined || place.unit !== undefined || COMMON_AREA.test(folded)
  if (!named) return null
  // a broken thing, or a strong trouble in a named area (地下室漏水, 楼顶漏雨)
  const building = place.building !== undefined || place.unit !== undefined || place.room !== undefined
  if (!thing && (!hasStrongProblem(folded) || !(findArea(folded) || building) || RAIN.test(folded))) return null
  return { slots: repairSlots(folded) }
}
