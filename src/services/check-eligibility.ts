// CheckFeatureAdoptionCouponEligibility (SPEC §4 Claims): which of the listed accounts could claim a coupon of
// the feature right now. Two queries, whatever the number of accounts: a prefilter in SQL, then the facts of what
// the accounts hold; the decision is the rules' (classIsClaimable: RedeemCoupon's window, expiry, currency and
// Acquisition terms; holdsFeature: one coupon per feature and account, a claim that expired unredeemed no longer
// counting), so an account listed here is one ClaimFeatureAdoptionCoupons would accept, barring a concurrent claim.
import type { Knex } from 'knex';
import { ApiError } from '../errors.ts';
import { classIsClaimable, holdsFeature } from '../rules/redemption.ts';
import { featureCouponsOfAccounts, featureEligibilityCandidates } from '../repositories/coupons.ts';
import type { Principal } from './auth.ts';
import { batchSizeProblem } from './claim-coupons.ts';

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
  // One statement narrows the accounts; the rules decide on what it found (so a prefilter that let too much
  // through could not make an account eligible).
  const candidates = await featureEligibilityCandidates(knex, p.customerId, ids, input.featureId, now);
  const held = await featureCouponsOfAccounts(
    knex,
    candidates.map((c) => c.account.id),
    input.featureId,
  );
  const t = now.getTime();
  const eligible = new Set(
    candidates
      .filter(
        (c) => !holdsFeature(held.get(c.account.id) ?? [], t) && classIsClaimable(c.cls, c.account, c.customerIsNew, t),
      )
      .map((c) => c.account.id),
  );
  return ids.filter((id) => eligible.has(id));
}
