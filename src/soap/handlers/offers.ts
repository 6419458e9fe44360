// RedeemCoupon, GetCouponInfo and GetAccountMonthlySpend: request → service → response values.
import { ApiError } from '../../errors.ts';
import { fromMinor } from '../../money.ts';
import { trimDecimal } from '../../repositories/tables.ts';
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
      CouponInfoData: infos.map(({ row, offer, status }) => {
        const cur = row.currency.trim();
        const money = (v: number | undefined): string | null => (v === undefined ? null : fromMinor(v, cur));
        return {
          AccountId: row.account_id,
          CouponId: row.coupon_id,
          ClaimDate: row.claim_date,
          Status: status,
          RedemptionDate: row.redemption_date,
          ExpirationDate: offer?.expiresAt != null ? new Date(offer.expiresAt) : row.expiration_date,
          PercentOff: row.percent_off === null ? null : trimDecimal(row.percent_off),
          CouponValue: fromMinor(row.amount_minor, cur),
          UpfrontSpending: fromMinor(row.spend_threshold_minor, cur),
          ActiveDuration: row.active_days,
          SpendToThreshold: money(offer?.spendToThreshold),
          StartDate: row.start_date,
          EndDate: row.end_date,
          Balance: money(offer?.balance),
          CurrencyCode: cur,
          FeatureId: row.feature_id,
          CouponType: TYPE_BYTE[row.coupon_type],
        };
      }),
    },
  };
};

export const getAccountMonthlySpendHandler: OperationHandler = async (ctx, req) => {
  if (!(req.MonthYear instanceof Date)) throw ApiError.of(201, 'MonthYear is required.');
  const { account, totalMinor } = await getAccountMonthlySpend(
    ctx.knex,
    ctx.principal,
    requiredLong(req.AccountId, 'AccountId'),
    req.MonthYear,
    ctx.now,
  );
  return { Amount: fromMinor(totalMinor, account.currency.trim()) };
};
