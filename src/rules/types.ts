/**
 * Data shapes of the coupon-offer rules engine (SPEC §5).
 *
 * Everything here is plain JSON-serialisable data: the account state is stored as JSON in the database.
 * Times are epoch milliseconds (UTC); money is integer minor units of the account currency.
 */

export type OfferStatus =
  'PendingRedemption' | 'NeedsPaymentMethod' | 'Pending' | 'Active' | 'Depleted' | 'Expired' | 'Revoked';

/** What the coupon promises, copied from its class when it is claimed or redeemed. */
export interface OfferTerms {
  /** Database id as a decimal string. */
  couponId: string;
  couponCode: string;
  /** Credit granted, minor units, > 0. */
  amount: number;
  /** Cash to spend before the credit appears, minor units; 0 = no threshold. */
  spendThreshold: number;
  /** Percent-off in hundredths of a percent (12.5% -> 1250), 1..10000; null = amount coupon. */
  percentOffBp: number | null;
  /** ActiveDuration in days, counted from redemption. */
  activeDays: number | null;
  /** The coupon's ExpirationDate. */
  couponExpiresAt: number | null;
}

/** A redeemed (or claimed) coupon on one account. */
export interface Offer {
  couponId: string;
  couponCode: string;
  terms: OfferTerms;
  status: OfferStatus;
  claimedAt: number | null;
  redeemedAt: number | null;
  activatedAt: number | null;
  /**
   * Effective expiry: min(couponExpiresAt, redeemedAt + activeDays days); null = never.
   * For a claim (PendingRedemption) it is the coupon's couponExpiresAt, recomputed on redemption.
   */
  expiresAt: number | null;
  /** Cash still to spend before the credit appears. */
  spendToThreshold: number;
  balance: number;
  /** Balance lost at expiry or revocation. */
  forfeited: number;
  /** Total spend covered by this offer's balance. */
  covered: number;
  /**
   * Percent coupons (rule 10): (covered-eligible spend so far × percentOffBp) mod 10000, the fraction of a minor
   * unit not yet covered, carried into the next spend so that `covered` is always floor(eligible × percent).
   */
  percentCarry: number;
  /** Total credit issued: Amount once the threshold is met (or at activation without threshold), else 0. */
  credited: number;
}

export interface AccountState {
  hasPaymentMethod: boolean;
  /**
   * In the order the offers joined the queue: redeemed offers in (redeemedAt, seq) order, which is the
   * "oldest Pending first" order of rule 2. A claim sits where it was claimed until it is redeemed.
   */
  offers: Offer[];
  /** Time-driven transitions (expiries) have been applied up to and including this instant. */
  asOf: number;
  /** The last applied event; a later event must come after it in (at, seq) order. */
  lastEvent: { at: number; seq: number } | null;
}

export type AccountEvent =
  | { kind: 'claim'; at: number; seq: number; terms: OfferTerms }
  /** Also completes an existing claim of the same couponId. */
  | { kind: 'redeem'; at: number; seq: number; terms: OfferTerms }
  | { kind: 'paymentMethodAdded'; at: number; seq: number }
  | { kind: 'spend'; at: number; seq: number; spendId: string; amount: number }
  | { kind: 'revoke'; at: number; seq: number; couponId: string };

/**
 * One append-only ledger line. `key` is deterministic and unique per entry, so replaying the same events always
 * yields the same keys and amounts (the database can upsert on it). Status entries carry amount 0.
 */
export type LedgerEntry = {
  key: string;
  at: number;
  couponId: string | null;
  /** The spend that caused this entry, if any. */
  spendId: string | null;
  amount: number;
} & (
  | { kind: 'status'; from: OfferStatus | null; to: OfferStatus }
  /** Cash spend counted toward an offer's threshold (it is also part of that spend's `charge`). */
  | { kind: 'threshold' }
  /** Balance granted (= Amount). */
  | { kind: 'credit' }
  /** Spend covered by an offer's balance. */
  | { kind: 'covered' }
  /** Spend charged as cash to the payment method; couponId = the offer active when the cash arose, or null. */
  | { kind: 'charge' }
  /** Remaining balance forfeited at expiry or revocation. */
  | { kind: 'forfeit' }
);

export type LedgerEntryKind = LedgerEntry['kind'];

/** Result of every engine step: the new state and the ledger entries it produced, in order. */
export interface Step {
  state: AccountState;
  entries: LedgerEntry[];
}
