// Which spends of a request are recorded and which repeat a transaction id (SPEC §6), as a pure decision.
import { expect } from 'chai';
import { decideSpends } from '../../../src/rules/spend-dedup.ts';
import { decideClockMove } from '../../../src/rules/test-clock.ts';

describe('spend deduplication by transaction id', () => {
  it('records new ids and items without one; a known id is a duplicate of its stored event', () => {
    expect(decideSpends(['a', null, 'b'], new Map([['b', '17']]))).to.deep.equal([
      { kind: 'record' },
      { kind: 'record' },
      { kind: 'duplicateOfEvent', eventId: '17' },
    ]);
  });

  it('an id repeated within the request is a duplicate of its first item', () => {
    expect(decideSpends(['x', 'y', 'x', null, null, 'x'], new Map())).to.deep.equal([
      { kind: 'record' },
      { kind: 'record' },
      { kind: 'duplicateOfItem', index: 0 },
      { kind: 'record' },
      { kind: 'record' },
      { kind: 'duplicateOfItem', index: 0 },
    ]);
  });
});

describe('the test clock only moves forward', () => {
  const at = (s: string): Date => new Date(s);
  it('a later or equal time is a move; an earlier one is refused, naming both times', () => {
    expect(decideClockMove(at('2030-01-01T00:00:00Z'), at('2030-01-02T00:00:00Z'))).to.deep.equal({
      kind: 'move',
      to: at('2030-01-02T00:00:00Z'),
    });
    expect(decideClockMove(at('2030-01-01T00:00:00Z'), at('2030-01-01T00:00:00Z')).kind).to.equal('move');
    expect(decideClockMove(at('2030-01-01T00:00:00Z'), at('2029-12-31T23:59:59Z'))).to.deep.equal({
      kind: 'refuse',
      reason:
        'the test clock only moves forward: 2029-12-31T23:59:59.000Z is before its current time 2030-01-01T00:00:00.000Z',
    });
  });
});
