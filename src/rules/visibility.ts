// Who may see which parts of a coupon (SPEC §4 SearchCoupons, §8 "a customer never learns anything about another
// customer's accounts"). Pure: the facts come in, a decision goes out.

/** The account a coupon was redeemed to or claimed by, as far as visibility is concerned. */
export interface PartyAccount {
  readonly customerId: string;
  readonly billToCustomerId: string;
}

/**
 * Whether a user of `viewerCustomerId` may see which account redeemed (RedemptionInfo) or claimed (ClaimInfo) a coupon
 * owned by `ownerCustomerId`: when the account is one of the viewer's own, or when the viewer owns the coupon and the
 * account bills to it. Nobody else learns the account's id, number, currency, dates or balance.
 */
export function accountPartVisible(viewerCustomerId: string, ownerCustomerId: string, account: PartyAccount): boolean {
  if (account.customerId === viewerCustomerId) return true;
  return ownerCustomerId === viewerCustomerId && account.billToCustomerId === ownerCustomerId;
}

/** RedemptionInfo follows the account rule above. */
export const redemptionVisible = accountPartVisible;
/** ClaimInfo follows the same rule as RedemptionInfo (SPEC §4). */
export const claimVisible = accountPartVisible;
