// Exact money: amounts are integer minor units of their currency; text is converted without floating point.
const ZERO_DECIMAL = new Set([
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'ISK',
  'JPY',
  'KMF',
  'KRW',
  'PYG',
  'RWF',
  'UGX',
  'UYI',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
]);
const THREE_DECIMAL = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);

export class MoneyError extends Error {}

export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code);
}

/** Digits after the decimal point in the currency's minor unit (ISO 4217). */
export function minorDigits(currency: string): number {
  if (ZERO_DECIMAL.has(currency)) return 0;
  if (THREE_DECIMAL.has(currency)) return 3;
  return 2;
}

/** Parses decimal text ("12.5") into minor units; more precision than the currency has is an error. */
export function toMinor(text: string, currency: string): number {
  const m = /^(\d{1,15})(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new MoneyError(`'${text}' is not a non-negative decimal amount`);
  const digits = minorDigits(currency);
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > digits) throw new MoneyError(`'${text}' has more decimals than ${currency} allows (${digits})`);
  const minor = BigInt(m[1] ?? '0') * 10n ** BigInt(digits) + BigInt(frac.padEnd(digits, '0') || '0');
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) throw new MoneyError(`'${text}' is too large`);
  return Number(minor);
}

const SHORT_INTEGER = /^-?\d{1,15}$/;

/** Minor units back to the shortest exact decimal text ("12.5", "50", "0.07"). */
export function fromMinor(minor: number | string | bigint, currency: string): string {
  // Most amounts are safe integers: exact in Number arithmetic, without BigInt (a page writes thousands of them).
  const n = typeof minor === 'number' ? minor : typeof minor === 'string' && SHORT_INTEGER.test(minor) ? +minor : NaN;
  if (Number.isSafeInteger(n)) {
    const digits = minorDigits(currency);
    const abs = Math.abs(n);
    const sign = n < 0 ? '-' : '';
    if (digits === 0) return `${sign}${abs}`;
    const scale = digits === 3 ? 1000 : 100;
    const rest = abs % scale;
    const whole = (abs - rest) / scale;
    if (rest === 0) return `${sign}${whole}`;
    const frac = String(rest).padStart(digits, '0').replace(/0+$/, '');
    return `${sign}${whole}.${frac}`;
  }
  const v = BigInt(minor);
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const digits = minorDigits(currency);
  const scale = 10n ** BigInt(digits);
  const whole = (abs / scale).toString();
  const frac = digits === 0 ? '' : (abs % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

const DECIMAL = /^(\d{1,15})(?:\.(\d{1,18}))?$/;

/**
 * An operator amount (SPEC §6): decimal text ("12.5") or a JSON number, positive (or zero when `allowZero`), with at
 * most the currency's minor-unit decimals, in minor units. Signs, exponents ("1e3"), hexadecimal, NaN, Infinity,
 * blanks and anything but a string or a number are refused with a MoneyError saying why.
 */
export function parseAmount(value: unknown, currency: string, options: { allowZero?: boolean } = {}): number {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new MoneyError(`${String(value)} is not an amount`);
    text = String(value); // 1e21 and 1e-7 stay exponents here and are refused below
  } else if (typeof value === 'string') {
    text = value;
  } else {
    throw new MoneyError(value === undefined || value === null ? 'is required' : 'must be a decimal number');
  }
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  const m = DECIMAL.exec(text);
  if (!m) throw new MoneyError(`'${shown}' is not a positive decimal amount`);
  const minor = toMinor(text, currency);
  if (minor === 0 && !options.allowZero) throw new MoneyError(`'${shown}' is not a positive decimal amount`);
  return minor;
}

/** numeric text without trailing zeros ("12.5000" → "12.5"). */
export function trimDecimal(v: string): string {
  return v.includes('.') ? v.replace(/\.?0+$/, '') : v;
}
