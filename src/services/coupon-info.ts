// GetCouponInfo and GetAccountMonthlySpend (SPEC §4).
import type { Knex } from 'knex';
import { AdApiError, ApiError } from '../errors.ts';
import { decideMonthlySpendPeriod, statusByte, type Offer } from '../rules/index.ts';
import { spendTotalMinor } from '../repositories/spend-totals.ts';
import { couponInfoRows, type CouponInfoRow } from '../repositories/coupon-info.ts';
import type { DbAccountRow } from '../repositories/tables.ts';
import type { Principal } from './auth.ts';
import { offersAsOf } from './account-events.ts';
import { accountForRead } from './redeem-coupon.ts';

export type { CouponInfoRow };

export interface CouponInfo {
  readonly row: CouponInfoRow;
  readonly offer: Offer | undefined;
  readonly status: number | null;
}

/** One entry per coupon redeemed or claimed by an account of the customer, with its offer as of now. */
export async function getCouponInfo(knex: Knex, p: Principal, customerId: string, now: Date): Promise<CouponInfo[]> {
  if (customerId !== p.customerId) throw new AdApiError(106);
  const rows = await couponInfoRows(knex, customerId);
  const offers = await offersAsOf(knex, [...new Set(rows.map((r) => r.account_id))], now);
  return rows.map((row) => {
    const offer = offers.get(row.coupon_id);
    return { row, offer, status: offer ? statusByte(offer.status) : null };
  });
}

/**
 * Total spend recorded for the account in the UTC month of `monthYear` (day and time ignored), month-to-date for the
 * current month, in minor units. A future month is refused with 201 before the account is looked up: it is a
 * request value no account could make valid.
 */
export async function getAccountMonthlySpend(
  knex: Knex,
  p: Principal,
  accountId: string,
  monthYear: Date,
  now: Date,
): Promise<{ account: DbAccountRow; totalMinor: string }> {
  const period = decideMonthlySpendPeriod(monthYear, now);
  if (period.kind === 'refuseFutureMonth')
    throw ApiError.of(
      201,
      `MonthYear: ${period.month} is a future month; the current month is ${period.currentMonth}.`,
    );
  const account = await accountForRead(knex, p, accountId);
  return { account, totalMinor: await spendTotalMinor(knex, accountId, period.from, period.to) };
}
