// Sign-in rate limit of the /offers page: the shared limiter of services/sign-in-limit.ts (also behind SOAP
// authentication), with the page's defaults for callers that have no configuration at hand.
import type { Knex } from 'knex';
import { DEFAULT_SIGN_IN_LIMIT } from '../config.ts';
import {
  recordSignInFailure as record,
  signInWait,
  type LimitKeys,
  type SignInLimit,
} from '../services/sign-in-limit.ts';

export { clearUsernameFailures, type LimitKeys } from '../services/sign-in-limit.ts';
export const MAX_FAILURES = DEFAULT_SIGN_IN_LIMIT.maxFailures;
export const WINDOW_MS = DEFAULT_SIGN_IN_LIMIT.windowMs;

/** True when the address or the user name is paused. */
export async function signInBlocked(
  knex: Knex,
  k: LimitKeys,
  wallNow: Date,
  limit: SignInLimit = DEFAULT_SIGN_IN_LIMIT,
): Promise<boolean> {
  return (await signInWait(knex, k, limit, wallNow)) > 0;
}

export function recordSignInFailure(
  knex: Knex,
  k: LimitKeys,
  wallNow: Date,
  limit: SignInLimit = DEFAULT_SIGN_IN_LIMIT,
): Promise<void> {
  return record(knex, k, limit, wallNow);
}
