// GetCouponInfo and GetAccountMonthlySpend (SPEC §4).
import type { Knex } from 'knex';
import { AdApiError } from '../errors.ts';
import { statusByte, type Offer } from '../rules/index.ts';
import { OT } from '../repositories/offers.ts';
import { T, type DbAccountRow } from '../repositories/tables.ts';
import type { Principal } from './auth.ts';
import { offersAsOf } from './account-events.ts';
import { accountForRead } from './redeem-coupon.ts';

export interface CouponInfoRow {
  coupon_id: string;
  account_id: string;
  currency: string;
  coupon_type: 'Acquisition' | 'Retention';
  amount_minor: string;
  spend_threshold_minor: string;
  percent_off: string | null;
  active_days: number | null;
  start_date: Date | null;
  end_date: Date | null;
  feature_id: number | null;
  claim_date: Date | null;
  redemption_date: Date | null;
  expiration_date: Date | null;
}

export interface CouponInfo {
  readonly row: CouponInfoRow;
  readonly offer: Offer | undefined;
  readonly status: number | null;
}

/** One entry per coupon redeemed or claimed by an account of the customer, with its offer as of now. */
export async function getCouponInfo(knex: Knex, p: Principal, customerId: string, now: Date): Promise<CouponInfo[]> {
  if (customerId !== p.customerId) throw new AdApiError(106);
  const { rows } = (await knex.raw(
    `SELECT c.id AS coupon_id, COALESCE(c.redeemed_account_id, c.claimed_account_id) AS account_id, a.currency,
            k.coupon_type, k.amount_minor, k.spend_threshold_minor, k.percent_off, k.active_days, k.start_date,
            k.end_date, k.feature_id, c.claim_date, c.redemption_date, k.expiration_date
       FROM ${T.coupons} c JOIN ${T.classes} k ON k.id = c.class_id
       JOIN ${T.accounts} a ON a.id = COALESCE(c.redeemed_account_id, c.claimed_account_id)
      WHERE a.customer_id = ?
      ORDER BY c.id`,
    [customerId],
  )) as { rows: CouponInfoRow[] };
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
