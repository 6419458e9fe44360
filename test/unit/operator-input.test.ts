// The operator interface's strict readers (SPEC §6): date-times with a zone and a real calendar date, ISO 8601
// durations added by the calendar, and positive amounts with at most the currency's decimals. No database.
import { expect } from 'chai';
import fc from 'fast-check';
import {
  addCalendarDuration,
  isZeroDuration,
  parseIsoDuration,
  parseStrictDateTime,
  type CalendarDuration,
} from '../../src/datetime.ts';
import { MoneyError, parseAmount } from '../../src/money.ts';

const iso = (v: unknown): string | null => parseStrictDateTime(v)?.toISOString() ?? null;
const plus = (from: string, duration: string): string =>
  addCalendarDuration(new Date(from), parseIsoDuration(duration) as CalendarDuration).toISOString();
const refusal = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(MoneyError);
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
};

describe('operator date-times', () => {
  it('reads Z and ±hh:mm zones, with or without seconds and fractions, to the same instant', () => {
    expect(iso('2026-03-01T09:30:00Z')).to.equal('2026-03-01T09:30:00.000Z');
    expect(iso('2026-03-01T09:30Z')).to.equal('2026-03-01T09:30:00.000Z');
    expect(iso('2026-03-01T09:30:00.25Z')).to.equal('2026-03-01T09:30:00.250Z');
    expect(iso('2026-03-01T09:30:00+05:30')).to.equal('2026-03-01T04:00:00.000Z');
    expect(iso('2026-03-01T20:00:00-08:00')).to.equal('2026-03-02T04:00:00.000Z');
    expect(iso('2096-02-29T00:00:00Z')).to.equal('2096-02-29T00:00:00.000Z');
    expect(iso('0050-06-01T00:00:00Z')).to.equal('0050-06-01T00:00:00.000Z');
  });

  for (const bad of [
    '2026-02-30T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2100-02-29T00:00:00Z',
    '2026-01-01T24:00:01Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T23:60:00Z',
    '2026-01-01T23:59:60Z',
    '2026-01-01T00:00:00',
    '2026-01-01',
    '2026-01-01 00:00:00Z',
    '2026-01-01T00:00:00+0100',
    '2026-01-01T00:00:00+15:00',
    '2026-1-1T00:00:00Z',
    ' 2026-01-01T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '1767225600000',
    'now',
    'Thu, 01 Jan 2026 00:00:00 GMT',
    '',
  ]) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      expect(parseStrictDateTime(bad)).to.equal(null);
    });
  }

  it('refuses a bare number, null, a boolean and an object', () => {
    for (const v of [1767225600000, 0, null, undefined, true, { at: '2026-01-01T00:00:00Z' }])
      expect(parseStrictDateTime(v), JSON.stringify(v)).to.equal(null);
  });

  it('every instant written by toISOString reads back as itself', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
        (d) => {
          expect(parseStrictDateTime(d.toISOString())?.getTime()).to.equal(d.getTime());
        },
      ),
    );
  });
});

describe('ISO 8601 durations on the test clock', () => {
  it('P1M and P1Y are calendar months and years, clamped to the end of a shorter month', () => {
    expect(plus('2099-01-31T00:00:00Z', 'P1M')).to.equal('2099-02-28T00:00:00.000Z');
    expect(plus('2096-01-31T12:00:00Z', 'P1M')).to.equal('2096-02-29T12:00:00.000Z');
    expect(plus('2099-03-31T00:00:00Z', 'P1M')).to.equal('2099-04-30T00:00:00.000Z');
    expect(plus('2096-02-29T00:00:00Z', 'P1Y')).to.equal('2097-02-28T00:00:00.000Z');
    expect(plus('2096-02-29T00:00:00Z', 'P4Y')).to.equal('2100-02-28T00:00:00.000Z');
    expect(plus('2099-12-31T23:00:00Z', 'P1M')).to.equal('2100-01-31T23:00:00.000Z');
    expect(plus('2099-01-31T00:00:00Z', 'P13M')).to.equal('2100-02-28T00:00:00.000Z');
  });

  it('months are added before days, then the exact time: 2099-01-31 + P1M1DT1H = 2099-03-01T01:00', () => {
    expect(plus('2099-01-31T00:00:00Z', 'P1M1DT1H')).to.equal('2099-03-01T01:00:00.000Z');
  });

  it('days, weeks, hours, minutes and seconds (with a fraction) are exact', () => {
    expect(plus('2099-02-28T00:00:00Z', 'P1D')).to.equal('2099-03-01T00:00:00.000Z');
    expect(plus('2099-02-22T00:00:00Z', 'P1W')).to.equal('2099-03-01T00:00:00.000Z');
    expect(plus('2099-01-01T00:00:00Z', 'PT36H')).to.equal('2099-01-02T12:00:00.000Z');
    expect(plus('2099-01-01T00:00:00Z', 'PT1M30.5S')).to.equal('2099-01-01T00:01:30.500Z');
  });

  it('PT0S and P0D are read but are zero (the clock route refuses them)', () => {
    expect(isZeroDuration(parseIsoDuration('PT0S')!)).to.equal(true);
    expect(isZeroDuration(parseIsoDuration('P0D')!)).to.equal(true);
    expect(isZeroDuration(parseIsoDuration('PT1S')!)).to.equal(false);
  });

  for (const bad of [
    '-P1D',
    'P-1D',
    'P',
    'PT',
    'P1DT',
    'P1.5M',
    'P0.5D',
    '1D',
    'P1H',
    'PT1D',
    'p1d',
    'P1D ',
    86400,
    null,
  ])
    it(`refuses ${JSON.stringify(bad)}`, () => {
      expect(parseIsoDuration(bad)).to.equal(null);
    });
});

describe('operator amounts', () => {
  it('reads decimal text and JSON numbers into minor units of the currency', () => {
    expect(parseAmount('12.5', 'USD')).to.equal(1250);
    expect(parseAmount('0.01', 'USD')).to.equal(1);
    expect(parseAmount(12.34, 'USD')).to.equal(1234);
    expect(parseAmount('100', 'JPY')).to.equal(100);
    expect(parseAmount('1.234', 'KWD')).to.equal(1234);
    expect(parseAmount('5.10', 'USD')).to.equal(510);
  });

  it('refuses more decimals than the currency has, naming the currency and its decimals', () => {
    expect(refusal(() => parseAmount('1.234', 'USD'))).to.equal("'1.234' has more decimals than USD allows (2)");
    expect(refusal(() => parseAmount('100.5', 'JPY'))).to.equal("'100.5' has more decimals than JPY allows (0)");
    expect(refusal(() => parseAmount(0.001, 'USD'))).to.equal("'0.001' has more decimals than USD allows (2)");
  });

  it('refuses zero unless zero is allowed', () => {
    expect(refusal(() => parseAmount('0', 'USD'))).to.equal("'0' is not a positive decimal amount");
    expect(refusal(() => parseAmount('0.00', 'USD'))).to.match(/not a positive/);
    expect(refusal(() => parseAmount(0, 'USD'))).to.match(/not a positive/);
    expect(parseAmount('0', 'USD', { allowZero: true })).to.equal(0);
  });

  for (const bad of ['-5', '+5', '1e3', '1E3', '0x10', '5.', '.5', ' 5', '5 ', '', 'NaN', 'Infinity', '1,5', '١٢'])
    it(`refuses the text ${JSON.stringify(bad)}`, () => {
      expect(refusal(() => parseAmount(bad, 'USD'))).to.match(/is not a positive decimal amount/);
    });

  it('refuses negative, non-finite and exponent-sized numbers, and values that are not numbers or text', () => {
    expect(refusal(() => parseAmount(-5, 'USD'))).to.match(/not a positive/);
    expect(refusal(() => parseAmount(Number.NaN, 'USD'))).to.equal('NaN is not an amount');
    expect(refusal(() => parseAmount(Number.POSITIVE_INFINITY, 'USD'))).to.equal('Infinity is not an amount');
    expect(refusal(() => parseAmount(1e21, 'USD'))).to.match(/not a positive/);
    expect(refusal(() => parseAmount(true, 'USD'))).to.equal('must be a decimal number');
    expect(refusal(() => parseAmount(['5'], 'USD'))).to.equal('must be a decimal number');
    expect(refusal(() => parseAmount(undefined, 'USD'))).to.equal('is required');
  });

  it('refuses amounts beyond exact integer minor units', () => {
    expect(refusal(() => parseAmount('999999999999999', 'USD'))).to.match(/too large/);
  });
});
