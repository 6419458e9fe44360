// Customers, their accounts and users, coupon classes and coupons (SPEC §3).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('customers', (t) => {
    t.comment('An advertiser customer: owns accounts, users and coupon classes.');
    t.bigIncrements('id');
    t.text('name').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('accounts', (t) => {
    t.comment('An ad account of a customer, with its currency and billing relationship.');
    t.bigIncrements('id');
    t.bigInteger('customer_id').notNullable().references('customers.id');
    t.text('number').notNullable().unique().comment('Account number such as F1234567.');
    t.specificType('currency', 'char(3)').notNullable().comment('ISO 4217 code of the account currency.');
    t.bigInteger('bill_to_customer_id').notNullable().references('customers.id');
    t.timestamp('payment_method_added_at', { useTz: true }).comment('When the primary payment method was added.');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['customer_id', 'id']);
    t.index(['bill_to_customer_id']);
  });
  await knex.schema.createTable('users', (t) => {
    t.comment('An API user of a customer. Secrets are stored only as hashes.');
    t.bigIncrements('id');
    t.bigInteger('customer_id').notNullable().references('customers.id');
    t.text('role').notNullable().checkIn(['SuperAdmin', 'Standard', 'ViewOnly'], 'users_role_check');
    t.binary('token_hash').notNullable().unique().comment('SHA-256 of the AuthenticationToken.');
    t.timestamp('token_expires_at', { useTz: true }).comment('When the AuthenticationToken expires (null: never).');
    t.binary('developer_token_hash').notNullable().comment('SHA-256 of the DeveloperToken.');
    t.text('username').unique().comment('Legacy UserName sign-in (optional).');
    t.text('password_hash').comment('scrypt hash of the legacy Password, with its salt and parameters.');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('coupon_classes', (t) => {
    t.comment('A coupon class (offer definition) owned by a customer; coupons are minted from it.');
    t.bigIncrements('id');
    t.bigInteger('customer_id').notNullable().references('customers.id');
    t.text('name').notNullable();
    t.text('coupon_type').notNullable().checkIn(['Acquisition', 'Retention'], 'coupon_classes_type_check');
    t.bigInteger('amount_minor').notNullable().comment('Coupon value in minor units of the currency.');
    t.bigInteger('spend_threshold_minor').notNullable().defaultTo(0).comment('Cash spend needed before the credit.');
    t.specificType('currency', 'char(3)').notNullable();
    t.decimal('percent_off', 7, 4).comment('Percent of each spend covered (null: the whole spend).');
    t.integer('active_days').comment('ActiveDuration: days the offer lasts after redemption.');
    t.timestamp('start_date', { useTz: true }).comment('Redemption window start.');
    t.timestamp('end_date', { useTz: true }).comment('Redemption window end.');
    t.timestamp('expiration_date', { useTz: true }).comment('The coupon expires at this instant.');
    t.integer('redeem_within_days').comment('Days after dispatch within which the coupon must be redeemed.');
    t.integer('feature_id').comment('Feature-adoption classes: the feature this class rewards.');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['customer_id', 'name']);
    t.index(['feature_id']);
  });
  await knex.raw(`ALTER TABLE coupon_classes
    ADD CONSTRAINT coupon_classes_amount_check CHECK (amount_minor > 0),
    ADD CONSTRAINT coupon_classes_threshold_check CHECK (spend_threshold_minor >= 0),
    ADD CONSTRAINT coupon_classes_percent_check CHECK (percent_off IS NULL OR (percent_off > 0 AND percent_off <= 100)),
    ADD CONSTRAINT coupon_classes_days_check CHECK (active_days IS NULL OR active_days > 0)`);
  await knex.schema.createTable('coupons', (t) => {
    t.comment(
      'A coupon minted from a class. Owner, class name and start date are copied from the class so searches stay on one index.',
    );
    t.bigIncrements('id').comment('Mint order.');
    t.bigInteger('class_id').notNullable().references('coupon_classes.id');
    t.bigInteger('owner_customer_id').notNullable().references('customers.id');
    t.text('class_name').notNullable();
    t.timestamp('start_date', { useTz: true });
    t.text('code').notNullable().unique().comment('Upper-case code; matched case-insensitively after trimming.');
    t.timestamp('minted_at', { useTz: true }).notNullable();
    t.text('send_to_email');
    t.timestamp('send_to_date', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
    t.text('revoke_reason');
    t.bigInteger('redeemed_account_id').references('accounts.id');
    t.timestamp('redemption_date', { useTz: true });
    t.bigInteger('claimed_account_id').references('accounts.id');
    t.timestamp('claim_date', { useTz: true });
    t.index(['owner_customer_id', 'id']);
    t.index(['owner_customer_id', 'class_name', 'id']);
    t.index(['owner_customer_id', 'start_date', 'id']);
    t.index(['class_id', 'id']);
  });
  await knex.raw(
    'CREATE INDEX coupons_redeemed_account_idx ON coupons (redeemed_account_id, id) WHERE redeemed_account_id IS NOT NULL',
  );
  await knex.raw(
    'CREATE INDEX coupons_claimed_account_idx ON coupons (claimed_account_id, id) WHERE claimed_account_id IS NOT NULL',
  );
  await knex.raw(`ALTER TABLE coupons ADD CONSTRAINT coupons_redemption_check
    CHECK ((redeemed_account_id IS NULL) = (redemption_date IS NULL))`);
  await knex.schema.createTable('test_clock', (t) => {
    t.comment('Offset of the simulated clock (BILLING_TEST_CLOCK=1), shared by every instance.');
    t.integer('id').primary();
    t.bigInteger('offset_ms').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('test_clock');
  await knex.schema.dropTable('coupons');
  await knex.schema.dropTable('coupon_classes');
  await knex.schema.dropTable('users');
  await knex.schema.dropTable('accounts');
  await knex.schema.dropTable('customers');
}
