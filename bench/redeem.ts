// `npm run bench -- --only redeem` (also part of the full run): RedeemCoupon on distinct codes, 16 in flight, on a
// service of its own (fresh database or the embedded PGlite): redemptions per second, the service's CPU and
// PostgreSQL's time per call, then the top functions of a second instance profiled (--cpu-prof) under the same load.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnServer, type ServerProcess } from '../test/support/server-process.ts';
import {
  benchDatabase,
  dbTime,
  postgresCpuMs,
  processCpuMs,
  topFunctions,
  retentionClass,
  type PostMany,
} from './measure.ts';

type User = { authenticationToken: string; developerToken: string };

const CODES = 5000;
/**
 * Accounts the codes are spread over (BENCH_REDEEM_ACCOUNTS, default 1,000: five offers each, as accounts hold
 * them); a second run puts 50 on each of 100 accounts, since a redemption rewrites its account's whole state.
 */
const ACCOUNTS = Number(process.env.BENCH_REDEEM_ACCOUNTS ?? 1000);

function envelope(inner: string, user: User): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" ` +
    `xmlns:b="https://bingads.microsoft.com/Billing/v13"><s:Header>` +
    `<b:AuthenticationToken>${user.authenticationToken}</b:AuthenticationToken>` +
    `<b:DeveloperToken>${user.developerToken}</b:DeveloperToken></s:Header><s:Body>` +
    `<b:RedeemCouponRequest>${inner}</b:RedeemCouponRequest></s:Body></s:Envelope>`
  );
}

/** Runs the section and returns its report lines. */
export async function redeemBench(
  postMany: PostMany,
  log: (s: string) => void,
  env: Record<string, string>,
): Promise<string[]> {
  const { adminDb, dbName, dbUrl } = await benchDatabase('billing_bench_redeem');
  const adminKey = randomBytes(18).toString('base64url');
  const profDir = await mkdtemp(path.join(os.tmpdir(), 'billing-redeem-prof-'));
  const started: ServerProcess[] = [];
  try {
    const svc = await spawnServer({ databaseUrl: dbUrl, adminKey, env, startTimeoutMs: 180000 });
    started.push(svc);
    const admin = svc.admin.bind(svc);
    const { id: customer } = await admin<{ id: string }>('/admin/customers', { name: 'Redeem' });
    const user = await admin<User>('/admin/users', { customer, role: 'SuperAdmin' });
    await admin('/admin/classes', retentionClass(customer, 'Redeem'));
    const newAccounts = async (n: number): Promise<string[]> => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++)
        ids.push(
          (await admin<{ id: string }>('/admin/accounts', { customer, currency: 'USD', paymentMethod: true })).id,
        );
      return ids;
    };
    const accounts = await newAccounts(ACCOUNTS);
    const bodies = async (over = accounts, count = CODES): Promise<string[]> => {
      const codes: string[] = [];
      for (let n = 0; n < count; n += 1000)
        codes.push(
          ...(
            await admin<{ codes: string[] }>('/admin/coupons/mint', {
              customer,
              class: 'Redeem',
              count: Math.min(1000, count - n),
            })
          ).codes,
        );
      return codes.map((code, i) =>
        envelope(`<b:AccountId>${over[i % over.length]}</b:AccountId><b:CouponCode>${code}</b:CouponCode>`, user),
      );
    };
    const headers = { 'Content-Type': 'text/xml; charset=utf-8' };
    log('RedeemCoupon on distinct codes: warm-up');
    await postMany(svc.endpoint, headers, await bodies(accounts, 500), 16);
    const measured = await bodies();
    const pgTime = adminDb ? await dbTime(adminDb, dbName) : null;
    const pgBefore = await pgTime?.read();
    log('RedeemCoupon on distinct codes');
    const cpuBefore = processCpuMs(svc.pid);
    const pgCpuBefore = postgresCpuMs(dbName);
    const run = await postMany(svc.endpoint, headers, measured, 16);
    const cpuMs = (processCpuMs(svc.pid) - cpuBefore) / Math.max(1, run.count);
    const pgCpuMs = (postgresCpuMs(dbName) - pgCpuBefore) / Math.max(1, run.count);
    const pgPerCall = pgTime && pgBefore !== undefined ? ((await pgTime.read()) - pgBefore) / run.count : null;

    // The same on 100 fresh accounts, CODES / 100 codes each: every redemption reads and rewrites its account's
    // whole engine state, which by the end holds that many offers.
    log('RedeemCoupon on distinct codes, 30 per account');
    const crowded = await bodies(await newAccounts(100));
    const crowdedCpuBefore = processCpuMs(svc.pid);
    const crowdedPgBefore = postgresCpuMs(dbName);
    const crowdedRun = await postMany(svc.endpoint, headers, crowded, 16);
    const crowdedCpuMs = (processCpuMs(svc.pid) - crowdedCpuBefore) / Math.max(1, crowdedRun.count);
    const crowdedPgMs = (postgresCpuMs(dbName) - crowdedPgBefore) / Math.max(1, crowdedRun.count);

    const peakMb = Math.round(
      Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${svc.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
    );
    log('RedeemCoupon: profiling a second instance');
    const profiled = await spawnServer({
      databaseUrl: dbUrl,
      adminKey,
      env,
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`],
      startTimeoutMs: 180000,
    });
    started.push(profiled);
    await postMany(profiled.endpoint, headers, await bodies(accounts, 500), 16);
    const profBodies = await bodies();
    const t0 = performance.now();
    await postMany(profiled.endpoint, headers, profBodies, 16);
    const profMs = performance.now() - t0;
    await profiled.stop();
    started.pop();
    const profile = topFunctions(profDir, 5, profMs);
    // BENCH_PROFILE_DIR=dir keeps the .cpuprofile (for Chrome DevTools or speedscope).
    if (process.env.BENCH_PROFILE_DIR) await cp(profDir, process.env.BENCH_PROFILE_DIR, { recursive: true });
    return [
      `RedeemCoupon, distinct codes       ${`${((run.count / run.ms) * 1000).toFixed(0)}/s`.padStart(8)}   target >= 1,000/s (${JSON.stringify(run.statuses)}, 16 in flight, ${CODES} codes over ${ACCOUNTS} accounts)`,
      `  CPU per call: service ${cpuMs.toFixed(3)} ms, PostgreSQL backends ${pgCpuMs.toFixed(3)} ms; peak RSS of this service ${peakMb} MB; PostgreSQL time per call ${pgPerCall === null ? 'n/a (PGlite)' : `${pgPerCall.toFixed(3)} ms (${pgTime!.source})`}`,
      `  the same, ${CODES} codes over 100 accounts (${CODES / 100} offers each by the end): ${((crowdedRun.count / crowdedRun.ms) * 1000).toFixed(0)}/s ` +
        `(${JSON.stringify(crowdedRun.statuses)}); CPU per call: service ${crowdedCpuMs.toFixed(3)} ms, PostgreSQL backends ${crowdedPgMs.toFixed(3)} ms`,
      `  top functions by self time (--cpu-prof, ${profile.samples} busy samples):`,
      ...profile.lines.map((l) => `  ${l}`),
    ];
  } finally {
    for (const s of started) await s.stop();
    await rm(profDir, { recursive: true, force: true });
    if (adminDb) {
      await adminDb.raw(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await adminDb.destroy();
    }
  }
}
