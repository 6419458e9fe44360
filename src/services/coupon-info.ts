// GetCouponInfo and GetAccountMonthlySpend (SPEC §4).
import type { Knex } from 'knex';
import { AdApiError } from '../errors.ts';
import { statusByte, type Offer } from '../rules/index.ts';
import { OT } from '../repositories/offers.ts';
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

/** Total spend recorded for the account in the UTC calendar month containing `monthYear`, in minor units. */
export async function getAccountMonthlySpend(
  knex: Knex,
  p: Principal,
  accountId: string,
  monthYear: Date,
): Promise<{ account: DbAccountRow; totalMinor: string }> {
  const account = await accountForRead(knex, p, accountId);
  const from = new Date(Date.UTC(monthYear.getUTCFullYear(), monthYear.getUTCMonth(), 1));
  const to = new Date(Date.UTC(monthYear.getUTCFullYear(), monthYear.getUTCMonth() + 1, 1));
  const row = (await knex(OT.events)
    .where({ account_id: accountId, kind: 'spend' })
    .andWhere('at', '>=', from)
    .andWhere('at', '<', to)
    .sum({ total: 'amount_minor' })
    .first()) as { total: string | null } | undefined;
  return { account, totalMinor: row?.total ?? '0' };
}
