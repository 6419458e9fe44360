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

/** A statement text with `?` placeholders as PostgreSQL takes it ($1, $2…), and the name it is prepared under. */
interface Positional {
  readonly text: string;
  readonly name: string;
}

/** Statement texts carry no values (see above), so there are few of them: each is converted and named once. */
const positional = new Map<string, Positional>();
const MAX_POSITIONAL = 1024;

function positionalOf(sql: string): Positional {
  let found = positional.get(sql);
  if (found) return found;
  let n = 0;
  // As Knex numbers them: a `?` after an odd number of backslashes is a literal question mark (backslashes dropped).
  const text = sql.replace(/(\\*)\?/g, (_match: string, escapes: string) => (escapes.length % 2 ? '?' : `$${++n}`));
  found = { text, name: `q_${createHash('sha1').update(text).digest('hex').slice(0, 20)}` };
  if (positional.size >= MAX_POSITIONAL) positional.clear();
  positional.set(sql, found);
  return found;
}

async function run(knex: Knex, sql: string, bindings: readonly Knex.RawBinding[], arrays: boolean): Promise<unknown[]> {
  const client: unknown = knex.client;
  // PGlite runs in-process: through Knex, an unnamed statement each time. Identifier bindings (??) need Knex too.
  if (!(client instanceof BoundedPgClient) || sql.includes('??')) {
    const rows = ((await knex.raw(sql, bindings as Knex.RawBinding[])) as { rows: Record<string, unknown>[] }).rows;
    return arrays ? rows.map((r) => Object.values(r)) : rows;
  }
  const { text, name } = positionalOf(sql);
  // Knex's own event, so whoever records the statements (npm run explain) sees these as well.
  knex.client.emit('query', { sql: text, bindings, prepared: client.preparedStatements });
  // Through the client, so the statement is under the same client-side bound as every other query.
  const conn = (await knex.client.acquireConnection()) as object;
  try {
    // Behind a transaction pooler (DB_PREPARED_STATEMENTS=0): an unnamed statement, planned each time.
    if (!client.preparedStatements) return await client.rowsOn(conn, text, bindings, undefined, arrays);
    let named = namedOn.get(conn);
    if (!named) namedOn.set(conn, (named = new Set()));
    if (!named.has(name) && named.size >= MAX_NAMED_PER_CONNECTION)
      return await client.rowsOn(conn, text, bindings, undefined, arrays);
    named.add(name);
    return await client.rowsOn(conn, text, bindings, name, arrays);
  } finally {
    await knex.client.releaseConnection(conn);
  }
}
