// Repair ticket category and urgency guessed from the words a resident typed (simplified, traditional,
// English). Pure: no I/O. The committee corrects a wrong guess with `分类 #<n> <类别>`.

export const REPAIR_CATEGORIES = [
  'water',
  'drainage',
  'electricity',
  'lighting',
  'door',
  'lift',
  'greenery',
  'sanitation',
  'other',
] as const
export type RepairCategory = (typeof REPAIR_CATEGORIES)[number]

export function isRepairCategory(x: unknown): x is RepairCategory {
  return typeof x === 'string' && (REPAIR_CATEGORIES as readonly string[]).includes(x)
}

// First matching rule wins, so the more specific come first: 电梯 before 电, 灯 before 电 (电灯),
// 下水道 before 水, 漏水 (water) before 卫生 (卫生间漏水).
const RULES: readonly (readonly [RepairCategory, RegExp])[] = [
  ['lift', /电梯|電梯|\blifts?\b|elevator/i],
  ['drainage', /下水|排水|污水|化粪池|化糞池|地漏|马桶|馬桶|返水|堵|\bdrains?\b|\bdrainage\b|clog|\bblocked\b|sewage|sewer|toilet|septic/i],
  ['lighting', /灯|燈|照明|\blights?\b|streetlights?|\blamps?\b|\bbulbs?\b|lighting/i],
  ['water', /水管|漏水|跑水|渗水|滲水|水龙头|水龍頭|水表|水錶|停水|爆管|自来水|自來水|水压|水壓|\bwater\b|\bleak|\bpipes?\b|\btap\b/i],
  [
    'door',
    /门禁|門禁|门锁|門鎖|锁坏|鎖壞|单元门|單元門|防盗门|防盜門|铁门|鐵門|大门|大門|楼道门|樓道門|门关不上|門關不上|门打不开|門打不開|门坏|門壞|门铃|門鈴|对讲|對講|\bdoors?\b|\blocks?\b|\bgates?\b|intercom|access card/i,
  ],
  ['electricity', /电|電|跳闸|跳閘|\belectric|\bpower\b|\bsockets?\b|\boutlets?\b|breaker|wiring/i],
  ['greenery', /树|樹|绿化|綠化|草坪|草地|花坛|花壇|灌木|\btrees?\b|garden|\bgrass\b|hedge|branch/i],
  ['sanitation', /垃圾|卫生|衛生|清洁|清潔|保洁|保潔|异味|異味|老鼠|蟑螂|\btrash\b|garbage|rubbish|litter|\bbins?\b|\bclean|\bsmell|\brats?\b/i],
]

/** The category the words suggest; `other` when none does. */
export function guessCategory(text: string): RepairCategory {
  for (const [category, re] of RULES) if (re.test(text)) return category
  return 'other'
}

// Words that mean someone must act now: water running, smoke or fire, power out, people trapped, gas.
const URGENT =
  /漏水|跑水|爆管|水管爆|水管裂|冒烟|冒煙|起火|着火|著火|失火|火灾|火災|停电|停電|困人|被困|关人|關人|燃气|燃氣|煤气|煤氣|漏气|漏氣|触电|觸電|漏电|漏電|淹了|水淹|紧急|緊急|\bleak|\bflood|\bsmoke|\bfire\b|\bgas\b|trapped|power (?:cut|outage|failure)|\bno power\b|\burgent\b|\bemergency\b/i

/** Whether the words make the ticket urgent (announced privately to the committee at once). */
export function guessUrgent(text: string): boolean {
  return URGENT.test(text)
}

// What the committee types to correct a category, in any of the three languages.
const CATEGORY_WORDS: Record<string, RepairCategory> = {
  水: 'water', 水管: 'water', 供水: 'water', 漏水: 'water', water: 'water',
  下水: 'drainage', 下水道: 'drainage', 排水: 'drainage', 疏通: 'drainage', drainage: 'drainage', drain: 'drainage',
  电: 'electricity', 電: 'electricity', 电路: 'electricity', 電路: 'electricity', 用电: 'electricity', 用電: 'electricity',
  电力: 'electricity', 電力: 'electricity', electricity: 'electricity', electric: 'electricity', power: 'electricity',
  照明: 'lighting', 灯: 'lighting', 燈: 'lighting', 路灯: 'lighting', 路燈: 'lighting', lighting: 'lighting', light: 'lighting', lights: 'lighting',
  门禁: 'door', 門禁: 'door', 门: 'door', 門: 'door', 门锁: 'door', 門鎖: 'door', 门禁门锁: 'door', 門禁門鎖: 'door',
  door: 'door', doors: 'door', access: 'door',
  电梯: 'lift', 電梯: 'lift', lift: 'lift', elevator: 'lift',
  绿化: 'greenery', 綠化: 'greenery', 树木: 'greenery', 樹木: 'greenery', greenery: 'greenery', trees: 'greenery',
  卫生: 'sanitation', 衛生: 'sanitation', 环卫: 'sanitation', 環衛: 'sanitation', 保洁: 'sanitation', 保潔: 'sanitation',
  垃圾: 'sanitation', sanitation: 'sanitation', cleaning: 'sanitation',
  其他: 'other', 其它: 'other', other: 'other',
}

/** The words of every category in every language (the vocabulary opinion themes prefer: src/domain/opinion.ts). */
export function categoryWords(): string[] {
  return Object.keys(CATEGORY_WORDS)
}

/** A category as the committee typed it (`水管`, `照明`, `lift`), or null. */
export function parseCategoryWord(word: string): RepairCategory | null {
  return CATEGORY_WORDS[word.trim().toLowerCase()] ?? null
}
