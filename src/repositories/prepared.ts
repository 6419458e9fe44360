// Named prepared statements for hot queries on PostgreSQL. The SearchCoupons query has several branches and
// joins; planning it took longer than running it (about 4 ms of a 9 ms call). A named statement is planned once
// per connection and then reuses PostgreSQL's generic plan. PGlite runs in-process and takes the plain path.
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';

interface PgConnection {
  query(q: { name: string; text: string; values: readonly unknown[] }): Promise<{ rows: unknown[] }>;
}

export async function preparedRows<T>(knex: Knex, sql: string, bindings: readonly Knex.RawBinding[]): Promise<T[]> {
  const raw = knex.raw(sql, bindings as Knex.RawBinding[]);
  if ((knex.client as { config: { client: unknown } }).config.client !== 'pg')
    return ((await raw) as { rows: T[] }).rows;
  const native = raw.toSQL().toNative();
  const name = `q_${createHash('sha1').update(native.sql).digest('hex').slice(0, 20)}`;
  const conn = (await knex.client.acquireConnection()) as PgConnection;
  try {
    return (await conn.query({ name, text: native.sql, values: native.bindings })).rows as T[];
  } finally {
    await knex.client.releaseConnection(conn);
  }
}
