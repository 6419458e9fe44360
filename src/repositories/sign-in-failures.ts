// Failed sign-ins (SOAP and /offers), one row per limited key and failure, kept for the limit's window.
import type { Knex } from 'knex';
import type { LimitKey } from '../rules/sign-in-limit.ts';
import { T } from './tables.ts';

/**
 * For each key, the time of its `n`-th most recent failure after `since`, or null when it has fewer: one round
 * trip, each an index scan of at most `n` rows of (scope, key_hash, failed_at).
 */
export async function nthRecentFailures(
  knex: Knex,
  keys: readonly LimitKey[],
  n: number,
  since: Date,
): Promise<(Date | null)[]> {
  if (keys.length === 0 || n <= 0) return keys.map(() => null);
  const column = (i: number): string =>
    `(SELECT failed_at FROM ${T.signInFailures} WHERE scope = ? AND key_hash = ? AND failed_at > ?
       ORDER BY failed_at DESC OFFSET ? LIMIT 1) AS k${i}`;
  const { rows } = (await knex.raw(
    `SELECT ${keys.map((_, i) => column(i)).join(', ')}`,
    keys.flatMap((k) => [k.scope, k.hash, since, n - 1]),
  )) as { rows: Record<string, Date | null>[] };
  return keys.map((_, i) => rows[0]?.[`k${i}`] ?? null);
}

export async function insertFailures(knex: Knex, keys: readonly LimitKey[], at: Date): Promise<void> {
  if (keys.length === 0) return;
  await knex(T.signInFailures).insert(keys.map((k) => ({ scope: k.scope, key_hash: k.hash, failed_at: at })));
}

export async function deleteFailuresBefore(knex: Knex, before: Date): Promise<void> {
  await knex(T.signInFailures).where('failed_at', '<=', before).delete();
}

export async function deleteKeyFailures(knex: Knex, key: LimitKey): Promise<void> {
  await knex(T.signInFailures).where({ scope: key.scope, key_hash: key.hash }).delete();
}
