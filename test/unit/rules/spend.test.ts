import { expect } from 'chai';
import { addPaymentMethod, amounts, HOUR, makeTerms, offerOf, redeem, run, spend, T0 } from './helpers.ts';

describe('rules: which offer a spend touches (rule 4)', () => {
  it('spend with no active offer is charged in full as cash', () => {
    const step = run([spend(T0, 's1', 500)], T0);

    expect(amounts(step.entries, 'charge')).to.deep.equal([[null, 500]]);
  });

  it('spend before the offer is redeemed never counts toward its threshold', () => {
    const step = run([spend(T0, 's1', 500), redeem(T0 + HOUR, makeTerms({ spendThreshold: 1000 }))], T0 + HOUR);

    expect(offerOf(step, '1').spendToThreshold).to.equal(1000);
  });

  it('spend while the offer waits for a payment method never counts toward it', () => {
    const step = run(
      [redeem(T0, makeTerms({ spendThreshold: 1000 })), spend(T0 + HOUR, 's1', 500), addPaymentMethod(T0 + 2 * HOUR)],
      T0 + 2 * HOUR,
      { hasPaymentMethod: false },
    );

    expect(offerOf(step, '1')).to.include({ status: 'Active', spendToThreshold: 1000 });
    expect(amounts(step.entries, 'charge')).to.deep.equal([[null, 500]]);
  });

  it('spend touches only the active offer, never a pending one', () => {
    const step = run(
      [
        redeem(T0, makeTerms({ couponId: '1', spendThreshold: 1000 })),
        redeem(T0, makeTerms({ couponId: '2', spendThreshold: 1000 })),
        spend(T0 + HOUR, 's1', 300),
      ],
      T0 + HOUR,
    );

    expect(offerOf(step, '1').spendToThreshold).to.equal(700);
    expect(offerOf(step, '2').spendToThreshold).to.equal(1000);
  });
});

describe('rules: earning the credit (rule 5)', () => {
  it('while earning, cash spend lowers the amount still to spend and the balance stays zero', () => {
    const step = run([redeem(T0, makeTerms({ amount: 5000, spendThreshold: 1000 })), spend(T0, 's1', 400)], T0);

    expect(offerOf(step, '1')).to.include({ spendToThreshold: 600, balance: 0, credited: 0 });
    expect(amounts(step.entries, 'threshold')).to.deep.equal([['1', 400]]);
    expect(amounts(step.entries, 'charge')).to.deep.equal([['1', 400]]);
  });

  it('reaching the threshold makes the credit appear and covers the rest of that same spend', () => {
    const step = run(
      [redeem(T0, makeTerms({ amount: 5000, spendThreshold: 1000 })), spend(T0, 's1', 300), spend(T0, 's2', 1000)],
      T0,
    );

    expect(offerOf(step, '1')).to.include({ spendToThreshold: 0, balance: 4700, credited: 5000, covered: 300 });
    expect(amounts(step.entries, 'threshold', 's2')).to.deep.equal([['1', 700]]);
    expect(amounts(step.entries, 'credit', 's2')).to.deep.equal([['1', 5000]]);
    expect(amounts(step.entries, 'covered', 's2')).to.deep.equal([['1', 300]]);
    expect(amounts(step.entries, 'charge', 's2')).to.deep.equal([['1', 700]]);
  });

  it('an offer without threshold has its balance from the moment it is active', () => {
    const step = run([redeem(T0, makeTerms({ amount: 5000 }))], T0);

    expect(offerOf(step, '1')).to.include({ balance: 5000, credited: 5000 });
    expect(step.entries.find((entry) => entry.kind === 'credit')).to.include({ at: T0, amount: 5000 });
  });
});

describe('rules: spending the balance (rule 6)', () => {
  it('an amount coupon covers the whole spend while its balance lasts', () => {
    const step = run([redeem(T0, makeTerms({ amount: 5000 })), spend(T0, 's1', 1200)], T0);

    expect(offerOf(step, '1')).to.include({ balance: 3800, covered: 1200 });
    expect(amounts(step.entries, 'charge')).to.deep.equal([]);
  });

  it('a percent coupon covers the rounded-down percentage of the spend and the rest is charged', () => {
    const step = run([redeem(T0, makeTerms({ amount: 5000, percentOffBp: 1250 })), spend(T0, 's1', 999)], T0);

    expect(offerOf(step, '1')).to.include({ balance: 4876, covered: 124 });
    expect(amounts(step.entries, 'covered')).to.deep.equal([['1', 124]]);
    expect(amounts(step.entries, 'charge')).to.deep.equal([['1', 875]]);
  });

  it('spend covered by one offer never counts toward the next offer threshold', () => {
    const step = run(
      [
        redeem(T0, makeTerms({ couponId: '1', amount: 1000 })),
        redeem(T0, makeTerms({ couponId: '2', amount: 2000, spendThreshold: 500 })),
        spend(T0, 's1', 800),
        spend(T0, 's2', 700),
      ],
      T0,
    );

    expect(amounts(step.entries, 'threshold')).to.deep.equal([['2', 500]]);
    expect(offerOf(step, '2')).to.include({ status: 'Active', spendToThreshold: 0, balance: 2000 });
  });
});

describe('rules: running out mid-spend (rule 7)', () => {
  it('when the balance runs out, the rest of the spend continues into the next offer', () => {
    const step = run(
      [
        redeem(T0, makeTerms({ couponId: '1', amount: 100 })),
        redeem(T0, makeTerms({ couponId: '2', amount: 1000 })),
        spend(T0 + HOUR, 's1', 250),
      ],
      T0 + HOUR,
    );

    expect(offerOf(step, '1')).to.include({ status: 'Depleted', balance: 0, covered: 100 });
    expect(offerOf(step, '2')).to.include({ status: 'Active', activatedAt: T0 + HOUR, balance: 850, covered: 150 });
    expect(amounts(step.entries, 'charge')).to.deep.equal([]);
  });

  it('the rest of the spend counts as cash toward the next offer threshold', () => {
    const step = run(
      [
        redeem(T0, makeTerms({ couponId: '1', amount: 100 })),
        redeem(T0, makeTerms({ couponId: '2', amount: 1000, spendThreshold: 300 })),
        spend(T0, 's1', 250),
      ],
      T0,
    );

    expect(offerOf(step, '2')).to.include({ spendToThreshold: 150, balance: 0 });
    expect(amounts(step.entries, 'charge')).to.deep.equal([['2', 150]]);
  });

  it('the rest of the spend can meet the next threshold and be covered by the new credit', () => {
    const step = run(
      [
        redeem(T0, makeTerms({ couponId: '1', amount: 100 })),
        redeem(T0, makeTerms({ couponId: '2', amount: 1000, spendThreshold: 100 })),
        spend(T0, 's1', 250),
      ],
      T0,
    );

    expect(step.entries.filter((entry) => entry.spendId === 's1').map((entry) => entry.key)).to.deep.equal([
      'spend:s1:covered:1',
      'offer:1:status:Depleted',
      'offer:2:status:Active',
      'spend:s1:threshold:2',
      'offer:2:credit',
      'spend:s1:covered:2',
      'spend:s1:charge:2',
    ]);
    expect(offerOf(step, '2')).to.include({ balance: 950, covered: 50 });
  });

  it('a percent coupon running out consumes the smallest part of the spend whose percentage reaches its balance', () => {
    // 30% of 100: x = ceil(100 / 0.3) = 334, since floor(333 × 0.3) = 99 but floor(334 × 0.3) = 100.
    const step = run(
      [
        redeem(T0, makeTerms({ couponId: '1', amount: 100, percentOffBp: 3000 })),
        redeem(T0, makeTerms({ couponId: '2', amount: 1000 })),
        spend(T0, 's1', 1000),
      ],
      T0,
    );

    expect(amounts(step.entries, 'covered')).to.deep.equal([
      ['1', 100],
      ['2', 666],
    ]);
    expect(amounts(step.entries, 'charge')).to.deep.equal([['1', 234]]);
    expect(offerOf(step, '2').balance).to.equal(334);
  });

  it('with no offer left, the rest of the spend is charged as cash', () => {
    const step = run([redeem(T0, makeTerms({ amount: 100 })), spend(T0, 's1', 250)], T0);

    expect(amounts(step.entries, 'covered')).to.deep.equal([['1', 100]]);
    expect(amounts(step.entries, 'charge')).to.deep.equal([[null, 150]]);
  });

  it('a spend of exactly the balance depletes the offer and activates the next one untouched', () => {
    const step = run(
      [
        redeem(T0, makeTerms({ couponId: '1', amount: 100 })),
        redeem(T0, makeTerms({ couponId: '2', amount: 1000 })),
        spend(T0, 's1', 100),
      ],
      T0,
    );

    expect(offerOf(step, '1').status).to.equal('Depleted');
    expect(offerOf(step, '2')).to.include({ status: 'Active', balance: 1000, covered: 0 });
  });
});
