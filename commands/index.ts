// Every command, in the order help lists them. One file per command; add new ones here.
import type { AnyCommand, PassiveHandler } from '../src/pipeline/command.ts'
import assign from './assign.ts'
import confirm from './confirm.ts'
import done from './done.ts'
import myrepairs from './myrepairs.ts'
import progress from './progress.ts'
import closeTicket from './close-ticket.ts'
import removeHousehold from './remove-household.ts'
import reopenTicket from './reopen-ticket.ts'
import repair from './repair.ts'
import repairCategory from './repair-category.ts'
import { repairPhotoHandler } from './repair-photo.ts'
import repairs from './repairs.ts'
import appoint from './appoint.ts'
import approve from './approve.ts'
import ack from './ack.ts'
import arrears from './arrears.ts'
import bind from './bind.ts'
import building from './building.ts'
import closepoll from './closepoll.ts'
import consult from './consult.ts'
import election from './election.ts'
import nominate from './nominate.ts'
import elect from './elect.ts'
import objectCmd from './object.ts'
import answer from './answer.ts'
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
import notice from './notice.ts'
import opinions from './opinions.ts'
import oversee from './oversee.ts'
import pay from './pay.ts'
import poll from './poll.ts'
import results from './results.ts'
import record from './record.ts'
import { recordPhotoHandler } from './record-photo.ts'
import reverse from './reverse.ts'
import setup from './setup.ts'
import sign from './sign.ts'
import verifyBinding from './verify-binding.ts'
import verifyLedger from './verify-ledger.ts'
import vote from './vote.ts'

export const commands: AnyCommand[] = [
  help,
  setup,
  bind,
  verifyBinding,
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
  reopenTicket,
  closeTicket,
  repairCategory,
  poll,
  vote,
  results,
  closepoll,
  consult,
  sign,
  opinions,
  notice,
  ack,
  election,
  nominate,
  elect,
  objectCmd,
  answer,
  building,
  record,
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
  verifyLedger,
  oversee,
]

/** Handlers for non-command messages that carry photos (attach to a fresh ticket or expense). */
export const passiveHandlers: PassiveHandler[] = [repairPhotoHandler, recordPhotoHandler, expenseReceiptHandler]
