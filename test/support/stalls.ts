// Helpers for tests that stall the database on purpose: a PostgreSQL to stall (DATABASE_URL, else a private
// cluster, since PGlite has no second session to hold a lock) and a wait for sessions blocked on a lock.
import type { Knex } from 'knex';
import { startPrivateCluster, type PrivateCluster } from './private-postgres.ts';

export interface StallablePostgres {
  /** Base URL under which suites create their databases. */
  readonly url: string;
  close(): Promise<void>;
}

export async function stallablePostgres(): Promise<StallablePostgres> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, close: async () => {} };
  const cluster: PrivateCluster = await startPrivateCluster();
  return { url: cluster.url('billing'), close: () => cluster.destroy() };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves once `count` sessions of this database wait for a lock (polled; gives up after 30 s). */
export async function lockWaiters(knex: Knex, count: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const { rows } = (await knex.raw(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    )) as { rows: { n: number }[] };
    if ((rows[0]?.n ?? 0) >= count) return;
    await sleep(100);
  }
  throw new Error(`fewer than ${count} sessions waited for a lock within 30 s`);
}

/** The JSON log lines of a sink, parsed. */
export function parsed(lines: readonly string[]): Record<string, unknown>[] {
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}
