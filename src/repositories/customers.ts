// Customer rows: existence, creation, and the share lock that orders spend against an Acquisition check.
import type { Knex } from 'knex';
import { T } from './tables.ts';

export async function customerExists(db: Knex, id: string): Promise<boolean> {
  return (await db(T.customers).where({ id }).first('id')) !== undefined;
}

export async function insertCustomer(db: Knex, name: string): Promise<string> {
  const [row] = (await db(T.customers).insert({ name }, ['id'])) as { id: string }[];
  return row!.id;
}

/**
 * Share-locks, in id order, the customers of the given accounts: a redemption checking whether one of them is new
 * (it holds the customer row for update) is then ordered before or after the caller's transaction.
 */
export async function shareLockCustomersOfAccounts(tx: Knex.Transaction, accountIds: readonly string[]): Promise<void> {
  await tx.raw(
    `SELECT 1 FROM ${T.customers} WHERE id IN (SELECT customer_id FROM ${T.accounts} WHERE id IN (${accountIds.map(() => '?').join(',')})) ORDER BY id FOR SHARE`,
    [...accountIds],
  );
}
