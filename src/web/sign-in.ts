// Checking the credentials typed into the sign-in form. A token sign-in goes through the SOAP header check itself
// (services/auth.ts `authenticate`). A UserName + Password sign-in checks the same user row and the same scrypt
// hash as the SOAP legacy path, without the DeveloperToken: that token identifies an API application, and a
// person at a browser has none (Microsoft's own web UI asks for none either).
import type { Knex } from 'knex';
import { AdApiError } from '../errors.ts';
import { T, type DbUserRow } from '../repositories/tables.ts';
import { authenticate, checkPassword, type Principal } from '../services/auth.ts';
import { hashPassword } from '../secrets.ts';

let dummyHash: Promise<string> | null = null;

export async function signInWithPassword(knex: Knex, username: string, password: string): Promise<Principal> {
  if (username.trim() === '' || password.trim() === '') throw new AdApiError(105);
  const user = (await knex(T.users).where({ username: username.trim() }).first()) as DbUserRow | undefined;
  // An unknown name costs the same scrypt as a wrong password, so timing does not reveal which names exist.
  const stored = user?.password_hash ?? (await (dummyHash ??= hashPassword('no such user: timing equaliser')));
  const ok = await checkPassword(password, stored);
  if (!user?.password_hash || !ok) throw new AdApiError(105);
  return { userId: user.id, customerId: user.customer_id, role: user.role };
}

export function signInWithToken(
  knex: Knex,
  authenticationToken: string,
  developerToken: string,
  now: Date,
): Promise<Principal> {
  return authenticate(knex, { authenticationToken, developerToken, userName: null, password: null }, now);
}

/** A readable reason for a failed sign-in. */
export function signInFailureText(e: AdApiError, method: 'password' | 'token'): string {
  if (e.code === 109) return 'That authentication token has expired. Get a new one, then sign in again.';
  return method === 'password'
    ? 'The user name or password is not correct. Check both and try again.'
    : 'That authentication token and developer token do not match a user. Paste both again, without spaces.';
}
