// GetCouponInfo and GetAccountMonthlySpend (SPEC §4). Both answer domain views: no row reaches a handler or the page.
import type { Knex } from 'knex';
import { AdApiError, ApiError } from '../errors.ts';
import { decideMonthlySpendPeriod, isFinal, statusByte, type Offer, type OfferStatus } from '../rules/index.ts';
import { spendTotalMinor } from '../repositories/spend-totals.ts';
import { couponInfoRows, type CouponInfoRecord } from '../repositories/coupon-info.ts';
import type { CouponType } from '../repositories/tables.ts';
import type { Principal } from './auth.ts';
import { offersAsOf } from './account-events.ts';
import { accountForRead } from './coupon-access.ts';

export type { CouponType, Offer, OfferStatus };

/** A coupon redeemed or claimed by an account of the customer, with its offer as the engine has it now. */
export interface CouponInfo extends CouponInfoRecord {
  /** The offer's own expiry once it has one, else the coupon's ExpirationDate. */
  readonly expirationDate: Date | null;
  /** Undefined when the account's events hold no offer for the coupon yet. */
  readonly offer: Offer | undefined;
  /** GetCouponInfo's Status byte of the offer's status; null without an offer. */
  readonly status: number | null;
  /** Depleted, Expired or Revoked: the offer will not change again. */
  readonly final: boolean;
}

// Every field written out (no spread): 1,000 of these per call, each of one fixed shape.
function couponInfo(row: CouponInfoRecord, offer: Offer | undefined): CouponInfo {
  return {
    couponId: row.couponId,
    accountId: row.accountId,
    currency: row.currency,
    couponType: row.couponType,
    amountMinor: row.amountMinor,
    spendThresholdMinor: row.spendThresholdMinor,
    percentOff: row.percentOff,
    activeDays: row.activeDays,
    startDate: row.startDate,
    endDate: row.endDate,
    featureId: row.featureId,
    claimDate: row.claimDate,
    redemptionDate: row.redemptionDate,
    expirationDate: offer !== undefined && offer.expiresAt !== null ? new Date(offer.expiresAt) : row.expirationDate,
    offer,
    status: offer ? statusByte(offer.status) : null,
    final: offer ? isFinal(offer.status) : false,
  };
}

/** One entry per coupon redeemed or claimed by an account of the customer, with its offer as of now. */
export async function getCouponInfo(knex: Knex, p: Principal, customerId: string, now: Date): Promise<CouponInfo[]> {
  if (customerId !== p.customerId) throw new AdApiError(106);
  const rows = await couponInfoRows(knex, customerId);
  const offers = await offersAsOf(knex, [...new Set(rows.map((r) => r.accountId))], now);
  return rows.map((row) => couponInfo(row, offers.get(row.couponId)));
}

/**
 * Total spend recorded for the account in the UTC month of `monthYear` (day and time ignored), month-to-date for the
 * current month, in minor units of the account's currency. A future month is refused with 201 before the account is looked up: it is a
 * request value no account could make valid.
 */
export async function getAccountMonthlySpend(
  knex: Knex,
  p: Principal,
  accountId: string,
  monthYear: Date,
  now: Date,
): Promise<{ currency: string; totalMinor: string }> {
  const period = decideMonthlySpendPeriod(monthYear, now);
  if (period.kind === 'refuseFutureMonth')
    throw ApiError.of(
      201,
      `MonthYear: ${period.month} is a future month; the current month is ${period.currentMonth}.`,
    );
  const account = await accountForRead(knex, p, accountId);
  return {
    currency: account.currency.trim(),
    totalMinor: await spendTotalMinor(knex, accountId, period.from, period.to),
  };
}
