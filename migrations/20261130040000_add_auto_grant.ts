// Offers that activate themselves (SPEC §4 "Auto-granted offers", the TikTok seed): a class created with
// `--auto-grant new-accounts` redeems one of its coupons to each account created afterwards under its customer.
// Each attempt is recorded, with the reason when no coupon could be granted, so that `billing offers` can say why.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('coupon_classes', (t) => {
    t.text('auto_grant').comment(
      "'new-accounts': each account created afterwards under the class's customer is granted one coupon of the " +
        'class at creation (billing class create --auto-grant new-accounts); null: coupons are only dispatched, ' +
        'distributed or redeemed by code.',
    );
  });
  await knex.raw(
    `ALTER TABLE coupon_classes ADD CONSTRAINT coupon_classes_auto_grant_check
       CHECK (auto_grant IS NULL OR auto_grant = 'new-accounts')`,
  );
  await knex.schema.createTable('auto_grants', (t) => {
    t.comment(
      'One row per auto-grant class and account created after it: the coupon redeemed to the account at ' +
        'creation, or why none could be (shown by billing offers as a NotGranted entry).',
    );
    t.bigIncrements('id').primary().comment('Attempt id.');
    t.bigInteger('class_id')
      .notNullable()
      .references('id')
      .inTable('coupon_classes')
      .comment('The auto-grant class the account was to get a coupon of.');
    t.bigInteger('account_id')
      .notNullable()
      .references('id')
      .inTable('accounts')
      .comment('The account created after the class.');
    t.bigInteger('coupon_id')
      .references('id')
      .inTable('coupons')
      .comment('The coupon redeemed to the account; null when none could be granted.');
    t.integer('code').comment(
      'Why no coupon was granted: the RedeemCoupon error code (4503, 4504, 4505, 4506, …), 4508 when the class ' +
        'had no coupon left, 0 for an internal error; null when granted.',
    );
    t.text('reason').comment('Why no coupon was granted, in words; null when granted.');
    t.timestamp('at', { useTz: true }).notNullable().comment('When the account was created (service clock).');
    t.unique(['class_id', 'account_id'], { indexName: 'auto_grants_one_per_class_and_account' });
    t.index(['account_id'], 'auto_grants_account_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('auto_grants');
  await knex.raw('ALTER TABLE coupon_classes DROP CONSTRAINT coupon_classes_auto_grant_check');
  await knex.schema.alterTable('coupon_classes', (t) => {
    t.dropColumn('auto_grant');
  });
}
