import { expect } from 'chai';
import {
  advance,
  applyEvent,
  emptyAccountState,
  EventOutOfOrderError,
  InvalidRulesInputError,
  replay,
  statusByte,
  type AccountEvent,
  type AccountState,
} from '../../../src/rules/index.ts';
import { amounts, DAY, HOUR, makeTerms, offerOf, redeem, run, sequenced, spend, T0 } from './helpers.ts';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

describe('rules: event order and purity', () => {
  const events = sequenced([
    redeem(T0, makeTerms({ couponId: '1', amount: 100 })),
    redeem(T0 + HOUR, makeTerms({ couponId: '2', spendThreshold: 50 })),
    spend(T0 + 2 * HOUR, 's1', 120),
  ]);

  it('replay gives the same result whatever order the events were recorded in', () => {
    const inOrder = replay(emptyAccountState(true), events, T0 + DAY);

    const shuffled = replay(emptyAccountState(true), [events[2]!, events[0]!, events[1]!], T0 + DAY);

    expect(shuffled).to.deep.equal(inOrder);
  });

  it('an event earlier than the last applied one is refused so the caller replays from scratch', () => {
    const { state } = applyEvent(emptyAccountState(true), events[1]!);

    expect(() => applyEvent(state, events[0]!))
      .to.throw(EventOutOfOrderError)
      .with.property('code', 'EVENT_OUT_OF_ORDER');
    expect(() => applyEvent(state, events[1]!)).to.throw(EventOutOfOrderError);
  });

  it('two events with the same (at, seq) are refused, since their order would be ambiguous', () => {
    const twin: AccountEvent = { ...spend(T0, 's9', 1), seq: events[0]!.seq };

    expect(() => replay(emptyAccountState(true), [...events, twin], T0 + DAY)).to.throw(EventOutOfOrderError);
  });

  it('an event earlier than the instant the state was advanced to is refused', () => {
    const { state } = advance(emptyAccountState(true), T0 + DAY);

    expect(() => applyEvent(state, events[0]!)).to.throw(EventOutOfOrderError);
  });

  it('never changes the state or events it is given', () => {
    const start = deepFreeze(replay(emptyAccountState(true), events.slice(0, 2), T0 + HOUR).state);
    const event: AccountEvent = deepFreeze({ ...spend(T0 + 3 * HOUR, 's2', 500), seq: 10 });

    const next = applyEvent(start, event);
    replay(deepFreeze(emptyAccountState(true)), deepFreeze(events), T0 + 2 * DAY);

    expect(next.state).to.not.equal(start);
    expect(next.state.offers[0]).to.not.equal(start.offers[0]);
  });

  it('the state survives a JSON round trip (it is stored as JSON)', () => {
    const { state } = replay(emptyAccountState(true), events, T0 + DAY);

    const stored = JSON.parse(JSON.stringify(state)) as AccountState;

    expect(stored).to.deep.equal(state);
    expect(applyEvent(stored, { ...spend(T0 + 2 * DAY, 's2', 10), seq: 9 })).to.deep.equal(
      applyEvent(state, { ...spend(T0 + 2 * DAY, 's2', 10), seq: 9 }),
    );
  });
});

describe('rules: exact money (rule 10)', () => {
  it('a percent coupon on a spend near the largest safe integer is exact to the minor unit', () => {
    // 9007199254740990 × 99.99% = 9006298534815515.9001; floating point math gives …516.
    const step = run(
      [
        redeem(T0, makeTerms({ amount: Number.MAX_SAFE_INTEGER, percentOffBp: 9999 })),
        spend(T0, 's1', 9007199254740990),
      ],
      T0,
    );

    expect(amounts(step.entries, 'covered')).to.deep.equal([['1', 9006298534815515]]);
    expect(amounts(step.entries, 'charge')).to.deep.equal([['1', 900719925475]]);
  });

  it('many small spends on a percent coupon cover exactly what one spend of their total would', () => {
    // 1,000 spends of 0.07 at 33.33%: 70.00 × 33.33% = 23.331 → 23.33 covered, not 1,000 × floor(2.3331) = 20.00.
    const spends = Array.from({ length: 1000 }, (_, i) => spend(T0 + i, `s${i}`, 7));

    const step = run([redeem(T0, makeTerms({ amount: 1_000_000, percentOffBp: 3333 })), ...spends], T0 + DAY);

    expect(offerOf(step, '1')).to.include({ covered: 2333, balance: 997_667 });
    expect(amounts(step.entries, 'charge').reduce((sum, [, amount]) => sum + amount, 0)).to.equal(4667);
  });

  it('twenty spends of 0.09 at 10% cover 0.18, as one spend of 1.80 does', () => {
    const spends = Array.from({ length: 20 }, (_, i) => spend(T0 + i, `s${i}`, 9));

    const split = run([redeem(T0, makeTerms({ amount: 5000, percentOffBp: 1000 })), ...spends], T0 + DAY);
    const whole = run([redeem(T0, makeTerms({ amount: 5000, percentOffBp: 1000 })), spend(T0, 's', 180)], T0 + DAY);

    expect(offerOf(split, '1')).to.include({ covered: 18, balance: 4982 });
    expect(offerOf(whole, '1')).to.include({ covered: 18, balance: 4982 });
  });

  it('a thousand spends of 0.01 at 10% cover 0.10', () => {
    const spends = Array.from({ length: 1000 }, (_, i) => spend(T0 + i, `s${i}`, 1));

    const step = run([redeem(T0, makeTerms({ amount: 5000, percentOffBp: 1000 })), ...spends], T0 + DAY);

    expect(offerOf(step, '1')).to.include({ covered: 100, balance: 4900 });
  });

  it('refuses money that is not a non-negative safe integer and percentages out of range', () => {
    const state = emptyAccountState(true);
    const bad: AccountEvent[] = [
      { ...spend(T0, 's1', 1.5), seq: 1 },
      { ...spend(T0, 's1', -1), seq: 1 },
      { ...redeem(T0, makeTerms({ amount: 0 })), seq: 1 },
      { ...redeem(T0, makeTerms({ spendThreshold: 2 ** 53 })), seq: 1 },
      { ...redeem(T0, makeTerms({ percentOffBp: 0 })), seq: 1 },
      { ...redeem(T0, makeTerms({ percentOffBp: 10_001 })), seq: 1 },
      { ...spend(Number.NaN, 's1', 1), seq: 1 },
    ];

    for (const event of bad)
      expect(() => applyEvent(state, event), JSON.stringify(event)).to.throw(InvalidRulesInputError);
  });
});

describe('rules: GetCouponInfo status byte', () => {
  it('maps every offer status to the byte GetCouponInfo returns', () => {
    const bytes = (
      ['Active', 'Depleted', 'Expired', 'NeedsPaymentMethod', 'Pending', 'PendingRedemption', 'Revoked'] as const
    ).map(statusByte);

    expect(bytes).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
  });
});
