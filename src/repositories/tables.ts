// Table names and typed rows (STYLE 5). int8 columns arrive as decimal strings, timestamptz as Date.

export const T = {
  customers: 'customers',
  accounts: 'accounts',
  users: 'users',
  classes: 'coupon_classes',
  coupons: 'coupons',
  testClock: 'test_clock',
  outbox: 'outbox',
  signInFailures: 'sign_in_failures',
  insertionOrders: 'insertion_orders',
  insertionOrderEvents: 'insertion_order_events',
} as const;

export type Role = 'SuperAdmin' | 'Standard' | 'ViewOnly';
export type CouponType = 'Acquisition' | 'Retention';

export interface DbAccountRow {
  id: string;
  customer_id: string;
  number: string;
  currency: string;
  bill_to_customer_id: string;
  payment_method_added_at: Date | null;
  /** Notification address (migration 20261121050000); null: no coupon emails. */
  email: string | null;
  /** Invoice-billed (migration 20261201000000): may hold insertion orders. */
  invoice_billed: boolean;
  created_at: Date;
}
export interface DbUserRow {
  id: string;
  customer_id: string;
  role: Role;
  token_hash: Buffer;
  token_expires_at: Date | null;
  developer_token_hash: Buffer;
  username: string | null;
  password_hash: string | null;
  created_at: Date;
}
export interface DbClassRow {
  id: string;
  customer_id: string;
  name: string;
  coupon_type: CouponType;
  amount_minor: string;
  spend_threshold_minor: string;
  currency: string;
  percent_off: string | null;
  active_days: number | null;
  start_date: Date | null;
  end_date: Date | null;
  expiration_date: Date | null;
  redeem_within_days: number | null;
  feature_id: number | null;
  /** 'new-accounts': one coupon is granted to each account created afterwards under the customer. */
  auto_grant?: 'new-accounts' | null;
  created_at: Date;
}
export interface DbCouponRow {
  id: string;
  class_id: string;
  owner_customer_id: string;
  class_name: string;
  start_date: Date | null;
  code: string;
  minted_at: Date;
  send_to_email: string | null;
  send_to_date: Date | null;
  revoked_at: Date | null;
  revoke_reason: string | null;
  redeemed_account_id: string | null;
  redemption_date: Date | null;
  claimed_account_id: string | null;
  claim_date: Date | null;
}

export type OutboxStatus = 'pending' | 'sent' | 'failed';
export interface DbOutboxRow {
  id: string;
  kind: string;
  to_email: string;
  coupon_id: string | null;
  subject: string;
  text: string;
  html: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: Date;
  locked_until: Date | null;
  last_error: string | null;
  sent_at: Date | null;
  created_at: Date;
}

export type InsertionOrderStatus =
  'Active' | 'Canceled' | 'Declined' | 'Exhausted' | 'Expired' | 'NotStarted' | 'PendingUserReview' | 'Queued';
export type InsertionOrderChangeStatus = 'ApproveChanges' | 'CancelChanges' | 'DeclineChanges' | 'PendingUserReview';

/** insertion_orders (migration 20261201000000). `date` columns arrive as 'YYYY-MM-DD' text (see db.ts). */
export interface DbInsertionOrderRow {
  id: string;
  account_id: string;
  name: string | null;
  comment: string | null;
  purchase_order: string | null;
  booking_country_code: string | null;
  reference_id: string | null;
  start_date: string;
  end_date: string | null;
  is_endless: boolean;
  is_unlimited: boolean;
  spend_cap_minor: string | null;
  notification_threshold: string | null;
  status: InsertionOrderStatus;
  created_by: 'advertiser' | 'operator';
  last_modified_by_user_id: string | null;
  last_modified_at: Date;
  threshold_notified_at: Date | null;
  pending_change_status: InsertionOrderChangeStatus | null;
  pending_name: string | null;
  pending_comment: string | null;
  pending_purchase_order: string | null;
  pending_start_date: string | null;
  pending_end_date: string | null;
  pending_spend_cap_minor: string | null;
  pending_notification_threshold: string | null;
  pending_reference_id: string | null;
  pending_requested_by_user_id: string | null;
  pending_modified_at: Date | null;
  created_at: Date;
}

export interface DbInsertionOrderEventRow {
  id: string;
  insertion_order_id: string;
  kind: 'status' | 'changes' | 'threshold';
  from_status: string | null;
  to_status: string | null;
  by_user_id: string | null;
  at: Date;
}
