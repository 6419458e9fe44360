// The reads and the redemption behind the /offers page: who is signed in, the accounts the user may access (a user
// may access its customer's accounts, SPEC §3) with every offer as GetCouponInfo has it, the code of a claimed
// coupon for "Redeem now", and a redemption through RedeemCoupon with the offer it made.
import type { Knex } from 'knex';
import { accountNumberAndCurrency, accountsOfCustomer } from '../repositories/accounts.ts';
import { claimedCouponCode, classNamesOf } from '../repositories/coupons.ts';
import { userAndCustomerName } from '../repositories/users.ts';
import type { Principal } from './auth.ts';
import { offersAsOf } from './account-events.ts';
import { normalizeCode } from './coupon-codes.ts';
import { getCouponInfo, type CouponInfo, type Offer } from './coupon-info.ts';
import { redeemCoupon } from './redeem-coupon.ts';

export type { CouponInfo, CouponType, Offer, OfferStatus } from './coupon-info.ts';
export type { Role } from './auth.ts';

export interface AccountSummary {
  readonly id: string;
  readonly number: string;
  /** ISO 4217 code, trimmed. */
  readonly currency: string;
  readonly hasPaymentMethod: boolean;
}

export interface OffersOverview {
  /** The user name, or "user <id>" for a token-only user. */
  readonly who: string;
  readonly customerName: string;
  readonly accounts: readonly AccountSummary[];
  readonly coupons: readonly CouponInfo[];
  /** Class name by coupon id. */
  readonly classNames: ReadonlyMap<string, string>;
}

export async function offersOverview(knex: Knex, p: Principal, now: Date): Promise<OffersOverview> {
  const names = await userAndCustomerName(knex, p.userId);
  const accounts = await accountsOfCustomer(knex, p.customerId);
  const coupons = await getCouponInfo(knex, p, p.customerId, now);
  return {
    who: names?.username ?? `user ${p.userId}`,
    customerName: names?.customerName ?? '',
    accounts: accounts.map((a) => ({
      id: a.id,
      number: a.number,
      currency: a.currency.trim(),
      hasPaymentMethod: a.paymentMethodAddedAt !== null,
    })),
    coupons,
    classNames: await classNamesOf(
      knex,
      coupons.map((c) => c.couponId),
    ),
  };
}

/** The code of a coupon claimed by an account of the user's customer, so it never sits in the page; else null. */
export function claimedCodeFor(knex: Knex, p: Principal, couponId: string, accountId: string): Promise<string | null> {
  return claimedCouponCode(knex, couponId, accountId, p.customerId);
}

export interface PageRedemption {
  readonly redemptionDate: Date;
  /** The code as stored (normalized). */
  readonly code: string;
  readonly accountNumber: string;
  readonly currency: string;
  /** The offer as of now; undefined when the redemption was an earlier one (the same code repeated). */
  readonly offer: Offer | undefined;
}

/** RedeemCoupon for the page; its errors (ApiError, AdApiError) are RedeemCoupon's. */
export async function redeemForPage(
  knex: Knex,
  p: Principal,
  input: { accountId: string; couponCode: string },
  now: Date,
): Promise<PageRedemption> {
  const { redemptionDate } = await redeemCoupon(knex, p, input, now);
  const code = normalizeCode(input.couponCode);
  const account = await accountNumberAndCurrency(knex, input.accountId);
  if (!account) throw new Error(`account ${input.accountId} vanished after its redemption`);
  const repeated = redemptionDate.getTime() < now.getTime();
  const offer = repeated
    ? undefined
    : [...(await offersAsOf(knex, [input.accountId], now)).values()].find((o) => o.couponCode === code);
  return { redemptionDate, code, accountNumber: account.number, currency: account.currency.trim(), offer };
}
