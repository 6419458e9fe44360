/**
 * Offer transitions shared by events and time (rules 1, 2, 3, 8). They edit a private working copy (`Work`),
 * never the caller's objects, and append what they do to the working ledger.
 */
import { DAY_MS } from '../datetime.ts';
import { InvalidRulesInputError } from './errors.ts';
import { type Cause, offerMoneyEntry, statusEntry } from './ledger.ts';
import type { AccountState, LedgerEntry, Offer, OfferStatus, OfferTerms, Step } from './types.ts';

export { DAY_MS };

const FINAL: ReadonlySet<OfferStatus> = new Set(['Depleted', 'Expired', 'Revoked']);

/** Depleted, Expired and Revoked never change again. */
export function isFinal(status: OfferStatus): boolean {
  return FINAL.has(status);
}

/** Rule 9: an offer whose expiry is exactly t is already expired at t. */
export function isExpiredAt(offer: Offer, t: number): boolean {
  return offer.expiresAt !== null && offer.expiresAt <= t;
}

/** Rule 1: the earlier of the coupon's ExpirationDate and redemption + ActiveDuration days; null = never. */
export function offerExpiresAt(terms: OfferTerms, redeemedAt: number): number | null {
  const byDuration = terms.activeDays === null ? null : redeemedAt + terms.activeDays * DAY_MS;
  if (byDuration !== null && !Number.isSafeInteger(byDuration)) {
    throw new InvalidRulesInputError('redemption time + activeDays is beyond the representable time range');
  }
  if (byDuration === null) return terms.couponExpiresAt;
  if (terms.couponExpiresAt === null) return byDuration;
  return Math.min(byDuration, terms.couponExpiresAt);
}

/** A working copy of the state being edited by one engine step, plus the entries it has produced. */
export interface Work {
  state: AccountState;
  entries: LedgerEntry[];
}

export function startWork(state: AccountState): Work {
  return {
    state: {
      hasPaymentMethod: state.hasPaymentMethod,
      offers: state.offers.map((offer) => ({ ...offer, terms: { ...offer.terms } })),
      asOf: state.asOf,
      lastEvent: state.lastEvent === null ? null : { ...state.lastEvent },
    },
    entries: [],
  };
}

export function finishWork(work: Work): Step {
  return { state: work.state, entries: work.entries };
}

export function activeOffer(work: Work): Offer | undefined {
  return work.state.offers.find((offer) => offer.status === 'Active');
}

export function setStatus(
  work: Work,
  offer: Offer,
  to: OfferStatus,
  cause: Cause,
  from: OfferStatus | null = offer.status,
): void {
  work.entries.push(statusEntry(offer.couponId, from, to, cause));
  offer.status = to;
}

/** Rule 5: the credit appears once the threshold is met (at activation when there is none). */
export function grantCredit(work: Work, offer: Offer, cause: Cause): void {
  offer.balance = offer.terms.amount;
  offer.credited += offer.terms.amount;
  work.entries.push(offerMoneyEntry('credit', offer.couponId, offer.terms.amount, cause));
}

function activate(work: Work, offer: Offer, cause: Cause, from: OfferStatus | null): void {
  setStatus(work, offer, 'Active', cause, from);
  offer.activatedAt = cause.at;
  if (offer.spendToThreshold === 0) grantCredit(work, offer, cause);
}

/**
 * Rule 1 (also rule 3, as of the moment the payment method arrives): Expired if its expiry has come,
 * NeedsPaymentMethod without a payment method, Pending behind an Active offer, else Active now.
 */
export function place(work: Work, offer: Offer, cause: Cause, from: OfferStatus | null): void {
  if (isExpiredAt(offer, cause.at)) setStatus(work, offer, 'Expired', cause, from);
  else if (!work.state.hasPaymentMethod) setStatus(work, offer, 'NeedsPaymentMethod', cause, from);
  else if (activeOffer(work)) setStatus(work, offer, 'Pending', cause, from);
  else activate(work, offer, cause, from);
}

/** Rule 8: the remaining balance is forfeited, then the offer is Expired or Revoked. */
export function endOffer(work: Work, offer: Offer, to: 'Expired' | 'Revoked', cause: Cause): void {
  if (offer.balance > 0) {
    work.entries.push(offerMoneyEntry('forfeit', offer.couponId, offer.balance, cause));
    offer.forfeited += offer.balance;
    offer.balance = 0;
  }
  setStatus(work, offer, to, cause);
}

/**
 * Rule 2: with no Active offer, the oldest Pending offer that has not expired becomes Active at `cause.at`;
 * Pending offers met on the way whose expiry has come become Expired.
 */
export function promoteNext(work: Work, cause: Cause): void {
  if (!work.state.hasPaymentMethod || activeOffer(work)) return;
  for (const offer of work.state.offers) {
    if (offer.status !== 'Pending') continue;
    if (isExpiredAt(offer, cause.at)) {
      endOffer(work, offer, 'Expired', cause);
    } else {
      activate(work, offer, cause, 'Pending');
      return;
    }
  }
}
