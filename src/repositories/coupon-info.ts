// The rows behind GetCouponInfo: the coupons redeemed or claimed by the accounts of one customer. Each source is
// its own branch walking an index from the customer's accounts (accounts (customer_id, id), then the partial
// indexes coupons_redeemed_account_idx and coupons_claimed_account_idx), so the cost follows the customer's own
// coupons, never the size of the table (README "One tenant's volume never slows another").
import type { Knex } from 'knex';
import { preparedArrays } from './prepared.ts';
import { T } from './tables.ts';

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

/**
 * A row of couponInfoQuery, read as an array of its columns in SELECT order (preparedArrays): 1,000 offers are
 * 1,000 rows, and one object per row with a property per column was a visible share of the call.
 */
function toCouponInfoRecord(r: unknown[]): CouponInfoRecord {
  return {
    couponId: r[0] as string,
    accountId: r[1] as string,
    currency: (r[2] as string).trim(),
    couponType: r[3] as 'Acquisition' | 'Retention',
    amountMinor: r[4] as string,
    spendThresholdMinor: r[5] as string,
    percentOff: r[6] as string | null,
    activeDays: r[7] as number | null,
    startDate: r[8] as Date | null,
    endDate: r[9] as Date | null,
    featureId: r[10] as number | null,
    claimDate: r[11] as Date | null,
    redemptionDate: r[12] as Date | null,
    expirationDate: r[13] as Date | null,
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

/**
 * One row per coupon redeemed or claimed by an account of the customer, in mint order. A named prepared statement
 * (planned once per connection), each row read as an array.
 */
export async function couponInfoRows(knex: Knex, customerId: string): Promise<CouponInfoRecord[]> {
  const q = couponInfoQuery(customerId);
  return (await preparedArrays(knex, q.sql, q.bindings)).map(toCouponInfoRecord);
}
