import { expect } from 'chai';
import { advance, emptyAccountState, replay } from '../../../src/rules/index.ts';
import {
  amounts,
  claim,
  DAY,
  HOUR,
  makeTerms,
  offerOf,
  redeem,
  revoke,
  run,
  sequenced,
  spend,
  T0,
  transitions,
} from './helpers.ts';

describe('rules: expiry and revocation (rule 8)', () => {
  it('at its expiry the remaining balance is forfeited and the offer is expired', () => {
    const step = run(
      [redeem(T0, makeTerms({ amount: 1000, activeDays: 10 })), spend(T0 + DAY, 's1', 300)],
      T0 + 11 * DAY,
    );

    expect(offerOf(step, '1')).to.include({ status: 'Expired', balance: 0, forfeited: 700, covered: 300 });
    expect(step.entries.find((entry) => entry.kind === 'forfeit')).to.include({
      key: 'offer:1:forfeit',
      at: T0 + 10 * DAY,
      amount: 700,
    });
  });

  it('an offer still earning its credit expires with nothing to forfeit', () => {
    const step = run([redeem(T0, makeTerms({ spendThreshold: 1000, activeDays: 1 })), spend(T0, 's1', 400)], T0 + DAY);

    expect(offerOf(step, '1')).to.include({ status: 'Expired', credited: 0, forfeited: 0, spendToThreshold: 600 });
    expect(amounts(step.entries, 'forfeit')).to.deep.equal([]);
  });

  it('pending offers and offers waiting for a payment method expire at their expiry', () => {
    const waiting = run([redeem(T0, makeTerms({ activeDays: 2 }))], T0 + 2 * DAY, { hasPaymentMethod: false });
    const pending = run(
      [redeem(T0, makeTerms({ couponId: '1' })), redeem(T0, makeTerms({ couponId: '2', activeDays: 2 }))],
      T0 + 2 * DAY,
    );

    expect(transitions(waiting.entries)).to.deep.equal([
      '1:new>NeedsPaymentMethod@0h',
      '1:NeedsPaymentMethod>Expired@48h',
    ]);
    expect(offerOf(pending, '2').status).to.equal('Expired');
    expect(offerOf(pending, '1').status).to.equal('Active');
  });

  it('revoking the active offer forfeits its balance', () => {
    const step = run(
      [redeem(T0, makeTerms({ amount: 1000 })), spend(T0, 's1', 400), revoke(T0 + HOUR, '1')],
      T0 + HOUR,
    );

    expect(offerOf(step, '1')).to.include({ status: 'Revoked', balance: 0, forfeited: 600 });
    expect(amounts(step.entries, 'forfeit')).to.deep.equal([['1', 600]]);
  });

  it('a claim, a pending offer or an offer waiting for a payment method can be revoked', () => {
    const claimed = run([claim(T0, makeTerms()), revoke(T0 + HOUR, '1')], T0 + HOUR);
    const waiting = run([redeem(T0, makeTerms()), revoke(T0 + HOUR, '1')], T0 + HOUR, { hasPaymentMethod: false });
    const pending = run(
      [redeem(T0, makeTerms({ couponId: '1' })), redeem(T0, makeTerms({ couponId: '2' })), revoke(T0 + HOUR, '2')],
      T0 + HOUR,
    );

    expect(offerOf(claimed, '1').status).to.equal('Revoked');
    expect(offerOf(waiting, '1').status).to.equal('Revoked');
    expect(offerOf(pending, '2').status).to.equal('Revoked');
    expect(offerOf(pending, '1').status).to.equal('Active');
  });

  it('revoking an unknown coupon or a finished offer changes nothing', () => {
    const events = [redeem(T0, makeTerms({ amount: 100 })), spend(T0, 's1', 100)];
    const before = run(events, T0 + DAY);

    const after = run([...events, revoke(T0 + HOUR, '1'), revoke(T0 + HOUR, '99')], T0 + DAY);

    expect(after.state.offers).to.deep.equal(before.state.offers);
    expect(after.entries).to.deep.equal(before.entries);
  });
});

describe('rules: expiry at an exact instant (rule 9)', () => {
  it('an offer expiring at the moment of a spend does not cover it', () => {
    const step = run([redeem(T0, makeTerms({ amount: 1000, activeDays: 1 })), spend(T0 + DAY, 's1', 200)], T0 + DAY);

    expect(amounts(step.entries, 'forfeit')).to.deep.equal([['1', 1000]]);
    expect(amounts(step.entries, 'charge')).to.deep.equal([[null, 200]]);
  });

  it('an offer expiring at the moment of a redemption lets the new offer become active at once', () => {
    const step = run(
      [redeem(T0, makeTerms({ couponId: '1', activeDays: 1 })), redeem(T0 + DAY, makeTerms({ couponId: '2' }))],
      T0 + DAY,
    );

    expect(offerOf(step, '2')).to.include({ status: 'Active', activatedAt: T0 + DAY });
  });

  it('time alone expires offers, and advancing in steps gives the same result as one jump', () => {
    const { state } = replay(
      emptyAccountState(true),
      sequenced([
        redeem(T0, makeTerms({ couponId: '1', activeDays: 1 })),
        redeem(T0, makeTerms({ couponId: '2', activeDays: 3 })),
      ]),
      T0,
    );

    const jump = advance(state, T0 + 5 * DAY);
    const first = advance(state, T0 + 2 * DAY);
    const second = advance(first.state, T0 + 5 * DAY);

    expect(offerOf(jump, '2')).to.include({ status: 'Expired', activatedAt: T0 + DAY, forfeited: 10_000 });
    expect(second.state).to.deep.equal(jump.state);
    expect([...first.entries, ...second.entries]).to.deep.equal(jump.entries);
  });
});
