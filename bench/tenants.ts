// `npm run bench -- --only tenants` (also part of the full run): customer B's SearchCoupons latency, quiet and while
// customer A — 300,000 coupons — runs 40 concurrent deep-paged searches. Against the target "B within 3× of quiet":
// A's searches stay on A's rows and the per-customer cap (MAX_CONCURRENT_PER_CUSTOMER, default 5) keeps A from
// holding every pooled connection, so B's page never waits behind A's. Set MAX_CONCURRENT_PER_CUSTOMER to measure
// another cap (the spawned service inherits the environment).
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import knexFactory from 'knex';
import { cannon } from './cannon.ts';
import { DB_POOL_MAX, defaultMaxConcurrentPerCustomer } from '../src/config.ts';
import { spawnServer } from '../test/support/server-process.ts';

const A_COUPONS = 300_000;
const B_COUPONS = 700;
const A_CONNECTIONS = 40;
/** A's page: Index 2900 of 100, so every one of A's searches reads past 290,000 of A's coupons. */
const A_PAGE_INDEX = 2900;
/** B is measured with 2 connections, within its own cap. */
const B_CONNECTIONS = 2;

function search(customerId: string, user: { authenticationToken: string; developerToken: string }, page: number) {
  return (
    `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" ` +
    `xmlns:b="https://bingads.microsoft.com/Billing/v13" xmlns:e="https://bingads.microsoft.com/Customer/v13/Entities">` +
    `<s:Header><b:AuthenticationToken>${user.authenticationToken}</b:AuthenticationToken>` +
    `<b:DeveloperToken>${user.developerToken}</b:DeveloperToken></s:Header><s:Body><b:SearchCouponsRequest>` +
    `<b:Predicates><e:Predicate><e:Field>CustomerId</e:Field><e:Operator>Equals</e:Operator>` +
    `<e:Value>${customerId}</e:Value></e:Predicate></b:Predicates>` +
    `<b:PageInfo><e:Index>${page}</e:Index><e:Size>100</e:Size></b:PageInfo></b:SearchCouponsRequest></s:Body></s:Envelope>`
  );
}

/** Runs the section on a service of its own (fresh database) and returns its report lines. */
export async function tenantsBench(tmp: string, seconds: number, log: (s: string) => void): Promise<string[]> {
  const baseUrl = process.env.DATABASE_URL || null;
  // The service inherits this environment, so MAX_CONCURRENT_PER_CUSTOMER=N npm run bench … measures another cap.
  const cap =
    process.env.MAX_CONCURRENT_PER_CUSTOMER ??
    String(defaultMaxConcurrentPerCustomer(Number(process.env.DB_POOL_MAX ?? DB_POOL_MAX)));
  const dbName = `billing_bench_tenants_${randomBytes(4).toString('hex')}`;
  const adminDb = baseUrl ? knexFactory({ client: 'pg', connection: baseUrl, pool: { min: 0, max: 1 } }) : null;
  let dbUrl = '';
  if (adminDb && baseUrl) {
    await adminDb.raw(`CREATE DATABASE ${dbName}`);
    const u = new URL(baseUrl);
    u.pathname = `/${dbName}`;
    dbUrl = u.toString();
  }
  const svc = await spawnServer({
    databaseUrl: dbUrl,
    adminKey: randomBytes(18).toString('base64url'),
    env: { OUTBOX_WORKER: '0', EXPIRY_SWEEP_MS: '0', RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'warn' },
    startTimeoutMs: 180000,
  });
  try {
    const admin = svc.admin.bind(svc);
    const cls = { type: 'Retention', amount: '50', currency: 'USD', activeDays: 30, expires: '2099-01-01T00:00:00Z' };
    const customerWith = async (name: string) => {
      const { id } = await admin<{ id: string }>('/admin/customers', { name });
      const user = await admin<{ authenticationToken: string; developerToken: string }>('/admin/users', {
        customer: id,
        role: 'SuperAdmin',
      });
      await admin('/admin/classes', { ...cls, customer: id, name: `${name} class` });
      return { id, user };
    };
    const a = await customerWith('A');
    const b = await customerWith('B');
    await admin('/admin/coupons/mint', { customer: b.id, class: 'B class', count: B_COUPONS });
    log(`tenants: filling customer A to ${A_COUPONS.toLocaleString('en-US')} coupons`);
    if (dbUrl) {
      const db = knexFactory({ client: 'pg', connection: dbUrl, pool: { min: 0, max: 1 } });
      await db.raw(
        `INSERT INTO coupons (class_id, owner_customer_id, class_name, start_date, code, minted_at)
         SELECT k.id, k.customer_id, k.name, k.start_date, 'A' || lpad(g::text, 12, '0'), now()
           FROM coupon_classes k, generate_series(1, ?) g WHERE k.customer_id = ?`,
        [A_COUPONS, a.id],
      );
      await db.raw('ANALYZE');
      await db.destroy();
    } else
      for (let n = 0; n < A_COUPONS; n += 100_000)
        await admin('/admin/coupons/mint', { customer: a.id, class: 'A class', count: 100_000 });
    const bFile = path.join(tmp, 'tenants-b.xml');
    const aFile = path.join(tmp, 'tenants-a.xml');
    writeFileSync(bFile, search(b.id, b.user, 0));
    writeFileSync(aFile, search(a.id, a.user, A_PAGE_INDEX));
    const check = await fetch(svc.endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml' },
      body: search(b.id, b.user, 0),
    });
    if (check.status !== 200) throw new Error(`B's SearchCoupons failed: ${(await check.text()).slice(0, 300)}`);

    log("tenants: B's SearchCoupons, quiet");
    await cannon(svc.endpoint, bFile, 2, B_CONNECTIONS);
    const quiet = await cannon(svc.endpoint, bFile, seconds, B_CONNECTIONS);
    log(`tenants: B's SearchCoupons while A runs ${A_CONNECTIONS} concurrent deep-paged searches`);
    const flood = cannon(svc.endpoint, aFile, seconds + 4, A_CONNECTIONS);
    await new Promise((r) => setTimeout(r, 2000));
    const loaded = await cannon(svc.endpoint, bFile, seconds, B_CONNECTIONS);
    const byA = await flood;
    const x = (v: number, q: number): string => (q > 0 ? `${(v / q).toFixed(2)}×` : 'n/a');
    const row = (what: string, q: number, l: number): string =>
      `${what.padEnd(36)} ${`${q} / ${l} ms`.padStart(16)}  ${x(l, q).padStart(7)}  target within 3×`;
    return [
      '',
      `Tenants: B's SearchCoupons (first 100 of ${B_COUPONS}) quiet / while A (${A_COUPONS.toLocaleString('en-US')} coupons) runs ${A_CONNECTIONS} concurrent searches of page ${A_PAGE_INDEX}`,
      row("B's p50 quiet / under A", quiet.p50, loaded.p50),
      row("B's p99 quiet / under A", quiet.p99, loaded.p99),
      `  (B: autocannon -c ${B_CONNECTIONS} -d ${seconds}, ${quiet.requests} vs ${loaded.requests} requests, ` +
        `${quiet.non2xx + loaded.non2xx} non-2xx; A: ${byA.requests} requests, ${byA.non2xx} refused or failed — ` +
        `over its cap of ${cap} concurrent calls, code 117 — p50 ${byA.p50} ms)`,
    ];
  } finally {
    await svc.stop();
    if (adminDb) {
      await adminDb.raw(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await adminDb.destroy();
    }
  }
}
