// The database: PostgreSQL through Knex and `pg` when DATABASE_URL is set, else an embedded PGlite (the same
// PostgreSQL, compiled to WebAssembly) under DATA_DIR. Both return int8 and numeric as strings and
// timestamptz as Date, so ids never pass through a lossy JS number.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { migrationSource } from './migrations.ts';

export type Db = Knex;
export type Tx = Knex.Transaction;

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
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const knex = knexFactory({
      client: 'pg',
      connection: opts.databaseUrl,
      pool: { min: 0, max: opts.poolMax ?? 10 },
      acquireConnectionTimeout: 10000,
    });
    return { knex, kind: 'postgres', close: () => knex.destroy() };
  }
  const { PGlite, types } = await import('@electric-sql/pglite');
  const parsers = { [types.INT8]: (v: string) => v, [types.NUMERIC]: (v: string) => v };
  const { default: ClientPgLite } = await import('knex-pglite');
  if (opts.pgliteDir) mkdirSync(path.dirname(opts.pgliteDir), { recursive: true });
  const pglite = opts.pgliteDir ? await PGlite.create(opts.pgliteDir, { parsers }) : await PGlite.create({ parsers });
  const knex = knexFactory({
    client: ClientPgLite,
    dialect: 'postgres',
    connection: () => ({ pglite }) as object,
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
const MIGRATION_LOCK_KEY = 7_413_001_313;

/**
 * Migrates to the latest version. Knex creates its own bookkeeping tables outside its migration lock, so
 * instances starting at the same moment on an empty PostgreSQL would race; a session advisory lock, held on a
 * dedicated connection while the migration runs on others, makes them take turns.
 */
export async function migrateLatest(knex: Knex, kind: Database['kind'] = 'postgres'): Promise<void> {
  if (kind === 'pglite') {
    await knex.migrate.latest({ migrationSource });
    return;
  }
  const conn: unknown = await knex.client.acquireConnection();
  try {
    await knex.raw('SELECT pg_advisory_lock(?)', [MIGRATION_LOCK_KEY]).connection(conn);
    try {
      await knex.migrate.latest({ migrationSource });
    } finally {
      await knex.raw('SELECT pg_advisory_unlock(?)', [MIGRATION_LOCK_KEY]).connection(conn);
    }
  } finally {
    await knex.client.releaseConnection(conn);
  }
}

// pg parses int8 and numeric as strings already; keep it explicit so no later change makes ids lossy.
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => v);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v: string) => v);

const TIMESTAMPTZ = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?([+-])(\d\d)(?::(\d\d))?$/;
const defaultTimestamptz = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ);
/**
 * timestamptz in PostgreSQL's text form (`2026-03-01 09:30:00.123+00`) straight to a Date: pages of coupons carry
 * hundreds of timestamps and the general parser was a visible share of a SearchCoupons call. Anything unusual
 * (infinity, BC, seconds in the offset) goes to the general parser.
 */
export function parseTimestamptz(v: string): Date {
  const m = TIMESTAMPTZ.exec(v);
  if (!m) return defaultTimestamptz(v) as Date;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const offset = (Number(m[9]) * 60 + Number(m[10] ?? 0)) * 60000 * (m[8] === '-' ? -1 : 1);
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms);
  return new Date(t - offset);
}
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, parseTimestamptz);
