// The insertion-order step of the periodic sweep (src/services/expiry-sweep.ts): records what the clock and the
// spend decided (NotStarted → Active at StartDate, → Exhausted when the spend reaches the cap, → Expired after
// EndDate) and queues the NotificationThreshold email when the threshold is first reached. Instances share the work:
// each batch is locked FOR UPDATE SKIP LOCKED, and every change is a conditional UPDATE, so nothing is recorded or
// mailed twice.
import type { Knex } from 'knex';
import type { Logger } from '../log.ts';
import { fromMinor } from '../money.ts';
import { enqueueMessages } from '../repositories/outbox.ts';
import {
  ioAccount,
  lockSweepBatch,
  markThresholdNotified,
  moveStatus,
  recordEvent,
  spendInWindows,
  type InsertionOrder,
  type IoAccount,
} from '../repositories/insertion-orders.ts';
import { inTransaction } from '../repositories/transaction.ts';
import { budgetFigures, currentStatus, spendWindow, thresholdReached, utcDay } from '../rules/insertion-orders.ts';

/** The outbox kind of NotificationThreshold emails (at most one per order and threshold). */
export const IO_THRESHOLD_EMAIL = 'insertion_order_threshold';

export interface IoSweepResult {
  /** Status changes recorded. */
  readonly moved: number;
  /** Threshold emails queued (or, for an account without an email, thresholds marked reached). */
  readonly notified: number;
}

function thresholdEmail(o: InsertionOrder, account: IoAccount, spentMinor: string, to: string) {
  const label = o.name ? `"${o.name}"` : `#${o.id}`;
  const figures = budgetFigures(o.spendCapMinor, spentMinor)!;
  const spent = `${fromMinor(figures.spentMinor, account.currency)} ${account.currency}`;
  const cap = `${fromMinor(o.spendCapMinor!, account.currency)} ${account.currency}`;
  const subject = `Insertion order ${label} has reached ${o.notificationThreshold}% of its budget`;
  const text =
    `Account ${account.number}: insertion order ${label} (${o.startDate} to ${o.endDate ?? 'no end date'}) has ` +
    `spent ${spent} of ${cap} (${figures.spentPercent}%).\n`;
  const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return { kind: IO_THRESHOLD_EMAIL, toEmail: to, couponId: null, subject, text, html: `<p>${esc(text.trim())}</p>` };
}

/** Sweeps every order that may move or notify, in id order, `batch` at a time. */
export async function sweepInsertionOrders(knex: Knex, now: Date, batch = 200): Promise<IoSweepResult> {
  const today = utcDay(now);
  let moved = 0;
  let notified = 0;
  let afterId = '0';
  for (;;) {
    const { size, last } = await inTransaction(knex, async (tx) => {
      const orders = await lockSweepBatch(tx, afterId, batch);
      const spent = await spendInWindows(
        tx,
        orders.map((o) => ({ orderId: o.id, accountId: o.accountId, ...spendWindow(o, now) })),
      );
      const accounts = new Map<string, IoAccount | null>();
      for (const o of orders) {
        const s = spent.get(o.id) ?? '0';
        const next = currentStatus(o.status, o, s, today);
        if (next !== o.status && (await moveStatus(tx, o.id, o.status, next, now))) moved++;
        if (o.thresholdNotifiedAt !== null || o.isUnlimited) continue;
        if (!thresholdReached(o.notificationThreshold, o.spendCapMinor, s)) continue;
        if (!(await markThresholdNotified(tx, o.id, now))) continue;
        if (!accounts.has(o.accountId)) accounts.set(o.accountId, await ioAccount(tx, o.accountId));
        const account = accounts.get(o.accountId);
        await recordEvent(tx, o.id, 'threshold', null, null, null, now);
        if (account?.email) await enqueueMessages(tx, [thresholdEmail(o, account, s, account.email)]);
        notified++;
      }
      return { size: orders.length, last: orders.at(-1)?.id ?? afterId };
    });
    if (size < batch) break;
    afterId = last;
  }
  return { moved, notified };
}

/** The step the periodic sweep runs each tick; logs what it recorded. */
export async function insertionOrderStep(knex: Knex, now: Date, log: Logger): Promise<void> {
  const r = await sweepInsertionOrders(knex, now);
  if (r.moved > 0 || r.notified > 0) log.info('insertion order sweep', { moved: r.moved, notified: r.notified });
}
