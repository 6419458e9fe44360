// Account reads of the offers page: a customer's accounts, and one account's number and currency.
import type { Knex } from 'knex';
import { T, type DbAccountRow } from './tables.ts';

/** Every account of the customer, in id order. */
export async function accountsOfCustomer(knex: Knex, customerId: string): Promise<DbAccountRow[]> {
  return (await knex(T.accounts).where({ customer_id: customerId }).orderBy('id')) as DbAccountRow[];
}

export async function accountNumberAndCurrency(
  knex: Knex,
  accountId: string,
): Promise<{ number: string; currency: string } | undefined> {
  return (await knex(T.accounts).where({ id: accountId }).first('number', 'currency')) as
    { number: string; currency: string } | undefined;
}
