// Queries behind SearchCoupons that are not the search itself.
import type { Knex } from 'knex';
import { preparedRows } from './prepared.ts';
import { T } from './tables.ts';

/**
 * The ids of the customer's accounts, through accounts (customer_id, id): the search binds them as one array, so
 * its branches over redeemed and claimed coupons start from the caller's own accounts.
 */
export async function accountIdsOfCustomer(knex: Knex, customerId: string): Promise<string[]> {
  const rows = await preparedRows<{ id: string }>(
    knex,
    `SELECT id FROM ${T.accounts} WHERE customer_id = ? ORDER BY id`,
    [customerId],
  );
  return rows.map((r) => String(r.id));
}
