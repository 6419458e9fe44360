// The outbox worker: every instance runs one; they share the work through the database (SPEC §7). Each round
// claims a batch of due messages (FOR UPDATE SKIP LOCKED + a lease, so no two workers hold the same row), sends
// them with several in flight, and records each outcome. Delivery is at-least-once: a worker killed mid-send
// leaves its rows leased, and when the lease runs out another worker sends them again under the same
// Message-ID, which lets receivers de-duplicate. A failed attempt is retried with exponential backoff until
// maxAttempts; a permanent SMTP refusal (5yz) fails the message at once.
import type { Knex } from 'knex';
import type { Logger } from '../log.ts';
import { databaseTimeout } from '../repositories/db.ts';
import { claimDue, extendLease, markFailed, markRetry, markSent, type Claimed } from '../repositories/outbox.ts';
import { PermanentMailError, type MailTransport } from './transport.ts';

export interface OutboxWorkerOptions {
  /** Pause between rounds when there was nothing (more) to do. Default 1000 ms. */
  readonly pollMs?: number;
  /** Messages claimed per round. Default 50. */
  readonly batchSize?: number;
  /** Attempts before a message is marked failed. Default 8. */
  readonly maxAttempts?: number;
  /** Delay after the first failed attempt; doubles with each further one. Default 30 s. */
  readonly retryBaseMs?: number;
  /** Longest delay between attempts. Default 1 h. */
  readonly retryMaxMs?: number;
  /** How long a claimed row is reserved for its worker; longer than any send can take. Default 2 min. */
  readonly leaseMs?: number;
  /** Rounds run side by side, so the next batch is claimed while the last one's slowest sends finish. Default 2. */
  readonly lanes?: number;
  /**
   * Sends in flight at once across the lanes, each started in an event-loop turn of its own (composing a message
   * holds the loop for about a millisecond). Default 5, the SMTP transport's connections.
   */
  readonly sendConcurrency?: number;
}

export interface OutboxWorkerDeps extends OutboxWorkerOptions {
  readonly knex: Knex;
  readonly log: Logger;
  readonly transport: MailTransport;
  /** false: no background loop (tests drive it with runOnce). Default true. */
  readonly autoStart?: boolean;
}

export interface OutboxWorker {
  /** Stops the loop, waits for the round in flight, closes the transport. */
  stop(): Promise<void>;
  /** One round: claims and handles up to batchSize due messages; resolves to how many it handled. */
  runOnce(): Promise<number>;
}

/** Delay before attempt `attempts + 1`: base · 2^(attempts−1), capped, with up to 10 % jitter so workers spread. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp * (1 + Math.random() * 0.1));
}

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e)).slice(0, 1000);

export function startOutboxWorker(deps: OutboxWorkerDeps): OutboxWorker {
  const pollMs = deps.pollMs ?? 1000;
  const batchSize = deps.batchSize ?? 50;
  const maxAttempts = deps.maxAttempts ?? 8;
  const retryBaseMs = deps.retryBaseMs ?? 30_000;
  const retryMaxMs = deps.retryMaxMs ?? 3_600_000;
  const leaseMs = deps.leaseMs ?? 120_000;
  const lanes = deps.lanes ?? 2;
  const { knex, log, transport } = deps;

  const sendConcurrency = Math.max(1, deps.sendConcurrency ?? 5);

  // Composing a message (MIME headers, quoted-printable bodies, in stream steps) is synchronous work of about a
  // millisecond: a batch of 50 started at once had 50 compositions in the same event-loop turns and held every
  // request for tens of ms. So at most `sendConcurrency` sends are in flight across the lanes, and each starts in an
  // event-loop turn of its own (setImmediate); their I/O (file writes, SMTP) still overlaps.
  let free = sendConcurrency;
  const waiting: (() => void)[] = [];
  async function sendSlot(): Promise<void> {
    if (free > 0) free--;
    else await new Promise<void>((r) => waiting.push(r));
    await new Promise<void>((r) => setImmediate(r));
  }
  function releaseSlot(): void {
    const next = waiting.shift();
    if (next) next();
    else free++;
  }

  async function runOnce(): Promise<number> {
    const rows = await claimDue(knex, batchSize, leaseMs);
    if (rows.length === 0) return 0;
    const sent: Claimed[] = [];
    // Until their outcome is recorded the rows' lease is renewed: however slow the server, no other worker takes
    // them over (which would send them twice).
    const inFlight = new Map<string, Claimed>();
    const renew = setInterval(() => {
      extendLease(knex, [...inFlight.values()], leaseMs).catch((e: unknown) =>
        log.warn('outbox lease not renewed', { error: describe(e) }),
      );
    }, leaseMs / 3);
    // A row whose outcome cannot be recorded (database away) keeps its lease and is retried when it runs out.
    const settled = await Promise.allSettled(
      rows.map(async (row) => {
        const claim: Claimed = { id: row.id, attempts: row.attempts };
        if (row.attempts > maxAttempts) {
          // The last allowed attempt never reported back (its worker died mid-send): give up.
          await markFailed(knex, claim, `${row.last_error ?? 'no answer'}; the last attempt was interrupted`);
          log.warn('outbox message failed', { outboxId: row.id, attempts: row.attempts - 1 });
          return;
        }
        inFlight.set(row.id, claim);
        try {
          await sendSlot();
          try {
            await transport.send({
              id: row.id,
              to: row.to_email,
              subject: row.subject,
              text: row.text,
              html: row.html,
              createdAt: row.created_at,
            });
          } finally {
            releaseSlot();
          }
          sent.push(claim); // recorded below, with the others; its lease is renewed until then
        } catch (e) {
          inFlight.delete(row.id);
          const reason = describe(e);
          if (e instanceof PermanentMailError || row.attempts >= maxAttempts) {
            await markFailed(knex, claim, reason);
            log.warn('outbox message failed', { outboxId: row.id, attempts: row.attempts, error: reason });
          } else {
            const delay = backoffMs(row.attempts, retryBaseMs, retryMaxMs);
            await markRetry(knex, claim, delay, reason);
            log.info('outbox message deferred', {
              outboxId: row.id,
              attempts: row.attempts,
              delayMs: delay,
              error: reason,
            });
          }
        }
      }),
    );
    for (const r of settled)
      if (r.status === 'rejected') log.error('outbox outcome not recorded', { error: describe(r.reason) });
    const marked = await markSent(knex, sent).finally(() => clearInterval(renew));
    if (marked < sent.length)
      // Another worker took over a row whose lease had run out: it may send that message again (same Message-ID).
      log.warn('outbox lease lost while sending', { sent: sent.length, marked });
    return rows.length;
  }

  let stopped = false;
  const sleepers = new Set<() => void>();
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        sleepers.delete(done);
        resolve();
      }
      sleepers.add(done);
    });

  async function loop(): Promise<void> {
    let failures = 0;
    while (!stopped) {
      let handled = 0;
      try {
        handled = await runOnce();
        failures = 0;
      } catch (e) {
        // The database is away: keep polling, more slowly, and say so once per streak.
        // A database timeout (a lock held elsewhere, a full pool) is a bound doing its job: a warning, not an error.
        const timeout = databaseTimeout(e);
        if (failures++ === 0)
          (timeout ? log.warn : log.error)('outbox worker round failed', {
            error: describe(e),
            timeout: timeout ?? undefined,
          });
      }
      if (stopped) break;
      if (handled < batchSize) await sleep(failures > 0 ? Math.min(pollMs * 2 ** failures, 30_000) : pollMs);
    }
  }

  const running =
    deps.autoStart === false ? Promise.resolve() : Promise.all(Array.from({ length: lanes }, () => loop()));
  return {
    runOnce,
    async stop() {
      stopped = true;
      for (const wake of [...sleepers]) wake();
      await running;
      await transport.close();
    },
  };
}
