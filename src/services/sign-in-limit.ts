// The one limiter of failed sign-ins, shared by SOAP authentication and the /offers page (SPEC §8). Counts live in
// PostgreSQL, so failures on one instance pause the same keys on every other. Wall-clock time, not the test clock:
// a simulated month must not release a paused key.
import type { Knex } from 'knex';
import {
  deleteFailuresBefore,
  deleteKeyFailures,
  insertFailures,
  nthRecentFailures,
} from '../repositories/sign-in-failures.ts';
import { limitKeys, signInWaitMs, type LimitKeys, type SignInLimit } from '../rules/sign-in-limit.ts';

/** Milliseconds to wait before a sign-in on these keys is tried at all; 0 = go ahead. */
export async function signInWait(knex: Knex, k: LimitKeys, limit: SignInLimit, wallNow: Date): Promise<number> {
  if (limit.maxFailures <= 0) return 0;
  const since = new Date(wallNow.getTime() - limit.windowMs);
  const nth = await nthRecentFailures(knex, limitKeys(k), limit.maxFailures, since);
  return Math.max(0, ...nth.map((at) => signInWaitMs(at, limit, wallNow)));
}

export async function recordSignInFailure(knex: Knex, k: LimitKeys, limit: SignInLimit, wallNow: Date): Promise<void> {
  if (limit.maxFailures <= 0) return;
  await deleteFailuresBefore(knex, new Date(wallNow.getTime() - limit.windowMs));
  await insertFailures(knex, limitKeys(k), wallNow);
}

/** A successful sign-in clears the user name's failures, not the address's: one good password must not reset it. */
export async function clearUsernameFailures(knex: Knex, username: string): Promise<void> {
  const user = limitKeys({ ip: '', username }).find((key) => key.scope === 'username');
  if (user) await deleteKeyFailures(knex, user);
}
