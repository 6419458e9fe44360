// The email outbox (SPEC §4 DispatchCoupons): messages are written in the same transaction as the coupon
// assignment that causes them, then delivered by the worker in src/mail/. Also a partial index over the coupons
// that can still be dispatched, so DispatchCoupons' `SELECT … FOR UPDATE SKIP LOCKED` never walks past the
// coupons already handed out.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('outbox', (t) => {
    t.comment(
      'Emails waiting to be sent, sent, or given up on. Written in the transaction that causes them; delivered by ' +
        'the outbox worker of any instance, which claims rows with FOR UPDATE SKIP LOCKED and a lease.',
    );
    t.bigIncrements('id').comment('Also names the message: Message-ID <outbox-ID@domain>, file outbox-ID.eml.');
    t.text('kind').notNullable().comment('What the message is about, e.g. coupon_dispatch.');
    t.text('to_email').notNullable().comment('The single recipient address (validated before it is queued).');
    t.bigInteger('coupon_id').references('coupons.id').comment('The coupon the message carries, if any.');
    t.text('subject').notNullable().comment('Subject line, rendered when the message was queued.');
    t.text('text').notNullable().comment('Plain-text body, rendered when the message was queued.');
    t.text('html').notNullable().comment('HTML body (values HTML-escaped), rendered when the message was queued.');
    t.text('status')
      .notNullable()
      .defaultTo('pending')
      .checkIn(['pending', 'sent', 'failed'], 'outbox_status_check')
      .comment('pending until delivered (sent) or given up after the last attempt or a permanent refusal (failed).');
    t.integer('attempts')
      .notNullable()
      .defaultTo(0)
      .comment('Delivery attempts started; incremented when a worker claims the row, so a crash mid-send counts.');
    t.timestamp('next_attempt_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now())
      .comment('Not retried before this instant (exponential backoff after a failure).');
    t.timestamp('locked_until', { useTz: true }).comment(
      'Lease of the worker sending it; after it passes, another worker may take the row over (at-least-once).',
    );
    t.text('last_error').comment('Why the last attempt failed.');
    t.timestamp('sent_at', { useTz: true }).comment('When the SMTP server (or the .eml file) accepted the message.');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`ALTER TABLE outbox ADD CONSTRAINT outbox_attempts_check CHECK (attempts >= 0)`);
  // Bodies are a few KB, written once and read once: storing them uncompressed (out of line) makes queueing
  // 1,000 emails about twice as fast as compressing each one, for a little more disk.
  await knex.raw(`ALTER TABLE outbox ALTER COLUMN text SET STORAGE EXTERNAL, ALTER COLUMN html SET STORAGE EXTERNAL`);
  // The worker's claim query: pending rows due now, oldest first.
  await knex.raw(`CREATE INDEX outbox_due_idx ON outbox (next_attempt_at, id) WHERE status = 'pending'`);
  await knex.raw(`CREATE INDEX outbox_status_idx ON outbox (status, id)`);
  // Last line of defence: a coupon is dispatched once, so it is mailed by DispatchCoupons once.
  await knex.raw(
    `CREATE UNIQUE INDEX outbox_dispatch_coupon_uniq ON outbox (coupon_id) WHERE kind = 'coupon_dispatch'`,
  );
  await knex.raw(`CREATE INDEX coupons_dispatchable_idx ON coupons (class_id, id)
    WHERE send_to_email IS NULL AND redeemed_account_id IS NULL AND claimed_account_id IS NULL AND revoked_at IS NULL`);
  await knex.raw(
    `COMMENT ON INDEX coupons_dispatchable_idx IS 'Coupons DispatchCoupons may still hand out, in mint order.'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS coupons_dispatchable_idx');
  await knex.schema.dropTable('outbox');
}
