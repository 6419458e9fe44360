import { expect } from 'chai';
import fc from 'fast-check';
import { percentOf, percentShare, spendToExhaust } from '../../../src/rules/money.ts';

describe('rules: percent money helpers', () => {
  it('a percentage of a spend is rounded down to the minor unit', () => {
    expect(percentOf(999, 1250)).to.equal(124);
    expect(percentOf(1000, 10_000)).to.equal(1000);
    expect(percentOf(3, 3333)).to.equal(0);
  });

  it('the spend that exhausts a percent balance is the smallest whose percentage reaches it', () => {
    expect(spendToExhaust(100, 3000)).to.equal(334);
    expect(spendToExhaust(100, 10_000)).to.equal(100);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 1, max: 10_000 }), (balance, bp) => {
        const x = spendToExhaust(balance, bp);
        expect(percentOf(x, bp)).to.be.at.least(balance);
        expect(percentOf(x - 1, bp)).to.be.below(balance);
      }),
    );
  });

  it('the fraction of a minor unit left over by one spend is carried into the next', () => {
    // 10% of 0.09 is 0.009: nothing covered yet, 0.9 of a cent carried; the next 0.09 brings it to 0.018.
    const first = percentShare(9, 1000, 0);
    const second = percentShare(9, 1000, first.carry);

    expect(first).to.deep.equal({ covered: 0, carry: 9000 });
    expect(second).to.deep.equal({ covered: 1, carry: 8000 });
  });

  it('with a carry, the spend that exhausts a balance is the smallest whose carried percentage reaches it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 9_999 }),
        (balance, bp, carry) => {
          const x = spendToExhaust(balance, bp, carry);
          expect(percentShare(x, bp, carry).covered).to.be.at.least(balance);
          expect(percentShare(x - 1, bp, carry).covered).to.be.below(balance);
        },
      ),
    );
  });
});
