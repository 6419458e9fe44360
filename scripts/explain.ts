// `npm run explain [-- --coupons N --customers N --plans]`: loads 1,000,000 coupons across 1,000 customers (customer A
// holding 300,000) into a fresh database (on DATABASE_URL, dropped afterwards; else in-memory PGlite), has a
// small customer B call every operation over SOAP, and prints each statement's plan summary (and the generic plan
// of each prepared statement): rows its scans read, shared buffers, and the indexes it walks (--plans: the whole
// plan of each statement that scans sequentially). Exits 1 if any
// statement scans a tenant table sequentially or an operation fails.
import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { startApp } from '../src/app.ts';
import { openDatabase, type Database } from '../src/repositories/db.ts';
import {
  availableCouponOf,
  captureOperations,
  explainAll,
  loadVolume,
  makeSmallCustomer,
  ownRowsOf,
  showPlan,
  summaryLine,
  type PlanTarget,
} from './tenant-plans.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** A throwaway database: a new one on DATABASE_URL's server (dropped by `drop`), else an in-memory PGlite. */
async function throwawayDatabase(): Promise<{ db: Database; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) {
    const db = await openDatabase({ databaseUrl: null, pgliteDir: null });
    return { db, drop: () => db.close() };
  }
  const name = `billing_explain_${randomBytes(6).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: base, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE ${name}`);
  const u = new URL(base);
  u.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: u.toString(), pgliteDir: null });
  return {
    db,
    async drop() {
      await db.close();
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    },
  };
}

const coupons = arg('coupons', 1_000_000);
const customers = arg('customers', 1000);
const { db, drop } = await throwawayDatabase();
const adminKey = randomBytes(18).toString('base64url');
const app = await startApp(
  {
    port: 0,
    host: '127.0.0.1',
    databaseUrl: null,
    dataDir: '/tmp/billing-explain-data',
    smtpUrl: null,
    publicUrl: null,
    adminKey,
    adminKeyFile: null,
    testClock: false,
    logLevel: 'silent',
    maxBodyBytes: 1024 * 1024,
    outboxWorker: false,
    expirySweepMs: 0,
  },
  { db },
);
const target: PlanTarget = {
  knex: db.knex,
  endpoint: `${app.url}/Api/Billing/v13/CustomerBillingService.svc`,
  async admin<T>(path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${app.url}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`POST ${path} → ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  },
};
try {
  const started = performance.now();
  const b = await makeSmallCustomer(target, Math.round((coupons * 0.7) / customers));
  const volume = await loadVolume(db.knex, coupons, customers);
  const loadedMs = performance.now() - started;
  const foreign = await availableCouponOf(db.knex, volume.bigCustomerId);
  const { queries, failures } = await captureOperations(target, b, foreign);
  for (const f of failures) console.error(`operation failed: ${f.slice(0, 400)}`);
  const counts = (await db.knex.raw(
    `SELECT (SELECT count(*) FROM coupons) AS coupons, (SELECT count(*) FROM customers) AS customers,
            (SELECT count(*) FROM accounts) AS accounts, (SELECT count(*) FROM account_events) AS events,
            (SELECT count(*) FROM coupons WHERE owner_customer_id = ?) AS a_coupons,
            (SELECT count(*) FROM coupons WHERE owner_customer_id = ?) AS b_coupons`,
    [volume.bigCustomerId, b.customerId],
  )) as { rows: Record<string, string>[] };
  const c = counts.rows[0]!;
  console.log(
    `database: ${db.kind === 'postgres' ? 'PostgreSQL' : 'PGlite'}; ${c.coupons} coupons, ${c.customers} customers, ` +
      `${c.accounts} accounts, ${c.events} account events; A owns ${c.a_coupons}, B owns ${c.b_coupons} ` +
      `(B's own rows: ${await ownRowsOf(db.knex, b)}); loaded in ${(loadedMs / 1000).toFixed(1)} s`,
  );
  console.log(`${'operation of B'.padEnd(42)} ${'rows'.padStart(7)} ${'bufs'.padStart(6)}  indexes / statement`);
  let bad = failures.length;
  for (const s of await explainAll(db.knex, queries)) {
    if (s.seqScans.length > 0) bad += 1;
    console.log(summaryLine(s));
    if (s.seqScans.length > 0 && process.argv.includes('--plans')) console.log(showPlan(s.plan, 2));
  }
  process.exitCode = bad > 0 ? 1 : 0;
} finally {
  await app.close();
  await drop();
}
