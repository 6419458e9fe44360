// Knex's PostgreSQL client with a client-side bound on every query. The server-side timeouts (statement_timeout,
// lock_timeout) only fire when the server is there to fire them; a hung server, a partition or a proxy that stops
// forwarding leaves a query waiting forever and its pooled connection lost. Here a query that gets no answer
// within the bound fails with DatabaseUnresponsiveError, and its connection is taken out of service at once:
// marked disposed (Knex's pool then destroys it instead of handing it out again) and its socket destroyed, so no
// late answer can ever be read as the answer to a later query. node-postgres's own `query_timeout` is not used: it
// gives up on the query but leaves the connection, mid-protocol, in the pool.
import { createRequire } from 'node:module';
import type { Knex } from 'knex';
import type pg from 'pg';

/** What Knex's PostgreSQL dialect hands its `_query` and fills in (knex/lib/dialects/postgres/index.js). */
interface KnexQueryObject {
  readonly sql: string;
  readonly bindings?: readonly unknown[];
  /** Merged into node-postgres's query config (e.g. `name` for a named prepared statement). */
  readonly options?: Readonly<Record<string, unknown>>;
  response?: { rows: unknown[] };
}

/** The part of Knex's PostgreSQL dialect class this module builds on (it ships without types). */
interface KnexPgDialect {
  acquireRawConnection(): Promise<pg.Client>;
  _query(connection: pg.Client, obj: KnexQueryObject): Promise<KnexQueryObject>;
}
type KnexPgDialectClass = new (config: Knex.Config) => KnexPgDialect;

interface Bounds {
  /** Client-side bound on each query (0 = none). */
  readonly queryTimeoutMs: number;
  /** The connection config's `connectionTimeoutMillis`, named in the error when it fires. */
  readonly connectTimeoutMs: number;
  /** Whether hot queries may be named prepared statements (not behind a transaction pooler). */
  readonly preparedStatements: boolean;
}

/** A pooled connection as Knex keeps it: Knex's pool checks this flag and destroys the connection when it is set. */
type PooledConnection = pg.Client & { __knex__disposed?: unknown };

/** The database did not answer a query (`query`) or a new connection (`connect`) in time. */
export class DatabaseUnresponsiveError extends Error {
  override name = 'DatabaseUnresponsiveError';
  constructor(
    readonly stage: 'query' | 'connect',
    readonly afterMs: number,
  ) {
    super(
      stage === 'query'
        ? `the database did not answer a query within ${afterMs} ms; the connection was closed`
        : `the database did not accept a connection within ${afterMs} ms`,
    );
  }
}

/** Connections that timed out: any further query on them (a transaction's ROLLBACK) fails the same way at once. */
const timedOut = new WeakSet<object>();
/** Connections exempt from the bound while they are marked (a migration waiting for another instance's). */
const unbounded = new WeakSet<object>();

/** Lifts the client-side bound from one connection until `rebound` is called (see migrateLatest). */
export function unboundConnection(connection: object): { rebound(): void } {
  unbounded.add(connection);
  return { rebound: () => unbounded.delete(connection) };
}

const require = createRequire(import.meta.url);
const KnexPg = require('knex/lib/dialects/postgres/index.js') as KnexPgDialectClass;

/** Knex's PostgreSQL client with every query bounded by `queryTimeoutMs` (0 = unbounded); see boundedPgClient. */
export class BoundedPgClient extends KnexPg {
  /**
   * The bounds, from the class (boundedPgClient): Knex builds each transaction's client with
   * `Object.create(client.constructor.prototype)`, which carries no instance fields.
   */
  protected bounds(): Bounds {
    return { queryTimeoutMs: 0, connectTimeoutMs: 0, preparedStatements: true };
  }

  /** node-postgres ends a connection attempt after `connectionTimeoutMillis` with this bare message. */
  override async acquireRawConnection(): Promise<pg.Client> {
    try {
      return await super.acquireRawConnection();
    } catch (e) {
      if (e instanceof Error && e.message === 'timeout expired')
        throw new DatabaseUnresponsiveError('connect', this.bounds().connectTimeoutMs);
      throw e;
    }
  }

  override _query(connection: PooledConnection, obj: KnexQueryObject): Promise<KnexQueryObject> {
    const bound = this.bounds().queryTimeoutMs;
    if (timedOut.has(connection)) return Promise.reject(new DatabaseUnresponsiveError('query', bound));
    if (bound <= 0 || unbounded.has(connection)) return super._query(connection, obj);
    return new Promise<KnexQueryObject>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        const error = new DatabaseUnresponsiveError('query', bound);
        timedOut.add(connection);
        connection.__knex__disposed = error;
        connection.connection.stream.destroy();
        reject(error);
      }, bound);
      super._query(connection, obj).then(
        (done) => {
          clearTimeout(timer);
          if (!settled) resolve(done);
        },
        (e: unknown) => {
          clearTimeout(timer);
          if (!settled) reject(e);
        },
      );
    });
  }

  /** Whether named prepared statements may be used on this client's connections. */
  get preparedStatements(): boolean {
    return this.bounds().preparedStatements;
  }

  /** One statement on a connection from this client's pool, under the same bound (named prepared statements). */
  async rowsOn(
    connection: object,
    text: string,
    values: readonly unknown[],
    name?: string,
    arrays = false,
  ): Promise<unknown[]> {
    const options = { ...(name === undefined ? {} : { name }), ...(arrays ? { rowMode: 'array' } : {}) };
    const done = await this._query(connection as PooledConnection, { sql: text, bindings: values, options });
    return done.response?.rows ?? [];
  }
}

/**
 * The Knex client class (`client:` of the Knex config) whose every query is bounded by `queryTimeoutMs`;
 * `connectTimeoutMs` must be the connection config's `connectionTimeoutMillis` (named in the error).
 */
export function boundedPgClient(bounds: Bounds): typeof Knex.Client {
  const fixed: Bounds = { ...bounds };
  const bounded = class extends BoundedPgClient {
    protected override bounds(): Bounds {
      return fixed;
    }
  };
  // Knex's typings know the dialect classes only as their common base.
  return bounded as unknown as typeof Knex.Client;
}
