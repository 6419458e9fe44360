/** The coupon-offer rules engine (SPEC §5): pure functions, plain JSON data, no I/O, no clock. */
export type {
  AccountEvent,
  AccountState,
  LedgerEntry,
  LedgerEntryKind,
  Offer,
  OfferStatus,
  OfferTerms,
  Step,
} from './types.ts';
export { advance, applyEvent, compareEvents, emptyAccountState, nextDueTransition, replay } from './engine.ts';
export { DAY_MS, isFinal, offerExpiresAt } from './lifecycle.ts';
export { statusByte } from './status.ts';
export { EventOutOfOrderError, InvalidRulesInputError, RulesError, type RulesErrorCode } from './errors.ts';
export { accountPartVisible, claimVisible, redemptionVisible, type PartyAccount } from './visibility.ts';
export { decideMonthlySpendPeriod, type MonthlySpendDecision } from './monthly-spend.ts';
