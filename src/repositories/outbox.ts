// Outbox queries (STYLE 4, 5): queueing messages inside the caller's transaction, claiming due rows for one worker
// with FOR UPDATE SKIP LOCKED and a lease, and recording outcomes. Every outcome update is fenced by the attempt
// number the worker claimed, so a worker whose lease ran out (and whose row another worker took over) changes
// nothing. Scheduling uses the database's clock, the one clock every instance shares.
import type { Knex } from 'knex';
import { T, type DbOutboxRow, type OutboxStatus } from './tables.ts';

/** The outbox kind of DispatchCoupons' emails (at most one per coupon: outbox_dispatch_coupon_uniq). */
export const COUPON_DISPATCH = 'coupon_dispatch';
export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['pending', 'sent', 'failed'];

export interface NewOutboxMessage {
  readonly kind: string;
  readonly toEmail: string;
  readonly couponId: string | null;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/**
 * Queues messages in one statement, whatever their number (the rows travel as one JSON parameter, so 1,000
 * messages are one round trip, not 1,000). Call it with the transaction that makes the messages true.
 */
export async function enqueueMessages(db: Knex | Knex.Transaction, msgs: readonly NewOutboxMessage[]): Promise<void> {
  if (msgs.length === 0) return;
  const rows = msgs.map((m) => ({
    kind: m.kind,
    to_email: m.toEmail,
    coupon_id: m.couponId,
    subject: m.subject,
    text: m.text,
    html: m.html,
  }));
  await db.raw(
    `INSERT INTO ${T.outbox} (kind, to_email, coupon_id, subject, text, html)
     SELECT x.kind, x.to_email, x.coupon_id, x.subject, x.text, x.html
       FROM json_to_recordset(?::json) AS x(kind text, to_email text, coupon_id bigint, subject text, text text, html text)`,
    [JSON.stringify(rows)],
  );
}

/**
 * Takes up to `limit` due messages for this worker: attempts is incremented and the row leased for `leaseMs`.
 * Rows another worker is claiming right now are skipped, not waited for; rows whose lease ran out (their worker
 * died mid-send) are due again.
 */
export async function claimDue(knex: Knex, limit: number, leaseMs: number): Promise<DbOutboxRow[]> {
  const { rows } = (await knex.raw(
    `WITH due AS (
       SELECT id FROM ${T.outbox}
        WHERE status = 'pending' AND next_attempt_at <= now() AND (locked_until IS NULL OR locked_until <= now())
        ORDER BY next_attempt_at, id
        LIMIT ?
        FOR UPDATE SKIP LOCKED)
     UPDATE ${T.outbox} o
        SET attempts = o.attempts + 1, locked_until = now() + ? * interval '1 millisecond'
       FROM due
      WHERE o.id = due.id
     RETURNING o.*`,
    [limit, leaseMs],
  )) as { rows: DbOutboxRow[] };
  return rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
}

export interface Claimed {
  readonly id: string;
  readonly attempts: number;
}

/** Renews the lease of messages still being sent, so a slow server never lets another worker take them over. */
export async function extendLease(knex: Knex, held: readonly Claimed[], leaseMs: number): Promise<void> {
  if (held.length === 0) return;
  await knex.raw(
    `UPDATE ${T.outbox} o SET locked_until = now() + ? * interval '1 millisecond'
       FROM json_to_recordset(?::json) AS x(id bigint, attempts int)
      WHERE o.id = x.id AND o.attempts = x.attempts AND o.status = 'pending'`,
    [leaseMs, JSON.stringify(held)],
  );
}

/** Marks delivered messages sent, in one statement. */
export async function markSent(knex: Knex, done: readonly Claimed[]): Promise<number> {
  if (done.length === 0) return 0;
  const { rowCount } = (await knex.raw(
    `UPDATE ${T.outbox} o
        SET status = 'sent', sent_at = now(), locked_until = NULL, last_error = NULL
       FROM json_to_recordset(?::json) AS x(id bigint, attempts int)
      WHERE o.id = x.id AND o.attempts = x.attempts AND o.status = 'pending'`,
    [JSON.stringify(done)],
  )) as { rowCount: number | null };
  return rowCount ?? 0;
}

/** Schedules another attempt after `delayMs`. */
export async function markRetry(knex: Knex, c: Claimed, delayMs: number, error: string): Promise<void> {
  await knex.raw(
    `UPDATE ${T.outbox}
        SET locked_until = NULL, next_attempt_at = now() + ? * interval '1 millisecond', last_error = ?
      WHERE id = ? AND attempts = ? AND status = 'pending'`,
    [delayMs, error, c.id, c.attempts],
  );
}

/** Gives up on a message: it stays in the table, status failed, with the reason. */
export async function markFailed(knex: Knex, c: Claimed, error: string): Promise<void> {
  await knex.raw(
    `UPDATE ${T.outbox} SET status = 'failed', locked_until = NULL, last_error = ?
      WHERE id = ? AND attempts = ? AND status = 'pending'`,
    [error, c.id, c.attempts],
  );
}

export interface OutboxListItem {
  readonly email: string;
  readonly couponCode: string | null;
  readonly status: OutboxStatus;
  readonly attempts: number;
}

/** The operator's view (`billing outbox [--status …]`), oldest first. */
export async function listOutboxMessages(knex: Knex, status: OutboxStatus | null): Promise<OutboxListItem[]> {
  const q = knex({ o: T.outbox })
    .leftJoin({ c: T.coupons }, 'c.id', 'o.coupon_id')
    .select({ email: 'o.to_email', couponCode: 'c.code', status: 'o.status', attempts: 'o.attempts' })
    .orderBy('o.id');
  if (status) q.where('o.status', status);
  return (await q) as OutboxListItem[];
}
