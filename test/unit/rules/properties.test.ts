import { expect } from 'chai';
import fc from 'fast-check';
import {
  advance,
  applyEvent,
  compareEvents,
  emptyAccountState,
  replay,
  type AccountEvent,
  type AccountState,
  type LedgerEntry,
  type OfferTerms,
  type Step,
} from '../../../src/rules/index.ts';
import { DAY, HOUR, T0 } from './helpers.ts';

// Times on a 6-hour grid, so events, expiries (whole days after redemption) and coupon expiration dates often
// fall on exactly the same instant (rule 9). Events happen over 8 days; coupons expire within 16.
const gridTime = (max: number) => fc.integer({ min: 0, max }).map((n) => T0 + n * 6 * HOUR);
const timeArb = gridTime(32);
const COUPONS = ['1', '2', '3', '4'];

const termsArb = (couponId: string): fc.Arbitrary<OfferTerms> =>
  fc.record({
    couponId: fc.constant(couponId),
    couponCode: fc.constant(`CODE${couponId}`),
    amount: fc.integer({ min: 1, max: 2000 }),
    spendThreshold: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1000 })),
    percentOffBp: fc.option(fc.integer({ min: 1, max: 10_000 })),
    activeDays: fc.option(fc.integer({ min: 0, max: 5 }), { freq: 3 }),
    couponExpiresAt: fc.option(gridTime(64), { freq: 3 }),
  });

type EventSpec =
  | { kind: 'claim' | 'redeem' | 'revoke'; at: number; coupon: number }
  | { kind: 'paymentMethodAdded'; at: number }
  | { kind: 'spend'; at: number; amount: number };

const couponIndex = fc.integer({ min: 0, max: COUPONS.length - 1 });
const eventSpecArb: fc.Arbitrary<EventSpec> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constantFrom('claim', 'revoke'), at: timeArb, coupon: couponIndex }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('redeem'), at: timeArb, coupon: couponIndex }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('paymentMethodAdded'), at: timeArb }), weight: 1 },
  {
    arbitrary: fc.record({ kind: fc.constant('spend'), at: timeArb, amount: fc.integer({ min: 0, max: 3000 }) }),
    weight: 5,
  },
);

interface Scenario {
  hasPaymentMethod: boolean;
  events: AccountEvent[];
  now: number;
}

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    hasPaymentMethod: fc.boolean(),
    terms: fc.tuple(...COUPONS.map(termsArb)),
    specs: fc.array(eventSpecArb, { maxLength: 30 }),
    extra: fc.integer({ min: 0, max: 10 * DAY }),
  })
  .map(({ hasPaymentMethod, terms, specs, extra }) => {
    const events = specs.map((spec, seq): AccountEvent => {
      switch (spec.kind) {
        case 'claim':
        case 'redeem':
          return { kind: spec.kind, at: spec.at, seq, terms: terms[spec.coupon]! };
        case 'revoke':
          return { kind: 'revoke', at: spec.at, seq, couponId: COUPONS[spec.coupon]! };
        case 'paymentMethodAdded':
          return { kind: 'paymentMethodAdded', at: spec.at, seq };
        case 'spend':
          return { kind: 'spend', at: spec.at, seq, spendId: `s${seq}`, amount: spec.amount };
      }
    });
    return { hasPaymentMethod, events, now: Math.max(T0, ...events.map((event) => event.at)) + extra };
  });

const replayScenario = (s: Scenario): Step => replay(emptyAccountState(s.hasPaymentMethod), s.events, s.now);

function sum(entries: LedgerEntry[], keep: (entry: LedgerEntry) => boolean): number {
  return entries.filter(keep).reduce((total, entry) => total + entry.amount, 0);
}

function expectStateInvariants(state: AccountState): void {
  const statuses = state.offers.map((offer) => offer.status);
  expect(statuses.filter((status) => status === 'Active').length).to.be.at.most(1);
  if (statuses.includes('Pending')) expect(statuses).to.include('Active');
  for (const offer of state.offers) {
    for (const field of ['balance', 'spendToThreshold', 'forfeited', 'covered', 'credited'] as const) {
      expect(Number.isSafeInteger(offer[field]) && offer[field] >= 0, `${field} of ${offer.couponId}`).to.equal(true);
    }
    expect(offer.balance).to.be.at.most(offer.terms.amount);
    expect(offer.credited).to.be.oneOf([0, offer.terms.amount]);
    // No money created or lost: every unit of credit is still in the balance, was spent, or was forfeited.
    expect(offer.credited).to.equal(offer.covered + offer.balance + offer.forfeited);
    if (offer.status !== 'Active') expect(offer.balance).to.equal(0);
    if (!['Depleted', 'Expired', 'Revoked'].includes(offer.status) && offer.expiresAt !== null) {
      expect(offer.expiresAt).to.be.above(state.asOf);
    }
  }
}

describe('rules: properties over random account histories', () => {
  it('replaying the events in any order gives the same state and the same ledger', () => {
    fc.assert(
      fc.property(
        scenarioArb.chain((s) =>
          fc
            .shuffledSubarray(s.events, { minLength: s.events.length, maxLength: s.events.length })
            .map((shuffled) => ({ s, shuffled })),
        ),
        ({ s, shuffled }) => {
          const inOrder = replayScenario(s);
          const reordered = replayScenario({ ...s, events: shuffled });

          expect(reordered.state).to.deep.equal(inOrder.state);
          expect(reordered.entries).to.deep.equal(inOrder.entries);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('applying the events one at a time, stored as JSON and advanced in between, equals a replay', () => {
    fc.assert(
      fc.property(scenarioArb, fc.infiniteStream(fc.integer({ min: 0, max: 4 })), (s, stops) => {
        const sorted = [...s.events].sort(compareEvents);
        let state = emptyAccountState(s.hasPaymentMethod);
        const entries: LedgerEntry[] = [];
        sorted.forEach((event, i) => {
          const applied = applyEvent(state, event);
          entries.push(...applied.entries);
          state = JSON.parse(JSON.stringify(applied.state)) as AccountState;
          expectStateInvariants(state);
          // Sometimes advance part of the way (0/4 … 4/4) to the next event, as a reader of the state would.
          const stop = stops.next().value;
          if (stop > 0) {
            const next = sorted[i + 1]?.at ?? s.now;
            const advanced = advance(state, event.at + Math.floor(((next - event.at) * stop) / 4));
            entries.push(...advanced.entries);
            state = advanced.state;
          }
        });
        const last = advance(state, s.now);

        const replayed = replayScenario(s);
        expect(last.state).to.deep.equal(replayed.state);
        expect([...entries, ...last.entries]).to.deep.equal(replayed.entries);
      }),
      { numRuns: 300 },
    );
  });

  it('balances, amounts still to spend and totals are never negative, and there is at most one active offer', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => expectStateInvariants(replayScenario(s).state)),
      { numRuns: 500 },
    );
  });

  it('every spend is accounted for exactly: covered + charged = spend, and threshold cash is charged cash', () => {
    // For a spend S: Σ covered(S) + Σ charge(S) = S.amount, every minor unit exactly once. A threshold entry
    // re-counts cash, so for each offer O: threshold(S, O) ≤ charge(S, O).
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { entries } = replayScenario(s);
        for (const event of s.events) {
          if (event.kind !== 'spend') continue;
          const ofSpend = (kind: LedgerEntry['kind'], couponId?: string | null) => (entry: LedgerEntry) =>
            entry.spendId === event.spendId &&
            entry.kind === kind &&
            (couponId === undefined || entry.couponId === couponId);
          expect(sum(entries, ofSpend('covered')) + sum(entries, ofSpend('charge'))).to.equal(event.amount);
          for (const counted of entries.filter(ofSpend('threshold'))) {
            expect(counted.amount).to.be.at.most(sum(entries, ofSpend('charge', counted.couponId)));
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('the ledger agrees with every offer: its credit, coverage, forfeits, threshold counts and status history', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { state, entries } = replayScenario(s);
        expect(new Set(entries.map((entry) => entry.key)).size).to.equal(entries.length);
        for (const offer of state.offers) {
          const mine = entries.filter((entry) => entry.couponId === offer.couponId);
          const total = (kind: LedgerEntry['kind']) => sum(mine, (entry) => entry.kind === kind);
          expect(total('credit')).to.equal(offer.credited);
          expect(total('covered')).to.equal(offer.covered);
          expect(total('forfeit')).to.equal(offer.forfeited);
          expect(total('threshold')).to.equal(offer.terms.spendThreshold - offer.spendToThreshold);

          const history = mine.flatMap((entry) => (entry.kind === 'status' ? [entry] : []));
          history.forEach((entry, i) => expect(entry.from).to.equal(i === 0 ? null : history[i - 1]!.to));
          expect(history.at(-1)?.to).to.equal(offer.status);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('rules: a percent offer covers the same however a spend is split (rule 10)', () => {
  const offerTermsArb = fc.array(
    fc.record({
      amount: fc.integer({ min: 1, max: 3000 }),
      spendThreshold: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1000 })),
      percentOffBp: fc.option(fc.integer({ min: 1, max: 10_000 }), { freq: 4 }),
    }),
    { minLength: 1, maxLength: 3 },
  );
  // A total spend and the cut points that split it into parts (some of them empty).
  const splitArb = fc
    .integer({ min: 0, max: 20_000 })
    .chain((total) =>
      fc
        .array(fc.integer({ min: 0, max: total }), { maxLength: 25 })
        .map((cuts) => ({ total, cuts: [...cuts].sort((a, b) => a - b) })),
    );

  it('one spend of S and S split at random, recorded in any order, give the same coverage, balance and cash', () => {
    fc.assert(
      fc.property(offerTermsArb, splitArb, fc.infiniteStream(fc.nat()), (offers, { total, cuts }, shuffle) => {
        const redeems: AccountEvent[] = offers.map((terms, i) => ({
          kind: 'redeem',
          at: T0,
          seq: i,
          terms: {
            ...terms,
            couponId: String(i + 1),
            couponCode: `CODE${i + 1}`,
            activeDays: null,
            couponExpiresAt: null,
          },
        }));
        const bounds = [0, ...cuts, total];
        const parts = bounds.slice(1).map((end, i) => end - bounds[i]!);
        const spendAt = (i: number, amount: number): AccountEvent => ({
          kind: 'spend',
          at: T0 + HOUR + i,
          seq: 100 + i,
          spendId: `s${i}`,
          amount,
        });
        const split = parts.map((amount, i) => spendAt(i, amount));
        // Record the split spends in a random order (Fisher–Yates); replay puts them back in time order.
        const recorded = [...split];
        for (let i = recorded.length - 1; i > 0; i--) {
          const j = shuffle.next().value % (i + 1);
          [recorded[i], recorded[j]] = [recorded[j]!, recorded[i]!];
        }

        const once = replay(emptyAccountState(true), [...redeems, spendAt(0, total)], T0 + DAY);
        const many = replay(emptyAccountState(true), [...redeems, ...recorded], T0 + DAY);

        const summary = (step: Step) =>
          step.state.offers.map((offer) => ({
            couponId: offer.couponId,
            status: offer.status,
            balance: offer.balance,
            covered: offer.covered,
            spendToThreshold: offer.spendToThreshold,
            cash: sum(step.entries, (entry) => entry.kind === 'charge' && entry.couponId === offer.couponId),
          }));
        expect(summary(many)).to.deep.equal(summary(once));
        expect(sum(many.entries, (entry) => entry.kind === 'charge' && entry.couponId === null)).to.equal(
          sum(once.entries, (entry) => entry.kind === 'charge' && entry.couponId === null),
        );
        // While the first offer is still active, its coverage is floor(percent × the spend beyond its threshold).
        const first = many.state.offers.find((offer) => offer.couponId === '1')!;
        const bp = first.terms.percentOffBp;
        if (bp !== null && first.status === 'Active') {
          const eligible = Math.max(0, total - first.terms.spendThreshold);
          expect(first.covered).to.equal(Math.floor((eligible * bp) / 10_000));
        }
      }),
      { numRuns: 500 },
    );
  });
});
