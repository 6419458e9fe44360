// SearchCoupons: request → service → Coupon values. What the user may not see is already removed by the service.
import { fromMinor, trimDecimal } from '../../money.ts';
import { searchCoupons, type FoundCoupon } from '../../services/search-coupons.ts';
import type { OperationHandler } from '../context.ts';
import { searchInputOf } from './search-input.ts';
import type { XObject } from '../xml-writer.ts';

function couponValue(c: FoundCoupon): XObject {
  const r = c.redemption;
  return {
    CouponCode: c.code,
    ClassName: c.className,
    CouponType: c.couponType,
    Amount: fromMinor(c.amountMinor, c.currency),
    SpendThreshold: fromMinor(c.spendThresholdMinor, c.currency),
    CurrencyCode: c.currency,
    PercentOff: c.percentOff === null ? null : trimDecimal(c.percentOff),
    ActiveDuration: c.activeDays,
    ExpirationDate: c.expirationDate,
    StartDate: c.startDate,
    EndDate: c.endDate,
    SendToEmail: c.sendToEmail,
    SendToDate: c.sendToDate,
    IsRedeemed: c.isRedeemed,
    RedemptionInfo: r
      ? {
          AccountId: r.accountId,
          AccountNumber: r.accountNumber,
          SpendToThreshold: fromMinor(r.offer.spendToThreshold, c.currency),
          Balance: fromMinor(r.offer.balance, c.currency),
          CurrencyCode: r.currency,
          RedemptionDate: r.redemptionDate,
          ExpirationDate: r.offer.expiresAt === null ? null : new Date(r.offer.expiresAt),
          ActivationDate: r.offer.activatedAt === null ? null : new Date(r.offer.activatedAt),
        }
      : null,
    ClaimInfo: c.claim
      ? { AccountId: c.claim.accountId, AccountNumber: c.claim.accountNumber, ClaimDate: c.claim.claimDate }
      : undefined,
  };
}

export const searchCouponsHandler: OperationHandler = async (ctx, req) => {
  const fields = req.ReturnAdditionalFields;
  const coupons = await searchCoupons(
    ctx.knex,
    ctx.principal,
    { ...searchInputOf(req), returnClaimInfo: Array.isArray(fields) && fields.includes('CouponClaimInfo') },
    ctx.now,
  );
  return { Coupons: { Coupon: coupons.map(couponValue) } };
};
