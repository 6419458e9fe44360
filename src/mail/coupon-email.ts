// The email DispatchCoupons sends: the code, what it is worth, what it takes, when it can be redeemed, when it
// expires and how to redeem it, as plain text and as HTML. A pure function of the coupon's terms and the dispatch
// time; every value put into the HTML is escaped.
import { minorDigits, trimDecimal } from '../money.ts';
import type { CouponClass } from '../repositories/classes.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** The class's terms as the email states them (currency trimmed), with the coupon's code and dispatch time. */
export interface CouponEmailTerms extends Pick<
  CouponClass,
  | 'couponType'
  | 'amountMinor'
  | 'currency'
  | 'activeDays'
  | 'startDate'
  | 'endDate'
  | 'expirationDate'
  | 'redeemWithinDays'
> {
  readonly code: string;
  readonly className: string;
  readonly thresholdMinor: string;
  /** numeric text, e.g. "12.5" (trailing zeros dropped); null: the whole spend is covered. */
  readonly percentOff: string | null;
  /** When the coupon was dispatched (its SendToDate). */
  readonly sentAt: Date;
}

/** The email terms of a coupon of class `cls`, sent at `sentAt`. */
export function termsOfClass(cls: CouponClass, code: string, sentAt: Date): CouponEmailTerms {
  return {
    code,
    className: cls.name,
    couponType: cls.couponType,
    amountMinor: cls.amountMinor,
    thresholdMinor: cls.spendThresholdMinor,
    currency: cls.currency.trim(),
    percentOff: cls.percentOff === null ? null : trimDecimal(cls.percentOff),
    activeDays: cls.activeDays,
    startDate: cls.startDate,
    endDate: cls.endDate,
    expirationDate: cls.expirationDate,
    redeemWithinDays: cls.redeemWithinDays,
    sentAt,
  };
}

export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** "1,250.50 USD": exact (from minor units, no floating point), with the currency's minor digits. */
export function formatMoney(minor: string, currency: string): string {
  const v = BigInt(minor);
  const digits = minorDigits(currency);
  const scale = 10n ** BigInt(digits);
  const whole = (v / scale).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const frac = digits === 0 ? '' : `.${(v % scale).toString().padStart(digits, '0')}`;
  return `${whole}${frac} ${currency}`;
}

/** "1 June 2099, 00:00 UTC": unambiguous for every reader, whatever their locale. */
export function formatDate(d: Date): string {
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${hh}:${mm} UTC`;
}

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** The last instant the coupon can be redeemed: the class EndDate, or earlier by the redeem-within window. */
export function redeemBy(t: CouponEmailTerms): Date | null {
  const within = t.redeemWithinDays === null ? null : new Date(t.sentAt.getTime() + t.redeemWithinDays * DAY_MS);
  if (within && t.endDate) return within < t.endDate ? within : t.endDate;
  return within ?? t.endDate;
}

interface Line {
  readonly label: string;
  readonly value: string;
}

function termLines(t: CouponEmailTerms): Line[] {
  const amount = formatMoney(t.amountMinor, t.currency);
  const lines: Line[] = [{ label: 'Coupon code', value: t.code }];
  lines.push({
    label: 'Value',
    value:
      t.percentOff === null
        ? `${amount} of advertising credit`
        : `${t.percentOff}% of your advertising spend is covered, up to ${amount} in total`,
  });
  lines.push({
    label: 'Spend threshold',
    value:
      BigInt(t.thresholdMinor) > 0n
        ? `spend ${formatMoney(t.thresholdMinor, t.currency)} on ads after the offer becomes active; the credit appears once you have`
        : 'none: the credit is available as soon as the offer becomes active',
  });
  const start = t.startDate && t.startDate > t.sentAt ? t.startDate : null;
  const by = redeemBy(t);
  lines.push({
    label: 'Redeem',
    value:
      start && by
        ? `between ${formatDate(start)} and ${formatDate(by)}`
        : start
          ? `from ${formatDate(start)}`
          : by
            ? `by ${formatDate(by)}`
            : 'at any time',
  });
  if (t.redeemWithinDays !== null)
    lines.push({ label: 'Redeem within', value: `${t.redeemWithinDays} days of receiving this email` });
  lines.push({
    label: 'Expires',
    value: t.expirationDate ? formatDate(t.expirationDate) : 'no fixed expiry date',
  });
  if (t.activeDays !== null)
    lines.push({
      label: 'Offer length',
      value: `${t.activeDays} days from redemption, or until it expires if that is sooner`,
    });
  if (t.couponType === 'Acquisition') lines.push({ label: 'Eligibility', value: 'new customers only' });
  return lines;
}

const HOW_TO = [
  'In the web interface: open Billing & payments for your account, and on the Promotional offers tile choose Redeem coupon, then enter the code.',
  'Through the Customer Billing API: call RedeemCoupon with your AccountId and the CouponCode.',
];
const FINE_PRINT = [
  'The account needs a primary payment method before the offer becomes active.',
  'Only spend after the offer becomes active counts; the credit cannot pay an existing balance.',
  'A code can be redeemed only once. Promotional balances are non-refundable, and any balance left when the offer expires is forfeited.',
];

export function renderCouponEmail(t: CouponEmailTerms): RenderedEmail {
  const amount = formatMoney(t.amountMinor, t.currency);
  const subject = `Your advertising coupon: ${amount} (code ${t.code})`;
  const lines = termLines(t);
  const width = Math.max(...lines.map((l) => l.label.length)) + 2;
  const text = [
    'Hello,',
    '',
    `You have received a promotional coupon for advertising (${t.className}).`,
    '',
    ...lines.map((l) => `${`${l.label}:`.padEnd(width)}${l.value}`),
    '',
    'How to redeem',
    ...HOW_TO.map((h, i) => `${i + 1}. ${h.replace('the CouponCode', `CouponCode ${t.code}`)}`),
    '',
    ...FINE_PRINT,
    '',
    'This message was sent automatically; please do not reply.',
    '',
  ].join('\n');
  const e = escapeHtml;
  const rows = lines
    .map(
      (l) =>
        `<tr><th align="left" style="padding:4px 12px 4px 0">${e(l.label)}</th>` +
        (l.label === 'Coupon code'
          ? `<td style="padding:4px 0;font-family:monospace;font-size:18px"><strong>${e(l.value)}</strong></td></tr>`
          : `<td style="padding:4px 0">${e(l.value)}</td></tr>`),
    )
    .join('\n');
  const html = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${e(subject)}</title></head>
<body style="font-family:Segoe UI,Helvetica,Arial,sans-serif;line-height:1.4">
<p>Hello,</p>
<p>You have received a promotional coupon for advertising (${e(t.className)}).</p>
<table role="presentation" cellspacing="0" cellpadding="0">
${rows}
</table>
<h2 style="font-size:16px">How to redeem</h2>
<ol>
<li>${e(HOW_TO[0]!)}</li>
<li>Through the Customer Billing API: call <code>RedeemCoupon</code> with your <code>AccountId</code> and <code>CouponCode</code> <code>${e(t.code)}</code>.</li>
</ol>
${FINE_PRINT.map((f) => `<p style="font-size:12px;color:#555">${e(f)}</p>`).join('\n')}
<p style="font-size:12px;color:#555">This message was sent automatically; please do not reply.</p>
</body>
</html>
`;
  return { subject, text, html };
}
