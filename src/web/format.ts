// How the page writes money, dates, remaining time and coupon codes. Money goes from exact minor units to decimal
// text (src/money.ts) and only then to Intl, which formats decimal strings without binary floating point.
import { fromMinor } from '../money.ts';
import { DAY_MS } from '../datetime.ts';

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** "USD 1,234.50": the currency code is always written, so no amount relies on a symbol shared by currencies. */
export function money(minor: number, currency: string): string {
  let f = moneyFormats.get(currency);
  if (!f) {
    try {
      f = new Intl.NumberFormat('en-US', { style: 'currency', currency, currencyDisplay: 'code' });
    } catch {
      f = new Intl.NumberFormat('en-US');
    }
    moneyFormats.set(currency, f);
  }
  const text = f.format(fromMinor(minor, currency) as `${number}`).replace(/\u00a0/g, ' ');
  return text.includes(currency) ? text : `${currency} ${text}`;
}

/** Plain decimal text of an amount, for aria-valuenow and <progress value>. */
export function decimal(minor: number, currency: string): string {
  return fromMinor(minor, currency);
}

const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
});

/** "1 Jun 2099, 00:00 UTC". */
export function dateTime(ms: number): string {
  return `${dateTimeFormat.format(new Date(ms))} UTC`;
}

/** Whole days left, rounded up, so an offer of 30 days shows "30 days left" right after redemption. */
export function daysLeftText(expiresAt: number | null, now: number): string {
  if (expiresAt === null) return 'No expiry date';
  const ms = expiresAt - now;
  if (ms <= 0) return 'Expired';
  if (ms < DAY_MS) return 'Less than a day left';
  const days = Math.ceil(ms / DAY_MS);
  return `${days} days left`;
}

/** The last four characters of a code, the rest hidden: codes are bearer secrets until redeemed. */
export function codeTail(code: string): { hidden: string; tail: string } {
  const visible = Math.min(4, Math.floor(code.length / 2));
  return { hidden: '•'.repeat(code.length - visible), tail: code.slice(code.length - visible) };
}

export function percentText(bp: number): string {
  return `${(bp / 100).toString()}%`;
}

const dayFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/** A UTC day ("2026-03-01", or an instant) as "1 Mar 2026". */
export function dayText(day: string | Date): string {
  return dayFormat.format(typeof day === 'string' ? new Date(`${day}T00:00:00Z`) : day);
}
