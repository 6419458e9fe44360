import { expect } from 'chai';
import {
  claimHasEnded,
  decideClaim,
  decideRedemption,
  needsCustomerHistory,
  type ClassFacts,
  type CouponFacts,
} from '../../../src/rules/redemption.ts';
import { account, DAY, makeClass, makeCoupon, T0 } from './helpers.ts';

const claimedHere = makeCoupon({ claimedAccountId: '7', claimDate: T0 + DAY });

describe('rules: may this account redeem this coupon now (SPEC §4)', () => {
  it('refuses in RedeemCoupon order: revoked, redeemed elsewhere, claimed elsewhere, window, expiry, currency', () => {
    const cases: [CouponFacts, ClassFacts, number, number][] = [
      [makeCoupon({ revoked: true, redeemedAccountId: '8', redemptionDate: T0 }), makeClass(), T0, 4512],
      [makeCoupon({ redeemedAccountId: '8', redemptionDate: T0 }), makeClass({ currency: 'EUR' }), T0, 4501],
      [makeCoupon({ claimedAccountId: '8', claimDate: T0 }), makeClass(), T0, 4513],
      [makeCoupon(), makeClass({ currency: 'EUR' }), T0 - 1, 4502],
      [makeCoupon(), makeClass(), T0 + 11 * DAY, 4503],
      [makeCoupon({ sendToDate: T0 }), makeClass({ redeemWithinDays: 2 }), T0 + 3 * DAY, 4503],
      [makeCoupon(), makeClass({ endDate: null }), T0 + 30 * DAY, 4504],
      [makeCoupon(), makeClass({ currency: 'EUR' }), T0, 4505],
    ];

    const codes = cases.map(([coupon, cls, now]) => {
      const decision = decideRedemption(coupon, cls, account, true, now);
      return decision.kind === 'reject' ? decision.code : decision.kind;
    });

    expect(codes).to.deep.equal(cases.map(([, , , code]) => code));
  });

  it('the same account redeeming the same code again gets the original redemption date back', () => {
    const coupon = makeCoupon({ redeemedAccountId: '7', redemptionDate: T0 + DAY });

    expect(decideRedemption(coupon, makeClass(), account, null, T0 + 40 * DAY)).to.deep.equal({
      kind: 'alreadyRedeemed',
      redemptionDate: T0 + DAY,
    });
  });

  it('an Acquisition coupon needs a new customer, unless the account claimed it while the customer was new', () => {
    const acquisition = makeClass({ couponType: 'Acquisition' });

    expect(needsCustomerHistory(makeCoupon(), acquisition)).to.equal(true);
    expect(decideRedemption(makeCoupon(), acquisition, account, false, T0)).to.include({ kind: 'reject', code: 4506 });
    expect(decideRedemption(makeCoupon(), acquisition, account, true, T0)).to.deep.equal({ kind: 'redeem' });
    expect(needsCustomerHistory(claimedHere, acquisition)).to.equal(false);
    expect(decideRedemption(claimedHere, acquisition, account, null, T0 + 2 * DAY)).to.deep.equal({ kind: 'redeem' });
  });

  it('a claim keeps the coupon redeemable by its account after EndDate and the redeem-within window, until ExpirationDate', () => {
    const coupon = { ...claimedHere, sendToDate: T0 };
    const cls = makeClass({ redeemWithinDays: 2 });

    expect(decideRedemption(coupon, cls, account, null, T0 + 29 * DAY)).to.deep.equal({ kind: 'redeem' });
    expect(decideRedemption(coupon, cls, account, null, T0 + 30 * DAY)).to.include({ kind: 'reject', code: 4504 });
  });

  it('a claim is judged now like a redemption, and a retry of the same claim returns its first date', () => {
    expect(decideClaim(makeCoupon(), makeClass(), account, null, T0 + 11 * DAY)).to.include({ code: 4503 });
    expect(decideClaim(makeCoupon(), makeClass(), account, null, T0 + DAY)).to.deep.equal({ kind: 'claim' });
    expect(decideClaim(claimedHere, makeClass(), account, null, T0 + 11 * DAY)).to.deep.equal({
      kind: 'alreadyClaimed',
      claimDate: T0 + DAY,
    });
    const redeemedHere = makeCoupon({ redeemedAccountId: '7', redemptionDate: T0 });
    expect(decideClaim(redeemedHere, makeClass(), account, null, T0)).to.include({ code: 4514 });
  });

  it('a claim ends when its coupon expires unredeemed, but not when it was redeemed or revoked', () => {
    const cls = makeClass();

    expect(claimHasEnded(claimedHere, cls, T0 + 30 * DAY - 1)).to.equal(false);
    expect(claimHasEnded(claimedHere, cls, T0 + 30 * DAY)).to.equal(true);
    expect(claimHasEnded({ ...claimedHere, redeemedAccountId: '7' }, cls, T0 + 40 * DAY)).to.equal(false);
    expect(claimHasEnded({ ...claimedHere, revoked: true }, cls, T0 + 40 * DAY)).to.equal(false);
    expect(claimHasEnded(claimedHere, makeClass({ expirationDate: null }), T0 + 400 * DAY)).to.equal(false);
  });
});
