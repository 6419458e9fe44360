/** What each account event does once time has been advanced to it (rules 1, 3, 8). */
import type { Cause } from './ledger.ts';
import {
  endOffer,
  isExpiredAt,
  isFinal,
  offerExpiresAt,
  place,
  promoteNext,
  setStatus,
  type Work,
} from './lifecycle.ts';
import { applySpend } from './spend.ts';
import type { AccountEvent, Offer, OfferTerms } from './types.ts';

export function applyToWork(work: Work, event: AccountEvent): void {
  const cause: Cause = { at: event.at, spendId: null };
  switch (event.kind) {
    case 'claim':
      return claim(work, event.terms, cause);
    case 'redeem':
      return redeem(work, event.terms, cause);
    case 'paymentMethodAdded':
      return paymentMethodAdded(work, cause);
    case 'spend':
      return applySpend(work, event.spendId, event.amount, event.at);
    case 'revoke':
      return revoke(work, event.couponId, cause);
  }
}

function newOffer(terms: OfferTerms): Offer {
  return {
    couponId: terms.couponId,
    couponCode: terms.couponCode,
    terms: { ...terms },
    status: 'PendingRedemption',
    claimedAt: null,
    redeemedAt: null,
    activatedAt: null,
    expiresAt: null,
    spendToThreshold: terms.spendThreshold,
    balance: 0,
    forfeited: 0,
    covered: 0,
    percentCarry: 0,
    credited: 0,
  };
}

/**
 * A claim reserves the coupon as PendingRedemption. It has no offer expiry yet, so it expires at the coupon's
 * ExpirationDate (held in expiresAt until redemption). A second claim or a claim of a redeemed coupon is a no-op.
 */
function claim(work: Work, terms: OfferTerms, cause: Cause): void {
  if (work.state.offers.some((offer) => offer.couponId === terms.couponId)) return;
  const offer = { ...newOffer(terms), claimedAt: cause.at, expiresAt: terms.couponExpiresAt };
  work.state.offers.push(offer);
  setStatus(work, offer, isExpiredAt(offer, cause.at) ? 'Expired' : 'PendingRedemption', cause, null);
}

/**
 * Rule 1. Completing a claim moves the offer to the end of the queue, so `offers` stays in redemption order.
 * Redeeming a coupon this account already redeemed (or whose claim ended) changes nothing; the service refuses
 * those earlier, and the engine stays total. The redeem event's terms win over the claim's.
 */
function redeem(work: Work, terms: OfferTerms, cause: Cause): void {
  const offers = work.state.offers;
  const index = offers.findIndex((offer) => offer.couponId === terms.couponId);
  const claimed = index >= 0 ? offers[index] : undefined;
  if (claimed && claimed.status !== 'PendingRedemption') return;
  if (claimed) offers.splice(index, 1);
  const offer: Offer = {
    ...newOffer(terms),
    claimedAt: claimed?.claimedAt ?? null,
    redeemedAt: cause.at,
    expiresAt: offerExpiresAt(terms, cause.at),
  };
  offers.push(offer);
  place(work, offer, cause, claimed ? 'PendingRedemption' : null);
}

/** Rule 3: waiting offers, oldest first, are placed by rule 1 as of now. A second payment method changes nothing. */
function paymentMethodAdded(work: Work, cause: Cause): void {
  if (work.state.hasPaymentMethod) return;
  work.state.hasPaymentMethod = true;
  for (const offer of work.state.offers) {
    if (offer.status === 'NeedsPaymentMethod') place(work, offer, cause, 'NeedsPaymentMethod');
  }
}

/** Rule 8: revocation forfeits the balance; an unknown or already final coupon is a no-op. */
function revoke(work: Work, couponId: string, cause: Cause): void {
  const offer = work.state.offers.find((candidate) => candidate.couponId === couponId);
  if (!offer || isFinal(offer.status)) return;
  endOffer(work, offer, 'Revoked', cause);
  promoteNext(work, cause);
}
