import { expect } from 'chai';
import { advance, nextDueTransition } from '../../../src/rules/index.ts';
import { claim, DAY, makeTerms, redeem, revoke, run, spend, T0 } from './helpers.ts';

describe('rules: the next due transition (when the expiry sweep visits an account)', () => {
  it('is the earliest expiry among the offers that can still expire, pending ones included', () => {
    const step = run(
      [
        redeem(T0, makeTerms({ couponId: '1', activeDays: 30 })),
        redeem(T0 + DAY, makeTerms({ couponId: '2', couponExpiresAt: T0 + 5 * DAY })),
        claim(T0 + DAY, makeTerms({ couponId: '3', couponExpiresAt: T0 + 20 * DAY })),
      ],
      T0 + DAY,
    );

    expect(step.state.offers.map((o) => o.status)).to.include('Pending');
    expect(nextDueTransition(step.state)).to.equal(T0 + 5 * DAY);
  });

  it('is none for an account whose offers never expire or have all ended', () => {
    const never = run([redeem(T0, makeTerms({ activeDays: null, couponExpiresAt: null }))], T0);
    const ended = run(
      [
        redeem(T0, makeTerms({ couponId: '1', amount: 100, activeDays: 10 })),
        spend(T0 + DAY, 's1', 100),
        redeem(T0 + DAY, makeTerms({ couponId: '2', activeDays: 10 })),
        revoke(T0 + 2 * DAY, '2'),
        redeem(T0 + 2 * DAY, makeTerms({ couponId: '3', activeDays: 1 })),
      ],
      T0 + 5 * DAY,
    );

    expect(ended.state.offers.map((o) => o.status)).to.deep.equal(['Depleted', 'Revoked', 'Expired']);
    expect(nextDueTransition(never.state)).to.equal(null);
    expect(nextDueTransition(ended.state)).to.equal(null);
  });

  it('advancing to it changes the state, and advancing to just before it changes nothing', () => {
    const step = run([redeem(T0, makeTerms({ amount: 1000, activeDays: 3 }))], T0);
    const due = nextDueTransition(step.state)!;

    expect(due).to.equal(T0 + 3 * DAY);
    expect(advance(step.state, due - 1).entries).to.deep.equal([]);
    expect(advance(step.state, due).state.offers[0]!.status).to.equal('Expired');
    expect(nextDueTransition(advance(step.state, due).state)).to.equal(null);
  });
});
