// Where notifications about an account go: DistributeCoupons with SendNotification=true mails each account it
// claims a coupon for (SPEC §4 Claims). Users carry no email address, so the account does; it is optional, and an
// account without one gets no notification.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('accounts', (t) => {
    t.text('email').comment(
      'Notification address of the account (billing account create --email); null: no coupon notifications.',
    );
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('accounts', (t) => {
    t.dropColumn('email');
  });
}
