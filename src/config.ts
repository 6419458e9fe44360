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
}

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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = path.resolve(env.DATA_DIR || './data');
  const logLevel = (env.LOG_LEVEL || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const publicUrl = env.PUBLIC_URL || null;
  if (publicUrl && !/^https?:\/\/[^\s]+$/.test(publicUrl)) throw new ConfigError('PUBLIC_URL must be an http(s) URL');
  const admin = adminKeyFrom(env, dataDir);
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
  };
}
