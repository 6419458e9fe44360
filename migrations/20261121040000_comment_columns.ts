// Documents the columns the earlier migrations left without a comment.
import type { Knex } from 'knex';

const COMMENTS: Record<string, Record<string, string>> = {
  customers: { name: 'Display name of the customer.' },
  users: { role: 'SuperAdmin, Standard or ViewOnly: what the user may do.' },
  coupon_classes: {
    name: 'Class name, unique per customer (CouponClassName / ClassName on the wire).',
    coupon_type: 'Acquisition (new customers only) or Retention (anyone).',
    currency: 'ISO 4217 currency of the amounts; a coupon redeems only on an account in this currency.',
  },
  coupons: {
    class_name: 'Copy of the class name, for ordering and filtering on the coupon indexes.',
    start_date: 'Copy of the class StartDate, for ordering on the coupon indexes.',
    minted_at: 'When the coupon was minted.',
    send_to_email: 'Address the coupon was dispatched to (DispatchCoupons).',
    send_to_date: 'When the coupon was dispatched; starts the redeem-within window.',
    revoked_at: 'When the operator revoked the coupon (never redeemable after).',
    revoke_reason: 'Why the operator revoked the coupon.',
    redemption_date: 'When the coupon was redeemed (RedemptionDate).',
    claim_date: 'When the coupon was claimed for an account (ClaimDate).',
  },
  account_events: { kind: 'claim, redeem, paymentMethodAdded, spend or revoke.' },
  ledger_entries: {
    kind: 'status, threshold, credit, covered, charge or forfeit.',
    at: 'When the entry takes effect in the replayed timeline.',
    amount_minor: 'Amount in minor units of the account currency (negative on a reversal; 0 for status changes).',
    status_from: 'Offer status before a status entry.',
    status_to: 'Offer status after a status entry.',
  },
  test_clock: { offset_ms: 'Milliseconds added to the system clock to give the simulated now.' },
};

export async function up(knex: Knex): Promise<void> {
  for (const [table, columns] of Object.entries(COMMENTS))
    for (const [column, text] of Object.entries(columns))
      await knex.raw('COMMENT ON COLUMN ??.?? IS ' + knex.raw('?', [text]).toQuery(), [table, column]);
}

export async function down(knex: Knex): Promise<void> {
  for (const [table, columns] of Object.entries(COMMENTS))
    for (const column of Object.keys(columns)) await knex.raw('COMMENT ON COLUMN ??.?? IS NULL', [table, column]);
}
