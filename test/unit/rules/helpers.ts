/** Test data factories and small readers for the rules engine tests (fixed times, no clock). */
import {
  emptyAccountState,
  replay,
  type AccountEvent,
  type LedgerEntry,
  type Offer,
  type OfferTerms,
  type Step,
} from '../../../src/rules/index.ts';
import { UNHELD_COUPON, type AccountFacts, type ClassFacts, type CouponFacts } from '../../../src/rules/redemption.ts';

export const HOUR = 3_600_000;
export const DAY = 86_400_000;
/** 2025-01-01T00:00:00Z */
export const T0 = 1_735_689_600_000;

export function makeTerms(overrides: Partial<OfferTerms> = {}): OfferTerms {
  const couponId = overrides.couponId ?? '1';
  return {
    couponId,
    couponCode: `CODE${couponId}`,
    amount: 10_000,
    spendThreshold: 0,
    percentOffBp: null,
    activeDays: null,
    couponExpiresAt: null,
    ...overrides,
  };
}

// Event builders; `run` numbers them (seq = position in the list), so same-instant events keep list order.
export const claim = (at: number, terms: OfferTerms): AccountEvent => ({ kind: 'claim', at, seq: 0, terms });
export const redeem = (at: number, terms: OfferTerms): AccountEvent => ({ kind: 'redeem', at, seq: 0, terms });
export const addPaymentMethod = (at: number): AccountEvent => ({ kind: 'paymentMethodAdded', at, seq: 0 });
export const spend = (at: number, spendId: string, amount: number): AccountEvent => ({
  kind: 'spend',
  at,
  seq: 0,
  spendId,
  amount,
});
export const revoke = (at: number, couponId: string): AccountEvent => ({ kind: 'revoke', at, seq: 0, couponId });

export function sequenced(events: AccountEvent[]): AccountEvent[] {
  return events.map((event, seq) => ({ ...event, seq }));
}

/** Replays `events` on a new account (with a payment method unless told otherwise) and advances to `now`. */
export function run(events: AccountEvent[], now: number, { hasPaymentMethod = true } = {}): Step {
  return replay(emptyAccountState(hasPaymentMethod), sequenced(events), now);
}

export function offerOf(step: Step, couponId: string): Offer {
  const offer = step.state.offers.find((candidate) => candidate.couponId === couponId);
  if (!offer) throw new Error(`no offer for coupon ${couponId}`);
  return offer;
}

/** The entries of one kind, optionally for one spend, as compact [couponId, amount] pairs. */
export function amounts(
  entries: LedgerEntry[],
  kind: LedgerEntry['kind'],
  spendId?: string,
): [string | null, number][] {
  return entries
    .filter((entry) => entry.kind === kind && (spendId === undefined || entry.spendId === spendId))
    .map((entry) => [entry.couponId, entry.amount]);
}

/** Status changes as compact `couponId:from>to@at` strings. */
export function transitions(entries: LedgerEntry[]): string[] {
  return entries.flatMap((entry) =>
    entry.kind === 'status' ? [`${entry.couponId}:${entry.from ?? 'new'}>${entry.to}@${(entry.at - T0) / HOUR}h`] : [],
  );
}

/** The account of the redemption and claim decisions' tests: id 7, in USD. */
export const account: AccountFacts = { id: '7', currency: 'USD' };

/** A coupon no one holds, with overrides. */
export const makeCoupon = (overrides: Partial<CouponFacts> = {}): CouponFacts => ({ ...UNHELD_COUPON, ...overrides });

/** A Retention USD class open from T0 to T0 + 10 days and expiring at T0 + 30 days, with overrides. */
export const makeClass = (overrides: Partial<ClassFacts> = {}): ClassFacts => ({
  couponType: 'Retention',
  currency: 'USD',
  startDate: T0,
  endDate: T0 + 10 * DAY,
  expirationDate: T0 + 30 * DAY,
  redeemWithinDays: null,
  ...overrides,
});
