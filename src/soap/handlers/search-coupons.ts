// SearchCoupons: request → service → Coupon values. What the user may not see is already removed by the service.
// Each coupon's fixed part (CouponCode … IsRedeemed, the same for every viewer) is written once per coupon version
// and reused from the instance's cache (the service reads the fields only of versions the cache does not hold);
// RedemptionInfo and ClaimInfo are written per call.
import { fromMinor, trimDecimal } from '../../money.ts';
import { fieldsOf } from '../../schema/index.ts';
import { searchCoupons, type CouponFields, type FoundCoupon } from '../../services/search-coupons.ts';
import type { CouponXmlCache } from '../coupon-xml-cache.ts';
import type { OperationHandler } from '../context.ts';
import { searchInputOf } from './search-input.ts';
import { qualified, RawXml, writeFields, type XObject } from '../xml-writer.ts';

const COUPON_FIELDS = fieldsOf('ent:Coupon');
const LIVE_FROM = COUPON_FIELDS.findIndex((f) => f.name === 'RedemptionInfo');
/** The fields every viewer sees alike, and those that depend on the viewer or on live offer state. */
const FIXED_FIELDS = COUPON_FIELDS.slice(0, LIVE_FROM);
const LIVE_FIELDS = COUPON_FIELDS.slice(LIVE_FROM);
const ITEM = fieldsOf('ent:ArrayOfCoupon').find((f) => f.name === 'Coupon')!;
const ITEM_OPEN = `<${qualified(ITEM.ns, ITEM.name)}>`;
const ITEM_CLOSE = `</${qualified(ITEM.ns, ITEM.name)}>`;
const PATH = 'SearchCouponsResponse.Coupons.Coupon';

type Found = FoundCoupon<string>;

function fixedValue(c: CouponFields, isRedeemed: boolean): XObject {
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
    IsRedeemed: isRedeemed,
  };
}

function liveValue(c: Found): XObject {
  const r = c.redemption;
  return {
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

/** The whole `<e:Coupon>` element: its start tag and fixed fields from the cache, then the live fields. */
function couponXml(cache: CouponXmlCache, c: Found): RawXml {
  const fixed =
    c.known ??
    cache.get(c.id, c.version, () => {
      const out = [ITEM_OPEN];
      writeFields(out, FIXED_FIELDS, fixedValue(c.fields!, c.isRedeemed), PATH);
      return out.join('');
    });
  const out = [fixed];
  writeFields(out, LIVE_FIELDS, liveValue(c), PATH);
  out.push(ITEM_CLOSE);
  return new RawXml(out);
}

export const searchCouponsHandler: OperationHandler = async (ctx, req) => {
  const fields = req.ReturnAdditionalFields;
  const coupons = await searchCoupons(
    ctx.knex,
    ctx.principal,
    { ...searchInputOf(req), returnClaimInfo: Array.isArray(fields) && fields.includes('CouponClaimInfo') },
    ctx.now,
    (id, version) => ctx.couponXml.peek(id, version),
  );
  return { Coupons: { Coupon: coupons.map((c) => couponXml(ctx.couponXml, c)) } };
};
