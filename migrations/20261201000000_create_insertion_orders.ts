// Invoice-billed accounts and their insertion orders (SPEC §4a, issue 12). An account is prepaid (the default) or
// invoice-billed; insertion orders exist only for invoice accounts. An order's approved terms live in its own
// columns; a change requested after approval waits in the pending_* columns until it is approved, declined or
// canceled (InsertionOrderPendingChanges). Each status change the sweep or a user makes is recorded once in
// insertion_order_events.
import type { Knex } from 'knex';

const STATUSES = [
  'Active',
  'Canceled',
  'Declined',
  'Exhausted',
  'Expired',
  'NotStarted',
  'PendingUserReview',
  'Queued',
];
const CHANGE_STATUSES = ['ApproveChanges', 'CancelChanges', 'DeclineChanges', 'PendingUserReview'];
const list = (values: string[]): string => values.map((v) => `'${v}'`).join(', ');

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('accounts', (t) => {
    t.boolean('invoice_billed')
      .notNullable()
      .defaultTo(false)
      .comment(
        'true: the account is billed by monthly invoice and may hold insertion orders (billing account create ' +
          '--invoice); false: prepaid / card (the default).',
      );
  });
  await knex.schema.createTable('insertion_orders', (t) => {
    t.comment(
      'An insertion order of an invoice account: the maximum it will spend between two UTC dates ' +
        '(InsertionOrder). Created approved by AddInsertionOrder or PendingUserReview by billing io create.',
    );
    t.bigIncrements('id').primary().comment('InsertionOrder Id.');
    t.bigInteger('account_id')
      .notNullable()
      .references('id')
      .inTable('accounts')
      .comment('The invoice account the order applies to (AccountId); never changes.');
    t.text('name').comment('Name (at most 100 characters); null when none was given.');
    t.text('comment').comment('Comment (at most 100 characters); null when none was given.');
    t.text('purchase_order').comment(
      'PurchaseOrder (at most 50 characters), printed on the monthly billing documents; null when none.',
    );
    t.text('booking_country_code').comment('BookingCountryCode as the client sent it on add (internal use).');
    t.bigInteger('reference_id').comment('ReferenceId as the client sent it (internal use).');
    t.date('start_date').notNullable().comment('StartDate: first UTC day on which spend counts against the order.');
    t.date('end_date').comment('EndDate: last UTC day on which spend counts; null when the order is endless.');
    t.boolean('is_endless').notNullable().defaultTo(false).comment('IsEndless: the order has no end date.');
    t.boolean('is_unlimited')
      .notNullable()
      .defaultTo(false)
      .comment('IsUnlimited: no spend cap; the order is never Exhausted and shows no budget figures.');
    t.bigInteger('spend_cap_minor').comment(
      "SpendCapAmount in minor units of the account's currency; null when the order is unlimited.",
    );
    t.decimal('notification_threshold', 9, 4).comment(
      'NotificationThreshold: percent (0–100) of the cap whose first reach queues one email; null: no email.',
    );
    t.text('status').notNullable().comment('InsertionOrderStatus.');
    t.text('created_by')
      .notNullable()
      .comment("'advertiser' (AddInsertionOrder) or 'operator' (billing io create, starts PendingUserReview).");
    t.bigInteger('last_modified_by_user_id').comment(
      'LastModifiedByUserId: the user who last changed the order; null when the operator or the system did.',
    );
    t.timestamp('last_modified_at', { useTz: true }).notNullable().comment('LastModifiedTime (service clock).');
    t.timestamp('threshold_notified_at', { useTz: true }).comment(
      'When the NotificationThreshold email was queued; null until the threshold is first reached.',
    );
    t.text('pending_change_status').comment(
      'InsertionOrderPendingChangesStatus of the latest change request; null when none was ever made.',
    );
    t.text('pending_name').comment('Requested Name; null: unchanged.');
    t.text('pending_comment').comment('Requested Comment; null: unchanged.');
    t.text('pending_purchase_order').comment('Requested PurchaseOrder; null: unchanged.');
    t.date('pending_start_date').comment('Requested StartDate; null: unchanged.');
    t.date('pending_end_date').comment('Requested EndDate; null: unchanged.');
    t.bigInteger('pending_spend_cap_minor').comment('Requested SpendCapAmount in minor units; null: unchanged.');
    t.decimal('pending_notification_threshold', 9, 4).comment('Requested NotificationThreshold; null: unchanged.');
    t.bigInteger('pending_reference_id').comment('Requested ReferenceId; null: unchanged.');
    t.bigInteger('pending_requested_by_user_id').comment('RequestedByUserId: the user who requested the change.');
    t.timestamp('pending_modified_at', { useTz: true }).comment(
      'ModifiedDateTime: when the change was requested or last decided.',
    );
    t.timestamp('created_at', { useTz: true }).notNullable().comment('When the order was created (service clock).');
    t.index(['account_id', 'id'], 'insertion_orders_account_idx');
    t.index(['status', 'id'], 'insertion_orders_status_idx');
  });
  await knex.raw(
    `ALTER TABLE insertion_orders
       ADD CONSTRAINT insertion_orders_status_check CHECK (status IN (${list(STATUSES)})),
       ADD CONSTRAINT insertion_orders_change_status_check
         CHECK (pending_change_status IS NULL OR pending_change_status IN (${list(CHANGE_STATUSES)})),
       ADD CONSTRAINT insertion_orders_created_by_check CHECK (created_by IN ('advertiser', 'operator')),
       ADD CONSTRAINT insertion_orders_dates_check CHECK (end_date IS NULL OR end_date > start_date),
       ADD CONSTRAINT insertion_orders_cap_check
         CHECK (is_unlimited OR (spend_cap_minor IS NOT NULL AND spend_cap_minor >= 0))`,
  );
  await knex.schema.createTable('insertion_order_events', (t) => {
    t.comment(
      'Each status change of an insertion order, recorded once (by the user who made it, or by the sweep of ' +
        'one instance), and each threshold email queued.',
    );
    t.bigIncrements('id').primary().comment('Event id.');
    t.bigInteger('insertion_order_id')
      .notNullable()
      .references('id')
      .inTable('insertion_orders')
      .comment('The order that changed.');
    t.text('kind')
      .notNullable()
      .comment("'status' (from_status → to_status), 'changes' (pending change decided) or 'threshold' (email queued).");
    t.text('from_status').comment('Status (or ChangeStatus) before; null for a new order or a threshold email.');
    t.text('to_status').comment('Status (or ChangeStatus) after; null for a threshold email.');
    t.bigInteger('by_user_id').comment('The user who made the change; null: the operator or the sweep.');
    t.timestamp('at', { useTz: true }).notNullable().comment('When the change was recorded (service clock).');
    t.index(['insertion_order_id', 'id'], 'insertion_order_events_order_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('insertion_order_events');
  await knex.schema.dropTable('insertion_orders');
  await knex.schema.alterTable('accounts', (t) => {
    t.dropColumn('invoice_billed');
  });
}
