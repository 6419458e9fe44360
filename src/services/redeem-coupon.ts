// RedeemCoupon (SPEC §4): every check in the specified order, then the redemption as one account event.
// Exactly one redemption per code: the coupon row is locked for the decision, and a unique index on redeem
// events stands behind the lock.
import type { Knex } from 'knex';
import { ApiError } from '../errors.ts';
import { decideRedemption } from '../rules/redemption.ts';
import type { Account } from '../repositories/accounts.ts';
import { ConflictError, inTransaction } from '../repositories/transaction.ts';
import type { Principal } from './auth.ts';
import { offerTerms, recordRedemption } from './account-events.ts';
import { accountForWrite, decideOnLocked, lockCouponByCode, refusal, type CouponWithClass } from './coupon-access.ts';

/**
 * Redeems a coupon whose row the caller holds FOR UPDATE (in `tx`) to `account`, if decideRedemption allows it;
 * throws the refusal's ApiError otherwise. A retry by the same account gets the original RedemptionDate back.
 */
export async function redeemFound(
  tx: Knex.Transaction,
  found: CouponWithClass,
  account: Account,
  now: Date,
): Promise<Date> {
  const { coupon, cls } = found;
  const decision = await decideOnLocked(tx, found, account, now, decideRedemption);
  if (decision.kind === 'alreadyRedeemed') return new Date(decision.redemptionDate);
  if (decision.kind === 'reject') throw refusal(decision);
  // The account lock, the coupon's redemption, its event, the ledger and the state: three statements.
  await recordRedemption(tx, account.id, coupon.id, now, offerTerms(coupon.id, coupon.code, cls));
  return now;
}

export async function redeemCoupon(
  knex: Knex,
  p: Principal,
  input: { accountId: string; couponCode: string | null },
  now: Date,
): Promise<{ redemptionDate: Date }> {
  const account = await accountForWrite(knex, p, input.accountId);
  if (input.couponCode === null || input.couponCode.trim() === '') throw ApiError.of(4500);
  try {
    return await redeemLocked(knex, account, input.couponCode, now);
  } catch (e) {
    // Behind the row lock, the unique index on redeem events: whoever loses a race sees a redeemed coupon.
    if (e instanceof ConflictError && e.constraint === 'account_events_one_redemption') throw ApiError.of(4501);
    throw e;
  }
}

function redeemLocked(knex: Knex, account: Account, code: string, now: Date): Promise<{ redemptionDate: Date }> {
  return inTransaction(knex, async (tx) => {
    const found = await lockCouponByCode(tx, code);
    if (!found) throw ApiError.of(4500);
    return { redemptionDate: await redeemFound(tx, found, account, now) };
  });
}
