// Reading request values against the contract: GetAccountMonthlySpend's MonthYear also takes a year and month
// alone, as its page says ("2020-05-15T00:00:00 and 2020-05 are both valid"); every other xs:dateTime stays strict.
import { expect } from 'chai';
import { ApiError } from '../../src/errors.ts';
import { wrapperFields } from '../../src/schema/index.ts';
import { decodeRequest } from '../../src/soap/xml-decode.ts';
import { readXml } from '../../src/soap/xml-reader.ts';

const BILLING = 'https://bingads.microsoft.com/Billing/v13';

function decode(operation: string, inner: string): Record<string, unknown> {
  const el = readXml(`<${operation}Request xmlns="${BILLING}">${inner}</${operation}Request>`);
  return decodeRequest(wrapperFields(`${operation}Request`), el) as Record<string, unknown>;
}

function codesOf(fn: () => unknown): number[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e.problems.map((p) => p.code);
    throw e;
  }
  return [];
}

describe('reading xs:dateTime request values', () => {
  it('MonthYear "2030-05" reads as the first instant of May 2030 in UTC', () => {
    const req = decode('GetAccountMonthlySpend', '<AccountId>1</AccountId><MonthYear>2030-05</MonthYear>');
    expect((req.MonthYear as Date).toISOString()).to.equal('2030-05-01T00:00:00.000Z');
  });

  it('MonthYear still takes a full dateTime, and refuses a month 13 or a year-month with a zone (201)', () => {
    const req = decode('GetAccountMonthlySpend', '<MonthYear>2030-05-15T10:00:00+02:00</MonthYear>');
    expect((req.MonthYear as Date).toISOString()).to.equal('2030-05-15T08:00:00.000Z');
    expect(codesOf(() => decode('GetAccountMonthlySpend', '<MonthYear>2030-13</MonthYear>'))).to.deep.equal([201]);
    expect(codesOf(() => decode('GetAccountMonthlySpend', '<MonthYear>2030-05Z</MonthYear>'))).to.deep.equal([201]);
    expect(codesOf(() => decode('GetAccountMonthlySpend', '<MonthYear>2030-5</MonthYear>'))).to.deep.equal([201]);
  });

  it('another xs:dateTime element does not take a year and month alone (201)', () => {
    expect(codesOf(() => decode('GetBillingDocumentsInfo', '<StartDate>2030-05</StartDate>'))).to.deep.equal([201]);
  });
});
