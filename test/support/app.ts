// A real service on a random loopback port over a fresh database per suite (STYLE 11): a new PostgreSQL
// database when DATABASE_URL is set (created, migrated, dropped), else an in-memory PGlite.
import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { startApp, type App } from '../../src/app.ts';
import type { Config } from '../../src/config.ts';
import { openDatabase, type Database, type DatabaseOptions } from '../../src/repositories/db.ts';
import { resetClock } from './clock.ts';

export const SERVICE_PATH = '/Api/Billing/v13/CustomerBillingService.svc';

export interface TestDatabase {
  readonly db: Database;
  readonly url: string | null;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for one suite, on `base` (default DATABASE_URL; none: in-memory PGlite). `options` sets
 * the pool's bounds (timeouts, pool size, Knex's logger).
 */
export async function freshDatabase(
  options: Omit<DatabaseOptions, 'databaseUrl' | 'pgliteDir'> = {},
  base: string | undefined = process.env.DATABASE_URL,
): Promise<TestDatabase> {
  if (!base) {
    const db = await openDatabase({ ...options, databaseUrl: null, pgliteDir: null });
    return { db, url: null, drop: () => db.close() };
  }
  const name = `billing_test_${randomBytes(6).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: base, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE ${name}`);
  const u = new URL(base);
  u.pathname = `/${name}`;
  const db = await openDatabase({ ...options, databaseUrl: u.toString(), pgliteDir: null });
  return {
    db,
    url: u.toString(),
    async drop() {
      await db.close();
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    },
  };
}

export interface TestApp {
  readonly app: App;
  readonly db: Database;
  readonly databaseUrl: string | null;
  readonly baseUrl: string;
  readonly endpoint: string;
  readonly adminKey: string;
  readonly logs: string[];
  /** Calls the operator API; throws with the server's message on a non-2xx answer. */
  admin<T = Record<string, unknown>>(path: string, body?: unknown, method?: string): Promise<T>;
  close(): Promise<void>;
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    databaseUrl: null,
    dataDir: '/tmp/billing-test-data',
    smtpUrl: null,
    publicUrl: null,
    adminKey: randomBytes(18).toString('base64url'),
    adminKeyFile: null,
    testClock: false,
    logLevel: 'info',
    maxBodyBytes: 1024 * 1024,
    ...overrides,
  };
}

export async function startTestApp(overrides: Partial<Config> = {}, shared?: TestDatabase): Promise<TestApp> {
  const tdb = shared ?? (await freshDatabase());
  const logs: string[] = [];
  const config = testConfig(overrides);
  const app = await startApp(config, { db: tdb.db, logSink: (l) => logs.push(l) });
  const admin = async <T>(path: string, body?: unknown, method = 'POST'): Promise<T> => {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${config.adminKey}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T & { error?: string };
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${json.error ?? ''}`);
    return json;
  };
  return {
    app,
    db: tdb.db,
    databaseUrl: tdb.url,
    baseUrl: app.url,
    endpoint: `${app.url}${SERVICE_PATH}`,
    adminKey: config.adminKey,
    logs,
    admin,
    async close() {
      await app.close();
      if (!shared) await tdb.drop();
    },
  };
}

/** Posts a raw SOAP document and returns status, content type and body text. */
export async function postSoap(
  endpoint: string,
  xml: string | Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; contentType: string; body: string }> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml; charset=utf-8', ...headers },
    body: xml,
  });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() };
}

export interface Credentials {
  readonly authenticationToken: string;
  readonly developerToken: string;
}

/** A SOAP 1.1 request envelope with the Billing auth headers. */
export function soapRequest(operation: string, inner: string, creds: Credentials | null, extraHeaders = ''): string {
  const h = creds
    ? `<b:AuthenticationToken>${creds.authenticationToken}</b:AuthenticationToken><b:DeveloperToken>${creds.developerToken}</b:DeveloperToken>`
    : '';
  return (
    `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" ` +
    `xmlns:b="https://bingads.microsoft.com/Billing/v13" xmlns:e="https://bingads.microsoft.com/Customer/v13/Entities" ` +
    `xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><s:Header>${h}${extraHeaders}</s:Header><s:Body>` +
    `<b:${operation}Request>${inner}</b:${operation}Request></s:Body></s:Envelope>`
  );
}

/**
 * The suite's service: starts it (with `overrides`) before the suite's first test and closes it, dropping its
 * database, after the last; with `eachTestAt`, every test starts on a new test clock at that instant (the clock
 * only moves forward). Returns the service as a TestApp whose members read the running one, so it is used like
 * the value of startTestApp inside hooks and tests.
 */
export function useTestApp(overrides: Partial<Config> = {}, opts: { readonly eachTestAt?: string } = {}): TestApp {
  let current: TestApp | undefined;
  const live = (): TestApp => {
    if (!current) throw new Error('the suite service runs only inside its hooks and tests');
    return current;
  };
  before(async () => {
    current = await startTestApp(overrides);
  });
  after(async () => {
    await current?.close();
    current = undefined;
  });
  const at = opts.eachTestAt;
  if (at !== undefined)
    beforeEach(async () => {
      await resetClock(live(), at);
    });
  const view = {
    admin: <T = Record<string, unknown>>(path: string, body?: unknown, method?: string): Promise<T> =>
      live().admin<T>(path, body, method),
    close: () => live().close(),
  } as TestApp;
  for (const key of ['app', 'db', 'databaseUrl', 'baseUrl', 'endpoint', 'adminKey', 'logs'] as const)
    Object.defineProperty(view, key, { get: () => live()[key], enumerable: true });
  return view;
}
