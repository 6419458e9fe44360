// RedeemCoupon, GetCouponInfo and GetAccountMonthlySpend: request → service → response values.
import { ApiError } from '../../errors.ts';
import { fromMinor, trimDecimal } from '../../money.ts';
import { fieldsOf } from '../../schema/index.ts';
import { getAccountMonthlySpend, getCouponInfo, type CouponInfo } from '../../services/coupon-info.ts';
import { redeemCoupon } from '../../services/redeem-coupon.ts';
import { str, type OperationHandler } from '../context.ts';
import { RawXml, recordWriter } from '../xml-writer.ts';

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
const INFO_ITEM = fieldsOf('ent:ArrayOfCouponInfoData').find((f) => f.name === 'CouponInfoData')!;
/** One `<e:CouponInfoData>` element from its values in schema order (the labels below). */
const writeCouponInfo = recordWriter(INFO_ITEM, 'GetCouponInfoResponse.CouponInfoData.CouponInfoData');

/** CouponInfoData's fields in schema order (src/schema/contract.ts). */
type CouponInfoValues = [
  AccountId: string,
  CouponId: string,
  ClaimDate: Date | null,
  Status: number | null,
  RedemptionDate: Date | null,
  ExpirationDate: Date | null,
  PercentOff: string | null,
  CouponValue: string,
  UpfrontSpending: string,
  ActiveDuration: number | null,
  SpendToThreshold: string | null,
  StartDate: Date | null,
  EndDate: Date | null,
  Balance: string | null,
  CurrencyCode: string,
  FeatureId: number | null,
  CouponType: number,
];

function couponInfoValues(c: CouponInfo): CouponInfoValues {
  return [
    c.accountId,
    c.couponId,
    c.claimDate,
    c.status,
    c.redemptionDate,
    c.expirationDate,
    c.percentOff === null ? null : trimDecimal(c.percentOff),
    fromMinor(c.amountMinor, c.currency),
    fromMinor(c.spendThresholdMinor, c.currency),
    c.activeDays,
    c.offer ? fromMinor(c.offer.spendToThreshold, c.currency) : null,
    c.startDate,
    c.endDate,
    c.offer ? fromMinor(c.offer.balance, c.currency) : null,
    c.currency,
    c.featureId,
    TYPE_BYTE[c.couponType],
  ];
}

// Each item is written as one string straight from the service's values (1,000 items per call for a large customer).
export const getCouponInfoHandler: OperationHandler = async (ctx, req) => {
  const infos = await getCouponInfo(ctx.knex, ctx.principal, requiredLong(req.CustomerId, 'CustomerId'), ctx.now);
  return {
    CouponInfoData: { CouponInfoData: infos.map((c) => new RawXml([writeCouponInfo(couponInfoValues(c))])) },
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
