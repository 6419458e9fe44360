// Sign-in rate limit of the /offers page: at most MAX_FAILURES failed sign-ins per client address and per user
// name within WINDOW_MS. Failures are kept in the database so every instance counts the same ones; the check
// runs before any credential is verified, so a blocked key cannot keep guessing.
import type { Knex } from 'knex';
import { tokenHash } from '../secrets.ts';

export const WEB_SIGN_IN_FAILURES = 'web_sign_in_failures';
export const MAX_FAILURES = 10;
export const WINDOW_MS = 15 * 60_000;

export interface LimitKeys {
  readonly ip: string;
  /** The user name tried, or null for a token sign-in (limited by address only). */
  readonly username: string | null;
}

type Scope = 'ip' | 'username';

function keys(k: LimitKeys): [Scope, Buffer][] {
  const out: [Scope, Buffer][] = [['ip', tokenHash(`ip:${k.ip}`)]];
  if (k.username) out.push(['username', tokenHash(`user:${k.username.trim().toLowerCase()}`)]);
  return out;
}

/** True when the address or the user name has MAX_FAILURES failures within the window. */
export async function signInBlocked(knex: Knex, k: LimitKeys, wallNow: Date): Promise<boolean> {
  const since = new Date(wallNow.getTime() - WINDOW_MS);
  for (const [scope, hash] of keys(k)) {
    const row = (await knex(WEB_SIGN_IN_FAILURES)
      .where({ scope, key_hash: hash })
      .andWhere('failed_at', '>', since)
      .count({ n: '*' })
      .first()) as { n: string | number } | undefined;
    if (Number(row?.n ?? 0) >= MAX_FAILURES) return true;
  }
  return false;
}

export async function recordSignInFailure(knex: Knex, k: LimitKeys, wallNow: Date): Promise<void> {
  await knex(WEB_SIGN_IN_FAILURES)
    .where('failed_at', '<=', new Date(wallNow.getTime() - WINDOW_MS))
    .delete();
  await knex(WEB_SIGN_IN_FAILURES).insert(
    keys(k).map(([scope, hash]) => ({ scope, key_hash: hash, failed_at: wallNow })),
  );
}

/** A successful sign-in clears the user name's failures (not the address's: one good password must not reset it). */
export async function clearUsernameFailures(knex: Knex, username: string): Promise<void> {
  const [, user] = keys({ ip: '', username });
  if (user) await knex(WEB_SIGN_IN_FAILURES).where({ scope: 'username', key_hash: user[1] }).delete();
}
