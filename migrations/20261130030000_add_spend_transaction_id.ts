// Retries never double-count (SPEC §6): a spend event may carry the partner's own transaction id, unique per
// account, so that a batch retried after a lost connection is recognised and ignored instead of recorded twice.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('account_events', (t) => {
    t.text('transaction_id').comment(
      'Idempotency key of a spend event given by the operator or partner (--transaction-id); unique per account, ' +
        'a repeat is reported as a duplicate and recorded nowhere. Null when none was given.',
    );
  });
  // The last line of defence behind the account row lock under which spend is recorded.
  await knex.raw(
    `CREATE UNIQUE INDEX account_events_one_transaction ON account_events (account_id, transaction_id)
     WHERE transaction_id IS NOT NULL`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX account_events_one_transaction');
  await knex.schema.alterTable('account_events', (t) => {
    t.dropColumn('transaction_id');
  });
}
