/**
 * May this account redeem (or claim) this coupon now? SPEC §4: RedeemCoupon's checks after the account and the
 * code are found, in their order, as one pure decision that RedeemCoupon, the claims and the auto-grant share.
 *
 * A claim reserves the coupon: it was made inside the redemption window (a claim is refused outside it), so the
 * claiming account may redeem it until the coupon's ExpirationDate, with StartDate, EndDate, the redeem-within
 * window and Acquisition judged at claim time, not again at redemption.
 */
import { DAY_MS } from './lifecycle.ts';

/** The coupon as the decision sees it. Times are epoch milliseconds. */
export interface CouponFacts {
  readonly revoked: boolean;
  readonly redeemedAccountId: string | null;
  readonly redemptionDate: number | null;
  readonly claimedAccountId: string | null;
  readonly claimDate: number | null;
  /** When it was dispatched by email (the start of the redeem-within window). */
  readonly sendToDate: number | null;
}

/** The coupon's class as the decision sees it. */
export interface ClassFacts {
  readonly couponType: 'Acquisition' | 'Retention';
  readonly currency: string;
  readonly startDate: number | null;
  readonly endDate: number | null;
  readonly expirationDate: number | null;
  readonly redeemWithinDays: number | null;
}

export interface AccountFacts {
  readonly id: string;
  readonly currency: string;
}

/**
 * Whether the account's customer counts as new for an Acquisition coupon: no account of it has recorded spend or
 * an earlier Acquisition redemption. `null` when it was not looked up (see needsCustomerHistory).
 */
export type CustomerIsNew = boolean | null;

export type RejectCode = 4501 | 4502 | 4503 | 4504 | 4505 | 4506 | 4512 | 4513;

export type RedemptionDecision =
  | { readonly kind: 'redeem' }
  /** The same account redeeming the same code again: a safe retry, answered with the original date. */
  | { readonly kind: 'alreadyRedeemed'; readonly redemptionDate: number }
  | { readonly kind: 'reject'; readonly code: RejectCode; readonly detail?: string };

export type ClaimDecision =
  | { readonly kind: 'claim' }
  /** The same account claiming the same code again: a safe retry, answered with the original date. */
  | { readonly kind: 'alreadyClaimed'; readonly claimDate: number }
  | { readonly kind: 'reject'; readonly code: RejectCode | 4514; readonly detail?: string };

const reject = (code: RejectCode, detail?: string) =>
  detail === undefined ? ({ kind: 'reject', code } as const) : ({ kind: 'reject', code, detail } as const);

/** Whether `account` holds the claim on the coupon: then the window and Acquisition were judged at claim time. */
function reservedFor(coupon: CouponFacts, account: AccountFacts): boolean {
  return coupon.claimedAccountId === account.id && coupon.claimDate !== null;
}

/**
 * Whether the decision needs to know if the customer is new: an Acquisition coupon that no one holds yet (a coupon
 * held by a claim was judged at claim time; a revoked or redeemed one is refused or retried before). The caller
 * looks the history up (and takes its lock) only then.
 */
export function needsCustomerHistory(coupon: CouponFacts, cls: ClassFacts): boolean {
  return (
    cls.couponType === 'Acquisition' &&
    !coupon.revoked &&
    coupon.redeemedAccountId === null &&
    coupon.claimedAccountId === null
  );
}

/**
 * The window (4502, 4503, and 4503 for the redeem-within days since dispatch), expiry (4504), currency (4505) and
 * Acquisition (4506) checks, in that order. A coupon reserved for the account by its claim skips the window and
 * Acquisition checks: they were passed at claim time.
 */
function judgeTerms(
  coupon: CouponFacts,
  cls: ClassFacts,
  account: AccountFacts,
  customerIsNew: CustomerIsNew,
  now: number,
): Extract<RedemptionDecision, { kind: 'reject' }> | null {
  const reserved = reservedFor(coupon, account);
  if (!reserved) {
    if (cls.startDate !== null && now < cls.startDate) return reject(4502);
    if (cls.endDate !== null && now > cls.endDate) return reject(4503);
    if (
      cls.redeemWithinDays !== null &&
      coupon.sendToDate !== null &&
      now > coupon.sendToDate + cls.redeemWithinDays * DAY_MS
    )
      return reject(4503, `The coupon had to be redeemed within ${cls.redeemWithinDays} days of being sent.`);
  }
  if (cls.expirationDate !== null && now >= cls.expirationDate) return reject(4504);
  if (cls.currency.trim() !== account.currency.trim()) return reject(4505);
  if (!reserved && cls.couponType === 'Acquisition' && customerIsNew !== true) return reject(4506);
  return null;
}

/**
 * RedeemCoupon's decision once the code is found: revoked (4512); redeemed by another account (4501) or a retry by
 * the same one; claimed by another account (4513); then the terms (see judgeTerms).
 */
export function decideRedemption(
  coupon: CouponFacts,
  cls: ClassFacts,
  account: AccountFacts,
  customerIsNew: CustomerIsNew,
  now: number,
): RedemptionDecision {
  if (coupon.revoked) return reject(4512);
  if (coupon.redeemedAccountId !== null) {
    if (coupon.redeemedAccountId === account.id && coupon.redemptionDate !== null)
      return { kind: 'alreadyRedeemed', redemptionDate: coupon.redemptionDate };
    return reject(4501);
  }
  if (coupon.claimedAccountId !== null && coupon.claimedAccountId !== account.id) return reject(4513);
  return judgeTerms(coupon, cls, account, customerIsNew, now) ?? { kind: 'redeem' };
}

/**
 * A claim's decision once the code is found, in RedeemCoupon's order: revoked (4512); redeemed by another account
 * (4501) or by this one (4514); claimed by this account (a retry) or another (4513); then the terms, all judged
 * now. One claim per feature and account (4514) is decided by the caller under the account lock.
 */
export function decideClaim(
  coupon: CouponFacts,
  cls: ClassFacts,
  account: AccountFacts,
  customerIsNew: CustomerIsNew,
  now: number,
): ClaimDecision {
  if (coupon.revoked) return reject(4512);
  if (coupon.redeemedAccountId !== null) {
    if (coupon.redeemedAccountId !== account.id) return reject(4501);
    return { kind: 'reject', code: 4514, detail: `Account ${account.id} already redeemed this coupon.` };
  }
  if (coupon.claimedAccountId !== null) {
    if (coupon.claimedAccountId === account.id && coupon.claimDate !== null)
      return { kind: 'alreadyClaimed', claimDate: coupon.claimDate };
    return reject(4513);
  }
  return judgeTerms(coupon, cls, account, customerIsNew, now) ?? { kind: 'claim' };
}

/**
 * A claim ends when its coupon reaches its ExpirationDate unredeemed: the offer is Expired and the account may
 * claim another coupon of the feature. Revoked claims end too, but keep counting as the account's claim.
 */
export function claimHasEnded(
  coupon: Pick<CouponFacts, 'redeemedAccountId' | 'claimedAccountId' | 'revoked'>,
  cls: Pick<ClassFacts, 'expirationDate'>,
  now: number,
): boolean {
  return (
    coupon.claimedAccountId !== null &&
    coupon.redeemedAccountId === null &&
    !coupon.revoked &&
    cls.expirationDate !== null &&
    now >= cls.expirationDate
  );
}

/** A coupon no one holds: not revoked, redeemed, claimed or dispatched. */
export const UNHELD_COUPON: CouponFacts = {
  revoked: false,
  redeemedAccountId: null,
  redemptionDate: null,
  claimedAccountId: null,
  claimDate: null,
  sendToDate: null,
};

/**
 * The claimability decision: whether the account could claim a coupon of this class that no one holds now, by
 * decideClaim's terms — within the window (4502, 4503), not expired (4504), same currency (4505), and Retention
 * or a new customer (4506). CheckFeatureAdoptionCouponEligibility and the feature pick of DistributeCoupons ask it.
 */
export function classIsClaimable(
  cls: ClassFacts,
  account: AccountFacts,
  customerIsNew: CustomerIsNew,
  now: number,
): boolean {
  return judgeTerms(UNHELD_COUPON, cls, account, customerIsNew, now) === null;
}

/**
 * Whether the account holds a coupon of the feature (4514): one it claimed or redeemed, except a claim that ended
 * when its coupon expired unredeemed (claimHasEnded).
 */
export function holdsFeature(
  held: readonly {
    readonly coupon: Pick<CouponFacts, 'redeemedAccountId' | 'claimedAccountId' | 'revoked'>;
    readonly cls: Pick<ClassFacts, 'expirationDate'>;
  }[],
  now: number,
): boolean {
  return held.some(({ coupon, cls }) => !claimHasEnded(coupon, cls, now));
}

/**
 * The dispatchability decision (DispatchCoupons): a class past its EndDate or its ExpirationDate has nothing left
 * to hand out; at either instant itself it still has.
 */
export function classIsDispatchable(cls: Pick<ClassFacts, 'endDate' | 'expirationDate'>, now: number): boolean {
  return !(cls.endDate !== null && cls.endDate < now) && !(cls.expirationDate !== null && cls.expirationDate < now);
}
