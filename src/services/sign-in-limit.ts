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
import { limitKeys, signInWaitMs, type LimitKey, type LimitKeys, type SignInLimit } from '../rules/sign-in-limit.ts';

export { waitSeconds, type LimitKeys, type SignInLimit } from '../rules/sign-in-limit.ts';

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

export interface SignInLimiter {
  readonly limit: SignInLimit;
  /** As signInWait, from a short-lived per-instance cache of the database's answer. */
  wait(k: LimitKeys, wallNow: Date): Promise<number>;
  recordFailure(k: LimitKeys, wallNow: Date): Promise<void>;
  clearUsername(username: string): Promise<void>;
}

/**
 * The limiter in front of every SOAP call. A busy client must not pay a query per call for a check that almost
 * always says "go ahead", so each key's `maxFailures`-th most recent failure time is kept for `freshMs` (one query
 * serves every concurrent call that needs it). Failures recorded here drop their keys from the cache at once;
 * failures recorded by another instance are seen within `freshMs`. At most about `cacheMax` keys are kept (the cache
 * is emptied when full).
 */
export function createSignInLimiter(knex: Knex, limit: SignInLimit, cacheMax: number, freshMs = 1000): SignInLimiter {
  const cache = new Map<string, { at: number; nth: Promise<Date | null> }>();
  // Every call checks its address: the address's hashed key and its cache id are made once, not per call.
  const ipKeys = new Map<string, LimitKey[]>();
  const ids = new WeakMap<LimitKey, string>();
  const keysOf = (k: LimitKeys): LimitKey[] => {
    if (k.username !== null) return limitKeys(k);
    let keys = ipKeys.get(k.ip);
    if (!keys) {
      if (ipKeys.size >= cacheMax) ipKeys.clear();
      ipKeys.set(k.ip, (keys = limitKeys(k)));
    }
    return keys;
  };
  const id = (k: LimitKey): string => {
    let known = ids.get(k);
    if (known === undefined) ids.set(k, (known = `${k.scope}:${k.hash.toString('base64')}`));
    return known;
  };
  const forget = (keys: readonly LimitKey[]): void => keys.forEach((k) => cache.delete(id(k)));

  function nthRecent(keys: readonly LimitKey[], wallNow: Date): Promise<(Date | null)[]> {
    const t = wallNow.getTime();
    const stale = keys.filter((k) => {
      const hit = cache.get(id(k));
      return !hit || t - hit.at >= freshMs || hit.at > t;
    });
    if (stale.length > 0) {
      if (cache.size + stale.length > cacheMax) cache.clear();
      const q = nthRecentFailures(knex, stale, limit.maxFailures, new Date(t - limit.windowMs));
      stale.forEach((k, i) => cache.set(id(k), { at: t, nth: q.then((r) => r[i] ?? null) }));
      q.catch(() => forget(stale));
    }
    return Promise.all(keys.map((k) => cache.get(id(k))!.nth));
  }

  return {
    limit,
    async wait(k, wallNow) {
      if (limit.maxFailures <= 0) return 0;
      const nth = await nthRecent(keysOf(k), wallNow);
      return Math.max(0, ...nth.map((at) => signInWaitMs(at, limit, wallNow)));
    },
    async recordFailure(k, wallNow) {
      if (limit.maxFailures <= 0) return;
      forget(limitKeys(k));
      await recordSignInFailure(knex, k, limit, wallNow);
      forget(limitKeys(k)); // a lookup that started meanwhile may have cached the count before this failure
    },
    async clearUsername(username) {
      forget(limitKeys({ ip: '', username }).filter((key) => key.scope === 'username'));
      await clearUsernameFailures(knex, username);
    },
  };
}
