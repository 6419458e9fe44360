// User rows: by token hash and by user name for authentication, who a user is for the offers page, and creation.
import type { Knex } from 'knex';
import { T, type DbUserRow, type Role } from './tables.ts';

/** A user as services see it: its customer, role, and the hashes its credentials are checked against. */
export interface User {
  readonly id: string;
  readonly customerId: string;
  readonly role: Role;
  readonly tokenHash: Buffer;
  readonly tokenExpiresAt: Date | null;
  readonly developerTokenHash: Buffer;
  readonly username: string | null;
  readonly passwordHash: string | null;
  readonly createdAt: Date;
}

const toUser = (r: DbUserRow | undefined): User | undefined =>
  r && {
    id: r.id,
    customerId: r.customer_id,
    role: r.role,
    tokenHash: r.token_hash,
    tokenExpiresAt: r.token_expires_at,
    developerTokenHash: r.developer_token_hash,
    username: r.username,
    passwordHash: r.password_hash,
    createdAt: r.created_at,
  };

export async function userByTokenHash(knex: Knex, hash: Buffer): Promise<User | undefined> {
  return toUser((await knex(T.users).where({ token_hash: hash }).first()) as DbUserRow | undefined);
}

/** The user of an exact (already trimmed) user name. */
export async function userByUsername(knex: Knex, username: string): Promise<User | undefined> {
  return toUser((await knex(T.users).where({ username }).first()) as DbUserRow | undefined);
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

/** A user to insert: the id and creation time are the database's. */
export type NewUser = Omit<User, 'id' | 'createdAt'>;

/** Inserts the user and returns its id; a taken user name raises the unique violation. */
export async function insertUser(db: Knex, u: NewUser): Promise<string> {
  const [row] = (await db(T.users).insert(
    {
      customer_id: u.customerId,
      role: u.role,
      token_hash: u.tokenHash,
      token_expires_at: u.tokenExpiresAt,
      developer_token_hash: u.developerTokenHash,
      username: u.username,
      password_hash: u.passwordHash,
    },
    ['id'],
  )) as { id: string }[];
  return row!.id;
}
