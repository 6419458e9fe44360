// The steps RedeemCoupon, the claims, DistributeCoupons, GetCouponInfo and the auto-grant share before a decision:
// the account the user may access (2108, 106, 1001), the coupon locked with its class, and the customer's history,
// looked up only when the decision needs it, then the decision itself (decideRedemption or decideClaim).
import type { Knex } from 'knex';
import { AdApiError, ApiError } from '../errors.ts';
import {
  needsCustomerHistory,
  type AccountFacts,
  type ClassFacts,
  type CouponFacts,
  type CustomerIsNew,
} from '../rules/redemption.ts';
import { accountById } from '../repositories/accounts.ts';
import {
  lockCouponWithClass,
  lockCustomerIsNew,
  toAccountFacts,
  toClassFacts,
  toCouponFacts,
  type CouponWithClass,
} from '../repositories/coupons.ts';
import type { Account } from '../repositories/accounts.ts';
import type { Principal } from './auth.ts';
import { normalizeCode } from './coupon-codes.ts';

export type { CouponWithClass };

/** Account exists (2108) and the user may access it (106). */
export async function accountForRead(knex: Knex, p: Principal, accountId: string): Promise<Account> {
  return readable(p, accountId, await accountById(knex, accountId));
}

/** Account exists (2108), the user may access it (106) and may change it (1001). */
export async function accountForWrite(knex: Knex, p: Principal, accountId: string): Promise<Account> {
  return writable(p, accountId, await accountById(knex, accountId));
}

/** accountForWrite's checks on an account already read (undefined: there is no such account). */
export function writable(p: Principal, accountId: string, account: Account | undefined): Account {
  const found = readable(p, accountId, account);
  if (p.role !== 'SuperAdmin' && p.role !== 'Standard') throw ApiError.of(1001);
  return found;
}

function readable(p: Principal, accountId: string, account: Account | undefined): Account {
  if (!account) throw ApiError.of(2108, `Account ${accountId} does not exist.`);
  if (account.customerId !== p.customerId) throw new AdApiError(106);
  return account;
}

/** The coupon of a code as the user typed it (matched case-insensitively after trimming), locked, with its class. */
export function lockCouponByCode(tx: Knex.Transaction, code: string): Promise<CouponWithClass | undefined> {
  return lockCouponWithClass(tx, normalizeCode(code));
}

/** The customer's history, looked up (under the customer lock) only when the decision needs it. */
export async function customerIsNewIfNeeded(
  tx: Knex.Transaction,
  { coupon, cls }: CouponWithClass,
  account: Pick<Account, 'customerId'>,
): Promise<CustomerIsNew> {
  if (!needsCustomerHistory(toCouponFacts(coupon), toClassFacts(cls))) return null;
  return lockCustomerIsNew(tx, account.customerId, coupon.id);
}

/** A decision of src/rules/redemption.ts on a coupon, its class and an account (decideRedemption, decideClaim). */
export type CouponRule<D> = (
  coupon: CouponFacts,
  cls: ClassFacts,
  account: AccountFacts,
  customerIsNew: CustomerIsNew,
  now: number,
) => D;

/** The rule's decision on a coupon the caller holds locked (in `tx`) for `account`, the history looked up if needed. */
export async function decideOnLocked<D>(
  tx: Knex.Transaction,
  found: CouponWithClass,
  account: Pick<Account, 'id' | 'currency' | 'customerId'>,
  now: Date,
  rule: CouponRule<D>,
): Promise<D> {
  const customerIsNew = await customerIsNewIfNeeded(tx, found, account);
  return rule(
    toCouponFacts(found.coupon),
    toClassFacts(found.cls),
    toAccountFacts(account),
    customerIsNew,
    now.getTime(),
  );
}

/** A rule's refusal as the ApiError of its code (with the rule's detail when it gives one). */
export function refusal(decision: { readonly code: number; readonly detail?: string }): ApiError {
  return decision.detail === undefined ? ApiError.of(decision.code) : ApiError.of(decision.code, decision.detail);
}
