// CheckFeatureAdoptionCouponEligibility (SPEC §4 Claims): which of the listed accounts could claim a coupon of
// the feature right now. One query, whatever the number of accounts; the conditions are those a claim checks
// (RedeemCoupon's window, expiry, currency and Acquisition rules, and one coupon per feature and account, a claim
// that expired unredeemed no longer counting), so an account listed here is one ClaimFeatureAdoptionCoupons would
// accept, barring a concurrent claim.
import type { Knex } from 'knex';
import { ApiError } from '../errors.ts';
import { customerHasHistorySql } from '../repositories/customer-history.ts';
import { T } from '../repositories/tables.ts';
import type { Principal } from './auth.ts';
import { batchSizeProblem } from './claim-coupons.ts';

/** A coupon no one holds: not dispatched, redeemed, claimed or revoked (the coupons_dispatchable_idx condition). */
export const AVAILABLE_COUPON = (c: string): string =>
  `${c}.send_to_email IS NULL AND ${c}.redeemed_account_id IS NULL AND ${c}.claimed_account_id IS NULL ` +
  `AND ${c}.revoked_at IS NULL`;

/**
 * SQL for claimHasEnded (src/rules/redemption.ts), for set-wise queries: coupon c of class k was claimed and expired
 * unredeemed, so the claim no longer holds the account's place for the feature. Binding: now.
 */
export const ENDED_CLAIM = (c: string, k: string): string =>
  `${c}.claimed_account_id IS NOT NULL AND ${c}.redeemed_account_id IS NULL AND ${c}.revoked_at IS NULL ` +
  `AND ${k}.expiration_date IS NOT NULL AND ${k}.expiration_date <= ?`;

/**
 * SQL for "class k of feature ? can be claimed now by an account in currency `currency` of customer `customer`":
 * within its window (4502, 4503), not expired (4504), same currency (4505), and Retention or a new customer
 * (4506, the test of checkRedeemable). Bindings, in order: featureId, now, now, now.
 */
export function claimableFeatureClass(k: string, currency: string, customer: string): string {
  return `${k}.feature_id = ? AND ${k}.currency = ${currency}
    AND (${k}.start_date IS NULL OR ${k}.start_date <= ?) AND (${k}.end_date IS NULL OR ? <= ${k}.end_date)
    AND (${k}.expiration_date IS NULL OR ? < ${k}.expiration_date)
    AND (${k}.coupon_type = 'Retention' OR NOT ${customerHasHistorySql(customer)})`;
}

/**
 * The listed accounts, in request order and without repeats, that the user may access and that could claim a
 * coupon of the feature now. Accounts the user may not access, or that do not exist, are simply not eligible.
 * A null, empty or oversized list is an ApiFault (3087, 3024): this response has no OperationErrors.
 */
export async function checkFeatureAdoptionCouponEligibility(
  knex: Knex,
  p: Principal,
  input: { featureId: number; accountIds: readonly string[] | null },
  now: Date,
): Promise<string[]> {
  const size = batchSizeProblem('AccountIds', input.accountIds?.length ?? null);
  if (size) throw new ApiError(size);
  const ids = [...new Set(input.accountIds!.map((id) => BigInt(id).toString()))];
  const { rows } = (await knex.raw(
    `SELECT a.id FROM ${T.accounts} a
      WHERE a.customer_id = ? AND a.id IN (${ids.map(() => '?').join(',')})
        -- The account's own claims and redemptions, each coupon's class looked up by primary key (a join could
        -- read every class of the feature, whoever owns it).
        AND NOT EXISTS (
          SELECT 1 FROM ${T.coupons} c
            CROSS JOIN LATERAL (SELECT k.feature_id, k.expiration_date FROM ${T.classes} k WHERE k.id = c.class_id OFFSET 0) k
           WHERE c.claimed_account_id = a.id AND k.feature_id = ? AND NOT (${ENDED_CLAIM('c', 'k')}))
        AND NOT EXISTS (
          SELECT 1 FROM ${T.coupons} c
           WHERE c.redeemed_account_id = a.id AND (SELECT k.feature_id FROM ${T.classes} k WHERE k.id = c.class_id) = ?)
        -- Per account, the feature's classes in creation order through coupon_classes_feature_id_id_index, stopping
        -- at the first with a coupon left (OFFSET 0 keeps the ordered subplan: as a plain EXISTS, a feature most
        -- customers have is read by a sequential scan of every tenant's classes).
        AND EXISTS (
          SELECT 1 FROM ${T.classes} k
           WHERE ${claimableFeatureClass('k', 'a.currency', 'a.customer_id')}
             AND EXISTS (SELECT 1 FROM ${T.coupons} c WHERE c.class_id = k.id AND ${AVAILABLE_COUPON('c')})
           ORDER BY k.id LIMIT 1 OFFSET 0)`,
    [p.customerId, ...ids, input.featureId, now, input.featureId, input.featureId, now, now, now],
  )) as { rows: { id: string }[] };
  const eligible = new Set(rows.map((r) => String(r.id)));
  return ids.filter((id) => eligible.has(id));
}
