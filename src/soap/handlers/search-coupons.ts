// SearchCoupons: request → service → Coupon values.
import { fromMinor } from '../../money.ts';
import type { Offer } from '../../rules/index.ts';
import { trimDecimal } from '../../repositories/tables.ts';
import {
  searchCoupons,
  type CouponSearchRow,
  type OrderByInput,
  type PredicateInput,
} from '../../services/search-coupons.ts';
import { list, num, str, type OperationHandler } from '../context.ts';
import type { DObject } from '../xml-decode.ts';
import type { XObject } from '../xml-writer.ts';

function couponValue(r: CouponSearchRow, offer: Offer | undefined, withClaim: boolean): XObject {
  const redeemed = r.redeemed_account_id !== null;
  return {
    CouponCode: r.code,
    ClassName: r.class_name,
    CouponType: r.coupon_type,
    Amount: fromMinor(r.amount_minor, r.currency),
    SpendThreshold: fromMinor(r.spend_threshold_minor, r.currency),
    CurrencyCode: r.currency,
    PercentOff: r.percent_off === null ? null : trimDecimal(r.percent_off),
    ActiveDuration: r.active_days,
    ExpirationDate: r.expiration_date,
    StartDate: r.start_date,
    EndDate: r.end_date,
    SendToEmail: r.send_to_email,
    SendToDate: r.send_to_date,
    IsRedeemed: redeemed,
    RedemptionInfo:
      redeemed && offer
        ? {
            AccountId: r.redeemed_account_id,
            AccountNumber: r.r_number,
            SpendToThreshold: fromMinor(offer.spendToThreshold, r.currency),
            Balance: fromMinor(offer.balance, r.currency),
            CurrencyCode: r.r_currency,
            RedemptionDate: r.redemption_date,
            ExpirationDate: offer.expiresAt === null ? null : new Date(offer.expiresAt),
            ActivationDate: offer.activatedAt === null ? null : new Date(offer.activatedAt),
          }
        : null,
    ClaimInfo:
      withClaim && r.claimed_account_id !== null
        ? { AccountId: r.claimed_account_id, AccountNumber: r.c_number, ClaimDate: r.claim_date }
        : undefined,
  };
}

export const searchCouponsHandler: OperationHandler = async (ctx, req) => {
  const page = req.PageInfo as DObject | null | undefined;
  const fields = req.ReturnAdditionalFields;
  const result = await searchCoupons(
    ctx.knex,
    ctx.principal,
    {
      predicates: list((req.Predicates as DObject | null)?.Predicate).map((p): PredicateInput => ({
        field: str(p.Field),
        operator: str(p.Operator),
        value: str(p.Value),
      })),
      ordering: list((req.Ordering as DObject | null)?.OrderBy).map((o): OrderByInput => ({
        field: str(o.Field),
        order: str(o.Order),
      })),
      page: page ? { index: num(page.Index), size: num(page.Size) } : null,
      returnClaimInfo: Array.isArray(fields) && fields.includes('CouponClaimInfo'),
    },
    ctx.now,
  );
  return {
    Coupons: {
      Coupon: result.rows.map((r) =>
        couponValue(r, result.showRedemption(r) ? result.offers.get(r.id) : undefined, result.returnClaimInfo),
      ),
    },
  };
};
