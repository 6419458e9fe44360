// Authentication of SOAP requests from their header values (SPEC §2, §3).
import type { Knex } from 'knex';
import { AdApiError } from '../errors.ts';
import { T, type DbUserRow, type Role } from '../repositories/tables.ts';
import { hashPassword, newToken, sameHash, tokenHash, verifyPassword } from '../secrets.ts';

export interface Credentials {
  readonly authenticationToken: string | null;
  readonly developerToken: string | null;
  readonly userName: string | null;
  readonly password: string | null;
}

export interface Principal {
  readonly userId: string;
  readonly customerId: string;
  readonly role: Role;
}

const present = (v: string | null): v is string => v !== null && v.trim() !== '';

let dummy: Promise<string> | null = null;
const dummyHash = (): Promise<string> => (dummy ??= hashPassword(newToken()));

/**
 * AuthenticationToken + DeveloperToken, or the legacy UserName + Password + DeveloperToken. The PHP SDK sends
 * every header, empty ones included, so an empty UserName/Password beside a token is not an error.
 */
export async function authenticate(knex: Knex, c: Credentials, now: Date): Promise<Principal> {
  if (!present(c.developerToken)) throw new AdApiError(105);
  let user: DbUserRow | undefined;
  if (present(c.authenticationToken)) {
    user = (await knex(T.users)
      .where({ token_hash: tokenHash(c.authenticationToken.trim()) })
      .first()) as DbUserRow | undefined;
    if (!user) throw new AdApiError(105);
    if (user.token_expires_at && user.token_expires_at.getTime() <= now.getTime()) throw new AdApiError(109);
  } else if (present(c.userName) && present(c.password)) {
    user = (await knex(T.users).where({ username: c.userName.trim() }).first()) as DbUserRow | undefined;
    // An unknown user name costs the same hash as a wrong password, so timing does not reveal which names exist.
    const ok = await verifyPassword(c.password, user?.password_hash ?? (await dummyHash()));
    if (!user?.password_hash || !ok) throw new AdApiError(105);
  } else throw new AdApiError(105);
  if (!sameHash(tokenHash(c.developerToken.trim()), user.developer_token_hash)) throw new AdApiError(105);
  return { userId: user.id, customerId: user.customer_id, role: user.role };
}
