// The rows behind GetCouponInfo: the coupons redeemed or claimed by the accounts of one customer. Each source is
// its own branch walking an index from the customer's accounts (accounts (customer_id, id), then the partial
// indexes coupons_redeemed_account_idx and coupons_claimed_account_idx), so the cost follows the customer's own
// coupons, never the size of the table (README "One tenant's volume never slows another").
import type { Knex } from 'knex';
import { T } from './tables.ts';

interface DbCouponInfoRow {
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

/** A coupon redeemed or claimed by an account of the customer, with its class's terms. */
export interface CouponInfoRecord {
  readonly couponId: string;
  readonly accountId: string;
  /** ISO 4217 code, trimmed. */
  readonly currency: string;
  readonly couponType: 'Acquisition' | 'Retention';
  readonly amountMinor: string;
  readonly spendThresholdMinor: string;
  readonly percentOff: string | null;
  readonly activeDays: number | null;
  readonly startDate: Date | null;
  readonly endDate: Date | null;
  readonly featureId: number | null;
  readonly claimDate: Date | null;
  readonly redemptionDate: Date | null;
  /** The class's ExpirationDate. */
  readonly expirationDate: Date | null;
}

function toCouponInfoRecord(r: DbCouponInfoRow): CouponInfoRecord {
  return {
    couponId: r.coupon_id,
    accountId: r.account_id,
    currency: r.currency.trim(),
    couponType: r.coupon_type,
    amountMinor: r.amount_minor,
    spendThresholdMinor: r.spend_threshold_minor,
    percentOff: r.percent_off,
    activeDays: r.active_days,
    startDate: r.start_date,
    endDate: r.end_date,
    featureId: r.feature_id,
    claimDate: r.claim_date,
    redemptionDate: r.redemption_date,
    expirationDate: r.expiration_date,
  };
}

/** The SQL and bindings of couponInfoRows (EXPLAIN checks run exactly this). */
export function couponInfoQuery(customerId: string): { sql: string; bindings: string[] } {
  // A coupon redeemed by one account after another claimed it belongs to the redeeming account only.
  const sql = `SELECT c.id AS coupon_id, c.account_id, c.currency, k.coupon_type, k.amount_minor,
          k.spend_threshold_minor, k.percent_off, k.active_days, k.start_date, k.end_date, k.feature_id,
          c.claim_date, c.redemption_date, k.expiration_date
     FROM (SELECT r.id, r.class_id, r.claim_date, r.redemption_date, a.id AS account_id, a.currency
             FROM ${T.accounts} a JOIN ${T.coupons} r ON r.redeemed_account_id = a.id
            WHERE a.customer_id = ?
           UNION ALL
           SELECT l.id, l.class_id, l.claim_date, l.redemption_date, a.id AS account_id, a.currency
             FROM ${T.accounts} a JOIN ${T.coupons} l ON l.claimed_account_id = a.id
            WHERE a.customer_id = ? AND l.redeemed_account_id IS NULL) c
     -- The class per coupon by primary key: OFFSET 0 keeps it from becoming a hash join over every tenant's classes.
     CROSS JOIN LATERAL (SELECT * FROM ${T.classes} WHERE id = c.class_id OFFSET 0) k
    ORDER BY c.id`;
  return { sql, bindings: [customerId, customerId] };
}

/** One row per coupon redeemed or claimed by an account of the customer, in mint order. */
export async function couponInfoRows(knex: Knex, customerId: string): Promise<CouponInfoRecord[]> {
  const q = couponInfoQuery(customerId);
  return ((await knex.raw(q.sql, q.bindings)) as { rows: DbCouponInfoRow[] }).rows.map(toCouponInfoRecord);
}
