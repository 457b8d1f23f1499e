// Every command, in the order help lists them. One file per command; add new ones here.
import type { AnyCommand, PassiveHandler } from '../src/pipeline/command.ts'
import assign from './assign.ts'
import confirm from './confirm.ts'
import done from './done.ts'
import myrepairs from './myrepairs.ts'
import progress from './progress.ts'
import reject from './reject.ts'
import removeHousehold from './remove-household.ts'
import reopen from './reopen.ts'
import repair from './repair.ts'
import repairCategory from './repair-category.ts'
import { repairPhotoHandler } from './repair-photo.ts'
import repairs from './repairs.ts'
import appoint from './appoint.ts'
import approve from './approve.ts'
import arrears from './arrears.ts'
import bind from './bind.ts'
import closepoll from './closepoll.ts'
import confirmdup from './confirm-duplicate.ts'
import decline from './decline.ts'
import disclose from './disclose.ts'
import dismiss from './dismiss.ts'
import expense, { expenseReceiptHandler } from './expense.ts'
import fee from './fee.ts'
import feerule from './feerule.ts'
import help from './help.ts'
import income from './income.ts'
import ledger from './ledger.ts'
import pay from './pay.ts'
import poll from './poll.ts'
import results from './results.ts'
import reverse from './reverse.ts'
import setup from './setup.ts'
import verify from './verify.ts'
import verifyledger from './verifyledger.ts'
import vote from './vote.ts'

export const commands: AnyCommand[] = [
  help,
  setup,
  bind,
  verify,
  appoint,
  dismiss,
  repair,
  repairs,
  myrepairs,
  assign,
  progress,
  done,
  approve,
  decline,
  confirm,
  reopen,
  reject,
  repairCategory,
  poll,
  vote,
  results,
  closepoll,
  removeHousehold,
  feerule,
  fee,
  pay,
  expense,
  income,
  reverse,
  confirmdup,
  ledger,
  arrears,
  disclose,
  verifyledger,
]

/** Handlers for non-command messages that carry photos (attach to a fresh ticket or expense). */
export const passiveHandlers: PassiveHandler[] = [repairPhotoHandler, expenseReceiptHandler]
