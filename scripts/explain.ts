// `npm run explain [-- --coupons N --customers N]`: loads 1,000,000 coupons across 1,000 customers (customer A
// holding 300,000) into a fresh database (on DATABASE_URL, dropped afterwards; else in-memory PGlite), has a
// small customer B call every operation, and prints each statement's plan summary: rows its scans read, shared
// buffers, and the indexes it walks. Exits 1 if any statement scans a tenant table sequentially.
import { startTestApp } from '../test/support/app.ts';
import {
  captureOperations,
  explainQuery,
  loadVolume,
  makeSmallCustomer,
  searchQueries,
  summaryLine,
} from './tenant-plans.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const coupons = arg('coupons', 1_000_000);
const customers = arg('customers', 1000);
const t = await startTestApp({ testClock: false, outboxWorker: false, expirySweepMs: 0, logLevel: 'silent' });
try {
  const started = performance.now();
  const b = await makeSmallCustomer(t, Math.round((coupons * 0.7) / customers));
  const volume = await loadVolume(t.db.knex, coupons, customers);
  const loadedMs = performance.now() - started;
  const foreign = (await t.db
    .knex('coupons')
    .where({ owner_customer_id: volume.bigCustomerId })
    .whereNull('redeemed_account_id')
    .whereNull('claimed_account_id')
    .whereNull('send_to_email')
    .first('code')) as { code: string };
  const { queries, failures } = await captureOperations(t, b, foreign.code);
  for (const f of failures) console.error(`operation failed: ${f.slice(0, 400)}`);
  const counts = (await t.db.knex.raw(
    `SELECT (SELECT count(*) FROM coupons) AS coupons, (SELECT count(*) FROM customers) AS customers,
            (SELECT count(*) FROM accounts) AS accounts, (SELECT count(*) FROM account_events) AS events,
            (SELECT count(*) FROM coupons WHERE owner_customer_id = ?) AS a_coupons,
            (SELECT count(*) FROM coupons WHERE owner_customer_id = ?) AS b_coupons`,
    [volume.bigCustomerId, b.world.customerId],
  )) as { rows: Record<string, string>[] };
  const c = counts.rows[0]!;
  console.log(
    `database: ${t.databaseUrl ? 'PostgreSQL' : 'PGlite'}; ${c.coupons} coupons, ${c.customers} customers, ` +
      `${c.accounts} accounts, ${c.events} account events; A owns ${c.a_coupons}, B owns ${c.b_coupons}; ` +
      `loaded in ${(loadedMs / 1000).toFixed(1)} s`,
  );
  console.log(`${'operation of B'.padEnd(42)} ${'rows'.padStart(7)} ${'bufs'.padStart(6)}  indexes / statement`);
  let bad = failures.length;
  for (const q of [...searchQueries(b), ...queries]) {
    const s = await explainQuery(t.db.knex, q);
    if (s.seqScans.length > 0) bad += 1;
    console.log(summaryLine(s));
  }
  process.exitCode = bad > 0 ? 1 : 0;
} finally {
  await t.close();
}
