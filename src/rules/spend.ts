/**
 * How a spend is paid for (rules 4–7). Every minor unit of a spend ends up in exactly one `covered` or `charge`
 * entry of that spend; `threshold` entries re-count part of the charged cash toward an offer's threshold.
 */
import { type Cause, spendEntry } from './ledger.ts';
import { activeOffer, grantCredit, promoteNext, setStatus, type Work } from './lifecycle.ts';
import { percentShare, spendToExhaust } from './money.ts';
import type { Offer } from './types.ts';

/** Rule 4: only the offer Active at the spend's time is touched; with none, the spend is all cash. */
export function applySpend(work: Work, spendId: string, amount: number, at: number): void {
  const cause: Cause = { at, spendId };
  let rest = amount;
  while (rest > 0) {
    const offer = activeOffer(work);
    if (!offer) {
      work.entries.push(spendEntry('charge', spendId, null, rest, at));
      return;
    }
    rest = spendOnOffer(work, offer, rest, cause);
  }
}

/** Lets `offer` take what it can of `spend`; returns the part left over for the next offer (rule 7). */
function spendOnOffer(work: Work, offer: Offer, spend: number, cause: Cause): number {
  const spendId = cause.spendId as string;
  let rest = spend;
  let cash = 0;
  let covered = 0;

  // Rule 5: while earning, cash lowers spendToThreshold; meeting it grants the credit mid-spend.
  if (offer.spendToThreshold > 0) {
    const counted = Math.min(rest, offer.spendToThreshold);
    offer.spendToThreshold -= counted;
    cash += counted;
    rest -= counted;
    work.entries.push(spendEntry('threshold', spendId, offer.couponId, counted, cause.at));
    if (offer.spendToThreshold === 0) grantCredit(work, offer, cause);
  }

  // Rule 6: the balance covers all (amount coupon) or a percentage (percent coupon) of the spend, capped at the
  // balance; the rest is cash. Rule 7: a balance reaching 0 depletes the offer and the remainder moves on.
  let depleted = false;
  if (rest > 0) {
    const bp = offer.terms.percentOffBp;
    if (bp === null) {
      covered = Math.min(rest, offer.balance);
      rest -= covered;
    } else {
      const share = percentShare(rest, bp, offer.percentCarry);
      if (share.covered < offer.balance) {
        covered = share.covered;
        offer.percentCarry = share.carry;
        cash += rest - covered;
        rest = 0;
      } else {
        // A percent coupon depleted mid-spend consumes the smallest part x of the spend that brings its running
        // coverage to its balance. It covers exactly the balance, x − balance of it is cash charged alongside,
        // and spend − x continues into the next offer. Taking the smallest x keeps as much of the spend as
        // possible for the next offer and never covers more than the balance.
        const consumed = spendToExhaust(offer.balance, bp, offer.percentCarry);
        covered = offer.balance;
        offer.percentCarry = 0;
        cash += consumed - covered;
        rest -= consumed;
      }
    }
    offer.balance -= covered;
    offer.covered += covered;
    depleted = offer.balance === 0;
  }

  if (covered > 0) work.entries.push(spendEntry('covered', spendId, offer.couponId, covered, cause.at));
  if (cash > 0) work.entries.push(spendEntry('charge', spendId, offer.couponId, cash, cause.at));
  if (depleted) {
    setStatus(work, offer, 'Depleted', cause);
    promoteNext(work, cause);
  }
  return rest;
}
