// GetAccountMonthlySpend's period (getaccountmonthlyspend.md): month and year only, month-to-date, no future month.
import { expect } from 'chai';
import { decideMonthlySpendPeriod } from '../../../src/rules/monthly-spend.ts';

const at = (s: string): Date => new Date(s);

describe("GetAccountMonthlySpend's period", () => {
  const now = at('2030-05-15T10:00:00Z');

  it('a past month is the whole UTC month, whatever day and time name it', () => {
    for (const monthYear of ['2030-04-01T00:00:00Z', '2030-04-17T13:14:15Z', '2030-04-30T23:59:59.999Z'])
      expect(decideMonthlySpendPeriod(at(monthYear), now)).to.deep.equal({
        kind: 'sum',
        from: at('2030-04-01T00:00:00Z'),
        to: at('2030-05-01T00:00:00Z'),
      });
  });

  it('a month of an earlier year is a past month, December included', () => {
    expect(decideMonthlySpendPeriod(at('2029-12-31T00:00:00Z'), now)).to.deep.equal({
      kind: 'sum',
      from: at('2029-12-01T00:00:00Z'),
      to: at('2030-01-01T00:00:00Z'),
    });
  });

  it('the current month is month-to-date, now included', () => {
    expect(decideMonthlySpendPeriod(at('2030-05-31T00:00:00Z'), now)).to.deep.equal({
      kind: 'sum',
      from: at('2030-05-01T00:00:00Z'),
      to: at('2030-05-15T10:00:00.001Z'),
    });
  });

  it('the next month is refused from its first instant, naming both months; so is any later year', () => {
    expect(decideMonthlySpendPeriod(at('2030-06-01T00:00:00Z'), now)).to.deep.equal({
      kind: 'refuseFutureMonth',
      month: '2030-06',
      currentMonth: '2030-05',
    });
    expect(decideMonthlySpendPeriod(at('2031-01-01T00:00:00Z'), now).kind).to.equal('refuseFutureMonth');
    // January of next year is later than May of this one although its month number is smaller.
    expect(decideMonthlySpendPeriod(at('2031-01-01T00:00:00Z'), at('2030-12-31T23:59:59.999Z')).kind).to.equal(
      'refuseFutureMonth',
    );
  });

  it('months compare in UTC: the last instant of the current month is allowed, one millisecond later is not', () => {
    const endOfMay = at('2030-05-31T23:59:59.999Z');
    expect(decideMonthlySpendPeriod(endOfMay, now).kind).to.equal('sum');
    expect(decideMonthlySpendPeriod(new Date(endOfMay.getTime() + 1), now).kind).to.equal('refuseFutureMonth');
  });
});
