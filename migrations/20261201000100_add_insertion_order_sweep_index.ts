// The sweep of insertion orders (src/services/insertion-order-sweep.ts) reads, each tick, the orders the clock or the
// spend may still change: NotStarted and Active ones, and approved ones whose NotificationThreshold was not reached
// yet. This partial index holds only those, in id order, so a tick reads them and not every Canceled, Declined or
// Expired order ever made. Its predicate is the one repositories/insertion-orders.ts lockSweepBatch() queries with.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    `CREATE INDEX insertion_orders_sweep_idx ON insertion_orders (id)
      WHERE status IN ('Active', 'NotStarted')
         OR (status IN ('Active', 'Exhausted', 'Expired', 'NotStarted')
             AND notification_threshold IS NOT NULL AND threshold_notified_at IS NULL)`,
  );
  await knex.raw(
    `COMMENT ON INDEX insertion_orders_sweep_idx IS 'Orders the insertion-order sweep may still move or notify.'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX insertion_orders_sweep_idx');
}
