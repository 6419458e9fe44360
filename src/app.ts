// Builds a running service from a configuration: database, migrations, clock, HTTP server. Used by main.ts
// and by the integration tests, which start real servers on random ports.
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Server } from 'node:http';
import { systemClock, TestClock, type Clock } from './clock.ts';
import {
  DB_POOL_MAX,
  DEFAULT_AUTH_CACHE_ENTRIES,
  DEFAULT_AUTH_HASH,
  DEFAULT_CUSTOMER_WAIT_MS,
  DEFAULT_DB_TIMEOUTS,
  defaultQueryTimeoutMs,
  DEFAULT_RATE_LIMIT_PER_MINUTE,
  DEFAULT_SIGN_IN_LIMIT,
  defaultMaxConcurrentPerCustomer,
  type Config,
} from './config.ts';
import { createHttpServer } from './server.ts';
import { createLogger, type Logger } from './log.ts';
import { startMailDelivery, type OutboxWorker } from './mail/index.ts';
import { Metrics } from './metrics.ts';
import { migrateLatest, openDatabase, type Database, type DatabaseOptions } from './repositories/db.ts';
import { configureHashing } from './secrets.ts';
import { configureTokenCache } from './services/auth.ts';
import { startExpirySweep } from './services/expiry-sweep.ts';

export interface App {
  readonly server: Server;
  readonly db: Database;
  readonly clock: Clock;
  readonly log: Logger;
  readonly url: string;
  /** This instance's outbox worker (null with OUTBOX_WORKER=0); tests drive it with runOnce(). */
  readonly outbox: OutboxWorker | null;
  close(): Promise<void>;
}

export interface AppOptions {
  /** An already opened database (tests share one per suite); otherwise opened from the config. */
  readonly db?: Database;
  readonly logSink?: (line: string) => void;
}

/** The database settings of a configuration (its timeouts apply to PostgreSQL only). */
export function databaseOptions(config: Config): Omit<DatabaseOptions, 'pgliteDir'> {
  return {
    databaseUrl: config.databaseUrl,
    poolMax: config.dbPoolMax ?? DB_POOL_MAX,
    transactionPooler: config.dbTransactionPooler ?? false,
    preparedStatements: config.dbPreparedStatements ?? !(config.dbTransactionPooler ?? false),
    statementTimeoutMs: config.dbStatementTimeoutMs ?? DEFAULT_DB_TIMEOUTS.statementTimeoutMs,
    lockTimeoutMs: config.dbLockTimeoutMs ?? DEFAULT_DB_TIMEOUTS.lockTimeoutMs,
    idleTxTimeoutMs: config.dbIdleTxTimeoutMs ?? DEFAULT_DB_TIMEOUTS.idleTxTimeoutMs,
    acquireTimeoutMs: config.dbAcquireTimeoutMs ?? DEFAULT_DB_TIMEOUTS.acquireTimeoutMs,
    queryTimeoutMs:
      config.dbQueryTimeoutMs ??
      defaultQueryTimeoutMs(config.dbStatementTimeoutMs ?? DEFAULT_DB_TIMEOUTS.statementTimeoutMs),
  };
}

export async function startApp(config: Config, opts: AppOptions = {}): Promise<App> {
  const log = createLogger(config.logLevel, opts.logSink);
  const db =
    opts.db ??
    (await openDatabase({ ...databaseOptions(config), pgliteDir: path.join(config.dataDir, 'pglite'), log }));
  await migrateLatest(db.knex, db.kind, { transactionPooler: config.dbTransactionPooler ?? false });
  const clock = config.testClock ? new TestClock(db.knex) : systemClock;
  const metrics = new Metrics();
  const server = createHttpServer({
    knex: db.knex,
    clock,
    log,
    metrics,
    publicUrl: config.publicUrl,
    maxBodyBytes: config.maxBodyBytes,
    rateLimitPerMinute: config.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE,
    maxConcurrentPerCustomer:
      config.maxConcurrentPerCustomer ?? defaultMaxConcurrentPerCustomer(config.dbPoolMax ?? DB_POOL_MAX),
    customerWaitMs: config.customerWaitMs ?? DEFAULT_CUSTOMER_WAIT_MS,
    adminKey: config.adminKey,
    couponXmlCacheEntries: config.couponXmlCache,
    authCacheEntries: config.authCacheEntries ?? DEFAULT_AUTH_CACHE_ENTRIES,
    signInLimit: {
      maxFailures: config.signInMaxFailures ?? DEFAULT_SIGN_IN_LIMIT.maxFailures,
      windowMs: config.signInWindowMs ?? DEFAULT_SIGN_IN_LIMIT.windowMs,
    },
    readyTimeoutMs: config.dbAcquireTimeoutMs ?? DEFAULT_DB_TIMEOUTS.acquireTimeoutMs,
  });
  configureTokenCache(config.authCacheEntries ?? DEFAULT_AUTH_CACHE_ENTRIES);
  configureHashing({
    concurrency: config.authHashConcurrency ?? DEFAULT_AUTH_HASH.concurrency,
    queue: config.authHashQueue ?? DEFAULT_AUTH_HASH.queue,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  metrics.watchEventLoop();
  const outbox = startMailDelivery(config, db.knex, log);
  const sweepMs = config.expirySweepMs ?? 5000;
  const sweeper = sweepMs > 0 ? startExpirySweep({ knex: db.knex, clock, log, intervalMs: sweepMs }) : null;
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return {
    server,
    db,
    clock,
    log,
    url: `http://${host}:${port}`,
    outbox,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await sweeper?.stop();
      await outbox?.stop(); // after the last request, so every message it queued is in the database
      if (!opts.db) await db.close();
      metrics.stop();
    },
  };
}
