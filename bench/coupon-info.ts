// `npm run bench -- --only couponinfo` (also part of the full run, PostgreSQL only): GetCouponInfo for a customer
// whose accounts hold 1,000 offers, among BENCH_COUPONS (default 1,000,000) coupons of another customer, p50/p99 of
// sequential calls; then the same while the expiry sweep ends those 1,000 offers (the test clock moved 60 days on)
// and the outbox worker writes 1,000 dispatched emails. Beside each, the longest event-loop delay of the service in
// that phase (/metrics nodejs_eventloop_delay_max_seconds, reset by each scrape).
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { spawnServer } from '../test/support/server-process.ts';
import { benchDatabase, processCpuMs, topFunctions, type PostMany } from './measure.ts';

const OFFERS = 1000;
const CALLS = 200;
const ARR = 'http://schemas.microsoft.com/2003/10/Serialization/Arrays';

type User = { authenticationToken: string; developerToken: string };

function envelope(op: string, inner: string, user: User): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" ` +
    `xmlns:b="https://bingads.microsoft.com/Billing/v13"><s:Header>` +
    `<b:AuthenticationToken>${user.authenticationToken}</b:AuthenticationToken>` +
    `<b:DeveloperToken>${user.developerToken}</b:DeveloperToken></s:Header><s:Body>` +
    `<b:${op}Request>${inner}</b:${op}Request></s:Body></s:Envelope>`
  );
}

const pct = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** Runs the section on a service of its own (fresh database) and returns its report lines. */
export async function couponInfoBench(coupons: number, postMany: PostMany, log: (s: string) => void) {
  const { adminDb, dbName, dbUrl } = await benchDatabase('billing_bench_info');
  if (!adminDb) return ['GetCouponInfo with 1,000 offers: skipped (needs DATABASE_URL)'];
  const svc = await spawnServer({
    databaseUrl: dbUrl,
    adminKey: randomBytes(18).toString('base64url'),
    env: {
      BILLING_TEST_CLOCK: '1',
      EXPIRY_SWEEP_MS: '500',
      OUTBOX_WORKER: '1',
      OUTBOX_POLL_MS: '200',
      RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'warn',
    },
    startTimeoutMs: 180000,
  });
  try {
    const admin = svc.admin.bind(svc);
    await admin('/admin/clock/reset', { at: '2026-01-05T00:00:00Z' });
    const { id: customer } = await admin<{ id: string }>('/admin/customers', { name: 'Info' });
    const user = await admin<User>('/admin/users', { customer, role: 'SuperAdmin' });
    const cls = { customer, type: 'Retention', amount: '50', currency: 'USD', activeDays: 30 };
    await admin('/admin/classes', { ...cls, name: 'Info', expires: '2099-01-01T00:00:00Z' });
    await admin('/admin/classes', { ...cls, name: 'Mail', expires: '2099-01-01T00:00:00Z' });
    const { id: others } = await admin<{ id: string }>('/admin/customers', { name: 'Others' });
    await admin('/admin/classes', { ...cls, customer: others, name: 'Filler', expires: '2099-01-01T00:00:00Z' });
    log(`GetCouponInfo: ${coupons.toLocaleString('en-US')} coupons of another customer`);
    const db = knexFactory({ client: 'pg', connection: dbUrl, pool: { min: 0, max: 1 } });
    await db.raw(
      `INSERT INTO coupons (class_id, owner_customer_id, class_name, start_date, code, minted_at)
       SELECT k.id, k.customer_id, k.name, k.start_date, 'Y' || upper(lpad(to_hex(g), 12, '0')), now()
         FROM coupon_classes k, generate_series(1, ?::bigint) g WHERE k.name = 'Filler' AND k.customer_id = ?`,
      [Math.max(0, coupons - 2 * OFFERS), others],
    );
    await db.raw('ANALYZE coupons');
    await db.destroy();
    const accounts: string[] = [];
    for (let i = 0; i < 100; i++)
      accounts.push(
        (await admin<{ id: string }>('/admin/accounts', { customer, currency: 'USD', paymentMethod: true })).id,
      );
    const codes = (await admin<{ codes: string[] }>('/admin/coupons/mint', { customer, class: 'Info', count: OFFERS }))
      .codes;
    await admin('/admin/coupons/mint', { customer, class: 'Mail', count: OFFERS });
    log(`GetCouponInfo: redeeming ${OFFERS} coupons`);
    const headers = { 'Content-Type': 'text/xml; charset=utf-8' };
    const redeemed = await postMany(
      svc.endpoint,
      headers,
      codes.map((code, i) =>
        envelope(
          'RedeemCoupon',
          `<b:AccountId>${accounts[i % accounts.length]}</b:AccountId><b:CouponCode>${code}</b:CouponCode>`,
          user,
        ),
      ),
      16,
    );
    if (redeemed.statuses['200'] !== OFFERS) throw new Error(`redeem: ${JSON.stringify(redeemed.statuses)}`);

    const info = envelope('GetCouponInfo', `<b:CustomerId>${customer}</b:CustomerId>`, user);
    const maxDelayMs = async (): Promise<number> => {
      const text = await (await fetch(`${svc.baseUrl}/metrics`)).text();
      return Number(/^nodejs_eventloop_delay_max_seconds (\S+)$/m.exec(text)?.[1] ?? NaN) * 1000;
    };
    const calls = async (endpoint = svc.endpoint): Promise<number[]> => {
      const ms: number[] = [];
      for (let i = 0; i < CALLS; i++) {
        const t0 = performance.now();
        const res = await fetch(endpoint, { method: 'POST', headers, body: info });
        const body = await res.text();
        ms.push(performance.now() - t0);
        // The items, not counting the array element that holds them.
        const n = (body.match(/<(?:\w+:)?CouponInfoData>/g) ?? []).length - 1;
        if (res.status !== 200 || n < OFFERS) throw new Error(`GetCouponInfo: ${res.status} ${body.slice(0, 300)}`);
      }
      return ms.sort((a, b) => a - b);
    };
    log('GetCouponInfo: quiet');
    await calls();
    await maxDelayMs();
    const cpuBefore = processCpuMs(svc.pid);
    const quiet = await calls();
    // The service's own CPU per call (user + system, /proc ticks of 10 ms over the 200 calls).
    const cpuPerCall = (processCpuMs(svc.pid) - cpuBefore) / CALLS;
    const quietDelay = await maxDelayMs();

    // Where that CPU goes: a second instance on the same database (no sweep, no outbox worker), profiled
    // (--cpu-prof) under the same calls; only the measured calls' time is read from the profile.
    log('GetCouponInfo: profiling a second instance');
    const profDir = await mkdtemp(path.join(os.tmpdir(), 'billing-info-prof-'));
    let profile: { lines: string[]; samples: number };
    try {
      const profiled = await spawnServer({
        databaseUrl: dbUrl,
        adminKey: svc.adminKey,
        env: { BILLING_TEST_CLOCK: '1', EXPIRY_SWEEP_MS: '0', OUTBOX_WORKER: '0', RATE_LIMIT_PER_MINUTE: '0' },
        nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`],
        startTimeoutMs: 180000,
      });
      let profiledMs = 0;
      try {
        await calls(profiled.endpoint);
        const t0 = performance.now();
        await calls(profiled.endpoint);
        profiledMs = performance.now() - t0;
      } finally {
        await profiled.stop();
      }
      profile = topFunctions(profDir, 5, profiledMs + 500);
      // BENCH_PROFILE_DIR=dir keeps the .cpuprofile (for Chrome DevTools or speedscope).
      if (process.env.BENCH_PROFILE_DIR) await cp(profDir, process.env.BENCH_PROFILE_DIR, { recursive: true });
    } finally {
      await rm(profDir, { recursive: true, force: true });
    }

    log('GetCouponInfo: while the sweep ends 1,000 offers and the outbox writes 1,000 emails');
    await admin('/admin/clock', { advance: 'P60D' });
    const emails = Array.from({ length: OFFERS }, (_, i) => `<a:string>bench${i}@example.com</a:string>`).join('');
    const dispatched = await fetch(svc.endpoint, {
      method: 'POST',
      headers,
      body: envelope(
        'DispatchCoupons',
        `<b:SendToEmails xmlns:a="${ARR}">${emails}</b:SendToEmails><b:CustomerId>${customer}</b:CustomerId>` +
          `<b:CouponClassName>Mail</b:CouponClassName>`,
        user,
      ),
    });
    if (dispatched.status !== 200) throw new Error(`dispatch: ${(await dispatched.text()).slice(0, 300)}`);
    await maxDelayMs();
    const busy = await calls();
    const busyDelay = await maxDelayMs();
    const line = (name: string, ms: readonly number[], delay: number): string =>
      `  ${name.padEnd(52)} p50 ${pct(ms, 50).toFixed(1).padStart(6)} ms  p99 ${pct(ms, 99).toFixed(1).padStart(6)} ms` +
      `  event-loop max ${delay.toFixed(1)} ms`;
    return [
      '',
      `GetCouponInfo, ${OFFERS.toLocaleString('en-US')} offers among ${coupons.toLocaleString('en-US')} coupons (${CALLS} sequential calls; target < 20 ms)`,
      line('quiet', quiet, quietDelay),
      line('expiry sweep + outbox busy (clock +60 days, 1,000 emails)', busy, busyDelay),
      `  service CPU per GetCouponInfo call (quiet, /proc/<pid>/stat)   ${cpuPerCall.toFixed(2)} ms`,
      `Top functions by self time, GetCouponInfo profiled (--cpu-prof, ${profile.samples} busy samples):`,
      ...profile.lines,
    ];
  } finally {
    await svc.stop();
    await adminDb.raw(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await adminDb.destroy();
  }
}
