import { expect } from 'chai';
import fc from 'fast-check';
import { percentOf, spendToExhaust } from '../../../src/rules/money.ts';

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
});
