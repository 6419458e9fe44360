import { expect } from 'chai';
import { offerExpiresAt } from '../../../src/rules/index.ts';
import { addPaymentMethod, claim, DAY, HOUR, makeTerms, offerOf, redeem, run, T0, transitions } from './helpers.ts';

describe('rules: redeeming a coupon (rule 1)', () => {
  describe('offer expiry', () => {
    it('expires at the coupon expiration date when that comes before the active duration ends', () => {
      const terms = makeTerms({ activeDays: 30, couponExpiresAt: T0 + 10 * DAY });

      expect(offerExpiresAt(terms, T0)).to.equal(T0 + 10 * DAY);
    });

    it('expires when the active duration ends when that comes before the coupon expiration date', () => {
      const terms = makeTerms({ activeDays: 7, couponExpiresAt: T0 + 10 * DAY });

      expect(offerExpiresAt(terms, T0 + HOUR)).to.equal(T0 + HOUR + 7 * DAY);
    });

    it('uses whichever of the two dates is set, and never expires when neither is', () => {
      expect(offerExpiresAt(makeTerms({ activeDays: 3 }), T0)).to.equal(T0 + 3 * DAY);
      expect(offerExpiresAt(makeTerms({ couponExpiresAt: T0 + DAY }), T0)).to.equal(T0 + DAY);
      expect(offerExpiresAt(makeTerms(), T0)).to.equal(null);
    });
  });

  it('without a payment method, a redeemed offer needs a payment method', () => {
    const step = run([redeem(T0, makeTerms())], T0, { hasPaymentMethod: false });

    expect(offerOf(step, '1')).to.include({ status: 'NeedsPaymentMethod', redeemedAt: T0, activatedAt: null });
    expect(transitions(step.entries)).to.deep.equal(['1:new>NeedsPaymentMethod@0h']);
  });

  it('with a payment method and no active offer, the offer is active from the moment of redemption', () => {
    const step = run([redeem(T0 + HOUR, makeTerms({ activeDays: 30 }))], T0 + HOUR);

    expect(offerOf(step, '1')).to.include({
      status: 'Active',
      redeemedAt: T0 + HOUR,
      activatedAt: T0 + HOUR,
      expiresAt: T0 + HOUR + 30 * DAY,
    });
  });

  it('while another offer is active, a newly redeemed offer is pending', () => {
    const step = run([redeem(T0, makeTerms({ couponId: '1' })), redeem(T0 + HOUR, makeTerms({ couponId: '2' }))], T0);

    expect(offerOf(step, '1').status).to.equal('Active');
    expect(offerOf(step, '2')).to.include({ status: 'Pending', activatedAt: null, balance: 0 });
  });

  it('a coupon already past its expiration is expired at once when redeemed', () => {
    const step = run([redeem(T0, makeTerms({ couponExpiresAt: T0 }))], T0);

    expect(offerOf(step, '1')).to.include({ status: 'Expired', balance: 0, credited: 0, activatedAt: null });
    expect(transitions(step.entries)).to.deep.equal(['1:new>Expired@0h']);
  });

  it('redeeming the same coupon again changes nothing', () => {
    const once = run([redeem(T0, makeTerms())], T0 + HOUR);
    const twice = run([redeem(T0, makeTerms()), redeem(T0 + HOUR, makeTerms())], T0 + HOUR);

    expect(twice.state.offers).to.deep.equal(once.state.offers);
    expect(twice.entries).to.deep.equal(once.entries);
  });
});

describe('rules: claimed coupons', () => {
  it('a claimed coupon is pending redemption until the account redeems it', () => {
    const step = run([claim(T0, makeTerms({ couponExpiresAt: T0 + 10 * DAY }))], T0);

    expect(offerOf(step, '1')).to.include({
      status: 'PendingRedemption',
      claimedAt: T0,
      redeemedAt: null,
      expiresAt: T0 + 10 * DAY,
    });
  });

  it('redeeming a claimed coupon completes the claim and places the offer by rule 1', () => {
    const terms = makeTerms({ activeDays: 2, couponExpiresAt: T0 + 10 * DAY });

    const step = run([claim(T0, terms), redeem(T0 + DAY, terms)], T0 + DAY);

    expect(offerOf(step, '1')).to.include({
      status: 'Active',
      claimedAt: T0,
      redeemedAt: T0 + DAY,
      activatedAt: T0 + DAY,
      expiresAt: T0 + 3 * DAY,
    });
    expect(transitions(step.entries)).to.deep.equal(['1:new>PendingRedemption@0h', '1:PendingRedemption>Active@24h']);
  });

  it('a completed claim queues behind offers redeemed before it, not by its claim date', () => {
    const step = run(
      [
        claim(T0, makeTerms({ couponId: '1' })),
        redeem(T0 + HOUR, makeTerms({ couponId: '2', amount: 100 })),
        redeem(T0 + 2 * HOUR, makeTerms({ couponId: '3' })),
        redeem(T0 + 3 * HOUR, makeTerms({ couponId: '1' })),
      ],
      T0 + 3 * HOUR,
    );

    expect(step.state.offers.map((offer) => offer.couponId)).to.deep.equal(['2', '3', '1']);
  });

  it('a claim that is never redeemed expires at the coupon expiration date', () => {
    const step = run([claim(T0, makeTerms({ couponExpiresAt: T0 + 5 * DAY }))], T0 + 6 * DAY);

    expect(offerOf(step, '1').status).to.equal('Expired');
    expect(transitions(step.entries)).to.deep.equal(['1:new>PendingRedemption@0h', '1:PendingRedemption>Expired@120h']);
  });
});

describe('rules: adding a payment method (rule 3)', () => {
  it('the oldest waiting offer becomes active and the others pending, as of the moment the method is added', () => {
    const step = run(
      [
        redeem(T0, makeTerms({ couponId: '1' })),
        redeem(T0 + HOUR, makeTerms({ couponId: '2' })),
        addPaymentMethod(T0 + 2 * HOUR),
      ],
      T0 + 2 * HOUR,
      { hasPaymentMethod: false },
    );

    expect(step.state.hasPaymentMethod).to.equal(true);
    expect(offerOf(step, '1')).to.include({ status: 'Active', activatedAt: T0 + 2 * HOUR, balance: 10_000 });
    expect(offerOf(step, '2')).to.include({ status: 'Pending', activatedAt: null });
  });

  it('an offer that expired while waiting for a payment method stays expired when one is added', () => {
    const step = run(
      [
        redeem(T0, makeTerms({ couponId: '1', activeDays: 1 })),
        redeem(T0, makeTerms({ couponId: '2' })),
        addPaymentMethod(T0 + 2 * DAY),
      ],
      T0 + 2 * DAY,
      { hasPaymentMethod: false },
    );

    expect(offerOf(step, '1')).to.include({ status: 'Expired', activatedAt: null, credited: 0 });
    expect(offerOf(step, '2')).to.include({ status: 'Active', activatedAt: T0 + 2 * DAY });
    expect(transitions(step.entries)).to.deep.equal([
      '1:new>NeedsPaymentMethod@0h',
      '2:new>NeedsPaymentMethod@0h',
      '1:NeedsPaymentMethod>Expired@24h',
      '2:NeedsPaymentMethod>Active@48h',
    ]);
  });

  it('an offer expiring at the very moment the method is added is expired, not activated', () => {
    const step = run([redeem(T0, makeTerms({ activeDays: 1 })), addPaymentMethod(T0 + DAY)], T0 + DAY, {
      hasPaymentMethod: false,
    });

    expect(offerOf(step, '1').status).to.equal('Expired');
  });
});
