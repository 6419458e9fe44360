// "Redeem a code" on the page: the same RedeemCoupon service as the SOAP operation, with its outcome told in plain
// words (the code number stays in brackets for support).
import type { Knex } from 'knex';
import { AdApiError, ApiError } from '../errors.ts';
import type { Principal } from '../services/auth.ts';
import { claimedCodeFor, redeemForPage, type PageRedemption } from '../services/offers-page.ts';
import { codeTail, dateTime, money } from './format.ts';
import type { Flash } from './sessions.ts';

const PLAIN: Readonly<Record<number, string>> = {
  105: 'Your sign-in is no longer valid. Sign in again.',
  106: 'You do not have access to that account.',
  1001: 'Your role can view offers but not redeem codes. Ask an administrator of this account.',
  2108: 'That account does not exist.',
  4500: 'We could not find that code. Check it for typos: codes are letters and digits, and case does not matter.',
  4501: 'That code has already been used. Each code can be redeemed only once.',
  4502: 'That code cannot be redeemed yet: its offer has not started.',
  4503: 'The time to redeem that code is over.',
  4504: 'That code has expired.',
  4505: "That code is for a different currency than this account's.",
  4506: 'That code is only for new advertisers, and this customer has already advertised or used such an offer.',
  4512: 'That code was withdrawn by its issuer and can no longer be used.',
  4513: 'That code is reserved for another account.',
};

export function redeemErrorText(e: ApiError | AdApiError): string {
  const code = e.code;
  let text = PLAIN[code] ?? e.message;
  // The redeem-within rule explains itself in its details ("… within 14 days of being sent.").
  if (e instanceof ApiError && code === 4503 && e.problems[0]?.details) text = e.problems[0].details;
  return `${text} (error ${code})`;
}

export interface RedeemForm {
  readonly accountId: string;
  readonly code: string | null;
  /** "Redeem now" on a claimed offer names the coupon, not its code. */
  readonly couponId: string | null;
}

const ID = /^[1-9]\d{0,18}$/;

export async function redeemFromPage(knex: Knex, p: Principal, form: RedeemForm, now: Date): Promise<Flash> {
  const accountId = form.accountId;
  const fail = (text: string): Flash => ({ kind: 'error', text, ...(ID.test(accountId) ? { accountId } : {}) });
  if (!ID.test(accountId)) return fail('Choose an account to redeem the code on.');
  let code = form.code;
  if (form.couponId !== null) {
    code = ID.test(form.couponId) ? await claimedCodeFor(knex, p, form.couponId, accountId) : null;
    if (code === null) return fail('That offer is no longer waiting to be redeemed. Reload the page to see it.');
  }
  if (code === null || code.trim() === '') return fail('Enter a coupon code first.');
  let done: PageRedemption;
  try {
    done = await redeemForPage(knex, p, { accountId, couponCode: code }, now);
  } catch (e) {
    if (e instanceof ApiError || e instanceof AdApiError) return fail(redeemErrorText(e));
    throw e;
  }
  const tail = codeTail(done.code).tail;
  if (done.redemptionDate.getTime() < now.getTime())
    return {
      kind: 'ok',
      accountId,
      text: `The code ending ${tail} was already redeemed on account ${done.accountNumber} on ${dateTime(done.redemptionDate.getTime())}.`,
    };
  const offer = done.offer;
  const head = `Code ending ${tail} redeemed on account ${done.accountNumber}.`;
  const cur = done.currency;
  let tailText = '';
  if (offer)
    switch (offer.status) {
      case 'Active':
        tailText =
          offer.spendToThreshold > 0
            ? ` It is Active: spend ${money(offer.spendToThreshold, cur)} on ads to unlock ${money(offer.terms.amount, cur)} of credit.`
            : ` It is Active: ${money(offer.balance, cur)} of credit now pays for your ad spend.`;
        break;
      case 'Pending':
        tailText = ' It is Pending: it becomes active when your current offer runs out or expires.';
        break;
      case 'NeedsPaymentMethod':
        tailText = ' Its status is Needs payment method: add a payment method to this account to start it.';
        break;
      default:
        tailText = ` Its status is ${offer.status}.`;
    }
  return { kind: 'ok', accountId, text: head + tailText };
}
