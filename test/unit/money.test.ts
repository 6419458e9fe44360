// Exact money text: minor units back to the shortest decimal, the same through the Number fast path and BigInt.
import { expect } from 'chai';
import { fromMinor } from '../../src/money.ts';

/** The BigInt-only conversion fromMinor had before its fast path for safe integers. */
function reference(minor: number | string | bigint, digits: number): string {
  const v = BigInt(minor);
  const abs = v < 0n ? -v : v;
  const scale = 10n ** BigInt(digits);
  const frac = digits === 0 ? '' : (abs % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return `${v < 0n ? '-' : ''}${abs / scale}${frac ? `.${frac}` : ''}`;
}

describe('money: minor units are written as exact decimal text', () => {
  it('writes the shortest exact decimal for two-, zero- and three-decimal currencies', () => {
    expect(fromMinor(5000, 'USD')).to.equal('50');
    expect(fromMinor('1025', 'USD')).to.equal('10.25');
    expect(fromMinor(7, 'USD')).to.equal('0.07');
    expect(fromMinor(-150, 'USD')).to.equal('-1.5');
    expect(fromMinor(5000, 'JPY')).to.equal('5000');
    expect(fromMinor(12345, 'KWD')).to.equal('12.345');
    expect(fromMinor(1005, 'KWD')).to.equal('1.005');
    expect(fromMinor('123456789012345678901', 'USD')).to.equal('1234567890123456789.01');
    expect(fromMinor(12n, 'USD')).to.equal('0.12');
  });

  it('agrees with exact BigInt arithmetic for numbers, digit strings and bigints of every size', () => {
    const values: (number | string | bigint)[] = [
      0,
      -0,
      '-0',
      '007',
      Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER,
    ];
    for (let i = 0; i < 5000; i++) {
      const n = Math.floor((Math.random() - 0.5) * 10 ** ((i % 16) + 1));
      values.push(n, String(n), BigInt(n));
    }
    for (const v of values)
      for (const [currency, digits] of [
        ['USD', 2],
        ['JPY', 0],
        ['KWD', 3],
      ] as const)
        expect(fromMinor(v, currency), `${typeof v} ${String(v)} ${currency}`).to.equal(reference(v, digits));
  });

  it('refuses what is not an integer amount, as before', () => {
    expect(() => fromMinor(1.5, 'USD')).to.throw(RangeError);
    expect(() => fromMinor('1e3', 'USD')).to.throw(SyntaxError);
  });
});
