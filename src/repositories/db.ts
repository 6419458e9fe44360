// The database: PostgreSQL through Knex and `pg` when DATABASE_URL is set, else an embedded PGlite (the same
// PostgreSQL, compiled to WebAssembly) under DATA_DIR. Both return int8 and numeric as strings and
// timestamptz as Date, so ids never pass through a lossy JS number.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { createLogger, type Logger } from '../log.ts';
import { boundedPgClient, DatabaseUnresponsiveError, unboundConnection } from './bounded-pg.ts';
import { migrationSource } from './migrations.ts';

export interface Database {
  readonly knex: Knex;
  readonly kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

export interface DatabaseOptions {
  readonly databaseUrl: string | null;
  /** Directory of the embedded database; null keeps it in memory (tests). */
  readonly pgliteDir: string | null;
  readonly poolMax?: number;
  /**
   * Bounds on every database wait, in ms (0 = none). PostgreSQL only: PGlite is one in-process connection that
   * no other session can lock against, so there they are not applied.
   */
  readonly statementTimeoutMs?: number;
  readonly lockTimeoutMs?: number;
  readonly idleTxTimeoutMs?: number;
  /** Longest wait for a pooled connection (default 5000); also bounds opening a new connection. */
  readonly acquireTimeoutMs?: number;
  /**
   * Client-side bound on every query, for a database that stops answering at the network level (0 = none). The
   * query fails with DatabaseUnresponsiveError and its connection is destroyed, never reused.
   */
  readonly queryTimeoutMs?: number;
  /**
   * The URL is a pooler in transaction pooling mode (pgbouncer pool_mode = transaction): the session timeouts are
   * not sent at connect (a pooler refuses or drops startup parameters; set them on the role instead), and
   * preparedStatements defaults to false. See Config.dbTransactionPooler.
   */
  readonly transactionPooler?: boolean;
  /** Named prepared statements for the hot queries (PostgreSQL only; default: not behind a transaction pooler). */
  readonly preparedStatements?: boolean;
  /** Where Knex's own warnings, deprecations and errors go (as JSON lines); default: a stdout logger at warn. */
  readonly log?: Logger;
}

/** Knex's `log` option: its messages become fields of our JSON lines instead of plain text on stderr. */
function knexLog(given: Logger | undefined): Knex.Config['log'] {
  const log = given ?? createLogger('warn');
  const text = (m: unknown): string => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m));
  return {
    warn: (m: unknown) => log.warn('knex warning', { detail: text(m) }),
    error: (m: unknown) => log.error('knex error', { detail: text(m) }),
    deprecate: (m: unknown) => log.warn('knex deprecation', { detail: text(m) }),
    debug: (m: unknown) => log.debug('knex debug', { detail: text(m) }),
  };
}

/** Idle time before the first TCP keepalive probe on a database connection. */
const KEEPALIVE_DELAY_MS = 10_000;

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const acquireTimeoutMs = opts.acquireTimeoutMs ?? 5000;
    const pooler = opts.transactionPooler ?? false;
    // Behind a transaction pooler a session parameter would reach whichever server connection it hands out.
    const session = pooler
      ? {}
      : {
          statement_timeout: opts.statementTimeoutMs ?? 0,
          lock_timeout: opts.lockTimeoutMs ?? 0,
          idle_in_transaction_session_timeout: opts.idleTxTimeoutMs ?? 0,
        };
    const knex = knexFactory({
      client: boundedPgClient({
        queryTimeoutMs: opts.queryTimeoutMs ?? 0,
        connectTimeoutMs: acquireTimeoutMs,
        preparedStatements: opts.preparedStatements ?? !pooler,
      }),
      dialect: 'postgres',
      // Sent as startup parameters of every connection, so no extra round trip and no connection without them.
      connection: {
        connectionString: opts.databaseUrl,
        ...session,
        // A server that accepts the connection but never answers must not hold a pool slot for ever.
        connectionTimeoutMillis: acquireTimeoutMs,
        // An idle pooled connection to a vanished host is noticed by the kernel instead of on first use.
        keepAlive: true,
        keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
      } as Knex.PgConnectionConfig,
      pool: { min: 0, max: opts.poolMax ?? 10 },
      acquireConnectionTimeout: acquireTimeoutMs,
      log: knexLog(opts.log),
    });
    return { knex, kind: 'postgres', close: () => knex.destroy() };
  }
  const { PGlite, types } = await import('@electric-sql/pglite');
  const parsers = { [types.INT8]: (v: string) => v, [types.NUMERIC]: (v: string) => v, [types.DATE]: (v: string) => v };
  const { default: ClientPgLite } = await import('knex-pglite');
  if (opts.pgliteDir) mkdirSync(path.dirname(opts.pgliteDir), { recursive: true });
  const pglite = opts.pgliteDir ? await PGlite.create(opts.pgliteDir, { parsers }) : await PGlite.create({ parsers });
  const knex = knexFactory({
    client: ClientPgLite,
    dialect: 'postgres',
    connection: () => ({ pglite }) as object,
    log: knexLog(opts.log),
  } as Knex.Config);
  return {
    knex,
    kind: 'pglite',
    close: async () => {
      await knex.destroy(); // knex-pglite closes the PGlite instance with its pool
      if (!pglite.closed) await pglite.close();
    },
  };
}

/** Any fixed key: serialises migrations of instances that start together on one PostgreSQL. */
export const MIGRATION_LOCK_KEY = 7_413_001_313;

/**
 * Migrates to the latest version. Knex creates its own bookkeeping tables outside its migration lock, so
 * instances starting at the same moment on an empty PostgreSQL would race; a session advisory lock, held on a
 * dedicated connection while the migration runs on others, makes them take turns.
 */
export async function migrateLatest(
  knex: Knex,
  kind: Database['kind'] = 'postgres',
  opts: { transactionPooler?: boolean } = {},
): Promise<void> {
  if (kind === 'pglite') {
    await knex.migrate.latest({ migrationSource });
    return;
  }
  if (opts.transactionPooler) {
    await migrateInLockTransaction(knex);
    return;
  }
  const conn = (await knex.client.acquireConnection()) as object;
  // This session may wait as long as another instance's migration takes: no client-side bound either.
  const bound = unboundConnection(conn);
  try {
    // Waiting for another instance's migration is not a stall: no timeout on this session while it waits.
    await knex.raw('SET statement_timeout = 0; SET lock_timeout = 0').connection(conn);
    await knex.raw('SELECT pg_advisory_lock(?)', [MIGRATION_LOCK_KEY]).connection(conn);
    try {
      await knex.migrate.latest({ migrationSource });
    } finally {
      await knex.raw('SELECT pg_advisory_unlock(?)', [MIGRATION_LOCK_KEY]).connection(conn);
      await knex.raw('RESET statement_timeout; RESET lock_timeout').connection(conn);
    }
  } finally {
    bound.rebound();
    await knex.client.releaseConnection(conn);
  }
}

/**
 * migrateLatest behind a transaction pooler, which gives a session lock to whichever server connection runs the
 * statement and the unlock perhaps to another: the lock is a transaction's (pg_advisory_xact_lock), so the pooler
 * keeps one server connection for it until COMMIT, and its own timeouts are lifted for that transaction only.
 */
async function migrateInLockTransaction(knex: Knex): Promise<void> {
  const conn = (await knex.client.acquireConnection()) as object;
  const bound = unboundConnection(conn);
  try {
    await knex.raw('BEGIN').connection(conn);
    try {
      await knex
        .raw(
          `SET LOCAL statement_timeout = 0; SET LOCAL lock_timeout = 0; SET LOCAL idle_in_transaction_session_timeout = 0`,
        )
        .connection(conn);
      await knex.raw('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK_KEY]).connection(conn);
      await knex.migrate.latest({ migrationSource });
    } finally {
      await knex.raw('COMMIT').connection(conn);
    }
  } finally {
    bound.rebound();
    await knex.client.releaseConnection(conn);
  }
}

/** Which database bound fired, from a query error: for the log line of a code 0 answer. */
export type DatabaseTimeout =
  | 'statement_timeout'
  | 'lock_timeout'
  | 'idle_in_transaction_session_timeout'
  | 'acquire'
  | 'query_timeout'
  | 'connect_timeout';

export function databaseTimeout(e: unknown): DatabaseTimeout | null {
  if (!(e instanceof Error)) return null;
  if (e.name === 'KnexTimeoutError') return 'acquire';
  if (e instanceof DatabaseUnresponsiveError) return e.stage === 'query' ? 'query_timeout' : 'connect_timeout';
  const code = (e as { code?: unknown }).code;
  if (code === '55P03') return 'lock_timeout';
  if (code === '25P03') return 'idle_in_transaction_session_timeout';
  if (code === '57014' && /statement timeout/.test(e.message)) return 'statement_timeout';
  return null;
}

// pg parses int8 and numeric as strings already; keep it explicit so no later change makes ids lossy.
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => v);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v: string) => v);
// A `date` column is a calendar day with no zone (insertion orders' dates): keep PostgreSQL's 'YYYY-MM-DD' text
// rather than a Date at local midnight.
pg.types.setTypeParser(pg.types.builtins.DATE, (v: string) => v);

const TIMESTAMPTZ = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?([+-])(\d\d)(?::(\d\d))?$/;
const defaultTimestamptz = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ);
/**
 * timestamptz in PostgreSQL's text form (`2026-03-01 09:30:00.123+00`) straight to a Date: pages of coupons carry
 * hundreds of timestamps and the general parser was a visible share of a SearchCoupons call. Anything unusual
 * (infinity, BC, seconds in the offset) goes to the general parser.
 */
export function parseTimestamptz(v: string): Date {
  // A page of coupons repeats the same few class dates: recent texts map to their instant (a fresh Date each time).
  const known = instants.get(v);
  if (known !== undefined) return new Date(known);
  const m = TIMESTAMPTZ.exec(v);
  if (!m) return defaultTimestamptz(v) as Date;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const offset = (Number(m[9]) * 60 + Number(m[10] ?? 0)) * 60000 * (m[8] === '-' ? -1 : 1);
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms);
  if (instants.size >= MAX_KNOWN_INSTANTS) instants.clear();
  instants.set(v, t - offset);
  return new Date(t - offset);
}
const MAX_KNOWN_INSTANTS = 4096;
const instants = new Map<string, number>();
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, parseTimestamptz);
