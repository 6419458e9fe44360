// Named prepared statements for hot queries on PostgreSQL. The SearchCoupons query has several branches and
// joins; planning it took longer than running it (about 4 ms of a 9 ms call). A named statement is planned once
// per connection and then reuses PostgreSQL's generic plan. PGlite runs in-process and takes the plain path.
//
// Each named statement stays in its backend's memory for the life of the connection, so statement texts must not
// carry values (callers bind every value, lists as arrays), and each connection keeps at most
// MAX_NAMED_PER_CONNECTION of them: a text beyond that runs unnamed (planned each time, kept nowhere), so backend
// memory stays bounded whatever the callers send.
//
// A pooler in transaction pooling mode (pgbouncer before 1.21) keeps no named statement across transactions: with
// DB_TRANSACTION_POOLER=1 (or DB_PREPARED_STATEMENTS=0) every query is an unnamed statement, planned each time.
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { BoundedPgClient } from './bounded-pg.ts';

export const MAX_NAMED_PER_CONNECTION = 32;
const namedOn = new WeakMap<object, Set<string>>();

export async function preparedRows<T>(knex: Knex, sql: string, bindings: readonly Knex.RawBinding[]): Promise<T[]> {
  return (await run(knex, sql, bindings, false)) as T[];
}

/**
 * The same, each row as an array of its columns in SELECT order: no object per row with a property per column, for
 * queries of many rows and columns. The SELECT's column names must be distinct (PGlite answers objects, which are
 * turned into arrays in key order).
 */
export async function preparedArrays(
  knex: Knex,
  sql: string,
  bindings: readonly Knex.RawBinding[],
): Promise<unknown[][]> {
  return (await run(knex, sql, bindings, true)) as unknown[][];
}

async function run(knex: Knex, sql: string, bindings: readonly Knex.RawBinding[], arrays: boolean): Promise<unknown[]> {
  const raw = knex.raw(sql, bindings as Knex.RawBinding[]);
  const client: unknown = knex.client;
  // PGlite, or PostgreSQL behind a transaction pooler (DB_PREPARED_STATEMENTS=0): an unnamed statement each time.
  if (!(client instanceof BoundedPgClient) || !client.preparedStatements) {
    const rows = ((await raw) as { rows: Record<string, unknown>[] }).rows;
    return arrays ? rows.map((r) => Object.values(r)) : rows;
  }
  const native = raw.toSQL().toNative();
  // Knex's own event, so whoever records the statements (npm run explain) sees these as well.
  knex.client.emit('query', { sql: native.sql, bindings: native.bindings, prepared: true });
  const name = `q_${createHash('sha1').update(native.sql).digest('hex').slice(0, 20)}`;
  // Through the client, so the statement is under the same client-side bound as every other query.
  const conn = (await knex.client.acquireConnection()) as object;
  try {
    let named = namedOn.get(conn);
    if (!named) namedOn.set(conn, (named = new Set()));
    if (!named.has(name) && named.size >= MAX_NAMED_PER_CONNECTION)
      return await client.rowsOn(conn, native.sql, native.bindings, undefined, arrays);
    named.add(name);
    return await client.rowsOn(conn, native.sql, native.bindings, name, arrays);
  } finally {
    await knex.client.releaseConnection(conn);
  }
}
