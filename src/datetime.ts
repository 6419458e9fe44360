// xs:dateTime reading shared by the SOAP reader and the services that take dates as text (predicates), and the
// calendar arithmetic of the test clock and the rules.

/** One day in milliseconds. */
export const DAY_MS = 86_400_000;

const DATE_TIME = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** xs:dateTime; a value without a zone is UTC. Returns null when the text is not a valid dateTime. */
export function parseDateTime(text: string): Date | null {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 24 || minute > 59 || second > 59) return null;
  if (hour === 24 && (minute !== 0 || second !== 0)) return null;
  const ms = frac ? Math.floor(Number(`0${frac}`) * 1000) : 0;
  let t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCDate() !== day || year < 1 || year > 9999) return null;
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const zh = Number(zone.slice(1, 3));
    const zm = Number(zone.slice(4, 6));
    if (zh > 14 || zm > 59) return null;
    t -= sign * (zh * 60 + zm) * 60000;
  }
  const date = new Date(t);
  return Number.isNaN(date.getTime()) ? null : date;
}

const YEAR_MONTH = /^(\d{4})-(\d{2})$/;

/**
 * A year and month alone (`2020-05`), read as the first instant of that UTC month; null for anything else. Only for
 * the request fields whose page allows it (GetAccountMonthlySpend's MonthYear): xs:dateTime elsewhere stays strict.
 */
export function parseYearMonth(text: string): Date | null {
  const m = YEAR_MONTH.exec(text.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  if (year < 1 || month < 1 || month > 12) return null;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, 1);
  return d;
}

// ---- Operator input (SPEC §6): strict, refusing what it cannot mean ----

const OPERATOR_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An operator date-time: ISO 8601 extended format with a zone (`Z` or `±hh:mm`), a real calendar date and a real
 * time of day. Unlike `new Date`, nothing is rolled over (2026-02-30 is refused, not 2 March), and a bare number,
 * a date without a time or a time without a zone is refused rather than guessed at. Returns null when refused.
 */
export function parseStrictDateTime(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const m = OPERATOR_DATE_TIME.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '00', frac = '', zone = 'Z'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const zh = Number(zone.slice(1, 3));
    const zm = Number(zone.slice(4, 6));
    if (zh > 14 || zm > 59) return null;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (zh * 60 + zm);
  }
  const ms = frac ? Math.floor(Number(`0${frac}`) * 1000) : 0;
  // setUTCFullYear, unlike Date.UTC, keeps years 1-99 as they are (not 1901-1999).
  const local = new Date(0);
  local.setUTCFullYear(year, month - 1, day);
  local.setUTCHours(hour, minute, second, ms);
  return new Date(local.getTime() - offsetMinutes * 60_000);
}

/** Days in a month of the proleptic Gregorian calendar (month 1-12). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** An ISO 8601 duration split into calendar parts (years, months, days) and an exact part (milliseconds). */
export interface CalendarDuration {
  readonly years: number;
  readonly months: number;
  readonly days: number;
  readonly ms: number;
}

const DURATION =
  /^P(?:(\d{1,4})Y)?(?:(\d{1,5})M)?(?:(\d{1,5})W)?(?:(\d{1,6})D)?(?:T(?:(\d{1,7})H)?(?:(\d{1,9})M)?(?:(\d{1,10})(?:\.(\d{1,3}))?S)?)?$/;

/**
 * `P1Y2M3DT4H5M6.5S` (and `P2W`): whole numbers, fractions only on seconds (a fraction of a month has no calendar
 * meaning), no sign. Returns null for anything else, including `P` and `PT` with no part.
 */
export function parseIsoDuration(value: unknown): CalendarDuration | null {
  if (typeof value !== 'string') return null;
  const m = DURATION.exec(value);
  if (!m || value === 'P' || value.endsWith('T')) return null;
  const [, y, mo, w, d, h, mi, s, frac] = m;
  const n = (v: string | undefined): number => (v === undefined ? 0 : Number(v));
  const ms = ((n(h) * 60 + n(mi)) * 60 + n(s)) * 1000 + (frac ? Number(frac.padEnd(3, '0')) : 0);
  return { years: n(y), months: n(mo), days: n(w) * 7 + n(d), ms };
}

export function isZeroDuration(d: CalendarDuration): boolean {
  return d.years === 0 && d.months === 0 && d.days === 0 && d.ms === 0;
}

/**
 * Adds a duration the way a calendar (and a payments test clock) does, in UTC: years and months first, keeping
 * the day of the month but clamping it to the month's last day (2099-01-31 + P1M = 2099-02-28, 2096-02-29 + P1Y =
 * 2097-02-28), then days, then the exact time.
 */
export function addCalendarDuration(from: Date, d: CalendarDuration): Date {
  const totalMonths = from.getUTCFullYear() * 12 + from.getUTCMonth() + d.years * 12 + d.months;
  const year = Math.floor(totalMonths / 12);
  const month = (totalMonths % 12) + 1;
  const day = Math.min(from.getUTCDate(), daysInMonth(year, month));
  const out = new Date(from.getTime());
  out.setUTCFullYear(year, month - 1, day);
  out.setUTCDate(out.getUTCDate() + d.days);
  return new Date(out.getTime() + d.ms);
}
