// Every setting of the service, read from the environment once at start and validated (SPEC §7).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Config {
  /** TCP port to listen on (PORT, default 8080; 0 picks a free port). */
  readonly port: number;
  /** Interface to bind (HOST, default 0.0.0.0). */
  readonly host: string;
  /** PostgreSQL connection string (DATABASE_URL); without it an embedded PGlite under dataDir is used. */
  readonly databaseUrl: string | null;
  /** Where the embedded database, the admin key file and .eml outbox files live (DATA_DIR, default ./data). */
  readonly dataDir: string;
  /** SMTP server for coupon emails (SMTP_URL, e.g. smtp://127.0.0.1:2525); without it mail is written as .eml. */
  readonly smtpUrl: string | null;
  /** Public base URL written into the WSDL's soap:address (PUBLIC_URL); default: the URL the client used. */
  readonly publicUrl: string | null;
  /** Bearer key of the operator API (BILLING_ADMIN_KEY); generated and stored under dataDir when unset. */
  readonly adminKey: string;
  /** Where the generated admin key was written, or null when it came from the environment. */
  readonly adminKeyFile: string | null;
  /** BILLING_TEST_CLOCK=1 enables the simulated clock of `billing clock` (shared through the database). */
  readonly testClock: boolean;
  /** LOG_LEVEL: debug, info, warn, error or silent (default info). */
  readonly logLevel: LogLevel;
  /** Largest request body accepted, in bytes (MAX_BODY_BYTES, default 1 MiB). */
  readonly maxBodyBytes: number;
  // Email outbox (src/mail/). Optional so a Config written before them stays valid; absent means the default.
  /** From address of coupon emails (MAIL_FROM, default `Customer Billing <billing@billing.local>`). */
  readonly mailFrom?: string;
  /** OUTBOX_WORKER=0 runs no outbox worker in this instance (others deliver); default 1. */
  readonly outboxWorker?: boolean;
  /** Pause of the outbox worker when it has nothing to send (OUTBOX_POLL_MS, default 1000). */
  readonly outboxPollMs?: number;
  /** Delay before the first retry of a failed send, doubling each time up to 1 h (OUTBOX_RETRY_BASE_MS, default 30000). */
  readonly outboxRetryBaseMs?: number;
  /** Interval of the expiry sweep that records time-driven offer transitions (EXPIRY_SWEEP_MS, default 5000; 0 = off). */
  readonly expirySweepMs?: number;
  /** Attempts before a message is marked failed (OUTBOX_MAX_ATTEMPTS, default 8). */
  readonly outboxMaxAttempts?: number;
  /** SOAP calls allowed per user and minute on this instance before code 117 (RATE_LIMIT_PER_MINUTE; 0 = no limit). */
  readonly rateLimitPerMinute?: number;
  /**
   * SOAP calls one customer may have running at once on this instance (MAX_CONCURRENT_PER_CUSTOMER, default half
   * the database pool; 0 = no cap). Further calls wait in line up to CUSTOMER_WAIT_MS, then get code 117.
   */
  readonly maxConcurrentPerCustomer?: number;
  /** How long a customer's call over its cap waits for a slot before code 117 (CUSTOMER_WAIT_MS, default 10000: a burst of one customer queues rather than fails). */
  readonly customerWaitMs?: number;
  // Guessing credentials (SOAP and the /offers sign-in share one limiter, counted in PostgreSQL).
  /** Failed sign-ins per user name and per client address within the window before code 117 / HTTP 429
   *  (SIGN_IN_MAX_FAILURES, default 10; 0 = no limit). */
  readonly signInMaxFailures?: number;
  /** The window in which failed sign-ins are counted (SIGN_IN_WINDOW_MS, default 900000 = 15 min). */
  readonly signInWindowMs?: number;
  /** Password hashes (scrypt) computed at once (AUTH_HASH_CONCURRENCY, default 2). */
  readonly authHashConcurrency?: number;
  /** Password checks allowed to wait for a hashing slot; beyond it code 117 at once (AUTH_HASH_QUEUE, default 16). */
  readonly authHashQueue?: number;
  /**
   * Entries of each authentication cache per instance (AUTH_CACHE_ENTRIES, default 10000; 0 = none): users found by
   * token (kept 10 s) and failed sign-in counts per address or user name (kept 1 s); each is emptied when full.
   */
  readonly authCacheEntries?: number;
  // Database waits (PostgreSQL only: PGlite has one in-process connection and no other session to wait for).
  /** Longest statement, server side (DB_STATEMENT_TIMEOUT_MS, default 5000; 0 = none). */
  readonly dbStatementTimeoutMs?: number;
  /** Longest wait for a row or table lock (DB_LOCK_TIMEOUT_MS, default 2000; 0 = none). */
  readonly dbLockTimeoutMs?: number;
  /** A session idle inside an open transaction longer than this is ended (DB_IDLE_TX_TIMEOUT_MS, default 30000; 0 = none). */
  readonly dbIdleTxTimeoutMs?: number;
  /** Longest wait for a pooled connection; /ready also answers within it (DB_ACQUIRE_TIMEOUT_MS, default 5000). */
  readonly dbAcquireTimeoutMs?: number;
  /**
   * Client-side bound on every query, for a database that stops answering at the network level (hung server,
   * partition): the request gets code 0 and the connection is closed, never reused (DB_QUERY_TIMEOUT_MS, default
   * DB_STATEMENT_TIMEOUT_MS + 1000, or 0 = none when that is 0; when set, it must be above DB_STATEMENT_TIMEOUT_MS).
   */
  readonly dbQueryTimeoutMs?: number;
  /** Connections per instance (DB_POOL_MAX, default 10). */
  readonly dbPoolMax?: number;
  /**
   * DATABASE_URL points at a pooler in transaction pooling mode, e.g. pgbouncer with pool_mode = transaction
   * (DB_TRANSACTION_POOLER=1): no session state is relied on — no named prepared statements (unless
   * DB_PREPARED_STATEMENTS=1 says the pooler keeps them), no session parameters at connect (statement_timeout,
   * lock_timeout and idle_in_transaction_session_timeout then come from the database role's settings), and the
   * migration lock is held by a transaction.
   */
  readonly dbTransactionPooler?: boolean;
  /** Named prepared statements for the hot queries (DB_PREPARED_STATEMENTS, default 1, or 0 behind a pooler). */
  readonly dbPreparedStatements?: boolean;
  /**
   * Coupons whose encoded XML SearchCoupons keeps, per instance (COUPON_XML_CACHE, default 20000, about 0.7 KB each;
   * 0 = none): a bounded least-recently-used cache keyed by coupon id and version.
   */
  readonly couponXmlCache?: number;
  /** After SIGTERM, how long in-flight requests may take before they are cut and the process exits 1
   *  (SHUTDOWN_GRACE_MS, default 20000). */
  readonly shutdownGraceMs?: number;
  /**
   * V8's old-generation growth after each full collection, in percent of the live heap (HEAP_GROWING_PERCENT,
   * default 100, i.e. twice the live heap; 0 = V8's own factor, up to 4×). Set by src/main.ts at start.
   */
  readonly heapGrowingPercent?: number;
}

/** Entries of the SearchCoupons fragment cache (src/soap/coupon-xml-cache.ts): about 15 MB when full. */
export const DEFAULT_COUPON_XML_CACHE = 20_000;
/**
 * Old-generation growth after a full collection (HEAP_GROWING_PERCENT). V8's own factor let the old generation of a
 * service under SearchCoupons load reach 3-4× its live size between collections (peak RSS 225-262 MB in the bench's
 * sequence); twice the live size kept it at about 200 MB for the same CPU per call.
 */
export const DEFAULT_HEAP_GROWING_PERCENT = 100;
/** Entries of each authentication cache (users by token, failed sign-in counts; AUTH_CACHE_ENTRIES). */
export const DEFAULT_AUTH_CACHE_ENTRIES = 10_000;
export const DEFAULT_SIGN_IN_LIMIT = { maxFailures: 10, windowMs: 15 * 60_000 } as const;
export const DEFAULT_AUTH_HASH = { concurrency: 2, queue: 16 } as const;
export const DEFAULT_DB_TIMEOUTS = {
  statementTimeoutMs: 5000,
  lockTimeoutMs: 2000,
  idleTxTimeoutMs: 30_000,
  acquireTimeoutMs: 5000,
} as const;
export const DEFAULT_SHUTDOWN_GRACE_MS = 20_000;
/** How long past statement_timeout a query may take to come back before the client gives up on the connection. */
export const QUERY_TIMEOUT_MARGIN_MS = 1000;
/** The default client-side query bound: a margin above the server's statement_timeout; none when that is none. */
export const defaultQueryTimeoutMs = (statementTimeoutMs: number): number =>
  statementTimeoutMs > 0 ? statementTimeoutMs + QUERY_TIMEOUT_MARGIN_MS : 0;

/** Generous enough for benchmarks (1,000 calls a second per user, sustained), low enough to stop a runaway client. */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 60_000;

/** Database connections each instance holds at most by default (the pg pool's max; DB_POOL_MAX). */
export const DB_POOL_MAX = 10;
/** Half the pool: a customer flooding an instance leaves the other half to everyone else. */
export const defaultMaxConcurrentPerCustomer = (poolMax: number): number => Math.max(1, Math.floor(poolMax / 2));
export const DEFAULT_CUSTOMER_WAIT_MS = 10_000;

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) throw new ConfigError(`${name} must be an integer in ${min}..${max}`);
  return v;
}

function adminKeyFrom(env: NodeJS.ProcessEnv, dataDir: string): { key: string; file: string | null } {
  const fromEnv = env.BILLING_ADMIN_KEY;
  if (fromEnv) {
    if (fromEnv.length < 16) throw new ConfigError('BILLING_ADMIN_KEY must be at least 16 characters');
    return { key: fromEnv, file: null };
  }
  const file = path.join(dataDir, 'admin-key');
  try {
    return { key: readFileSync(file, 'utf8').trim(), file };
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const key = randomBytes(24).toString('base64url');
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
    return { key, file };
  }
}

function mailFrom(env: NodeJS.ProcessEnv): string {
  const from = env.MAIL_FROM || 'Customer Billing <billing@billing.local>';
  // `addr@host` or `Name <addr@host>`; the host part also names the Message-IDs.
  if (!/^([^<>\r\n]*<)?[^\s<>@]+@[A-Za-z0-9.-]+\.?[A-Za-z0-9-]*>?$/.test(from.trim()))
    throw new ConfigError('MAIL_FROM must be an email address, optionally as "Name <address>"');
  return from.trim();
}

/** A 0/1 (or false/true) switch; anything else is a ConfigError. */
function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  if (v === '1' || v === 'true') return true;
  if (v === '0' || v === 'false') return false;
  throw new ConfigError(`${name} must be 0 or 1`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = path.resolve(env.DATA_DIR || './data');
  const logLevel = (env.LOG_LEVEL || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const publicUrl = env.PUBLIC_URL || null;
  if (publicUrl && !/^https?:\/\/[^\s]+$/.test(publicUrl)) throw new ConfigError('PUBLIC_URL must be an http(s) URL');
  const admin = adminKeyFrom(env, dataDir);
  const dbPoolMax = int(env, 'DB_POOL_MAX', DB_POOL_MAX, 1, 1000);
  const dbStatementTimeoutMs = int(
    env,
    'DB_STATEMENT_TIMEOUT_MS',
    DEFAULT_DB_TIMEOUTS.statementTimeoutMs,
    0,
    86_400_000,
  );
  const dbQueryTimeoutMs = int(env, 'DB_QUERY_TIMEOUT_MS', defaultQueryTimeoutMs(dbStatementTimeoutMs), 0, 86_400_000);
  // At or below statement_timeout, a slow statement the server would end cleanly costs a connection instead.
  if (dbQueryTimeoutMs > 0 && dbStatementTimeoutMs > 0 && dbQueryTimeoutMs <= dbStatementTimeoutMs)
    throw new ConfigError('DB_QUERY_TIMEOUT_MS must be above DB_STATEMENT_TIMEOUT_MS (or 0 = none)');
  const dbTransactionPooler = flag(env, 'DB_TRANSACTION_POOLER', false);
  return {
    port: int(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '0.0.0.0',
    databaseUrl: env.DATABASE_URL || null,
    dataDir,
    smtpUrl: env.SMTP_URL || null,
    publicUrl: publicUrl ? publicUrl.replace(/\/+$/, '') : null,
    adminKey: admin.key,
    adminKeyFile: admin.file,
    testClock: env.BILLING_TEST_CLOCK === '1' || env.BILLING_TEST_CLOCK === 'true',
    logLevel,
    maxBodyBytes: int(env, 'MAX_BODY_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    mailFrom: mailFrom(env),
    outboxWorker: env.OUTBOX_WORKER !== '0' && env.OUTBOX_WORKER !== 'false',
    outboxPollMs: int(env, 'OUTBOX_POLL_MS', 1000, 10, 3_600_000),
    outboxRetryBaseMs: int(env, 'OUTBOX_RETRY_BASE_MS', 30_000, 1, 3_600_000),
    outboxMaxAttempts: int(env, 'OUTBOX_MAX_ATTEMPTS', 8, 1, 100),
    expirySweepMs: int(env, 'EXPIRY_SWEEP_MS', 5000, 0, 3_600_000),
    rateLimitPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', DEFAULT_RATE_LIMIT_PER_MINUTE, 0, 1_000_000_000),
    customerWaitMs: int(env, 'CUSTOMER_WAIT_MS', DEFAULT_CUSTOMER_WAIT_MS, 0, 60_000),
    signInMaxFailures: int(env, 'SIGN_IN_MAX_FAILURES', DEFAULT_SIGN_IN_LIMIT.maxFailures, 0, 1_000_000),
    signInWindowMs: int(env, 'SIGN_IN_WINDOW_MS', DEFAULT_SIGN_IN_LIMIT.windowMs, 1000, 7 * 86_400_000),
    authHashConcurrency: int(env, 'AUTH_HASH_CONCURRENCY', DEFAULT_AUTH_HASH.concurrency, 1, 64),
    authHashQueue: int(env, 'AUTH_HASH_QUEUE', DEFAULT_AUTH_HASH.queue, 0, 10_000),
    authCacheEntries: int(env, 'AUTH_CACHE_ENTRIES', DEFAULT_AUTH_CACHE_ENTRIES, 0, 1_000_000),
    dbStatementTimeoutMs,
    dbQueryTimeoutMs,
    dbLockTimeoutMs: int(env, 'DB_LOCK_TIMEOUT_MS', DEFAULT_DB_TIMEOUTS.lockTimeoutMs, 0, 86_400_000),
    dbIdleTxTimeoutMs: int(env, 'DB_IDLE_TX_TIMEOUT_MS', DEFAULT_DB_TIMEOUTS.idleTxTimeoutMs, 0, 86_400_000),
    dbAcquireTimeoutMs: int(env, 'DB_ACQUIRE_TIMEOUT_MS', DEFAULT_DB_TIMEOUTS.acquireTimeoutMs, 100, 600_000),
    dbPoolMax,
    dbTransactionPooler,
    dbPreparedStatements: flag(env, 'DB_PREPARED_STATEMENTS', !dbTransactionPooler),
    couponXmlCache: int(env, 'COUPON_XML_CACHE', DEFAULT_COUPON_XML_CACHE, 0, 1_000_000),
    maxConcurrentPerCustomer: int(
      env,
      'MAX_CONCURRENT_PER_CUSTOMER',
      defaultMaxConcurrentPerCustomer(dbPoolMax),
      0,
      10_000,
    ),
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', DEFAULT_SHUTDOWN_GRACE_MS, 0, 3_600_000),
    heapGrowingPercent: int(env, 'HEAP_GROWING_PERCENT', DEFAULT_HEAP_GROWING_PERCENT, 0, 1000),
  };
}
