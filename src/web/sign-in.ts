// Checking the credentials typed into the sign-in form, through services/auth.ts: a token sign-in is the SOAP
// header check itself (`authenticate`); a UserName + Password sign-in is its password check without the
// DeveloperToken (`signInWithPassword`).
import type { Knex } from 'knex';
import type { AdApiError } from '../errors.ts';
import { authenticate, type Principal } from '../services/auth.ts';

export { signInWithPassword } from '../services/auth.ts';

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
