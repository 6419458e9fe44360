// Offers that activate themselves (SPEC §4 "Auto-granted offers", the TikTok seed): an account created under a
// customer with `--auto-grant new-accounts` classes gets one coupon of each, redeemed at creation through
// RedeemCoupon's decision (so NeedsPaymentMethod, Pending, Acquisition and the windows all apply). Creating the
// account never fails because of a grant: each grant runs in a savepoint, and a grant that cannot be made is
// recorded with its reason instead.
import type { Knex } from 'knex';
import { ApiError } from '../errors.ts';
import { autoGrantClasses, recordGrant, type GrantOutcome } from '../repositories/auto-grants.ts';
import { lockAvailableCoupon } from '../repositories/coupons.ts';
import type { Account } from '../repositories/accounts.ts';
import type { CouponClass } from '../repositories/classes.ts';
import { lockCouponByCode } from './coupon-access.ts';
import { redeemFound } from './redeem-coupon.ts';

async function grantOne(tx: Knex.Transaction, cls: CouponClass, account: Account, now: Date): Promise<GrantOutcome> {
  try {
    // A savepoint: a refusal or a failure undoes this grant only, never the account.
    return await tx.transaction(async (sp): Promise<GrantOutcome> => {
      const code = await lockAvailableCoupon(sp, cls.id);
      const found = code === undefined ? undefined : await lockCouponByCode(sp, code);
      if (!found) return { granted: false, code: 4508, reason: `Class '${cls.name}' has no coupon left to grant.` };
      await redeemFound(sp, found, account, now);
      return { granted: true, couponId: found.coupon.id };
    });
  } catch (e) {
    if (e instanceof ApiError) {
      const p = e.problems[0]!;
      return { granted: false, code: p.code, reason: p.details ?? p.message };
    }
    return { granted: false, code: 0, reason: 'An internal error prevented the grant.' };
  }
}

/** Grants the new account one coupon of each of its customer's auto-grant classes, recording every outcome. */
export async function grantNewAccount(tx: Knex.Transaction, account: Account, now: Date): Promise<void> {
  for (const cls of await autoGrantClasses(tx, account.customerId)) {
    await recordGrant(tx, cls.id, account.id, await grantOne(tx, cls, account, now), now);
  }
}
