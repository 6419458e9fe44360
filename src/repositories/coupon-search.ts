// Queries behind SearchCoupons that are not the search itself.
import type { Knex } from 'knex';
import { preparedRows } from './prepared.ts';
import { T } from './tables.ts';

/** Those of `accountIds` that belong to the customer (one statement text whatever the number of ids). */
export async function accountsOfCustomer(
  knex: Knex,
  customerId: string,
  accountIds: readonly string[],
): Promise<Set<string>> {
  if (accountIds.length === 0) return new Set();
  const rows = await preparedRows<{ id: string }>(
    knex,
    `SELECT id FROM ${T.accounts} WHERE customer_id = ? AND id = ANY(?::bigint[])`,
    [customerId, [...accountIds]],
  );
  return new Set(rows.map((r) => String(r.id)));
}
