// One failure log for every way of signing in: the /offers page's table becomes the limiter of SOAP
// authentication too (UserName/Password and tokens), shared by all instances through the database.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE web_sign_in_failures RENAME TO sign_in_failures');
  await knex.raw('ALTER INDEX web_sign_in_failures_key_idx RENAME TO sign_in_failures_key_idx');
  await knex.raw('ALTER INDEX web_sign_in_failures_age_idx RENAME TO sign_in_failures_age_idx');
  await knex.raw(
    'ALTER TABLE sign_in_failures RENAME CONSTRAINT web_sign_in_failures_scope_check TO sign_in_failures_scope_check',
  );
  await knex.raw(`COMMENT ON TABLE sign_in_failures IS
    'Failed sign-ins of the SOAP API (UserName/Password or tokens) and of the /offers page, one row per limited key '
    'and failure, kept for the limit''s window (SIGN_IN_WINDOW_MS). Shared through the database so every instance '
    'counts the same failures and pauses the same keys.'`);
  await knex.raw(`COMMENT ON COLUMN sign_in_failures.scope IS
    'What the key limits: the client address (socket address), or the user name tried (trimmed, lower-cased).'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`COMMENT ON TABLE sign_in_failures IS
    'Failed sign-ins of the /offers page, one row per limited key, kept for the rate-limit window. Shared '
    'through the database so every instance enforces the same limit.'`);
  await knex.raw(`COMMENT ON COLUMN sign_in_failures.scope IS
    'What the key limits: the client address, or the user name tried.'`);
  await knex.raw(
    'ALTER TABLE sign_in_failures RENAME CONSTRAINT sign_in_failures_scope_check TO web_sign_in_failures_scope_check',
  );
  await knex.raw('ALTER INDEX sign_in_failures_age_idx RENAME TO web_sign_in_failures_age_idx');
  await knex.raw('ALTER INDEX sign_in_failures_key_idx RENAME TO web_sign_in_failures_key_idx');
  await knex.raw('ALTER TABLE sign_in_failures RENAME TO web_sign_in_failures');
}
