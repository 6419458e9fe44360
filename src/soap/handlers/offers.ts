// RedeemCoupon, GetCouponInfo and GetAccountMonthlySpend: request → service → response values.
import { ApiError } from '../../errors.ts';
import { fromMinor, trimDecimal } from '../../money.ts';
import { getAccountMonthlySpend, getCouponInfo } from '../../services/coupon-info.ts';
import { redeemCoupon } from '../../services/redeem-coupon.ts';
import { str, type OperationHandler } from '../context.ts';

/** A required xs:long that the client left out: the contract makes it optional, the operation does not. */
function requiredLong(v: unknown, name: string): string {
  if (typeof v !== 'string') throw ApiError.of(201, `${name} is required.`);
  return v;
}

export const redeemCouponHandler: OperationHandler = async (ctx, req) => {
  const result = await redeemCoupon(
    ctx.knex,
    ctx.principal,
    { accountId: requiredLong(req.AccountId, 'AccountId'), couponCode: str(req.CouponCode) },
    ctx.now,
  );
  return { RedemptionDate: result.redemptionDate };
};

const TYPE_BYTE = { Acquisition: 1, Retention: 2 } as const;

export const getCouponInfoHandler: OperationHandler = async (ctx, req) => {
  const infos = await getCouponInfo(ctx.knex, ctx.principal, requiredLong(req.CustomerId, 'CustomerId'), ctx.now);
  return {
    CouponInfoData: {
      CouponInfoData: infos.map((c) => ({
        AccountId: c.accountId,
        CouponId: c.couponId,
        ClaimDate: c.claimDate,
        Status: c.status,
        RedemptionDate: c.redemptionDate,
        ExpirationDate: c.expirationDate,
        PercentOff: c.percentOff === null ? null : trimDecimal(c.percentOff),
        CouponValue: fromMinor(c.amountMinor, c.currency),
        UpfrontSpending: fromMinor(c.spendThresholdMinor, c.currency),
        ActiveDuration: c.activeDays,
        SpendToThreshold: c.offer ? fromMinor(c.offer.spendToThreshold, c.currency) : null,
        StartDate: c.startDate,
        EndDate: c.endDate,
        Balance: c.offer ? fromMinor(c.offer.balance, c.currency) : null,
        CurrencyCode: c.currency,
        FeatureId: c.featureId,
        CouponType: TYPE_BYTE[c.couponType],
      })),
    },
  };
};

export const getAccountMonthlySpendHandler: OperationHandler = async (ctx, req) => {
  if (!(req.MonthYear instanceof Date)) throw ApiError.of(201, 'MonthYear is required.');
  const { currency, totalMinor } = await getAccountMonthlySpend(
    ctx.knex,
    ctx.principal,
    requiredLong(req.AccountId, 'AccountId'),
    req.MonthYear,
    ctx.now,
  );
  return { Amount: fromMinor(totalMinor, currency) };
};
