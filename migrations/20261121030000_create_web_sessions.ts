// The advertiser web page (/offers, src/web/): server-side sessions and the sign-in failure log behind its rate
// limit. Only hashes of session ids are stored, so a copy of this table cannot be replayed as cookies.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('web_sessions', (t) => {
    t.comment(
      'Browser sessions of the /offers page. A visitor gets an anonymous session (user_id null) that carries the ' +
        'CSRF token of the sign-in form; signing in replaces it with a new session id (no session fixation).',
    );
    t.binary('id_hash')
      .primary()
      .comment('SHA-256 of the session id. The id itself exists only in the HttpOnly cookie of the browser.');
    t.bigInteger('user_id')
      .references('users.id')
      .onDelete('CASCADE')
      .comment('The signed-in user; null before sign-in. Deleting the user ends its sessions.');
    t.text('auth_method')
      .checkIn(['password', 'token'], 'web_sessions_auth_method_check')
      .comment('How the user signed in: UserName + Password, or AuthenticationToken + DeveloperToken.');
    t.text('flash').comment('One-shot message (JSON) shown by the next page after a redirect, then cleared.');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true })
      .notNullable()
      .comment('Absolute end of the session (wall-clock time, not the test clock).');
  });
  await knex.raw(`ALTER TABLE web_sessions ADD CONSTRAINT web_sessions_signed_in_check
    CHECK ((user_id IS NULL) = (auth_method IS NULL))`);
  await knex.raw('CREATE INDEX web_sessions_expires_idx ON web_sessions (expires_at)');
  await knex.raw('CREATE INDEX web_sessions_user_idx ON web_sessions (user_id) WHERE user_id IS NOT NULL');

  await knex.schema.createTable('web_sign_in_failures', (t) => {
    t.comment(
      'Failed sign-ins of the /offers page, one row per limited key, kept for the rate-limit window. Shared ' +
        'through the database so every instance enforces the same limit.',
    );
    t.bigIncrements('id');
    t.text('scope')
      .notNullable()
      .checkIn(['ip', 'username'], 'web_sign_in_failures_scope_check')
      .comment('What the key limits: the client address, or the user name tried.');
    t.binary('key_hash').notNullable().comment('SHA-256 of the address or of the lower-cased user name.');
    t.timestamp('failed_at', { useTz: true }).notNullable().comment('Wall-clock time of the failure.');
  });
  // The limiter counts recent failures per key; old rows are deleted by failed_at.
  await knex.raw('CREATE INDEX web_sign_in_failures_key_idx ON web_sign_in_failures (scope, key_hash, failed_at)');
  await knex.raw('CREATE INDEX web_sign_in_failures_age_idx ON web_sign_in_failures (failed_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('web_sign_in_failures');
  await knex.schema.dropTable('web_sessions');
}
