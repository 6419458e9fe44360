// Whether a customer is still new, for Acquisition coupons (SPEC §4 RedeemCoupon 4506; the claim checks use the same
// test). Read per account of that customer only, so other tenants' volume never enters it.
import { OT } from './offers.ts';
import { T } from './tables.ts';

/**
 * SQL, true when the customer `customer` (an SQL expression or `?`) is not new: some account of it has spend, or
 * has redeemed an Acquisition coupon (other than `exceptCoupon`, an SQL expression or `?`, when given). Walks the
 * customer's accounts through accounts (customer_id, id), then per account account_events_spend_month and
 * coupons_redeemed_account_idx, stopping at the first hit: it reads that customer's rows and no one else's.
 */
export function customerHasHistorySql(customer: string, exceptCoupon?: string): string {
  const except = exceptCoupon === undefined ? '' : ` AND hc.id <> ${exceptCoupon}`;
  return `EXISTS (SELECT 1 FROM ${T.accounts} ha WHERE ha.customer_id = ${customer}
    AND (EXISTS (SELECT 1 FROM ${OT.events} he WHERE he.account_id = ha.id AND he.kind = 'spend')
      OR EXISTS (SELECT 1 FROM ${T.coupons} hc JOIN ${T.classes} hk ON hk.id = hc.class_id
                  WHERE hc.redeemed_account_id = ha.id AND hk.coupon_type = 'Acquisition'${except})))`;
}
