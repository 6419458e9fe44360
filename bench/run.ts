// `npm run bench`: starts the service (PostgreSQL at DATABASE_URL in a fresh database, else the embedded PGlite),
// loads data, and prints figures measured in this one run, side by side:
//   SearchCoupons (100-coupon page, ClassName predicate, 16 connections): (a) this service, (b) bare node-soap
//   serving the official WSDL from memory, (c) a canned-response Node server; then (a) again at 1,000,000 coupons;
//   RedeemCoupon on distinct codes; spend events through the batch API; DispatchCoupons of 1,000 emails; peak RSS.
// Load comes from other processes (autocannon, bench/peers/post-many.ts). BENCH_COUPONS, BENCH_SECONDS adjust size.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import knexFactory from 'knex';
import { parseEnvelope } from '../src/soap/envelope.ts';
import { readXml, type XElement } from '../src/soap/xml-reader.ts';
import { predicateXml, searchPredicatesXml } from '../test/support/factories.ts';
import { parseShapes } from '../test/support/parse-shapes.ts';
import { officialWsdlPath, repoRoot } from '../test/support/official-wsdl.ts';
import { startPgbouncer, type Pgbouncer } from '../test/support/pgbouncer.ts';
import { spawnServer, type ServerProcess } from '../test/support/server-process.ts';
import { cannon, type Cannon } from './cannon.ts';
import { benchDatabase, dbTime, processCpuMs, retentionClass, topFunctions } from './measure.ts';
import { couponInfoBench } from './coupon-info.ts';
import { redeemBench } from './redeem.ts';
import { tenantsBench } from './tenants.ts';

const execFileAsync = promisify(execFile);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const BIG = Number(process.env.BENCH_COUPONS ?? 1_000_000);
const MID = 10_000;
const ENT = 'https://bingads.microsoft.com/Customer/v13/Entities';
const tmp = await mkdtemp(path.join(os.tmpdir(), 'billing-bench-'));
/**
 * `npm run bench -- --only parse` runs only the parsing section (worst-case parse CPU, latency under a flood);
 * `--only search` stops after the SearchCoupons comparison (a/b/c, CPU and PostgreSQL time per call, profile);
 * `--only tenants` only the tenant section (bench/tenants.ts: one customer's searches beside another's load);
 * `--only redeem` only RedeemCoupon on distinct codes (bench/redeem.ts: rate, CPU and PostgreSQL time per call, profile);
 * `--only couponinfo` only GetCouponInfo with 1,000 offers among BENCH_COUPONS coupons, and the event loop's longest
 * delay while the expiry sweep and the outbox worker are busy (bench/coupon-info.ts).
 */
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
/**
 * `--instances N` runs N service processes on the database and splits SearchCoupons (a)'s 16 connections among
 * them (figures summed: req/s and CPU; latencies: the worst instance's); `--pgbouncer` puts a pgbouncer of the bench's
 * own (transaction pooling, test/support/pgbouncer.ts) between every instance and PostgreSQL (DB_TRANSACTION_POOLER=1).
 */
const INSTANCES = process.argv.includes('--instances')
  ? Math.max(1, Number(process.argv[process.argv.indexOf('--instances') + 1]))
  : 1;
const PGBOUNCER = process.argv.includes('--pgbouncer');
const REDEEM_ENV = { OUTBOX_WORKER: '0', EXPIRY_SWEEP_MS: '0', RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'warn' };
const log = (s: string): void => void process.stderr.write(`· ${s}\n`);
/** The sections `--only` runs alone: each prints its own lines, then the run removes its scratch folder and ends. */
const alone: Record<string, () => Promise<string[]>> = {
  tenants: () => tenantsBench(tmp, Math.max(5, Math.min(SECONDS, 10)), log),
  redeem: () => redeemBench(cannonBodies, log, REDEEM_ENV),
  couponinfo: () => couponInfoBench(BIG, postMany, log),
};
const section = ONLY === undefined ? undefined : alone[ONLY];
if (section) {
  try {
    process.stdout.write(`${(await section()).join('\n')}\n`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  process.exit(0);
}

/** POSTs every body once from another process (fetch), `concurrency` in flight. */
function postMany(url: string, headers: Record<string, string>, bodies: string[], concurrency: number) {
  return bodiesFrom('bench/peers/post-many.ts', url, headers, bodies, concurrency);
}

/** The same on autocannon (bench/peers/cannon-bodies.ts), whose own cost per request is far smaller than fetch's. */
function cannonBodies(url: string, headers: Record<string, string>, bodies: string[], concurrency: number) {
  return bodiesFrom('bench/peers/cannon-bodies.ts', url, headers, bodies, concurrency);
}

async function bodiesFrom(
  peer: string,
  url: string,
  headers: Record<string, string>,
  bodies: string[],
  concurrency: number,
) {
  const job = path.join(tmp, `job-${randomBytes(4).toString('hex')}.json`);
  writeFileSync(job, JSON.stringify({ url, headers, concurrency, bodies }));
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', peer, job], {
    cwd: repoRoot,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as { count: number; ms: number; statuses: Record<string, number> };
}

function startPeer(script: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repoRoot, stdio: 'pipe' });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
    child.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function envelope(op: string, inner: string, user: { authenticationToken: string; developerToken: string }): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" ` +
    `xmlns:b="https://bingads.microsoft.com/Billing/v13" xmlns:e="${ENT}"><s:Header>` +
    `<b:AuthenticationToken>${user.authenticationToken}</b:AuthenticationToken>` +
    `<b:DeveloperToken>${user.developerToken}</b:DeveloperToken></s:Header><s:Body>` +
    `<b:${op}Request>${inner}</b:${op}Request></s:Body></s:Envelope>`
  );
}

/** The coupons of a SearchCoupons response as plain objects, for node-soap to serve. */
function couponsOf(xml: string): Record<string, string | null>[] {
  const find = (e: XElement, local: string): XElement[] =>
    e.local === local ? [e] : e.children.flatMap((c) => find(c, local));
  return find(readXml(xml), 'Coupon').map((c) =>
    Object.fromEntries(
      c.children.map((f) => [f.local, f.attrs.get('{http://www.w3.org/2001/XMLSchema-instance}nil') ? null : f.text]),
    ),
  );
}

/** The least CPU time (ms) of reading a whole request envelope, over a few runs, in this process. */
function parseCpuMs(xml: string): number {
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const before = process.cpuUsage();
    try {
      parseEnvelope(xml);
    } catch {
      // A capped shape is refused part-way: what it cost to get there is the figure.
    }
    const used = process.cpuUsage(before);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** The service's peak RSS (VmHWM) after each phase, so the phase that sets the peak shows in the report. */
const phasePeaks: string[] = [];
function markPhase(pid: number, phase: string): void {
  const mb = peakRssMb(pid);
  phasePeaks.push(`${phase} ${mb}`);
  log(`VmHWM after ${phase}: ${mb} MB`);
}

// ---------------------------------------------------------------------------------------------------------------
const baseUrl = process.env.DATABASE_URL || null;
const { adminDb, dbName, dbUrl } = await benchDatabase('billing_bench');
const adminKey = randomBytes(18).toString('base64url');
let svc: ServerProcess | null = null;
const extra: ServerProcess[] = [];
let bouncer: Pgbouncer | null = null;
const peers: ChildProcess[] = [];
const rows: string[][] = [];
try {
  log(
    `starting ${INSTANCES} service instance(s) on ${baseUrl ? 'PostgreSQL' : 'embedded PGlite'}${PGBOUNCER ? ' through pgbouncer' : ''}`,
  );
  if (PGBOUNCER) {
    if (!baseUrl) throw new Error('--pgbouncer needs DATABASE_URL');
    bouncer = await startPgbouncer(dbUrl);
  }
  const serviceEnv = {
    OUTBOX_WORKER: '0',
    EXPIRY_SWEEP_MS: '0',
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
    ...(PGBOUNCER ? { DB_TRANSACTION_POOLER: '1' } : {}),
  };
  const serviceUrl = bouncer ? bouncer.urlFor(dbUrl) : dbUrl;
  svc = await spawnServer({ databaseUrl: serviceUrl, adminKey, env: serviceEnv, startTimeoutMs: 180000 });
  for (let i = 1; i < INSTANCES; i++)
    extra.push(await spawnServer({ databaseUrl: serviceUrl, adminKey, env: serviceEnv, startTimeoutMs: 180000 }));
  const admin = svc.admin.bind(svc);
  const { id: customer } = await admin<{ id: string }>('/admin/customers', { name: 'Bench' });
  const user = await admin<{ authenticationToken: string; developerToken: string }>('/admin/users', {
    customer,
    role: 'SuperAdmin',
  });
  await admin('/admin/classes', { ...retentionClass(customer, 'Spring'), threshold: '10' });
  await admin('/admin/coupons/mint', { customer, class: 'Spring', count: 100 });
  await admin('/admin/classes', retentionClass(customer, 'Filler'));
  let total = 100;
  const fill = async (target: number): Promise<void> => {
    log(`filling to ${target.toLocaleString('en-US')} coupons`);
    if (baseUrl) {
      const db = knexFactory({ client: 'pg', connection: dbUrl, pool: { min: 0, max: 1 } });
      await db.raw(
        `INSERT INTO coupons (class_id, owner_customer_id, class_name, start_date, code, minted_at)
         SELECT k.id, k.customer_id, k.name, k.start_date, 'Z' || upper(lpad(to_hex(g), 12, '0')), now()
           FROM coupon_classes k, generate_series(?::bigint, ?::bigint) g WHERE k.name = 'Filler' AND k.customer_id = ?`,
        [total, target - 1, customer],
      );
      // VACUUM too, as a table in service is: otherwise autovacuum starts on the million new rows mid-measurement.
      await db.raw('VACUUM (ANALYZE) coupons');
      await db.destroy();
    } else {
      for (let n = total; n < target; n += 100_000)
        await admin('/admin/coupons/mint', { customer, class: 'Filler', count: Math.min(100_000, target - n) });
    }
    total = target;
  };
  await fill(MID);
  markPhase(svc.pid, 'start, 10k coupons');

  const search = envelope(
    'SearchCoupons',
    // The CustomerId predicate is required (fault 474 without it), then the ClassName one.
    `${searchPredicatesXml(customer, predicateXml('ClassName', 'Equals', 'Spring'))}` +
      `<b:PageInfo><e:Index>0</e:Index><e:Size>100</e:Size></b:PageInfo>`,
    user,
  );
  const searchFile = path.join(tmp, 'search.xml');
  writeFileSync(searchFile, search);
  const once = await fetch(svc.endpoint, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body: search });
  const responseXml = await once.text();
  const coupons = couponsOf(responseXml);
  if (once.status !== 200 || coupons.length !== 100)
    throw new Error(`unexpected SearchCoupons answer: ${responseXml.slice(0, 300)}`);
  // Parsing: CPU per worst-case 1 MiB request (read whole, as for an authenticated caller), and a real
  // SearchCoupons' latency quiet vs. while four anonymous senders flood 1 MiB bodies (never parsed past the Header).
  const parseLines: string[] = ['', 'Parsing a worst-case 1 MiB request (whole envelope, in-process CPU, least of 5)'];
  for (const shape of parseShapes(1024 * 1024))
    parseLines.push(
      `  ${shape.name.padEnd(42)} ${`${parseCpuMs(shape.xml).toFixed(1)} ms`.padStart(9)}   target < 100 ms`,
    );
  const floodFile = path.join(tmp, 'flood.xml');
  writeFileSync(floodFile, parseShapes(1024 * 1024).find((x) => x.name.startsWith('nesting'))!.xml);
  const latencySeconds = Math.max(5, Math.min(SECONDS, 10));
  log('SearchCoupons latency: quiet');
  await cannon(svc.endpoint, searchFile, 2);
  const quiet = await cannon(svc.endpoint, searchFile, latencySeconds);
  markPhase(svc.pid, 'search quiet');
  log('SearchCoupons latency: four anonymous senders flooding 1 MiB bodies');
  const floods: ChildProcess[] = [];
  for (let i = 0; i < 4; i++)
    floods.push(await startPeer('bench/peers/flood.ts', [svc.endpoint, floodFile, `127.0.0.${i + 2}`]));
  peers.push(...floods);
  const flooded = await cannon(svc.endpoint, searchFile, latencySeconds);
  for (const f of floods) f.kill();
  markPhase(svc.pid, '1 MiB floods');
  const x = (v: number, q: number): string => (q > 0 ? `${(v / q).toFixed(2)}×` : 'n/a');
  parseLines.push(
    `SearchCoupons p50 quiet / flooded   ${`${quiet.p50} / ${flooded.p50} ms`.padStart(16)}  ${x(flooded.p50, quiet.p50)}  target within 3×`,
    `SearchCoupons p99 quiet / flooded   ${`${quiet.p99} / ${flooded.p99} ms`.padStart(16)}  ${x(flooded.p99, quiet.p99)}  target within 3×`,
    `  (autocannon -c 16 -d ${latencySeconds}; ${quiet.rps.toFixed(0)} vs ${flooded.rps.toFixed(0)} req/s, non-2xx ${quiet.non2xx} vs ${flooded.non2xx}; 4 flood processes, one 1 MiB body in flight each)`,
  );
  if (ONLY === 'parse') process.stdout.write(`${parseLines.join('\n')}\n`);
  else {
    const responseFile = path.join(tmp, 'response.xml');
    writeFileSync(responseFile, responseXml);
    const couponsFile = path.join(tmp, 'coupons.json');
    writeFileSync(couponsFile, JSON.stringify(coupons));

    const soapPort = await freePort();
    const soapPeer = await startPeer('bench/peers/node-soap.ts', [String(soapPort), officialWsdlPath(), couponsFile]);
    peers.push(soapPeer);
    const cannedPort = await freePort();
    const cannedPeer = await startPeer('bench/peers/canned.ts', [String(cannedPort), responseFile]);
    peers.push(cannedPeer);
    const soapUrl = `http://127.0.0.1:${soapPort}/Api/Billing/v13/CustomerBillingService.svc`;
    const cannedUrl = `http://127.0.0.1:${cannedPort}/`;

    /**
     * One measured run, with the CPU the serving processes spent per answered request; several targets share the
     * 16 connections (one autocannon each, at once).
     */
    const measured = async (targets: { url: string; pid: number }[]): Promise<Cannon & { cpuMs: number }> => {
      const cpu = (): number => targets.reduce((sum, t) => sum + processCpuMs(t.pid), 0);
      const before = cpu();
      const runs = await Promise.all(
        targets.map((t) => cannon(t.url, searchFile, SECONDS, Math.max(1, Math.round(16 / targets.length)))),
      );
      const run: Cannon = {
        rps: runs.reduce((s, r) => s + r.rps, 0),
        requests: runs.reduce((s, r) => s + r.requests, 0),
        p50: Math.max(...runs.map((r) => r.p50)),
        p99: Math.max(...runs.map((r) => r.p99)),
        non2xx: runs.reduce((s, r) => s + r.non2xx, 0),
      };
      return { ...run, cpuMs: (cpu() - before) / Math.max(1, run.requests) };
    };
    const services = [svc, ...extra].map((s) => ({ url: s.endpoint, pid: s.pid }));
    const pgTime = adminDb ? await dbTime(adminDb, dbName) : null;
    log('SearchCoupons: warm-up');
    await Promise.all(services.map((s) => cannon(s.url, searchFile, 3, Math.round(16 / services.length))));
    const pgBefore = await pgTime?.read();
    log('SearchCoupons: (a) this service');
    const a = await measured(services);
    markPhase(svc.pid, 'search (a)');
    const pgPerCall = pgTime && pgBefore !== undefined ? ((await pgTime.read()) - pgBefore) / a.requests : null;
    log('SearchCoupons: (b) bare node-soap');
    await cannon(soapUrl, searchFile, 2);
    const b = await measured([{ url: soapUrl, pid: soapPeer.pid! }]);
    log('SearchCoupons: (c) canned Node server');
    await cannon(cannedUrl, searchFile, 2);
    const c = await measured([{ url: cannedUrl, pid: cannedPeer.pid! }]);
    for (const p of peers) p.kill();

    // Where the service's CPU goes: a second instance on the same database, profiled (--cpu-prof) under the same load.
    log('SearchCoupons: profiling a second instance');
    const profDir = path.join(tmp, 'profile');
    const profiled = await spawnServer({
      databaseUrl: serviceUrl,
      adminKey,
      env: serviceEnv,
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`],
      startTimeoutMs: 180000,
    });
    await cannon(profiled.endpoint, searchFile, 2);
    await cannon(profiled.endpoint, searchFile, SECONDS);
    await profiled.stop();
    const profile = topFunctions(profDir, 5, SECONDS * 1000 + 500);
    // BENCH_PROFILE_DIR=dir keeps the .cpuprofile (for Chrome DevTools or speedscope).
    if (process.env.BENCH_PROFILE_DIR) await cp(profDir, process.env.BENCH_PROFILE_DIR, { recursive: true });
    const fmt = (x: Cannon & { cpuMs?: number }): string[] => [
      x.rps.toFixed(0),
      `${x.p50}`,
      `${x.p99}`,
      `${x.non2xx}`,
      x.cpuMs === undefined ? '' : x.cpuMs.toFixed(3),
    ];
    rows.push([
      `SearchCoupons (a) this service${INSTANCES > 1 ? ` ×${INSTANCES}` : ''}${PGBOUNCER ? ' +pgbouncer' : ''}, 10k`,
      ...fmt(a),
    ]);
    rows.push(['SearchCoupons (b) bare node-soap, memory', ...fmt(b)]);
    rows.push(['SearchCoupons (c) canned Node http', ...fmt(c)]);
    const searchLines = [
      `PostgreSQL time per SearchCoupons (a)      ${pgPerCall === null ? 'n/a (PGlite)' : `${pgPerCall.toFixed(3)} ms`}` +
        `${pgTime ? `  (${pgTime.source}, over ${a.requests} calls)` : ''}`,
      `Top functions by self time, SearchCoupons (a) profiled (--cpu-prof, ${profile.samples} busy samples):`,
      ...profile.lines,
    ];
    if (ONLY === 'search') {
      const r = (x: string[]): string =>
        `${x[0]!.padEnd(44)} ${x
          .slice(1)
          .map((v) => v.padStart(8))
          .join(' ')}`;
      process.stdout.write(
        `${['name req/s p50 p99 non2xx cpu-ms/call', ...rows.map(r), ...searchLines, `a/b ${(a.rps / b.rps).toFixed(2)}  a/c ${(a.rps / c.rps).toFixed(2)}`].join('\n')}\n`,
      );
    } else {
      await fill(BIG);
      await cannon(svc.endpoint, searchFile, 3);
      const big = await cannon(svc.endpoint, searchFile, SECONDS);
      markPhase(svc.pid, 'search at 1M');
      rows.push([`SearchCoupons (a) at ${BIG.toLocaleString('en-US')} coupons`, ...fmt(big)]);

      const accounts: string[] = [];
      for (let i = 0; i < 100; i++)
        accounts.push(
          (await admin<{ id: string }>('/admin/accounts', { customer, currency: 'USD', paymentMethod: true })).id,
        );

      log('spend ingestion through /admin/spend/batch');
      const t0 = Date.now();
      const perAccount = 400;
      const batches: string[] = [];
      for (let k = 0; k < accounts.length / 5; k++) {
        const events = [];
        for (const acct of accounts.slice(k * 5, k * 5 + 5))
          for (let i = 0; i < perAccount; i++)
            events.push({
              account: acct,
              amount: `${(i % 9) + 1}.${i % 100}`.replace(/\.(\d)$/, '.0$1'),
              at: new Date(t0 + i * 5).toISOString(),
            });
        batches.push(JSON.stringify({ events }));
      }
      await new Promise((r) => setTimeout(r, perAccount * 5 + 200)); // every event time is now in the past
      const spend = await postMany(
        `${svc.baseUrl}/admin/spend/batch`,
        { 'Content-Type': 'application/json', Authorization: `Bearer ${adminKey}` },
        batches,
        4,
      );
      const spendEvents = (accounts.length * perAccount * (spend.statuses['200'] ?? 0)) / batches.length;
      markPhase(svc.pid, 'spend batches');

      log('DispatchCoupons of 1,000 emails');
      await admin('/admin/classes', retentionClass(customer, 'Dispatch'));
      await admin('/admin/coupons/mint', { customer, class: 'Dispatch', count: 3000 });
      const dispatchMs: number[] = [];
      for (let run = 0; run < 3; run++) {
        const emails = Array.from({ length: 1000 }, (_, i) => `<r:string>p${run}-${i}@example.com</r:string>`).join('');
        const body = envelope(
          'DispatchCoupons',
          `<b:SendToEmails xmlns:r="http://schemas.microsoft.com/2003/10/Serialization/Arrays">${emails}</b:SendToEmails>` +
            `<b:CustomerId>${customer}</b:CustomerId><b:CouponClassName>Dispatch</b:CouponClassName>`,
          user,
        );
        const started = performance.now();
        const res = await fetch(svc.endpoint, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body });
        const text = await res.text();
        dispatchMs.push(performance.now() - started);
        if (res.status !== 200 || text.includes('BatchError'))
          throw new Error(`dispatch failed: ${text.slice(0, 300)}`);
      }
      markPhase(svc.pid, 'dispatch');
      const rss = peakRssMb(svc.pid);

      const cpus = os.cpus();
      const out: string[] = [];
      out.push(
        `machine: ${cpus.length} cores (${cpus[0]?.model ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      );
      out.push(
        `database: ${baseUrl ? 'PostgreSQL (DATABASE_URL, fresh database)' : 'embedded PGlite'}; load: autocannon -c 16 -d ${SECONDS}, separate process`,
      );
      out.push('');
      out.push(
        `${'SearchCoupons, 100-coupon page'.padEnd(44)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'non-2xx'.padStart(8)} ${'CPU ms/call'.padStart(12)}`,
      );
      for (const r of rows)
        out.push(
          `${r[0]!.padEnd(44)} ${r[1]!.padStart(8)} ${r[2]!.padStart(7)} ${r[3]!.padStart(7)} ${r[4]!.padStart(8)} ${r[5]!.padStart(12)}`,
        );
      out.push(...searchLines);
      out.push('');
      const ratio = (x: number, y: number): string => (y > 0 ? (x / y).toFixed(2) : 'n/a');
      out.push(`a/b (vs bare node-soap)            ${ratio(a.rps, b.rps).padStart(8)}   target >= 10`);
      out.push(`a/c (vs canned response)           ${ratio(a.rps, c.rps).padStart(8)}   target >= 0.25`);
      out.push(`p99 at 16 connections (a)          ${`${a.p99} ms`.padStart(8)}   target < 25 ms`);
      out.push(
        `p50 ${BIG.toLocaleString('en-US')} / 10k coupons   ${ratio(big.p50, a.p50).padStart(8)}   target <= 1.3`,
      );
      out.push(`p99 ${BIG.toLocaleString('en-US')} / 10k coupons   ${ratio(big.p99, a.p99).padStart(8)}`);
      out.push(...(await redeemBench(cannonBodies, log, REDEEM_ENV)));
      out.push(
        `spend events via batch API         ${`${((spendEvents / spend.ms) * 1000).toFixed(0)}/s`.padStart(8)}   target >= 5,000/s (${batches.length} batches of ${5 * perAccount}, 4 in flight)`,
      );
      out.push(
        `DispatchCoupons, 1,000 emails      ${`${Math.round(Math.min(...dispatchMs))} ms`.padStart(8)}   (runs: ${dispatchMs.map((m) => Math.round(m)).join(', ')} ms)`,
      );
      out.push(`peak RSS of the service (VmHWM)    ${`${rss} MB`.padStart(8)}   target <= 250 MB`);
      out.push(`  VmHWM after each phase (MB): ${phasePeaks.join(', ')}`);
      out.push(...parseLines);
      out.push(...(await tenantsBench(tmp, latencySeconds, log)));
      out.push(...(await couponInfoBench(BIG, postMany, log)));
      process.stdout.write(`${out.join('\n')}\n`);
    }
  }
} finally {
  for (const p of peers) p.kill();
  await svc?.stop();
  for (const s of extra) await s.stop();
  await bouncer?.stop();
  if (adminDb) {
    await adminDb.raw(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await adminDb.destroy();
  }
  await rm(tmp, { recursive: true, force: true });
}
