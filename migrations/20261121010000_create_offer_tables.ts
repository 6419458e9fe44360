// The offer lifecycle (SPEC §5): the append-only events of each account, the materialised state the rules
// engine derives from them, and the append-only ledger of everything the engine decided.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('account_events', (t) => {
    t.comment(
      'Append-only inputs of the rules engine per account; the offers are a replay of these in (at, id) order.',
    );
    t.bigIncrements('id').comment('Arrival order; breaks ties between events at the same instant.');
    t.bigInteger('account_id').notNullable().references('accounts.id');
    t.text('kind')
      .notNullable()
      .checkIn(['claim', 'redeem', 'paymentMethodAdded', 'spend', 'revoke'], 'account_events_kind_check');
    t.timestamp('at', { useTz: true }).notNullable().comment('When the event happened (spend may be reported late).');
    t.bigInteger('coupon_id').references('coupons.id').comment('The coupon of a claim, redeem or revoke.');
    t.bigInteger('amount_minor').comment('Spend amount in minor units of the account currency.');
    t.jsonb('terms').comment('Offer terms copied from the coupon class at claim or redemption.');
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['account_id', 'at', 'id']);
  });
  await knex.raw(`ALTER TABLE account_events ADD CONSTRAINT account_events_spend_check
    CHECK (kind <> 'spend' OR (amount_minor IS NOT NULL AND amount_minor >= 0))`);
  // The last line of defence behind the row locks: a coupon is redeemed once, whatever the concurrency.
  await knex.raw(
    `CREATE UNIQUE INDEX account_events_one_redemption ON account_events (coupon_id) WHERE kind = 'redeem'`,
  );
  await knex.raw(`CREATE UNIQUE INDEX account_events_one_claim ON account_events (coupon_id) WHERE kind = 'claim'`);
  await knex.raw(`CREATE INDEX account_events_spend_month ON account_events (account_id, at) WHERE kind = 'spend'`);

  await knex.schema.createTable('account_states', (t) => {
    t.comment('The rules engine state of an account after its last applied event (a cache of the replay).');
    t.bigInteger('account_id').primary().references('accounts.id');
    t.jsonb('state').notNullable().comment('AccountState of src/rules as of its lastEvent.');
    t.timestamp('next_due_at', { useTz: true }).comment('Earliest pending expiry, for the expiry sweep.');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE INDEX account_states_due ON account_states (next_due_at) WHERE next_due_at IS NOT NULL');

  await knex.schema.createTable('ledger_entries', (t) => {
    t.comment(
      'Append-only ledger: status changes, threshold counts, credits, coverage, charges, forfeitures. A late event ' +
        'that changes history appends reversals (reverses_id) and new entries; nothing is updated or deleted.',
    );
    t.bigIncrements('id');
    t.bigInteger('account_id').notNullable().references('accounts.id');
    t.text('entry_key').notNullable().comment('Deterministic key of the entry within the account replay.');
    t.text('kind').notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.bigInteger('coupon_id').references('coupons.id');
    t.bigInteger('spend_event_id').references('account_events.id');
    t.bigInteger('amount_minor').notNullable();
    t.text('status_from');
    t.text('status_to');
    t.bigInteger('reverses_id').references('ledger_entries.id').comment('Set on a reversal: the entry it cancels.');
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['account_id', 'id']);
  });
  await knex.raw(
    'CREATE UNIQUE INDEX ledger_entries_one_reversal ON ledger_entries (reverses_id) WHERE reverses_id IS NOT NULL',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('ledger_entries');
  await knex.schema.dropTable('account_states');
  await knex.schema.dropTable('account_events');
}
