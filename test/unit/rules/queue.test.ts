import { expect } from 'chai';
import { amounts, DAY, HOUR, makeTerms, offerOf, redeem, revoke, run, spend, T0, transitions } from './helpers.ts';

describe('rules: one active offer at a time (rule 2)', () => {
  it('when the active offer is depleted, the oldest pending offer becomes active', () => {
    const step = run(
      [
        redeem(T0, makeTerms({ couponId: '1', amount: 100 })),
        redeem(T0 + HOUR, makeTerms({ couponId: '2' })),
        redeem(T0 + 2 * HOUR, makeTerms({ couponId: '3' })),
        spend(T0 + 3 * HOUR, 's1', 100),
      ],
      T0 + 3 * HOUR,
    );

    expect(offerOf(step, '1').status).to.equal('Depleted');
    expect(offerOf(step, '2')).to.include({ status: 'Active', activatedAt: T0 + 3 * HOUR });
    expect(offerOf(step, '3').status).to.equal('Pending');
  });

  it('when the active offer expires, the oldest pending offer becomes active at that instant', () => {
    const step = run(
      [redeem(T0, makeTerms({ couponId: '1', activeDays: 1 })), redeem(T0 + HOUR, makeTerms({ couponId: '2' }))],
      T0 + 2 * DAY,
    );

    expect(offerOf(step, '1').status).to.equal('Expired');
    expect(offerOf(step, '2')).to.include({ status: 'Active', activatedAt: T0 + DAY });
  });

  it('when the active offer is revoked, the oldest pending offer becomes active at the revocation', () => {
    const step = run(
      [redeem(T0, makeTerms({ couponId: '1' })), redeem(T0, makeTerms({ couponId: '2' })), revoke(T0 + HOUR, '1')],
      T0 + DAY,
    );

    expect(offerOf(step, '1').status).to.equal('Revoked');
    expect(offerOf(step, '2')).to.include({ status: 'Active', activatedAt: T0 + HOUR });
  });

  it('a pending offer that expired while waiting is expired and the next one becomes active', () => {
    const step = run(
      [
        redeem(T0, makeTerms({ couponId: '1', amount: 100 })),
        redeem(T0 + HOUR, makeTerms({ couponId: '2', activeDays: 1 })),
        redeem(T0 + 2 * HOUR, makeTerms({ couponId: '3' })),
        spend(T0 + 2 * DAY, 's1', 100),
      ],
      T0 + 2 * DAY,
    );

    expect(transitions(step.entries).slice(3)).to.deep.equal([
      '2:Pending>Expired@25h',
      '1:Active>Depleted@48h',
      '3:Pending>Active@48h',
    ]);
    expect(offerOf(step, '2').activatedAt).to.equal(null);
  });

  it('offers redeemed at the same instant become active in the order they were redeemed', () => {
    const step = run(
      [
        redeem(T0, makeTerms({ couponId: '1', amount: 100 })),
        redeem(T0 + HOUR, makeTerms({ couponId: '3' })),
        redeem(T0 + HOUR, makeTerms({ couponId: '2' })),
        spend(T0 + 2 * HOUR, 's1', 100),
      ],
      T0 + 2 * HOUR,
    );

    expect(offerOf(step, '3').status).to.equal('Active');
    expect(offerOf(step, '2').status).to.equal('Pending');
  });

  it('a pending offer without threshold gets its credit when it becomes active, not when redeemed', () => {
    const step = run(
      [
        redeem(T0, makeTerms({ couponId: '1', amount: 100 })),
        redeem(T0 + HOUR, makeTerms({ couponId: '2', amount: 500 })),
        spend(T0 + DAY, 's1', 100),
      ],
      T0 + DAY,
    );

    const credit = step.entries.find((entry) => entry.kind === 'credit' && entry.couponId === '2');
    expect(credit).to.include({ at: T0 + DAY, amount: 500, spendId: 's1' });
    expect(amounts(step.entries, 'credit')).to.deep.equal([
      ['1', 100],
      ['2', 500],
    ]);
  });
});
