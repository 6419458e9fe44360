// User reads: by token hash and by user name for authentication, and who a user is for the offers page.
import type { Knex } from 'knex';
import { T, type DbUserRow } from './tables.ts';

export async function userByTokenHash(knex: Knex, hash: Buffer): Promise<DbUserRow | undefined> {
  return (await knex(T.users).where({ token_hash: hash }).first()) as DbUserRow | undefined;
}

/** The user of an exact (already trimmed) user name. */
export async function userByUsername(knex: Knex, username: string): Promise<DbUserRow | undefined> {
  return (await knex(T.users).where({ username }).first()) as DbUserRow | undefined;
}

/** The user's name and its customer's name; undefined for an unknown user. */
export async function userAndCustomerName(
  knex: Knex,
  userId: string,
): Promise<{ username: string | null; customerName: string } | undefined> {
  const row = (await knex(`${T.users} as u`)
    .join(`${T.customers} as c`, 'c.id', 'u.customer_id')
    .where('u.id', userId)
    .first('u.username', 'c.name')) as { username: string | null; name: string } | undefined;
  return row && { username: row.username, customerName: row.name };
}
