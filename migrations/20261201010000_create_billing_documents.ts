// Billing groups and billing documents (SPEC §4a): groups gather accounts of one customer and one currency; at
// each UTC month close every account (or group) with activity gets one immutable document, numbered from a
// counter that is never reused; late spend into a closed month becomes an adjustment line on the next document.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('billing_groups', (t) => {
    t.comment('A billing group of a customer (billing group create): its accounts share one monthly document.');
    t.bigIncrements('id').primary().comment('BillingGroupId.');
    t.bigInteger('customer_id').notNullable().references('customers.id').comment('The customer owning the group.');
    t.text('name').notNullable().comment('Name, unique per customer.');
    t.text('description').comment('Free text; null when none was given.');
    t.specificType('currency', 'char(3)').comment(
      'Currency of the accounts in the group: set by the first account added, null while the group is empty.',
    );
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['customer_id', 'name'], { indexName: 'billing_groups_name_per_customer' });
  });
  await knex.schema.createTable('billing_group_accounts', (t) => {
    t.comment('Membership of accounts in billing groups; an account is in at most one group.');
    t.bigInteger('account_id').primary().references('accounts.id').comment('The grouped account.');
    t.bigInteger('group_id').notNullable().references('billing_groups.id').comment('Its billing group.');
    t.timestamp('added_at', { useTz: true }).notNullable().comment('When it was added (service clock).');
    t.index(['group_id'], 'billing_group_accounts_group_idx');
  });
  await knex.schema.createTable('billing_month_closes', (t) => {
    t.comment(
      'One row per closed UTC month: inserted by the instance that closes it, in the transaction that issues ' +
        'the documents of the month, so a month is closed exactly once across instances.',
    );
    t.date('month').primary().comment('First day of the closed month.');
    t.integer('documents').notNullable().comment('How many documents the close issued.');
    t.timestamp('closed_at', { useTz: true }).notNullable().comment('When it was closed (service clock).');
  });
  await knex.schema.createTable('billing_document_counter', (t) => {
    t.comment('The last billing document number issued (one row); numbers are allocated in the issuing transaction.');
    t.smallint('id').primary().comment('Always 1.');
    t.bigInteger('last_number').notNullable().comment('The last number issued; 0 before the first.');
  });
  await knex.raw('ALTER TABLE billing_document_counter ADD CONSTRAINT billing_document_counter_one_row CHECK (id = 1)');
  await knex('billing_document_counter').insert({ id: 1, last_number: 0 });
  await knex.schema.createTable('billing_documents', (t) => {
    t.comment('An issued billing document (invoice) of one month, for one account or one billing group. Immutable.');
    t.bigIncrements('id').primary().comment('DocumentId.');
    t.bigInteger('number').notNullable().unique().comment('Sequential document number, never reused.');
    t.bigInteger('customer_id').notNullable().references('customers.id').comment('The customer billed.');
    t.bigInteger('account_id').references('accounts.id').comment('The account billed; null for a group document.');
    t.bigInteger('group_id').references('billing_groups.id').comment('The group billed; null for an account one.');
    t.specificType('currency', 'char(3)').notNullable().comment('Currency of every amount on the document.');
    t.date('month').notNullable().comment('First day of the UTC month the document bills.');
    t.timestamp('document_date', { useTz: true }).notNullable().comment('Issue date: the instant the month ended.');
    t.bigInteger('amount_minor').notNullable().comment('Cash charged, adjustments included, in minor units.');
    t.jsonb('content').notNullable().comment('Every figure and line of the document, as rendered (PDF and XML).');
    t.timestamp('issued_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now())
      .comment('When the close issued it (wall clock of the database).');
  });
  await knex.raw(`ALTER TABLE billing_documents ADD CONSTRAINT billing_documents_one_party
    CHECK ((account_id IS NULL) <> (group_id IS NULL))`);
  await knex.raw(`CREATE UNIQUE INDEX billing_documents_one_per_account_month ON billing_documents (account_id, month)
    WHERE account_id IS NOT NULL`);
  await knex.raw(`CREATE UNIQUE INDEX billing_documents_one_per_group_month ON billing_documents (group_id, month)
    WHERE group_id IS NOT NULL`);
  await knex.schema.createTable('billing_document_accounts', (t) => {
    t.comment('The accounts a document bills (one for an account document, the members for a group document).');
    t.bigInteger('document_id').notNullable().references('billing_documents.id');
    t.bigInteger('account_id').notNullable().references('accounts.id');
    t.primary(['document_id', 'account_id']);
    t.index(['account_id', 'document_id'], 'billing_document_accounts_account_idx');
  });
  await knex.schema.createTable('billing_document_lines', (t) => {
    t.comment(
      'The money lines of issued documents; their sums per account and month are what was billed, so the adjustments ' +
        'of the next close are what the ledger now says minus what was billed.',
    );
    t.bigIncrements('id').primary();
    t.bigInteger('document_id').notNullable().references('billing_documents.id');
    t.bigInteger('account_id').notNullable().references('accounts.id').comment('The account the line is about.');
    t.date('period').notNullable().comment('First day of the month the spend belongs to (earlier: an adjustment).');
    t.text('kind').notNullable().comment('spend (gross), credit (the coverage of an offer) or cash (charged).');
    t.bigInteger('coupon_id').references('coupons.id').comment('The offer of a credit line; null otherwise.');
    t.bigInteger('amount_minor').notNullable().comment('Amount in minor units (credit lines positive).');
    t.index(['account_id', 'period'], 'billing_document_lines_account_idx');
  });
  await knex.raw(`ALTER TABLE billing_document_lines ADD CONSTRAINT billing_document_lines_kind_check
    CHECK (kind IN ('spend', 'credit', 'cash'))`);
  // The month close reads the ledger by time (its first entry, a month's entries).
  await knex.raw('CREATE INDEX ledger_entries_at_idx ON ledger_entries (at)');
  await knex.schema.createTable('billing_document_files', (t) => {
    t.comment('Rendered documents, stored on first request so a repeat returns the same bytes forever.');
    t.bigInteger('document_id').notNullable().references('billing_documents.id');
    t.text('type').notNullable().comment('Pdf or Xml (DataType).');
    t.binary('data').notNullable().comment('The rendered bytes.');
    t.primary(['document_id', 'type']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('billing_document_files');
  await knex.raw('DROP INDEX ledger_entries_at_idx');
  await knex.schema.dropTable('billing_document_lines');
  await knex.schema.dropTable('billing_document_accounts');
  await knex.schema.dropTable('billing_documents');
  await knex.schema.dropTable('billing_document_counter');
  await knex.schema.dropTable('billing_month_closes');
  await knex.schema.dropTable('billing_group_accounts');
  await knex.schema.dropTable('billing_groups');
}
