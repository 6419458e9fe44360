import { expect } from 'chai';
import { classIsClaimable, classIsDispatchable, decideClaim, holdsFeature } from '../../../src/rules/redemption.ts';
import { account, DAY, makeClass, makeCoupon, T0 } from './helpers.ts';

const unheld = makeCoupon();

describe('rules: may an account claim a coupon of this class now (eligibility, the feature pick)', () => {
  it('inside the window, before expiry, in the account currency: yes, Retention without the customer history', () => {
    expect(classIsClaimable(makeClass(), account, null, T0)).to.equal(true);
    expect(classIsClaimable(makeClass(), account, null, T0 + 10 * DAY)).to.equal(true);
  });

  it('before StartDate, after EndDate, at or after ExpirationDate, or in another currency: no', () => {
    expect(classIsClaimable(makeClass(), account, null, T0 - 1)).to.equal(false);
    expect(classIsClaimable(makeClass(), account, null, T0 + 10 * DAY + 1)).to.equal(false);
    expect(classIsClaimable(makeClass({ endDate: null }), account, null, T0 + 30 * DAY)).to.equal(false);
    expect(classIsClaimable(makeClass({ currency: 'EUR' }), account, null, T0)).to.equal(false);
  });

  it('an Acquisition class only for a new customer', () => {
    const acquisition = makeClass({ couponType: 'Acquisition' });

    expect(classIsClaimable(acquisition, account, true, T0)).to.equal(true);
    expect(classIsClaimable(acquisition, account, false, T0)).to.equal(false);
    expect(classIsClaimable(acquisition, account, null, T0)).to.equal(false);
  });

  it('agrees with the claim of a coupon no one holds, at every instant around the class dates', () => {
    const classes = [
      makeClass(),
      makeClass({ couponType: 'Acquisition' }),
      makeClass({ startDate: null, endDate: null }),
    ];
    const instants = [T0 - 1, T0, T0 + 10 * DAY, T0 + 10 * DAY + 1, T0 + 30 * DAY - 1, T0 + 30 * DAY];
    for (const cls of classes)
      for (const now of instants)
        for (const isNew of [true, false, null])
          expect(classIsClaimable(cls, account, isNew, now), `${cls.couponType} ${now - T0} ${isNew}`).to.equal(
            decideClaim(unheld, cls, account, isNew, now).kind === 'claim',
          );
  });
});

describe('rules: does an account hold a coupon of the feature (4514)', () => {
  const claimed = { ...unheld, claimedAccountId: '7', claimDate: T0 };
  const expiring = { expirationDate: T0 + 30 * DAY };

  it('a claim holds the feature until its coupon expires unredeemed', () => {
    expect(holdsFeature([{ coupon: claimed, cls: expiring }], T0 + 30 * DAY - 1)).to.equal(true);
    expect(holdsFeature([{ coupon: claimed, cls: expiring }], T0 + 30 * DAY)).to.equal(false);
  });

  it('a redeemed or revoked coupon of the feature holds it for good; no coupon holds nothing', () => {
    const redeemed = { ...claimed, redeemedAccountId: '7', redemptionDate: T0 };
    const revoked = { ...claimed, revoked: true };

    expect(holdsFeature([{ coupon: redeemed, cls: expiring }], T0 + 40 * DAY)).to.equal(true);
    expect(holdsFeature([{ coupon: revoked, cls: expiring }], T0 + 40 * DAY)).to.equal(true);
    expect(holdsFeature([], T0)).to.equal(false);
  });
});

describe('rules: may DispatchCoupons still hand out coupons of this class', () => {
  it('up to and at its EndDate and its ExpirationDate, and not after either', () => {
    const cls = { endDate: T0 + 10 * DAY, expirationDate: T0 + 30 * DAY };

    expect(classIsDispatchable(cls, T0 + 10 * DAY)).to.equal(true);
    expect(classIsDispatchable(cls, T0 + 10 * DAY + 1)).to.equal(false);
    expect(classIsDispatchable({ endDate: null, expirationDate: T0 + 30 * DAY }, T0 + 30 * DAY)).to.equal(true);
    expect(classIsDispatchable({ endDate: null, expirationDate: T0 + 30 * DAY }, T0 + 30 * DAY + 1)).to.equal(false);
    expect(classIsDispatchable({ endDate: null, expirationDate: null }, T0 + 10_000 * DAY)).to.equal(true);
  });
});
