// ClaimFeatureAdoptionCoupons (SPEC §4 Claims), and the claim itself, which DistributeCoupons shares: a claim
// reserves one coupon for one account (PendingRedemption) until RedeemCoupon on that account completes it.
// Each pair is its own transaction under the locks RedeemCoupon takes (coupon row, then customer row for an
// Acquisition coupon, then account row), so one failing pair leaves the others claimed, and the unique index on
// claim events per coupon stands behind the coupon lock.
import type { Knex } from 'knex';
import { AdApiError, ApiError, problem, type OperationProblem } from '../errors.ts';
import type { Account } from '../repositories/accounts.ts';
import { ConflictError, inTransaction } from '../repositories/transaction.ts';
import type { Principal } from './auth.ts';
import { lockAccount, offerTerms, recordAccountEvent } from './account-events.ts';
import { decideClaim, holdsFeature } from '../rules/redemption.ts';
import { featureCouponsOf, markClaimed } from '../repositories/coupons.ts';
import { accountForWrite, decideOnLocked, lockCouponByCode, refusal, type CouponWithClass } from './coupon-access.ts';

/** At most this many pairs (ClaimFeatureAdoptionCoupons) or accounts (eligibility, DistributeCoupons): 3024. */
export const MAX_CLAIM_BATCH = 100;

/** A request-level problem (3087, 3024) or one list of problems per request index; exactly one is set. */
export type BatchOutcome<T> =
  | { readonly operationErrors: readonly OperationProblem[]; readonly items?: undefined }
  | { readonly operationErrors?: undefined; readonly items: readonly T[] };

/** The outcome of one index: a success value, or the problems that refused it (in check order). */
export type ItemOutcome<T> = { readonly ok: T } | { readonly errors: readonly OperationProblem[] };

/** 3087 for a null or empty list, 3024 above the limit. */
export function batchSizeProblem(name: string, n: number | null): OperationProblem | null {
  if (n === null || n === 0) return problem(3087, `${name} is null or empty.`);
  if (n > MAX_CLAIM_BATCH) return problem(3024, `${name} has ${n} items; at most ${MAX_CLAIM_BATCH} are allowed.`);
  return null;
}

/**
 * Runs one index of a batch: business errors (ApiError, and the 106 of an account the user may not access)
 * become that index's problems; anything else is an internal error of the whole request.
 */
export async function perItem<T>(work: () => Promise<T>): Promise<ItemOutcome<T>> {
  try {
    return { ok: await work() };
  } catch (e) {
    // Behind the coupon row lock, the unique index on claim events: a lost race sees a claimed coupon.
    if (e instanceof ConflictError && e.constraint === 'account_events_one_claim') return { errors: [problem(4513)] };
    if (e instanceof ApiError) return { errors: e.problems };
    if (e instanceof AdApiError) return { errors: [problem(e.code, e.detail, e.message)] };
    throw e;
  }
}

/**
 * Whether the account holds a coupon of a class with this FeatureId (4514): one it claimed or redeemed, except a
 * claim that ended when its coupon expired unredeemed.
 */
export async function hasClaimedFeature(db: Knex, accountId: string, featureId: number, now: Date): Promise<boolean> {
  return holdsFeature(await featureCouponsOf(db, accountId, featureId), now.getTime());
}

/**
 * Claims a coupon whose row the caller holds FOR UPDATE (in `tx`) for `account`, by decideClaim — revoked (4512),
 * redeemed (4501, or 4514 by this account), claimed by another account (4513), window and expiry (4502–4504),
 * currency (4505), Acquisition (4506) — then, under the account row lock, one claim per feature and account
 * (4514). A retry of the same claim returns the original ClaimDate and changes nothing.
 */
export async function claimLocked(
  tx: Knex.Transaction,
  found: CouponWithClass,
  account: Account,
  now: Date,
): Promise<Date> {
  const { coupon, cls } = found;
  const decision = await decideOnLocked(tx, found, account, now, decideClaim);
  if (decision.kind === 'alreadyClaimed') return new Date(decision.claimDate);
  if (decision.kind === 'reject') throw refusal(decision);
  // One coupon per feature and account: the account row lock orders concurrent claims of one account, so the
  // check below sees every claim committed before it.
  await lockAccount(tx, account.id);
  if (cls.featureId !== null && (await hasClaimedFeature(tx, account.id, cls.featureId, now)))
    throw ApiError.of(4514, `Account ${account.id} already has a coupon of feature ${cls.featureId}.`);
  await markClaimed(tx, coupon.id, account.id, now);
  await recordAccountEvent(tx, account.id, {
    kind: 'claim',
    at: now,
    couponId: coupon.id,
    terms: offerTerms(coupon.id, coupon.code, cls),
  });
  return now;
}

export interface AccountCouponPair {
  /** null when the pair was nil or had no Key. */
  readonly accountId: string | null;
  readonly couponCode: string | null;
}

export interface Claimed {
  readonly accountId: string;
  readonly claimDate: Date;
}

/** Claims one pair: the account (2108, 106), the code (4500), a feature-adoption coupon (4515), then the claim. */
async function claimPair(
  knex: Knex,
  p: Principal,
  pair: AccountCouponPair,
  index: number,
  now: Date,
): Promise<Claimed> {
  if (pair.accountId === null) throw ApiError.of(2108, `AccountCouponPairs[${index}] names no account.`);
  const account = await accountForWrite(knex, p, pair.accountId);
  const code = pair.couponCode;
  if (code === null || code.trim() === '') throw ApiError.of(4500);
  const claimDate = await inTransaction(knex, async (tx) => {
    const found = await lockCouponByCode(tx, code);
    if (!found) throw ApiError.of(4500);
    if (found.cls.featureId === null)
      throw ApiError.of(4515, `AccountCouponPairs[${index}]: the coupon is not a feature-adoption coupon.`);
    return claimLocked(tx, found, account, now);
  });
  return { accountId: account.id, claimDate };
}

/**
 * Claims each pair in request order, each in its own transaction. The user needs SuperAdmin or Standard (1001,
 * a fault, like RedeemCoupon); a null, empty or oversized list is a request-level problem (OperationErrors).
 */
export async function claimFeatureAdoptionCoupons(
  knex: Knex,
  p: Principal,
  pairs: readonly AccountCouponPair[] | null,
  now: Date,
): Promise<BatchOutcome<ItemOutcome<Claimed>>> {
  if (p.role !== 'SuperAdmin' && p.role !== 'Standard') throw ApiError.of(1001);
  const size = batchSizeProblem('AccountCouponPairs', pairs?.length ?? null);
  if (size) return { operationErrors: [size] };
  const items: ItemOutcome<Claimed>[] = [];
  for (const [i, pair] of pairs!.entries()) items.push(await perItem(() => claimPair(knex, p, pair, i, now)));
  return { items };
}
